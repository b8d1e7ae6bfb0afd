//! A Python with pandas and pyreadstat, to read ddci's files back as researchers do. It lives
//! in the venv `$DDCI_VENV` (default /var/cache/ddci-venv, the one `.ci/fuzz-api.sh` uses);
//! on a fresh machine the venv is created and the two packages installed from PyPI, so that
//! `cargo test` needs nothing prepared by hand.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

fn works(python: &PathBuf) -> bool {
    Command::new(python)
        .args(["-c", "import pandas, pyreadstat"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn must(cmd: &mut Command) {
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The venv's python, with pandas and pyreadstat importable (installed once per test run).
pub fn python() -> PathBuf {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let venv = PathBuf::from(
                ddci::config::var("DDCI_VENV").unwrap_or_else(|| "/var/cache/ddci-venv".into()),
            );
            let python = venv.join("bin/python");
            if !python.exists() {
                must(Command::new("python3").args(["-m", "venv"]).arg(&venv));
            }
            if !works(&python) {
                must(Command::new(venv.join("bin/pip")).args([
                    "install",
                    "-q",
                    "--disable-pip-version-check",
                    "pandas",
                    "pyreadstat",
                ]));
            }
            assert!(
                works(&python),
                "pandas and pyreadstat in {}",
                venv.display()
            );
            python
        })
        .clone()
}

/// Runs `script` with `args` (sys.argv[1:]) and parses what it prints as JSON.
pub fn json(script: &str, args: &[&str]) -> serde_json::Value {
    let out = Command::new(python())
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}
