//! The PCI accountability page: each PCI component that plan 230/KH-UBND (section IV) assigns
//! to a lead agency, with that agency's scores on the matching DDCI components. A DDCI
//! component asked about another kind of unit (land access is asked about the districts, from
//! 2025 the communes) is shown as that kind's median, named as such, beside the lead agency.

use super::{number, unit_name, LoadedRun};
use crate::catalog::PciLink;
use crate::locale::{self, pick};
use serde_json::{json, Value};

fn median(mut xs: Vec<f64>) -> Option<f64> {
    xs.sort_by(f64::total_cmp);
    let m = xs.len() / 2;
    match xs.len() {
        0 => None,
        n if n % 2 == 1 => Some(xs[m]),
        _ => Some((xs[m - 1] + xs[m]) / 2.0),
    }
}

/// The kind's name in the page's language (its code if the catalog lacks it).
fn kind_name<'a>(loaded: &'a LoadedRun, code: &'a str, lang: &str) -> &'a str {
    loaded
        .catalog
        .kinds
        .iter()
        .find(|k| k.code == code)
        .map_or(code, |k| pick(lang, &k.name_vi, &k.name_en))
}

/// The matching DDCI components, one entry per component name: the lead agency's score when
/// the component is asked about its kind, and the median of each other kind that has it.
fn matched(loaded: &LoadedRun, link: &PciLink, lead_kind: &str, lang: &str) -> Vec<Value> {
    let mut out: Vec<(String, Option<String>, Vec<Value>)> = Vec::new();
    for c in link
        .ddci_component_codes
        .iter()
        .filter_map(|code| loaded.catalog.components.iter().find(|c| &c.code == code))
    {
        let name = pick(lang, &c.name_vi, &c.name_en).clone();
        let scores = loaded
            .result
            .component_scores
            .iter()
            .filter(|s| s.component_code == c.code);
        let at = match out.iter().position(|(n, ..)| *n == name) {
            Some(i) => i,
            None => {
                out.push((name, None, Vec::new()));
                out.len() - 1
            }
        };
        if c.kind == lead_kind {
            let score = scores
                .clone()
                .find(|s| s.unit_code == link.lead_unit_code)
                .and_then(|s| s.score);
            out[at].1 = Some(number(score, lang, 2));
        } else {
            let values: Vec<f64> = scores.filter_map(|s| s.score).collect();
            let label = locale::text_with(
                lang,
                "pci-median-of-kind",
                &[
                    ("kind", kind_name(loaded, &c.kind, lang)),
                    ("count", &values.len().to_string()),
                ],
            );
            out[at].2.push(json!({
                "label": label,
                "score": number(median(values), lang, 2),
            }));
        }
    }
    out.into_iter()
        .map(|(name, lead_score, medians)| {
            json!({"name": name, "lead_score": lead_score, "medians": medians})
        })
        .collect()
}

/// The accountability table in the page's language.
pub fn pci_view(loaded: &LoadedRun, links: &[PciLink], lang: &str) -> Value {
    let rows: Vec<Value> = links
        .iter()
        .map(|l| {
            let lead = loaded
                .result
                .scores
                .iter()
                .find(|s| s.unit_code == l.lead_unit_code);
            let lead_kind = lead.map_or("", |s| s.kind.as_str());
            let ranked_of_kind = loaded
                .result
                .scores
                .iter()
                .filter(|s| s.kind == lead_kind && s.ranked)
                .count();
            let rank = lead
                .and_then(|s| s.rank)
                .map(|r| format!("{r}/{ranked_of_kind}"));
            json!({
                "pci": pick(lang, &l.name_vi, &l.name_en),
                "weight": l.pci_weight.map(|w| number(Some(w), lang, 0)),
                "lead_code": l.lead_unit_code,
                "lead": unit_name(loaded, &l.lead_unit_code, lang),
                "lead_kind": kind_name(loaded, lead_kind, lang),
                "lead_total": number(lead.and_then(|s| s.total), lang, 2),
                "lead_rank": rank,
                "components": matched(loaded, l, lead_kind, lang),
            })
        })
        .collect();
    json!({"year": loaded.cycle.year, "rows": rows})
}
