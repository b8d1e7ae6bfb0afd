//! The response monitor as admins read it: evaluations per unit against the ranking threshold,
//! responses per day, and responses per profile answer with groups under five suppressed (a
//! count of one or two businesses of a rare kind could point at them).

use crate::catalog::SeedCatalog;
use crate::db::monitor::Counts;
use crate::locale::pick;
use serde_json::{json, Value};

/// Groups smaller than this are shown as "fewer than 5", never as their count.
pub const SMALL_GROUP: i64 = 5;

/// The count to show, or `None` for a small group.
pub fn shown(count: i64) -> Option<i64> {
    (count >= SMALL_GROUP).then_some(count)
}

/// The monitor's tables in the page's language.
pub fn monitor_view(
    counts: &Counts,
    catalog: &SeedCatalog,
    min_responses: u32,
    lang: &str,
) -> Value {
    // Per kind, each unit against its kind's minimum (the cycle's when the kind has none), as a
    // share: "18 (60%)".
    let kinds: Vec<Value> = catalog
        .kinds
        .iter()
        .map(|k| {
            let min = k.min_responses.unwrap_or(min_responses).max(1);
            let units: Vec<Value> = catalog
                .units
                .iter()
                .filter(|u| u.kind == k.code)
                .map(|u| {
                    let n = counts
                        .per_unit
                        .iter()
                        .find(|(code, _)| *code == u.code)
                        .map_or(0, |(_, n)| *n);
                    let percent = (n * 100) / i64::from(min);
                    json!({
                        "name": pick(lang, &u.name_vi, &u.name_en),
                        "count": n,
                        "percent": percent,
                        "bar": percent.min(100),
                        "enough": n >= i64::from(min),
                    })
                })
                .collect();
            json!({"name": pick(lang, &k.name_vi, &k.name_en), "min": min, "units": units})
        })
        .filter(|k| k["units"].as_array().is_some_and(|u| !u.is_empty()))
        .collect();
    let day_label = |day: &str| -> String {
        // Stored as yyyy-mm-dd; read as dd/mm/yyyy in Vietnamese.
        match (lang, day.split('-').collect::<Vec<_>>().as_slice()) {
            ("vi", [y, m, d]) => format!("{d}/{m}/{y}"),
            _ => day.to_string(),
        }
    };
    let days: Vec<Value> = counts
        .per_day
        .iter()
        .map(|(day, n)| json!({"day": day_label(day), "count": n}))
        .collect();
    // Responses per day as bars, one per day in date order.
    let most = counts.per_day.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let day_bars: Vec<super::charts::Bar> = counts
        .per_day
        .iter()
        .map(|(day, n)| super::charts::Bar {
            label: day_label(day),
            value: *n as f64,
            interval: None,
            group: Some(1),
            marker: None,
        })
        .collect();
    let days_chart = (!day_bars.is_empty())
        .then(|| {
            super::charts::bars(
                &day_bars,
                (0.0, (most.max(1) as f64 * 1.1).ceil()),
                &crate::locale::text(lang, "admin-monitor-days"),
                lang,
            )
            .ok()
        })
        .flatten();
    json!({
        "kinds": kinds,
        "days": days,
        "days_chart": days_chart,
        "profile": profile_view(counts, catalog, lang),
        "min_responses": min_responses,
    })
}

fn profile_view(counts: &Counts, catalog: &SeedCatalog, lang: &str) -> Vec<Value> {
    catalog
        .profile_questions
        .iter()
        .map(|q| {
            // Choices in the questionnaire's order (sizes small to large), then any stored
            // value the catalog no longer lists.
            let choices: Vec<_> = catalog
                .profile_choices
                .iter()
                .filter(|c| c.question_code == q.code)
                .collect();
            let mut answered: Vec<_> = counts
                .per_profile
                .iter()
                .filter(|(code, _, _)| *code == q.code)
                .collect();
            answered.sort_by_key(|(_, value, _)| {
                choices
                    .iter()
                    .position(|c| c.code == *value)
                    .unwrap_or(usize::MAX)
            });
            let rows: Vec<Value> = answered
                .into_iter()
                .map(|(_, value, n)| {
                    let label = choices
                        .iter()
                        .find(|c| c.code == *value)
                        .map_or(value.as_str(), |c| pick(lang, &c.label_vi, &c.label_en));
                    json!({"answer": label, "count": shown(*n)})
                })
                .collect();
            json!({"question": pick(lang, &q.text_vi, &q.text_en), "rows": rows})
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_under_five_are_suppressed() {
        assert_eq!(shown(0), None);
        assert_eq!(shown(4), None);
        assert_eq!(shown(5), Some(5));
        assert_eq!(shown(120), Some(120));
    }

    #[test]
    fn small_profile_groups_never_show_their_count() {
        let catalog = SeedCatalog::embedded().expect("catalog").for_year(2024);
        let q = &catalog.profile_questions[0];
        let counts = Counts {
            per_profile: vec![
                (q.code.clone(), "rare".into(), 2),
                (q.code.clone(), "common".into(), 40),
            ],
            ..Counts::default()
        };
        let view = monitor_view(&counts, &catalog, 30, "vi");
        let rows = &view["profile"][0]["rows"];
        assert_eq!(rows[0]["count"], Value::Null);
        assert_eq!(rows[1]["count"], 40);
        assert!(!view.to_string().contains(":2"));
    }
}
