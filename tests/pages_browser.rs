//! End to end in a real browser: the browser-app fixture is built and started, and
//! `tests/browser/hydration.mjs` drives Debian's Chromium through playwright-core against it:
//! server-rendered HTML, hydration, a counter, next/link navigations without a reload,
//! history.back(), and an Edge getServerSideProps page reached through `/_next/data`.
//!
//! Needs `bash scripts/setup.sh chromium` and `bash scripts/fixtures.sh` (scripts/test.sh runs
//! both); a missing piece fails the test with the command that installs it.

mod support;

use support::Server;
use support::browser;

#[test]
fn pages_hydrate_and_navigate_on_the_client_in_chromium() {
    let chromium = browser::prerequisites("browser-app");
    let server = Server::fixture("browser-app", &[]);
    let (stdout, stderr) = browser::run_script(&chromium, &server, "hydration.mjs", "", &[]);
    // One line per step, seen with `cargo test -- --nocapture`.
    println!("{stdout}{stderr}");
}
