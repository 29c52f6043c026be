//! End to end: conventions real Next.js apps rely on. `next/*` imported from an npm package
//! (ESM or CommonJS, public names or `next/dist/...` files) is Switchyard's built-in module on
//! both server runtimes and in the browser, whether or not the app installed `next`; and a
//! tsconfig (or jsconfig) with `"jsx": "preserve"`, `paths` and `extends` builds and renders.

mod support;

use std::fs;
use std::path::Path;

use support::Server;

/// Gives the app at `app` a `node_modules` of its own (packages are written into it) with
/// React linked from the pages-app fixture (installed by scripts/fixtures.sh).
fn node_modules_with_react(app: &Path) {
    let installed = support::installed_react();
    let modules = app.join("node_modules");
    fs::create_dir_all(&modules).unwrap();
    for package in ["react", "react-dom", "scheduler"] {
        std::os::unix::fs::symlink(installed.join(package), modules.join(package)).unwrap();
    }
}

/// Writes `files` (path under `node_modules`, text) into the app at `app`.
fn install(app: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = app.join("node_modules").join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
}

/// An ES module UI package, as published: `next/head.js` with its extension, `next/link`.
const ESM_UI: &[(&str, &str)] = &[
    (
        "esm-ui/package.json",
        r#"{ "name": "esm-ui", "type": "module", "exports": { ".": "./index.js" },
  "peerDependencies": { "next": ">=13", "react": ">=18" } }"#,
    ),
    (
        "esm-ui/index.js",
        "import { createElement as h } from 'react';\n\
         import Head from 'next/head.js';\n\
         import Link from 'next/link';\n\
         export function EsmHead({ title }) {\n  \
           return h(Head, null, h('title', null, title));\n\
         }\n\
         export function EsmLink({ href, children }) {\n  \
           return h(Link, { href, className: 'esm-link' }, children);\n\
         }\n",
    ),
];

/// A CommonJS UI package, as Babel or tsc compile one: `require('next/head')` and a file
/// inside `next/dist`, through the default-import interop helper.
const CJS_UI: &[(&str, &str)] = &[
    (
        "cjs-ui/package.json",
        r#"{ "name": "cjs-ui", "main": "lib/index.js",
  "peerDependencies": { "next": ">=13", "react": ">=18" } }"#,
    ),
    (
        "cjs-ui/lib/index.js",
        "\"use strict\";\n\
         Object.defineProperty(exports, \"__esModule\", { value: true });\n\
         function _interop(obj) { return obj && obj.__esModule ? obj : { default: obj }; }\n\
         const React = require('react');\n\
         const _head = _interop(require('next/head'));\n\
         const _link = _interop(require('next/dist/client/link'));\n\
         function CjsHead({ icon }) {\n  \
           return React.createElement(_head.default, null,\n    \
             React.createElement('link', { rel: 'icon', href: icon }));\n\
         }\n\
         function CjsLink({ href, children }) {\n  \
           return React.createElement(_link.default, { href, className: 'cjs-link' }, children);\n\
         }\n\
         // Hand-written: `require('next/link')` is the component, as in the `next` package.\n\
         const DirectLink = require('next/link');\n\
         function CjsDirectLink({ href, children }) {\n  \
           return React.createElement(DirectLink, { href }, children);\n\
         }\n\
         exports.default = { CjsHead, CjsLink, CjsDirectLink };\n",
    ),
];

/// A `next` package whose modules throw when loaded: proof that nothing uses them.
const THROWING_NEXT: &[(&str, &str)] = &[
    (
        "next/package.json",
        r#"{ "name": "next", "version": "15.0.0" }"#,
    ),
    (
        "next/head.js",
        "throw new Error('REAL NEXT LOADED: head');\n",
    ),
    (
        "next/link.js",
        "throw new Error('REAL NEXT LOADED: link');\n",
    ),
    (
        "next/dist/client/link.js",
        "throw new Error('REAL NEXT LOADED: dist link');\n",
    ),
];

/// The `packages` fixture with the UI packages installed, and `extra` packages.
fn packages_app(extra: &[(&str, &str)]) -> tempfile::TempDir {
    let app = support::fixture("conventions-app/packages");
    node_modules_with_react(app.path());
    install(app.path(), ESM_UI);
    install(app.path(), CJS_UI);
    install(app.path(), extra);
    app
}

/// Builds `app` and starts it.
fn serve(app: tempfile::TempDir) -> Server {
    let output = support::build(app.path());
    assert!(
        output.status.success(),
        "build failed:\n{}",
        support::all_output(&output)
    );
    let mut server = Server::start(app.path(), &[], &[]);
    server.app = Some(app);
    server
}

/// The `<head>` and the rest of the page at `path`.
fn head_and_body(server: &Server, path: &str) -> (String, String) {
    let response = server.get(path);
    let html = response.text();
    assert_eq!(response.status, 200, "{path}: {html}\n{}", server.log());
    let (head, body) = html
        .split_once("</head>")
        .unwrap_or_else(|| panic!("{path} has no </head>: {html}"));
    (head.to_string(), body.to_string())
}

/// Both pages render the packages' head elements into `<head>` and their links as `<a>`.
fn assert_packages_render(server: &Server) {
    for (path, runtime) in [("/node", "nodejs"), ("/edge", "edge")] {
        let (head, body) = head_and_body(server, path);
        assert!(
            head.contains(r#"<title data-next-head="">From the ESM package</title>"#),
            "{path}: {head}"
        );
        assert!(
            head.contains(r#"<link rel="icon" href="/cjs-icon.png" data-next-head=""/>"#),
            "{path}: {head}"
        );
        assert!(body.contains(r#"href="/edge""#), "{path}: {body}");
        assert!(body.contains("esm link</a>"), "{path}: {body}");
        assert!(body.contains(r#"href="/node""#), "{path}: {body}");
        assert!(body.contains("cjs link</a>"), "{path}: {body}");
        assert!(
            body.contains(r#"<a href="/direct">direct link</a>"#),
            "{path}: {body}"
        );
        assert!(
            body.contains(&format!("on <!-- -->{runtime}")),
            "{path}: {body}"
        );
    }
}

/// Every file of the build under `.switchyard/`, with its text.
fn built_files(app: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut dirs = vec![app.join(".switchyard")];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if let Ok(text) = fs::read_to_string(&path) {
                files.push((path.display().to_string(), text));
            }
        }
    }
    files
}

#[test]
fn next_modules_in_packages_are_the_built_ins_without_next_installed() {
    let server = serve(packages_app(&[]));
    assert_packages_render(&server);
    let app = server.app.as_ref().unwrap().path();
    for (file, text) in built_files(app) {
        // Only the built-ins are in the bundles: no `require("next/…")` left for Node.
        assert!(!text.contains("require(\"next"), "{file}");
    }
    // The browser bundle has the packages with the built-in `next/head`.
    let browser: String = built_files(app)
        .into_iter()
        .filter(|(file, _)| file.contains("/static/chunks/"))
        .map(|(_, text)| text)
        .collect();
    assert!(browser.contains("From the ESM package") || browser.contains("esm-link"));
}

#[test]
fn an_installed_next_package_is_never_used_by_packages() {
    let server = serve(packages_app(THROWING_NEXT));
    assert_packages_render(&server);
    let app = server.app.as_ref().unwrap().path();
    for (file, text) in built_files(app) {
        assert!(!text.contains("REAL NEXT LOADED"), "{file}");
        assert!(!text.contains("require(\"next"), "{file}");
    }
    assert!(
        !server.log().contains("REAL NEXT LOADED"),
        "{}",
        server.log()
    );
}

#[test]
fn next_modules_without_a_built_in_fail_the_build_alike_from_app_and_package() {
    let app = packages_app(&[
        (
            "dist-ui/package.json",
            r#"{ "name": "dist-ui", "main": "index.js", "peerDependencies": { "next": "*" } }"#,
        ),
        (
            "dist-ui/index.js",
            "const x = 1;\nmodule.exports = require('next/dist/shared/lib/unknown-thing');\n",
        ),
        (
            "script-ui/package.json",
            r#"{ "name": "script-ui", "main": "index.js", "peerDependencies": { "next": "*" } }"#,
        ),
        (
            "script-ui/index.js",
            "module.exports = require('next/script');\n",
        ),
    ]);
    fs::write(
        app.path().join("pages/uses-dist.js"),
        "import thing from 'dist-ui';\nimport Script from 'script-ui';\n\
         export default function P() { return <p>{String(thing)}{String(Script)}</p>; }\n",
    )
    .unwrap();
    fs::write(
        app.path().join("pages/script.js"),
        "import Script from 'next/script';\n\
         export const config = { runtime: 'experimental-edge' };\n\
         export default function P() { return <Script src=\"/a.js\" />; }\n",
    )
    .unwrap();
    let output = support::build(app.path());
    let text = support::all_output(&output);
    assert!(!output.status.success(), "{text}");
    assert!(
        text.contains("./node_modules/dist-ui/index.js:2:")
            && text.contains(
                "'next/dist/shared/lib/unknown-thing' is a file inside the `next` package"
            ),
        "{text}"
    );
    assert!(
        text.contains("./node_modules/script-ui/index.js:1:")
            && text.contains("./pages/script.js:1:")
            && text.contains("Switchyard has no built-in 'next/script' module yet"),
        "{text}"
    );
}

/// The tsconfig fixture's base extends this package's file, which says `"jsx": "preserve"`.
const TSCONFIG_NEXT: &[(&str, &str)] = &[
    (
        "@tsconfig/next/package.json",
        r#"{ "name": "@tsconfig/next", "version": "2.0.3" }"#,
    ),
    (
        "@tsconfig/next/tsconfig.json",
        r#"{ "compilerOptions": { "jsx": "preserve", "module": "esnext", "moduleResolution": "bundler", "allowJs": true, "noEmit": true } }"#,
    ),
];

fn assert_greets(server: &Server, name: &str) {
    for (path, runtime) in [("/node", "nodejs"), ("/edge", "edge")] {
        let (_, body) = head_and_body(server, path);
        assert!(
            body.contains(&format!(
                r#"<h1 class="greeting">Hello, <!-- -->{name}</h1>"#
            )),
            "{path}: {body}"
        );
        assert!(
            body.contains(&format!("on <!-- -->{runtime}")),
            "{path}: {body}"
        );
    }
}

#[test]
fn a_typescript_app_with_jsx_preserve_paths_and_extends_renders() {
    let app = support::fixture("conventions-app/tsconfig");
    node_modules_with_react(app.path());
    install(app.path(), TSCONFIG_NEXT);
    let server = serve(app);
    assert_greets(&server, "tsx");
}

#[test]
fn a_javascript_app_with_a_jsconfig_renders() {
    let app = support::fixture("conventions-app/jsconfig");
    node_modules_with_react(app.path());
    let server = serve(app);
    assert_greets(&server, "jsx");
}
