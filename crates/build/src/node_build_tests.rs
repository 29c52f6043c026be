//! End-to-end tests of `build` for Node.js routes, on small apps written to temporary
//! directories; the bundles are loaded with `require` in a real `node` process.

use std::fs;
use std::path::Path;
use std::process::Command;

use switchyard_app::{Route, Runtime};

use crate::test_app::{TestApp, failed};
use crate::test_routes::route;
use crate::{BuildOutput, route_table};

fn node(file: &str) -> Route {
    route(file, Runtime::Nodejs)
}

/// Runs `script` with `node -e` in the app's directory, with `bundle` in the variable
/// `route` (`require`d), and returns what it printed; `None`, with a note, when `node` is
/// not installed.
fn run_node(app: &TestApp, output: &BuildOutput, page: &str, script: &str) -> Option<String> {
    if Command::new("node").arg("--version").output().is_err() {
        eprintln!("note: `node` is not on PATH; skipping running the bundle");
        return None;
    }
    let bundle = app.bundle_path(output, page);
    let script = format!(
        "const route = require({});\n{script}",
        serde_json::to_string(&bundle.to_string_lossy()).unwrap()
    );
    let result = Command::new("node")
        .arg("-e")
        .arg(&script)
        .current_dir(app.root())
        .env("NODE_ENV", "production")
        .output()
        .expect("node runs");
    assert!(
        result.status.success(),
        "node failed:\n{}\n--- bundle ---\n{}",
        String::from_utf8_lossy(&result.stderr),
        app.bundle(output, page)
    );
    Some(String::from_utf8(result.stdout).unwrap().trim().to_string())
}

#[test]
fn a_typescript_route_with_a_relative_import_runs_under_node() {
    let app = TestApp::new(&[
        (
            "lib/greet.ts",
            "interface Greeting { text: string }\n\
             export function greet(): string {\n  \
               const greeting: Greeting = { text: 'hello from ' + process.env.NEXT_RUNTIME };\n  \
               return greeting.text + ' in ' + process.env.NODE_ENV;\n\
             }\n",
        ),
        (
            "pages/api/hello.ts",
            "import { greet } from '../../lib/greet';\n\
             export const config = { runtime: 'nodejs' };\n\
             export default function handler(): string {\n  return greet();\n}\n",
        ),
    ]);
    let output = app.build(&[node("pages/api/hello.ts")]).unwrap();
    assert!(output.warnings.is_empty(), "{:?}", output.warnings);
    assert_eq!(
        output.manifest.routes[0].bundle.as_deref(),
        Some("node/api/hello.js")
    );
    let bundle = app.bundle(&output, "/api/hello");
    assert!(!bundle.contains("NEXT_RUNTIME"), "{bundle}");
    assert!(!bundle.contains("interface"), "{bundle}");
    // Node sets it at run time.
    assert!(bundle.contains("process.env.NODE_ENV"), "{bundle}");
    let Some(printed) = run_node(
        &app,
        &output,
        "/api/hello",
        "console.log(JSON.stringify([typeof route.default, route.config, route.default()]));",
    ) else {
        return;
    };
    assert_eq!(
        printed,
        r#"["function",{"runtime":"nodejs"},"hello from nodejs in production"]"#
    );
}

#[test]
fn default_only_and_commonjs_entries_export_default() {
    let app = TestApp::new(&[
        ("pages/api/only.js", "export default () => 'only';\n"),
        (
            "pages/api/no-default.js",
            "export const config = { api: { bodyParser: false } };\n",
        ),
        (
            "pages/api/legacy.js",
            "module.exports = function handler() { return 'legacy'; };\n\
             module.exports.config = { api: { bodyParser: false } };\n",
        ),
        (
            "pages/api/compiled.js",
            "Object.defineProperty(exports, '__esModule', { value: true });\n\
             exports.default = function handler() { return 'compiled'; };\n\
             exports.config = { maxDuration: 5 };\n",
        ),
    ]);
    let routes = [
        node("pages/api/only.js"),
        node("pages/api/no-default.js"),
        node("pages/api/legacy.js"),
        node("pages/api/compiled.js"),
    ];
    let output = app.build(&routes).unwrap();
    let show = "console.log(JSON.stringify([route.default(), route.config ?? null]));";
    let Some(only) = run_node(&app, &output, "/api/only", show) else {
        return;
    };
    assert_eq!(only, r#"["only",null]"#);
    // A missing handler stays missing, for the worker to report.
    assert_eq!(
        run_node(
            &app,
            &output,
            "/api/no-default",
            "console.log(typeof route.default, JSON.stringify(route.config));"
        )
        .unwrap(),
        r#"undefined {"api":{"bodyParser":false}}"#
    );
    assert_eq!(
        run_node(&app, &output, "/api/legacy", show).unwrap(),
        r#"["legacy",{"api":{"bodyParser":false}}]"#
    );
    assert_eq!(
        run_node(&app, &output, "/api/compiled", show).unwrap(),
        r#"["compiled",{"maxDuration":5}]"#
    );
}

#[test]
fn installed_packages_stay_external_and_load_from_the_app() {
    let app = TestApp::new(&[
        (
            "node_modules/fake-pkg/package.json",
            r#"{ "name": "fake-pkg", "main": "./index.js" }"#,
        ),
        (
            "node_modules/fake-pkg/index.js",
            "module.exports = function fake() { return 'FAKE_PACKAGE_BODY'; };\n",
        ),
        (
            "node_modules/@scope/esm/package.json",
            r#"{ "name": "@scope/esm", "exports": { "./sub": {
                "node": "./node.js", "default": "./default.js" } } }"#,
        ),
        (
            "node_modules/@scope/esm/node.js",
            "exports.which = 'node';\n",
        ),
        (
            "node_modules/@scope/esm/default.js",
            "exports.which = 'default';\n",
        ),
        (
            "pages/api/pkg.ts",
            "import fake from 'fake-pkg';\n\
             import { which } from '@scope/esm/sub';\n\
             export default () => fake() + ' ' + which;\n",
        ),
    ]);
    let output = app.build(&[node("pages/api/pkg.ts")]).unwrap();
    assert!(output.warnings.is_empty(), "{:?}", output.warnings);
    let bundle = app.bundle(&output, "/api/pkg");
    assert!(bundle.contains(r#"require("fake-pkg")"#), "{bundle}");
    assert!(bundle.contains(r#"require("@scope/esm/sub")"#), "{bundle}");
    assert!(!bundle.contains("FAKE_PACKAGE_BODY"), "{bundle}");
    let Some(printed) = run_node(&app, &output, "/api/pkg", "console.log(route.default());") else {
        return;
    };
    assert_eq!(printed, "FAKE_PACKAGE_BODY node");
}

#[test]
fn node_builtins_stay_external() {
    let app = TestApp::new(&[
        // An installed package under a built-in's name does not replace it on Node.js.
        (
            "node_modules/events/package.json",
            r#"{ "name": "events", "main": "./events.js" }"#,
        ),
        (
            "node_modules/events/events.js",
            "exports.polyfill = true;\n",
        ),
        (
            "pages/api/crypto.js",
            "import { randomBytes } from 'node:crypto';\n\
             import fs from 'fs';\n\
             import { EventEmitter } from 'events';\n\
             export default () => [randomBytes(4).length, typeof fs.readFileSync, \
             typeof EventEmitter, require('os').EOL.length > 0];\n",
        ),
    ]);
    let output = app.build(&[node("pages/api/crypto.js")]).unwrap();
    assert!(output.warnings.is_empty(), "{:?}", output.warnings);
    let bundle = app.bundle(&output, "/api/crypto");
    for builtin in ["node:crypto", "fs", "events", "os"] {
        assert!(
            bundle.contains(&format!("require(\"{builtin}\")")),
            "{builtin} in {bundle}"
        );
    }
    let Some(printed) = run_node(
        &app,
        &output,
        "/api/crypto",
        "console.log(JSON.stringify(route.default()));",
    ) else {
        return;
    };
    assert_eq!(printed, r#"[4,"function","function",true]"#);
}

#[test]
fn unresolvable_imports_fail_the_build_with_their_location() {
    let app = TestApp::new(&[(
        "pages/api/missing.ts",
        "import pkg from 'not-installed';\n\
         const local: string = require('./nowhere');\n\
         export default () => [pkg, local];\n",
    )]);
    let (errors, _) = failed(app.build(&[node("pages/api/missing.ts")]));
    let found: Vec<(&Path, Option<u32>, Option<u32>, &str)> = errors
        .iter()
        .map(|e| (e.file.as_path(), e.line, e.column, e.message.as_str()))
        .collect();
    let file = Path::new("./pages/api/missing.ts");
    assert_eq!(
        found,
        [
            (
                file,
                Some(1),
                Some(1),
                "Module not found: Can't resolve 'not-installed'"
            ),
            (
                file,
                Some(2),
                Some(23),
                "Module not found: Can't resolve './nowhere'"
            ),
        ]
    );
    assert!(
        errors[1]
            .to_string()
            .contains("./pages/api/missing.ts:2:23"),
        "{}",
        errors[1]
    );
    assert!(!app.root().join(".switchyard").exists());
}

#[test]
fn a_missing_optional_dependency_in_try_is_not_an_error() {
    let app = TestApp::new(&[(
        "pages/api/optional.js",
        "let found;\ntry {\n  found = require('not-installed');\n} catch {\n  found = null;\n}\n\
         export default () => found;\n",
    )]);
    let output = app.build(&[node("pages/api/optional.js")]).unwrap();
    assert!(output.warnings.is_empty(), "{:?}", output.warnings);
    let Some(printed) = run_node(
        &app,
        &output,
        "/api/optional",
        "console.log(JSON.stringify(route.default()));",
    ) else {
        return;
    };
    assert_eq!(printed, "null");
}

#[test]
fn eval_tsconfig_paths_and_dynamic_imports_work_in_one_file() {
    let app = TestApp::new(&[
        (
            "tsconfig.json",
            r#"{ "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["./*"] } } }"#,
        ),
        (
            "lib/aliased.ts",
            "export const aliased: string = 'aliased';\n",
        ),
        ("lib/later.ts", "export const later: string = 'later';\n"),
        (
            "pages/api/mixed.ts",
            "import { aliased } from '@/lib/aliased';\n\
             export default async function handler() {\n  \
               const { later } = await import('../../lib/later');\n  \
               return [aliased, later, eval('1 + 1')].join(' ');\n\
             }\n",
        ),
    ]);
    let output = app.build(&[node("pages/api/mixed.ts")]).unwrap();
    let files: Vec<_> = fs::read_dir(app.root().join(".switchyard/node/api"))
        .unwrap()
        .collect();
    assert_eq!(files.len(), 1, "one file, no chunks");
    let Some(printed) = run_node(
        &app,
        &output,
        "/api/mixed",
        "route.default().then(v => console.log(v));",
    ) else {
        return;
    };
    assert_eq!(printed, "aliased later 2");
}

#[test]
fn bundles_load_as_commonjs_in_an_esm_app() {
    let app = TestApp::new(&[
        ("package.json", r#"{ "name": "app", "type": "module" }"#),
        ("pages/api/index.js", "export default () => 'commonjs';\n"),
    ]);
    let output = app.build(&[node("pages/api/index.js")]).unwrap();
    assert_eq!(
        output.manifest.routes[0].bundle.as_deref(),
        Some("node/api.js")
    );
    let Some(printed) = run_node(&app, &output, "/api", "console.log(route.default());") else {
        return;
    };
    assert_eq!(printed, "commonjs");
}

#[test]
fn the_manifest_and_route_table_list_node_bundles_with_sizes() {
    let app = TestApp::new(&[
        (
            "pages/api/node.js",
            "import fs from 'fs';\nexport default (req, res) => res.end(String(fs));\n",
        ),
        (
            "pages/api/[id].ts",
            "export const config = { runtime: 'edge' };\n\
             export default (req: Request) => new Response(req.url);\n",
        ),
    ]);
    let routes = [
        node("pages/api/node.js"),
        route("pages/api/[id].ts", Runtime::Edge),
    ];
    let output = app.build(&routes).unwrap();
    let bundles: Vec<Option<&str>> = output
        .manifest
        .routes
        .iter()
        .map(|e| e.bundle.as_deref())
        .collect();
    assert_eq!(
        bundles,
        [Some("node/api/node.js"), Some("edge/api/[id].js")]
    );
    let entry = &output.manifest.routes[0];
    assert_eq!(
        entry.size,
        fs::metadata(app.bundle_path(&output, "/api/node"))
            .unwrap()
            .len()
    );
    assert!(entry.gzip_size > 0);
    assert_eq!(
        output.manifest,
        crate::Manifest::load(&app.root().join(".switchyard")).unwrap()
    );

    let table = route_table(&output.manifest);
    let row = |page: &str| {
        table
            .lines()
            .find(|line| line.split_whitespace().nth(2) == Some(page))
            .unwrap_or_else(|| panic!("{page} in {table}"))
            .split_whitespace()
            .skip(3)
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        row("/api/node"),
        format!(
            "Node {} {}",
            crate::size::format_bytes(entry.size),
            crate::size::format_bytes(entry.gzip_size)
        )
    );
    assert!(row("/api/[id]").starts_with("Edge "), "{table}");

    // A route that is gone loses its bundle on the next build.
    app.build(&routes[1..]).unwrap();
    assert!(!app.root().join(".switchyard/node/api").exists());
}

/// A stand-in `react/jsx-runtime` whose `jsx` names the element, so a bundle's output shows
/// that JSX was compiled with the automatic runtime.
const FAKE_JSX_RUNTIME: [(&str, &str); 2] = [
    (
        "node_modules/react/package.json",
        r#"{ "name": "react", "version": "19.0.0" }"#,
    ),
    (
        "node_modules/react/jsx-runtime.js",
        "exports.jsx = (type, props) => `<${type}>${props.children}`;\n",
    ),
];

#[test]
fn jsx_compiles_with_the_automatic_runtime_whatever_tsconfig_says() {
    // `"jsx": "preserve"` in the extended file, `paths` and `baseUrl` beside it: the
    // preserve is ignored, the paths are honoured.
    let mut files = vec![
        (
            "tsconfig.base.json",
            r#"{ "compilerOptions": { "jsx": "preserve", "jsxFactory": "h" } }"#,
        ),
        (
            "tsconfig.json",
            r#"{ "extends": "./tsconfig.base.json", "compilerOptions": { "baseUrl": ".", "paths": { "@/components/*": ["./components/*"] } } }"#,
        ),
        (
            "components/Hello.tsx",
            "export const Hello = (): JSX.Element => <b>{'hello'}</b>;\n",
        ),
        (
            "pages/api/jsx.js",
            "import { Hello } from '@/components/Hello';\n\
             export default function handler() { return Hello(); }\n",
        ),
    ];
    files.extend(FAKE_JSX_RUNTIME);
    let app = TestApp::new(&files);
    let output = app.build(&[node("pages/api/jsx.js")]).unwrap();
    assert!(output.warnings.is_empty(), "{:?}", output.warnings);
    let bundle = app.bundle(&output, "/api/jsx");
    assert!(!bundle.contains("<b>"), "{bundle}");
    let Some(printed) = run_node(&app, &output, "/api/jsx", "console.log(route.default());") else {
        return;
    };
    assert_eq!(printed, "<b>hello");
}

#[test]
fn jsconfig_paths_resolve_when_there_is_no_tsconfig() {
    let mut files = vec![
        (
            "jsconfig.json",
            r#"{ "compilerOptions": { "jsx": "preserve", "baseUrl": ".", "paths": { "@/components/*": ["./components/*"] } } }"#,
        ),
        (
            "components/Hello.js",
            "export const Hello = () => <i>{'hi'}</i>;\n",
        ),
        (
            "pages/api/jsx.js",
            "import { Hello } from '@/components/Hello';\n\
             export default function handler() { return Hello(); }\n",
        ),
    ];
    files.extend(FAKE_JSX_RUNTIME);
    let app = TestApp::new(&files);
    let output = app.build(&[node("pages/api/jsx.js")]).unwrap();
    let Some(printed) = run_node(&app, &output, "/api/jsx", "console.log(route.default());") else {
        return;
    };
    assert_eq!(printed, "<i>hi");
}
