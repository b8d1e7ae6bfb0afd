//! Logging: `RUST_LOG` filters (default `info`); logs go to stderr so that commands whose
//! output is data (`ddci rank`) keep stdout clean. Invitation codes are never logged.

/// `filter` is `RUST_LOG` as `config::log_filter` read it.
pub fn init(filter: Option<&str>) {
    let filter = filter
        .and_then(|f| tracing_subscriber::EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}
