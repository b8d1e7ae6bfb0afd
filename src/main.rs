//! The `ddci` command: parse the command line, start logging, hand over to the library.

use clap::Parser;

// mimalloc serves the many small allocations of request handling (JSON, templates, diesel
// binds) faster than glibc's malloc: +25% submissions/s and +50% page requests/s on the
// project's machine (BENCHMARKS.md), at the price of more resident memory, which
// MIMALLOC_ARENA_EAGER_COMMIT=0 mostly gives back.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = ddci::cli::Cli::parse();
    ddci::telemetry::init(ddci::config::log_filter().as_deref());
    match ddci::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // One sentence with its causes, not a panic trace.
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
