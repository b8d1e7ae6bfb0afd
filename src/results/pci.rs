//! The PCI accountability page: each PCI component that plan 230/KH-UBND (section IV) assigns
//! to a lead agency, with that agency's scores on the matching DDCI components. Where a PCI
//! component is matched by a component of the other kind (a district component for a
//! department's lead), the districts' median is shown for context instead.

use super::{number, unit_name, LoadedRun};
use crate::catalog::PciLink;
use crate::locale::pick;
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

fn matched(loaded: &LoadedRun, link: &PciLink, lead_kind: &str, lang: &str) -> Vec<Value> {
    link.ddci_component_codes
        .iter()
        .filter_map(|code| loaded.catalog.components.iter().find(|c| &c.code == code))
        .map(|c| {
            let scores = loaded
                .result
                .component_scores
                .iter()
                .filter(|s| s.component_code == c.code);
            let (score, of_lead) = if c.kind == lead_kind {
                (
                    scores
                        .clone()
                        .find(|s| s.unit_code == link.lead_unit_code)
                        .and_then(|s| s.score),
                    true,
                )
            } else {
                (median(scores.filter_map(|s| s.score).collect()), false)
            };
            json!({
                "name": pick(lang, &c.name_vi, &c.name_en),
                "score": number(score, lang, 2),
                "of_lead": of_lead,
            })
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
            json!({
                "pci": pick(lang, &l.name_vi, &l.name_en),
                "weight": l.pci_weight.map(|w| number(Some(w), lang, 0)),
                "lead_code": l.lead_unit_code,
                "lead": unit_name(loaded, &l.lead_unit_code, lang),
                "lead_total": number(lead.and_then(|s| s.total), lang, 2),
                "lead_rank": lead.and_then(|s| s.rank),
                "components": matched(loaded, l, lead_kind, lang),
            })
        })
        .collect();
    json!({"year": loaded.cycle.year, "rows": rows})
}
