//! End to end in a real browser: the browser-app fixture is built and started, and
//! `tests/browser/hydration.mjs` drives Debian's Chromium through playwright-core against it:
//! server-rendered HTML, hydration, a counter, next/link navigations without a reload,
//! history.back(), and an Edge getServerSideProps page reached through `/_next/data`.
//!
//! Needs `bash scripts/setup.sh chromium` and `bash scripts/fixtures.sh` (scripts/test.sh runs
//! both); a missing piece fails the test with the command that installs it.

mod support;

use std::path::Path;
use std::process::{Command, Stdio};

use support::Server;

const CHROMIUM: &str = "/usr/bin/chromium";

fn require(path: &Path, what: &str, install: &str) {
    assert!(
        path.exists(),
        "{what} is missing ({}); run `{install}` first",
        path.display()
    );
}

#[test]
fn pages_hydrate_and_navigate_on_the_client_in_chromium() {
    let root = support::repo_root();
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
        &root.join("tests/fixtures/browser-app/node_modules/react-dom"),
        "the browser-app fixture's React",
        "bash scripts/fixtures.sh",
    );

    let server = Server::fixture("browser-app", &[]);
    let url = format!("http://127.0.0.1:{}", server.port);
    let output = Command::new("node")
        .arg(root.join("tests/browser/hydration.mjs"))
        .arg(&url)
        .current_dir(&root)
        .env("CHROMIUM", &chromium)
        .stdin(Stdio::null())
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "tests/browser/hydration.mjs {url} failed ({}):\n{stdout}{stderr}\n-- server log:\n{}",
        output.status,
        server.log()
    );
    // One line per step, seen with `cargo test -- --nocapture`.
    println!("{stdout}{stderr}");
}
