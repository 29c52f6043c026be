//! End to end: packages from `node_modules` in Node.js bundles. CommonJS ones (and the
//! CommonJS build of a dual package) stay `require`d at run time; ES modules (`.mjs`,
//! `"type": "module"`, packages exported only to `import`) are bundled, and give an API route
//! and a page's getServerSideProps the values they export, also to a bundled ES module
//! package importing them by their default export (as `@vercel/examples-ui` imports
//! `@swc/helpers`).

mod support;

use std::path::Path;
use std::sync::LazyLock;

use support::{Server, all_output, build, fixture};

/// The esm-packages-app fixture, built once; its packages come from `tests/fixtures/esm-packages`.
static SERVER: LazyLock<Server> = LazyLock::new(|| {
    let app = fixture("esm-packages-app");
    assert_packages_installed(app.path());
    let output = build(app.path());
    assert!(output.status.success(), "{}", all_output(&output));
    let mut server = Server::start(app.path(), &[], &[]);
    server.app = Some(app);
    server
});

/// The fixture's local packages must be copies inside node_modules, as registry packages
/// are: linked ones resolve outside it, are bundled as the app's code, and test nothing.
fn assert_packages_installed(app: &Path) {
    for name in PACKAGES {
        let package = app.join("node_modules").join(name);
        let metadata = std::fs::symlink_metadata(&package).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; run scripts/fixtures.sh tests/fixtures/esm-packages-app",
                package.display()
            )
        });
        assert!(
            metadata.is_dir(),
            "{} is a link, not a copy (see the fixture's .npmrc)",
            package.display()
        );
    }
}

/// The fixture's local packages.
const PACKAGES: [&str; 6] = [
    "cjs-pkg",
    "dual-pkg",
    "esm-default",
    "esm-exports",
    "esm-type-module",
    "ui-kit",
];

/// What `lib/report.js` returns for `name`, every package giving what it exports.
fn expected_report(name: &str) -> serde_json::Value {
    serde_json::json!({
        "extended": { "a": 1, "b": 2 },
        "greeting": format!("hello {name}"),
        "flavour": "type-module",
        "esmOnly": "esm-only default",
        "kind": "exports-import-only",
        "dual": "cjs",
        "shouted": "LOUD!",
        "badge": { "label": "new", "kind": "badge" },
        "kitGreeting": "hello kit",
    })
}

/// The Node.js bundle of `page`, as the manifest names it.
fn node_bundle(page: &str) -> String {
    let app = SERVER.app.as_ref().unwrap().path();
    let manifest = std::fs::read_to_string(app.join(".switchyard/manifest.json")).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let route = manifest["routes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|route| route["route"]["page"] == page)
        .unwrap_or_else(|| panic!("no route {page} in {manifest}"));
    let bundle = route["bundle"].as_str().unwrap();
    std::fs::read_to_string(app.join(".switchyard").join(bundle)).unwrap()
}

/// The response to `GET path`, which must be a success (the server's log shows why not).
fn get_ok(path: &str) -> support::http::Response {
    let response = SERVER.get(path);
    assert_eq!(
        response.status,
        200,
        "{path}: {}\n{}",
        response.text(),
        SERVER.log()
    );
    response
}

#[test]
fn an_api_route_gets_what_each_kind_of_package_exports() {
    assert_eq!(get_ok("/api/packages").json(), expected_report("api"));
}

#[test]
fn a_bundled_es_module_package_gets_the_defaults_it_imports() {
    // ui-kit is bundled (it declares `next`) and is an ES module: rolldown gives it Node.js's
    // interop, where a `require`d ES module would be its default export whole.
    assert_eq!(
        get_ok("/api/kit").json(),
        serde_json::json!({
            "badge": { "label": "new", "kind": "badge" },
            "kitGreeting": "hello kit",
        })
    );
}

#[test]
fn a_node_page_gets_them_in_get_server_side_props() {
    let html = get_ok("/packages").text();
    let start = html
        .find(r#"<script id="__NEXT_DATA__" type="application/json">"#)
        .unwrap_or_else(|| panic!("no __NEXT_DATA__ in {html}"));
    let json = &html[start..];
    let json = &json[json.find('>').unwrap() + 1..json.find("</script>").unwrap()];
    let data: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(
        data["props"]["pageProps"]["report"],
        expected_report("page")
    );
    assert!(html.contains(r#"<pre id="report">"#), "{html}");
}

#[test]
fn only_commonjs_packages_are_left_to_require() {
    let everything = [
        "esm-default/extend.mjs",
        "esm-type-module",
        "esm-exports",
        "ui-kit",
    ];
    // React is CommonJS: the page renders with the app's copy, not a bundled one.
    let cases: [(&str, &[&str], &[&str]); 3] = [
        ("/api/packages", &["cjs-pkg", "dual-pkg"], &everything),
        ("/packages", &["cjs-pkg", "dual-pkg", "react"], &everything),
        (
            "/api/kit",
            &[],
            &["esm-default/extend.mjs", "esm-type-module", "ui-kit"],
        ),
    ];
    for (page, kept, bundled) in cases {
        let bundle = node_bundle(page);
        for name in kept {
            assert!(
                bundle.contains(&format!("require(\"{name}\")")),
                "{page} should require {name}:\n{bundle}"
            );
        }
        for name in bundled {
            assert!(
                !bundle.contains(&format!("require(\"{name}\")")),
                "{page} should bundle {name}:\n{bundle}"
            );
        }
    }
}
