//! The DDCI scoring method (../shared/METHODOLOGY.md §2–6) as pure functions over plain data.
//!
//! - [`score`]: a whole scoring run of a cycle (raw values, intervals, normalisation, component
//!   scores, totals, ranks, groups, bootstrap, reliability, change).
//! - [`rank_totals`] / [`rank_csv`]: §5 from a table of component scores only.
//!
//! No database, HTTP or file system here; `table` reads and writes through `Read`/`Write`.

pub mod aggregate;
pub mod bootstrap;
mod buckets;
pub mod calibration;
mod compute;
mod engine;
mod evals;
mod history;
pub mod intervals;
pub mod model;
pub mod normalise;
mod output;
mod prepare;
pub mod rank;
pub mod reliability;
pub mod result;
pub mod sensitivity;
pub mod shrinkage;
pub mod study;
pub mod succession;
pub mod table;
mod table_input;
mod warnings;
pub mod what_if;

pub use aggregate::raw_value;
pub use engine::score;
pub use intervals::{interval, kish_n_eff, percentile};
pub use model::*;
pub use rank::{rank_totals, ranking_order, ComponentRow, RankedRow};
pub use reliability::cronbach_alpha;
pub use result::*;
pub use table::{rank_csv, TableError};

/// Version of the engine, published in the data package (`ddci.engine_version`).
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");
