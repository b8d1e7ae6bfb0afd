//! The integration tests, one module per area, in one crate so that they link once.

#[path = "../common/mod.rs"]
mod common;

mod abuse;
mod admin_pages;
mod analysis;
mod catalog_eras;
mod comments;
mod crash;
mod disclosure;
mod first_run;
mod foundation;
mod group_commit;
mod letters;
mod mail;
mod mixing;
mod package_reproduction;
mod paper_import;
mod proxy;
mod reader_pages;
mod reproducible_runs;
mod results_pages;
mod schema_drift;
mod scoring_bootstrap;
mod scoring_formulas;
mod scoring_pci_reproduction;
mod scoring_pipeline;
mod scoring_properties;
mod scoring_reform;
mod scoring_table;
mod sealed_drafts;
mod secrets_backup;
mod stata;
mod survey_api;
mod survey_pages;
