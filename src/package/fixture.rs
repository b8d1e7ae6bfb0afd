//! A small package input on the built-in Lạng Sơn catalog, shared by the package tests.

use super::{files, PackageInput, StoredResponse};
use crate::catalog::SeedCatalog;
use crate::scoring::model::Config;
use crate::scoring::result::{
    ComponentScore, IndicatorScore, KindSummary, Reliability, ScoringResult, UnitScore,
};

/// §7's table, verbatim; responses.csv then has the Lạng Sơn profile columns.
pub const HEADERS: &[(&str, &str)] = &[
    ("units.csv", "unit_code,kind,name_vi,name_en,valid_from,valid_to,official_code"),
    ("unit_links.csv", "unit_code,predecessor_code,relation,note"),
    ("components.csv", "component_code,kind,name_vi,name_en,weight"),
    ("indicators.csv", "indicator_code,component_code,kind,question_type,aggregate,direction,weight,text_vi,text_en"),
    ("responses.csv", "response_id,weight,sector,size,ownership,years,district"),
    ("answers.csv", "response_id,unit_code,indicator_code,value"),
    ("indicator_scores.csv", "unit_code,indicator_code,n,raw_value,ci_low,ci_high,pool_min,pool_max,score,weight_sum,weight_sq_sum,within_ss,estimate,shrinkage"),
    ("component_scores.csv", "unit_code,component_code,score"),
    ("scores.csv", "unit_code,kind,responses,ranked,total,rank,group,total_ci_low,total_ci_high,rank_ci_low,rank_ci_high,total_change,rank_change,missing_components,change_basis,total_change_ci_low,total_change_ci_high,change_significant,rank_sensitivity_low,rank_sensitivity_high"),
    ("summary.csv", "kind,ranked_units,median_total,mean_total"),
    ("reliability.csv", "kind,component_code,n,alpha"),
    ("shrinkage.csv", "kind,indicator_code,m,mu,sigma2,tau2"),
];

pub struct Fixture {
    pub catalog: SeedCatalog,
    pub config: Config,
    pub result: ScoringResult,
    pub responses: Vec<StoredResponse>,
}

impl Fixture {
    pub fn input(&self) -> PackageInput<'_> {
        PackageInput {
            year: 2024,
            status: "published",
            catalog: &self.catalog,
            config: &self.config,
            pooled_cycles: &[2023],
            engine_version: "0.1.0",
            result: &self.result,
            responses: &self.responses,
            secret: b"an installation secret of 32 b.",
        }
    }
}

/// Responses 1–5 run a trade business, 6–9 agriculture; response 1 rates two units.
pub fn stored(id: i64) -> StoredResponse {
    let sector = if id <= 5 { "trade" } else { "agri" };
    let mut answers = vec![
        ("DEP_KHDT".to_string(), "DEP_TR01".to_string(), 4.0),
        ("DEP_KHDT".to_string(), "DEP_TR03".to_string(), 1.0),
    ];
    if id == 1 {
        answers.push(("DIS_BAC_SON".to_string(), "DIS_TR01".to_string(), 2.0));
    }
    StoredResponse {
        id,
        // One weight for all (§7: a weight held by fewer than 5 businesses would single them out;
        // `export_tests` checks that refusal).
        weight: 1.5,
        profile: vec![("PROFILE_SECTOR".to_string(), sector.to_string())],
        answers,
    }
}

fn unit_score(unit: &str, kind: &str, ranked: bool) -> UnitScore {
    UnitScore {
        unit_code: unit.into(),
        kind: kind.into(),
        responses: if ranked { 30 } else { 6 },
        ranked,
        total: ranked.then_some(72.5),
        rank: ranked.then_some(1),
        group: ranked.then(|| "Tốt".to_string()),
        group_index: ranked.then_some(1),
        total_ci_low: ranked.then_some(70.25),
        total_ci_high: ranked.then_some(74.0),
        rank_ci_low: ranked.then_some(1),
        rank_ci_high: ranked.then_some(2),
        total_change: ranked.then_some(-1.5),
        rank_change: ranked.then_some(-1),
        change_basis: None,
        total_change_ci_low: ranked.then_some(-3.25),
        total_change_ci_high: ranked.then_some(0.5),
        change_significant: ranked.then_some(false),
        rank_sensitivity_low: ranked.then_some(1),
        rank_sensitivity_high: ranked.then_some(2),
        count_only: false,
        missing_components: if ranked {
            vec!["DEPC_TIME_COSTS".into(), "DEPC_DYNAMISM".into()]
        } else {
            vec![]
        },
    }
}

fn result() -> ScoringResult {
    ScoringResult {
        year: 2024,
        indicator_scores: vec![IndicatorScore {
            unit_code: "DEP_KHDT".into(),
            indicator_code: "DEP_TR01".into(),
            n: 30,
            raw_value: Some(0.1),
            ci_low: None,
            ci_high: Some(1e-7),
            pool_min: Some(0.0),
            pool_max: Some(100.0),
            score: Some(5.5),
            weight_sum: Some(30.0),
            weight_sq_sum: Some(30.0),
            within_ss: Some(2.7),
            estimate: Some(0.1),
            shrinkage: None,
        }],
        component_scores: vec![ComponentScore {
            unit_code: "DEP_KHDT".into(),
            component_code: "DEPC_TRANSPARENCY".into(),
            score: Some(7.25),
        }],
        scores: vec![
            unit_score("DEP_KHDT", "department", true),
            unit_score("DIS_BAC_SON", "district", false),
        ],
        summary: vec![KindSummary {
            kind: "department".into(),
            ranked_units: 1,
            median_total: Some(72.5),
            mean_total: Some(72.5),
        }],
        reliability: vec![Reliability {
            kind: "department".into(),
            component_code: "DEPC_TRANSPARENCY".into(),
            n: 12,
            alpha: None,
        }],
        shrinkage: vec![],
        replicate_totals: Default::default(),
        pooled_cycles: vec![2023],
        warnings: vec![],
    }
}

pub fn fixture() -> Fixture {
    Fixture {
        catalog: SeedCatalog::embedded()
            .expect("built-in catalog")
            .for_year(2024),
        config: Config::default(),
        result: result(),
        responses: (1..=9).map(stored).collect(),
    }
}

pub fn text_files(f: &Fixture) -> Vec<(String, String)> {
    files(&f.input())
        .expect("package")
        .into_iter()
        .map(|(n, b)| (n, String::from_utf8(b).expect("utf-8")))
        .collect()
}

pub fn file(f: &Fixture, name: &str) -> String {
    let all = text_files(f);
    all.into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, t)| t)
        .expect(name)
}

pub fn rows(text: &str) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    r.records()
        .map(|rec| rec.expect("row").iter().map(String::from).collect())
        .collect()
}
