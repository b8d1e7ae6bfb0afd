//! Synthetic but realistic responses for demonstrations and benchmarks.
//!
//! Each business evaluates a few departments and the district (or, from 2025, the commune) it is
//! located in; every unit has a hidden quality so that rankings have a real spread; businesses
//! differ in leniency; some answers are "don't know". Communes are chosen as businesses are
//! located: most in the four wards and the border-gate communes, a handful in most others, fewer
//! than five in some. The same seed always yields the same responses.

use crate::catalog::{IndicatorDef, SeedCatalog};
use crate::responses::{Channel, NewEvaluation, NewResponse};
use crate::scoring::model::{Direction, QuestionType};
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Comments the demo businesses leave now and then (Vietnamese, as real ones would be).
const COMMENTS: &[&str] = &[
    "Cán bộ hướng dẫn nhiệt tình, hồ sơ được giải quyết đúng hẹn.",
    "Thủ tục còn rườm rà, phải đi lại nhiều lần mới xong.",
    "Đề nghị công khai rõ hơn thời gian giải quyết từng thủ tục.",
    "Dịch vụ công trực tuyến tiện lợi, tiết kiệm thời gian.",
    "Mong lãnh đạo đơn vị tổ chức đối thoại với doanh nghiệp thường xuyên hơn.",
];

struct Rng(ChaCha8Rng);

impl Rng {
    fn uniform(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        ((self.uniform() * n as f64) as usize).min(n.saturating_sub(1))
    }

    /// Standard normal by Box–Muller (enough for synthetic data).
    fn normal(&mut self) -> f64 {
        let u1 = self.uniform().max(f64::MIN_POSITIVE);
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

/// `count` responses for a cycle whose catalog is `catalog`, dated within `year`.
pub fn generate(catalog: &SeedCatalog, year: i32, count: usize, seed: u64) -> Vec<NewResponse> {
    let mut rng = Rng(ChaCha8Rng::seed_from_u64(seed));
    let quality: Vec<f64> = catalog.units.iter().map(|_| rng.normal() * 0.8).collect();
    (0..count)
        .map(|i| one_response(catalog, &quality, year, i, &mut rng))
        .collect()
}

fn one_response(
    catalog: &SeedCatalog,
    quality: &[f64],
    year: i32,
    index: usize,
    rng: &mut Rng,
) -> NewResponse {
    let leniency = rng.normal() * 0.5;
    let chosen = choose_units(catalog, rng);
    let evaluations = chosen
        .iter()
        .map(|&u| evaluate(catalog, u, quality[u] + leniency, rng))
        .collect();
    let district = chosen
        .iter()
        .find(|&&u| catalog.units[u].kind != "department")
        .map(|&u| catalog.units[u].code.clone());
    NewResponse {
        key: format!("DEMO-{year}-{index:06}"),
        weight: 1.0,
        channel: Channel::Demo,
        submitted_on: format!("{year}-{:02}-{:02}", 8 + rng.below(3), 1 + rng.below(28)),
        profile: profile(catalog, district.as_deref(), rng),
        evaluations,
    }
}

/// Communes at the border gates (Hữu Nghị at Đồng Đăng, Tân Thanh, Chi Ma), where trading
/// businesses cluster, as named in the 2025 list.
const BORDER_GATE_COMMUNES: &[&str] = &["Xã Đồng Đăng", "Xã Hoàng Văn Thụ", "Xã Mẫu Sơn"];

/// How many businesses a commune-level unit has, relative to the others: wards and border-gate
/// communes many, the rest few and unevenly so (a fixed spread by list position).
fn commune_weight(name: &str, position: usize) -> f64 {
    if name.starts_with("Phường ") {
        12.0
    } else if BORDER_GATE_COMMUNES.contains(&name) {
        7.0
    } else {
        0.04 + 0.3 * ((position * 37) % 61) as f64 / 60.0
    }
}

/// One commune, drawn in proportion to `commune_weight`.
fn pick_commune(catalog: &SeedCatalog, of_kind: &[usize], rng: &mut Rng) -> usize {
    let weights: Vec<f64> = of_kind
        .iter()
        .enumerate()
        .map(|(i, &u)| commune_weight(&catalog.units[u].name_vi, i))
        .collect();
    let mut x = rng.uniform() * weights.iter().sum::<f64>();
    for (&u, w) in of_kind.iter().zip(&weights) {
        if x < *w {
            return u;
        }
        x -= w;
    }
    of_kind[of_kind.len() - 1]
}

/// Two to five units of the first kind (departments) and one of each other kind (the district
/// or the commune).
fn choose_units(catalog: &SeedCatalog, rng: &mut Rng) -> Vec<usize> {
    let mut chosen = Vec::new();
    for (k, kind) in catalog.kinds.iter().enumerate() {
        let of_kind: Vec<usize> = (0..catalog.units.len())
            .filter(|&u| catalog.units[u].kind == kind.code)
            .collect();
        if of_kind.is_empty() {
            continue;
        }
        if kind.code == "commune" {
            chosen.push(pick_commune(catalog, &of_kind, rng));
            continue;
        }
        let wanted = if k == 0 { 2 + rng.below(4) } else { 1 };
        while chosen
            .iter()
            .filter(|&&u: &&usize| catalog.units[u].kind == kind.code)
            .count()
            < wanted.min(of_kind.len())
        {
            // Squaring the uniform makes the first units of the list (the busiest
            // departments, listed first) more often chosen than the last.
            let pick = of_kind[((rng.uniform().powi(2)) * of_kind.len() as f64) as usize];
            if !chosen.contains(&pick) {
                chosen.push(pick);
            }
        }
    }
    chosen
}

fn evaluate(catalog: &SeedCatalog, unit: usize, goodness: f64, rng: &mut Rng) -> NewEvaluation {
    let kind = &catalog.units[unit].kind;
    let answers = catalog
        .indicators
        .iter()
        .filter(|i| &i.kind == kind)
        .map(|i| {
            let dont_know = i.dont_know && rng.uniform() < 0.08;
            let value = (!dont_know).then(|| answer(i, goodness, rng));
            (i.code.clone(), value)
        })
        .collect();
    let comment = (rng.uniform() < 0.1).then(|| COMMENTS[rng.below(COMMENTS.len())].to_string());
    NewEvaluation {
        unit_code: catalog.units[unit].code.clone(),
        answers,
        comment,
    }
}

/// One answer: a latent "how good was it" turned into the question's scale; for a statement
/// where agreeing is bad (lower_better) the latent is mirrored.
fn answer(i: &IndicatorDef, goodness: f64, rng: &mut Rng) -> f64 {
    let good = goodness + rng.normal() * 0.8;
    let signed = match i.direction {
        Direction::HigherBetter => good,
        Direction::LowerBetter => -good,
    };
    match i.question_type {
        QuestionType::Likert5 => (3.3 + signed).round().clamp(1.0, 5.0),
        QuestionType::YesNo => {
            let p = 1.0 / (1.0 + (-(signed * 1.5 - 0.3)).exp());
            f64::from(u8::from(rng.uniform() < p))
        }
        QuestionType::Number => (8.0 * (0.5 * signed).exp()).round().max(0.0),
    }
}

fn profile(catalog: &SeedCatalog, district: Option<&str>, rng: &mut Rng) -> Vec<(String, String)> {
    catalog
        .profile_questions
        .iter()
        .filter(|q| q.question_type == "single_choice")
        .filter_map(|q| {
            let choices: Vec<_> = catalog
                .profile_choices
                .iter()
                .filter(|c| c.question_code == q.code)
                .collect();
            // Place choices are the unit code without its prefix, in lowercase.
            let by_district = district.and_then(|d| {
                let short = d.split_once('_').map_or(d, |(_, rest)| rest);
                let short = short.to_ascii_lowercase();
                choices.iter().find(|c| c.code == short)
            });
            let choice = by_district.or_else(|| choices.get(rng.below(choices.len())))?;
            Some((q.code.clone(), choice.code.clone()))
        })
        .collect()
}
