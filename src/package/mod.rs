//! The open data package of METHODOLOGY.md §7: writing it (with evaluation pseudonyms and a
//! coarsened profile, so no row leads back to a business) and reading paper responses in the
//! same format.

#[cfg(test)]
mod anonymity_tests;
pub mod csvfmt;
mod export;
#[cfg(test)]
mod export_tests;
#[cfg(test)]
mod fixture;
mod import;
mod microdata;
mod published;
mod stata;
mod tables;

pub use export::{
    files, write_dir, write_files, write_zip, zip_bytes, zip_files, PackageError, PackageInput,
    StoredResponse,
};
pub use import::{parse_import, ImportBatch};
pub use microdata::{pseudonym, MIN_PROFILE_ROWS};
pub use stata::{dta, StataExportError};

/// The CSV column of a profile question: its code in lower case without `profile_`
/// (`PROFILE_SECTOR` → `sector`).
pub fn profile_column(code: &str) -> String {
    let lower = code.to_ascii_lowercase();
    lower.strip_prefix("profile_").unwrap_or(&lower).to_string()
}
