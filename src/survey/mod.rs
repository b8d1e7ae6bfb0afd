//! The respondent's side: invitation codes and submissions, without HTTP or SQL.

pub mod admission;
pub mod codes;
pub mod draft;
pub mod submission;
