//! The `ddci` command: parse the command line, start logging, hand over to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = ddci::cli::Cli::parse();
    ddci::telemetry::init();
    match ddci::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // One sentence with its causes, not a panic trace.
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
