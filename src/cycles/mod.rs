//! What administrators do to a cycle — create, open, close, score, publish, issue codes — in
//! one place for the command line and the admin pages, each step written to the audit log;
//! and the cycle's status with the rules that follow from it. `actor` is the admin's user
//! name, or `cli` for the command line.

mod codes;
pub mod comments;
mod lifecycle;
pub mod mailing;
mod runs;
mod status;

pub use codes::{codes_csv, generate_codes, store_codes, survey_link};
pub use lifecycle::{close_cycle, create_cycle, ensure_catalog, open_cycle, CatalogSource};
pub use runs::{publish_cycle, score_cycle, RunOptions, Scored};
pub use status::{PublishedError, Refused, Status};
