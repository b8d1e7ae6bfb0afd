//! Per-unit bucket arrays (see `aggregate`): the distinct answered values of each indicator,
//! and for each answer the index of its value, so that resampling only re-adds weights.

use super::aggregate::distinct_sorted;
use super::evals::UnitEvals;
use super::model::QuestionType;
use super::prepare::{KindPlan, UnitPlan};

/// Bucket slot of an answer whose type has a fixed domain (likert5: 1–5, yes_no: 0–1), so that
/// most answers find their bucket without a search; `None` for `number`.
fn slot(qt: QuestionType, x: f64) -> Option<usize> {
    match qt {
        QuestionType::Likert5 => Some((x as usize).clamp(1, 5) - 1),
        QuestionType::YesNo => Some((x as usize).min(1)),
        QuestionType::Number => None,
    }
}

fn slot_value(qt: QuestionType, s: usize) -> f64 {
    match qt {
        QuestionType::Likert5 => (s + 1) as f64,
        _ => s as f64,
    }
}

/// Which values each indicator received: fixed-domain slots, or the `number` answers.
struct Seen {
    slots: Vec<[bool; 5]>,
    numbers: Vec<Vec<f64>>,
}

pub(crate) fn build_unit(kind_index: usize, kind: &KindPlan, evals: &UnitEvals) -> UnitPlan {
    let m = kind.indicators.len();
    let mut plan = UnitPlan {
        kind: kind_index,
        n: vec![0; m],
        sum_w2: vec![0.0; m],
        ..UnitPlan::default()
    };
    let mut seen = Seen {
        slots: vec![[false; 5]; m],
        numbers: vec![Vec::new(); m],
    };
    for (e, answers) in evals.iter() {
        for &(i, x) in answers {
            plan.n[i] += 1;
            plan.sum_w2[i] += e.weight * e.weight;
            match slot(kind.question_type[i], x) {
                Some(s) => seen.slots[i][s] = true,
                None => seen.numbers[i].push(x),
            }
        }
    }
    let slot_bucket = fill_values(&mut plan, kind, seen);
    assign_buckets(&mut plan, kind, evals, &slot_bucket);
    plan
}

/// Fills `vals`/`val_start` (sorted within each indicator); returns the bucket of each slot.
fn fill_values(plan: &mut UnitPlan, kind: &KindPlan, mut seen: Seen) -> Vec<[u32; 5]> {
    let mut slot_bucket = vec![[0u32; 5]; seen.slots.len()];
    plan.val_start.push(0);
    for (i, slots) in seen.slots.iter().enumerate() {
        for s in (0..5).filter(|&s| slots[s]) {
            slot_bucket[i][s] = plan.vals.len() as u32;
            plan.vals.push(slot_value(kind.question_type[i], s));
        }
        let numbers = std::mem::take(&mut seen.numbers[i]);
        plan.vals.extend(distinct_sorted(numbers.into_iter()));
        plan.val_start.push(plan.vals.len());
    }
    slot_bucket
}

/// Fills `buckets`, `eval_start` and `weights`, in resampling order.
fn assign_buckets(
    plan: &mut UnitPlan,
    kind: &KindPlan,
    evals: &UnitEvals,
    slot_bucket: &[[u32; 5]],
) {
    plan.eval_start.push(0);
    for (e, answers) in evals.iter() {
        for &(i, x) in answers {
            let bucket = match slot(kind.question_type[i], x) {
                Some(s) => Some(slot_bucket[i][s]),
                None => number_bucket(plan, i, x),
            };
            // Always found: the buckets were built from these very answers.
            plan.buckets.extend(bucket);
        }
        plan.weights.push(e.weight);
        plan.eval_start.push(plan.buckets.len());
    }
}

fn number_bucket(plan: &UnitPlan, i: usize, x: f64) -> Option<u32> {
    let start = plan.val_start[i];
    let values = &plan.vals[start..plan.val_start[i + 1]];
    let k = values.binary_search_by(|v| v.total_cmp(&x)).ok()?;
    Some((start + k) as u32)
}
