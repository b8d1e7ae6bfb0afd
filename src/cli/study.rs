//! `ddci study`: the simulation study that chooses a kind's minimum (METHODOLOGY.md §3, §6).

use crate::scoring::model::Estimator;
use crate::scoring::study::{choose, run, StudyConfig};

#[derive(Debug, Clone, clap::Args)]
pub struct StudyArgs {
    /// Units of the kind (2025: 65 communes).
    #[arg(long, default_value_t = 65)]
    pub units: usize,
    /// Evaluations per simulated cycle, spread very unevenly over the units.
    #[arg(long, default_value_t = 3000)]
    pub evaluations: usize,
    /// Components of the kind (3 likert5 indicators each).
    #[arg(long, default_value_t = 8)]
    pub components: usize,
    /// Minimums to compare, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "5,6,8,10,12,15,20,25,30")]
    pub minimums: Vec<u32>,
    /// Simulated cycles per minimum.
    #[arg(long, default_value_t = 100)]
    pub simulations: u32,
    /// Bootstrap replicates of each scoring run.
    #[arg(long, default_value_t = 200)]
    pub bootstrap: u32,
    #[arg(long, default_value_t = 20211121)]
    pub seed: u64,
    /// `shrunk` or `direct`.
    #[arg(long, default_value = "shrunk")]
    pub estimator: String,
    /// Spread of the units' true quality on the latent answer scale (standard deviation).
    #[arg(long, default_value_t = 0.35)]
    pub between_sd: f64,
    /// How replicates become intervals: `calibrated` (published since issue 15) or
    /// `percentile` (the method before).
    #[arg(long, default_value = "calibrated")]
    pub intervals: String,
}

pub fn study(args: &StudyArgs) -> anyhow::Result<()> {
    let estimator: Estimator = args.estimator.parse()?;
    anyhow::ensure!(
        args.minimums.iter().all(|&m| m >= 5),
        "every minimum must be at least 5 (METHODOLOGY §3)"
    );
    anyhow::ensure!(args.simulations >= 1, "--simulations must be at least 1");
    anyhow::ensure!(
        args.between_sd.is_finite() && args.between_sd >= 0.0,
        "--between-sd must be a finite number ≥ 0"
    );
    let cfg = StudyConfig {
        units: args.units,
        evaluations: args.evaluations,
        components: args.components,
        minimums: args.minimums.clone(),
        simulations: args.simulations,
        bootstrap: args.bootstrap,
        seed: args.seed,
        estimator,
        between_sd: args.between_sd,
        intervals: args.intervals.parse()?,
    };
    let rows = run(&cfg);
    println!(
        "{} units, {} evaluations, {} simulations, B = {}, estimator {}, between-unit sd {}, intervals {}",
        args.units,
        args.evaluations,
        args.simulations,
        args.bootstrap,
        args.estimator,
        args.between_sd,
        args.intervals
    );
    println!("min_responses,ranked_units,median_abs_rank_error,total_coverage,rank_coverage");
    for r in &rows {
        println!(
            "{},{:.1},{},{:.3},{:.3}",
            r.min_responses,
            r.ranked_units,
            r.median_abs_rank_error,
            r.total_coverage,
            r.rank_coverage
        );
    }
    println!();
    println!("coverage by fifth of the true ranking (1 = best): min_responses,fifth,cases,total_coverage,rank_coverage");
    for r in &rows {
        for (i, f) in r.by_fifth.iter().enumerate() {
            println!(
                "{},{},{},{:.3},{:.3}",
                r.min_responses,
                i + 1,
                f.cases,
                f.total,
                f.rank
            );
        }
    }
    match choose(&rows, 5.0, 0.85) {
        Some(m) => println!(
            "smallest minimum with median |rank error| ≤ 5 and rank-interval coverage ≥ 85%: {m}"
        ),
        None => println!(
            "no minimum tried has median |rank error| ≤ 5 and rank-interval coverage ≥ 85%"
        ),
    }
    Ok(())
}
