//! Debian's Chromium driven by a playwright-core script under `tests/browser/`, against a
//! fixture served by the real binary.

use std::path::Path;
use std::process::{Command, Stdio};

use super::{Server, repo_root};

const CHROMIUM: &str = "/usr/bin/chromium";

fn require(path: &Path, what: &str, install: &str) {
    assert!(
        path.exists(),
        "{what} is missing ({}); run `{install}` first",
        path.display()
    );
}

/// Checks what a browser test of the fixture `fixture` needs (Chromium, playwright-core, the
/// fixture's packages), failing with the command that installs a missing piece; returns
/// Chromium's path.
pub fn prerequisites(fixture: &str) -> String {
    let root = repo_root();
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| CHROMIUM.to_owned());
    require(
        Path::new(&chromium),
        "Chromium",
        "bash scripts/setup.sh chromium",
    );
    require(
        &root.join("tests/browser/node_modules/playwright-core"),
        "playwright-core",
        "bash scripts/fixtures.sh",
    );
    require(
        &root.join(format!("tests/fixtures/{fixture}/node_modules/react-dom")),
        &format!("the {fixture} fixture's packages"),
        "bash scripts/fixtures.sh",
    );
    chromium
}

/// Runs `node tests/browser/<script> <url> <args>…` with `chromium`, where `url` is `path` on
/// `server`, and returns its stdout and stderr; a failing script fails the test with its output
/// and the server's log.
pub fn run_script(
    chromium: &str,
    server: &Server,
    script: &str,
    path: &str,
    args: &[&str],
) -> (String, String) {
    let root = repo_root();
    let url = format!("http://127.0.0.1:{}{path}", server.port);
    let output = Command::new("node")
        .arg(root.join("tests/browser").join(script))
        .arg(&url)
        .args(args)
        .current_dir(&root)
        .env("CHROMIUM", chromium)
        .stdin(Stdio::null())
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "tests/browser/{script} {url} failed ({}):\n{stdout}{stderr}\n-- server log:\n{}",
        output.status,
        server.log()
    );
    (stdout, stderr)
}
