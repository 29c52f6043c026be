//! End to end in a real browser: the Tailwind fixtures are built and started, and
//! `tests/browser/computed_style.mjs` loads their home page in Debian's Chromium and reads the
//! computed styles Tailwind's utilities give, so the stylesheet is linked, served and parsed
//! by a browser as `next build` output would be.
//!
//! Needs `bash scripts/setup.sh chromium` and `bash scripts/fixtures.sh` (scripts/test.sh runs
//! both); a missing piece fails the test with the command that installs it.

mod support;

use support::Server;
use support::browser;

/// The computed values of `queries` (`"#title color"`) on `/` of the fixture `name`.
fn computed_styles(name: &str, queries: &[&str]) -> serde_json::Value {
    let chromium = browser::prerequisites(name);
    let server = Server::fixture(name, &[]);
    let (stdout, _) = browser::run_script(&chromium, &server, "computed_style.mjs", "/", queries);
    let values: serde_json::Value = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|error| panic!("not JSON ({error}): {stdout}"));
    assert_eq!(
        values["failed"],
        serde_json::json!([]),
        "requests failed: {values}"
    );
    values
}

#[test]
fn tailwind_4_utilities_style_the_page_in_chromium() {
    let values = computed_styles(
        "tailwind4-app",
        &["#title color", "#title font-weight", "#mono font-family"],
    );
    // text-red-500 is `var(--color-red-500)`: oklch(63.7% 0.237 25.331) in Tailwind 4.
    assert_eq!(
        values["#title color"], "oklch(0.637 0.237 25.331)",
        "{values}"
    );
    assert_eq!(values["#title font-weight"], "700", "{values}");
    // The app's @theme changed Tailwind's font-mono.
    assert_eq!(
        values["#mono font-family"], "\"DM Mono\", monospace",
        "{values}"
    );
}

#[test]
fn tailwind_3_utilities_style_the_page_in_chromium() {
    let values = computed_styles(
        "tailwind3-app",
        &[
            "#title color",
            "#badge background-color",
            "#title user-select",
        ],
    );
    assert_eq!(values["#title color"], "rgb(239, 68, 68)", "{values}");
    // From a component file, found through tailwind.config.js's `content`.
    assert_eq!(
        values["#badge background-color"], "rgb(37, 99, 235)",
        "{values}"
    );
    assert_eq!(values["#title user-select"], "none", "{values}");
}
