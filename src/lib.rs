//! ddci: the survey and scoring engine of the DDCI (Department and District Competitiveness
//! Index). See README.md for the architecture map.

pub mod auth;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod comments;
pub mod config;
pub mod cycles;
pub mod db;
pub mod demo;
pub mod limiter;
pub mod locale;
pub mod mail;
pub mod net;
pub mod package;
pub mod print;
pub mod responses;
pub mod results;
pub mod scoring;
pub mod seal;
pub mod secrets;
pub mod sheet;
pub mod startup;
pub mod stata;
pub mod survey;
pub mod telemetry;
pub mod web;
