//! End-to-end tests of `build` for Edge routes, on small apps written to temporary
//! directories.

use std::fs;
use std::path::Path;

use switchyard_app::{Route, Runtime, Severity};
use switchyard_jsc::JsError;

use crate::test_app::{TestApp, failed};
use crate::test_edge::{evaluate, respond, settle};
use crate::test_routes::route;
use crate::{BuildError, BuildOptions, build};

fn edge(file: &str) -> Route {
    route(file, Runtime::Edge)
}

#[test]
fn a_typescript_edge_route_becomes_a_classic_script_with_its_namespace() {
    let app = TestApp::new(&[(
        "pages/api/hello.ts",
        "interface Greeting { text: string }\n\
         export const config = { runtime: 'edge' };\n\
         export function greet(): string {\n  \
           const greeting: Greeting = { text: 'hello from ' + process.env.NEXT_RUNTIME };\n  \
           return greeting.text + ' in ' + process.env.NODE_ENV;\n\
         }\n\
         export default () => new Response(greet());\n",
    )]);
    let output = app.build(&[edge("pages/api/hello.ts")]).unwrap();
    assert!(output.warnings.is_empty(), "{:?}", output.warnings);
    let bundle = app.bundle(&output, "/api/hello");
    assert!(!bundle.contains("NEXT_RUNTIME"), "{bundle}");
    assert!(!bundle.contains("interface"), "{bundle}");
    assert_eq!(
        evaluate(&bundle, "typeof __switchyard_module.default").unwrap(),
        r#""function""#
    );
    assert_eq!(
        evaluate(&bundle, "__switchyard_module.config").unwrap(),
        r#"{"runtime":"edge"}"#
    );
    // The values must have been inlined: `process.env` in the engine has neither.
    assert_eq!(
        evaluate(&bundle, "__switchyard_module.greet()").unwrap(),
        r#""hello from edge in production""#
    );
}

#[test]
fn a_default_only_entry_still_leaves_a_namespace() {
    let app = TestApp::new(&[(
        "pages/api/only.js",
        "export default () => new Response('only');\n",
    )]);
    let output = app.build(&[edge("pages/api/only.js")]).unwrap();
    let bundle = app.bundle(&output, "/api/only");
    assert_eq!(respond(&bundle, "/api/only"), "200 only");
}

#[test]
fn a_commonjs_edge_route_is_wrapped_too() {
    let app = TestApp::new(&[(
        "pages/api/legacy.js",
        "module.exports = function handler(request) {\n  \
           return new Response(new URL(request.url).pathname);\n\
         };\n\
         module.exports.config = { runtime: 'edge' };\n",
    )]);
    let output = app.build(&[edge("pages/api/legacy.js")]).unwrap();
    let bundle = app.bundle(&output, "/api/legacy");
    assert_eq!(respond(&bundle, "/api/legacy"), "200 /api/legacy");
}

#[test]
fn the_edge_api_adapter_hands_the_handler_a_next_request() {
    let app = TestApp::new(&[(
        "pages/api/next.ts",
        "import { NextRequest, NextResponse } from 'next/server';\n\
         export const config = { runtime: 'edge' };\n\
         export const helper = () => 'kept';\n\
         export default function handler(request: NextRequest) {\n  \
           return NextResponse.json({ next: request instanceof NextRequest, \
           path: request.nextUrl.pathname });\n\
         }\n",
    )]);
    let output = app.build(&[edge("pages/api/next.ts")]).unwrap();
    assert!(output.warnings.is_empty(), "{:?}", output.warnings);
    let bundle = app.bundle(&output, "/api/next");
    assert!(bundle.contains("adaptApiRoute"), "{bundle}");
    assert_eq!(
        respond(&bundle, "/api/next?a=1"),
        r#"200 {"next":true,"path":"/api/next"}"#
    );
    // The route's config and named exports stay reachable beside the wrapped default.
    assert_eq!(
        evaluate(
            &bundle,
            "[__switchyard_module.config, __switchyard_module.helper()]"
        )
        .unwrap(),
        r#"[{"runtime":"edge"},"kept"]"#
    );
}

#[test]
fn packages_resolve_with_edge_conditions() {
    let which = |name: &str| format!("export const which = '{name}';\n");
    let app = TestApp::new(&[
        (
            "node_modules/conditional/package.json",
            r#"{ "name": "conditional", "exports": { ".": {
                "worker": "./worker.js", "node": "./node.js", "edge-light": "./edge.js",
                "browser": "./browser.js", "default": "./default.js" } } }"#,
        ),
        ("node_modules/conditional/worker.js", &which("worker")),
        ("node_modules/conditional/node.js", &which("node")),
        ("node_modules/conditional/edge.js", &which("edge-light")),
        ("node_modules/conditional/browser.js", &which("browser")),
        ("node_modules/conditional/default.js", &which("default")),
        (
            "node_modules/fields/package.json",
            r#"{ "name": "fields", "main": "./main.js", "module": "./module.js" }"#,
        ),
        ("node_modules/fields/main.js", "exports.which = 'main';\n"),
        ("node_modules/fields/module.js", &which("module")),
        (
            "pages/api/resolve.js",
            "import { which } from 'conditional';\n\
             import { which as field } from 'fields';\n\
             export const run = () => [which, field];\n\
             export default () => Response.json(run());\n",
        ),
    ]);
    let output = app.build(&[edge("pages/api/resolve.js")]).unwrap();
    let bundle = app.bundle(&output, "/api/resolve");
    assert_eq!(
        evaluate(&bundle, "__switchyard_module.run()").unwrap(),
        r#"["edge-light","module"]"#
    );
}

const NODE_MODULE_LEARN_MORE: &str =
    "Learn More: https://nextjs.org/docs/messages/node-module-in-edge-runtime";

#[test]
fn node_builtins_build_with_warnings_and_throw_when_touched() {
    let app = TestApp::new(&[(
        "pages/api/fs.js",
        "import fs from 'fs';\n\
         import * as path from 'node:path';\n\
         import { randomBytes } from 'crypto';\n\
         export const viaDefault = () => fs.readFileSync;\n\
         export const viaNamespace = () => path.join;\n\
         export const viaNamed = () => randomBytes(4);\n\
         export const viaRequire = () => require('os').cpus();\n\
         export const viaConstruct = () => new fs();\n\
         export async function viaImport() { const os = await import('node:os'); return typeof os; }\n\
         export default function handler() { return new Response('fine'); }\n",
    )]);
    let output = app.build(&[edge("pages/api/fs.js")]).unwrap();
    let warnings: Vec<(&str, Option<u32>)> = output
        .warnings
        .iter()
        .map(|warning| (warning.message.as_str(), warning.line))
        .collect();
    let warning = |name: &str, line: u32| {
        format!(
            "A Node.js module is loaded ('{name}' at line {line}) which is not supported in the Edge \
             Runtime.\n{NODE_MODULE_LEARN_MORE}"
        )
    };
    for (name, line) in [
        ("fs", 1),
        ("node:path", 2),
        ("crypto", 3),
        ("os", 7),
        ("node:os", 9),
    ] {
        let expected = warning(name, line);
        assert!(
            warnings.contains(&(expected.as_str(), Some(line))),
            "missing {name} at {line} in {warnings:#?}"
        );
    }
    assert!(
        output
            .warnings
            .iter()
            .all(|w| w.severity == Severity::Warning && w.file == Path::new("./pages/api/fs.js"))
    );

    let bundle = app.bundle(&output, "/api/fs");
    // Importing is harmless: evaluating the bundle and calling the handler work.
    assert_eq!(respond(&bundle, "/api/fs"), "200 fine");
    let thrown = |export: &str| match evaluate(&bundle, &format!("__switchyard_module.{export}()"))
    {
        Err(JsError::Thrown { name, message, .. }) => format!("{name}: {message}"),
        other => panic!("{export} did not throw: {other:?}"),
    };
    let error = |name: &str| {
        format!(
            "Error: The edge runtime does not support Node.js '{name}' module.\n{NODE_MODULE_LEARN_MORE}"
        )
    };
    assert_eq!(thrown("viaDefault"), error("fs"));
    assert_eq!(thrown("viaNamespace"), error("node:path"));
    assert_eq!(thrown("viaNamed"), error("crypto"));
    assert_eq!(thrown("viaRequire"), error("os"));
    assert_eq!(thrown("viaConstruct"), error("fs"));
    // `await import(...)` resolves: only `then` is read on the stub.
    assert_eq!(settle(&bundle, "__switchyard_module.viaImport()"), "object");
}

#[test]
fn an_installed_polyfill_wins_over_the_stub() {
    let app = TestApp::new(&[
        (
            "node_modules/events/package.json",
            r#"{ "name": "events", "main": "./events.js" }"#,
        ),
        (
            "node_modules/events/events.js",
            "exports.EventEmitter = function EventEmitter() {};\n",
        ),
        (
            "pages/api/events.js",
            "import { EventEmitter } from 'events';\nexport const kind = () => typeof EventEmitter;\n\
             export default () => new Response(kind());\n",
        ),
    ]);
    let output = app.build(&[edge("pages/api/events.js")]).unwrap();
    assert!(output.warnings.is_empty(), "{:?}", output.warnings);
    let bundle = app.bundle(&output, "/api/events");
    assert_eq!(
        evaluate(&bundle, "__switchyard_module.kind()").unwrap(),
        r#""function""#
    );
}

const DYNAMIC_CODE_ERROR: &str = "Dynamic Code Evaluation (e. g. 'eval', 'new Function', 'WebAssembly.compile') \
                                  not allowed in Edge Runtime ";

#[test]
fn reachable_eval_fails_the_build_naming_the_file() {
    let app = TestApp::new(&[
        (
            "pages/api/route.js",
            "import { usingEval } from '../../lib/utils';\n\
             export default function handler() {\n  return usingEval();\n}\n",
        ),
        (
            "lib/utils.ts",
            "export function usingEval(): number {\n  return eval('100');\n}\n\
             export const usingFunction = () => new Function('return 1');\n",
        ),
        (
            "pages/api/direct.js",
            "export default function handler() {\n  return Function('return 1')();\n}\n",
        ),
    ]);
    let (errors, _) = failed(app.build(&[edge("pages/api/route.js"), edge("pages/api/direct.js")]));
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_eq!(errors[0].file, Path::new("./lib/utils.ts"));
    assert_eq!((errors[0].line, errors[0].column), (Some(2), Some(10)));
    assert_eq!(
        errors[0].message,
        format!(
            "{DYNAMIC_CODE_ERROR}\nUsed by usingEval\nLearn More: https://nextjs.org/docs/messages/edge-dynamic-code-evaluation"
        )
    );
    assert_eq!(errors[1].file, Path::new("./pages/api/direct.js"));
    assert_eq!((errors[1].line, errors[1].column), (Some(2), Some(10)));
    assert!(
        errors[1].message.contains("\nUsed by default\n"),
        "{}",
        errors[1].message
    );
    // Nothing is written when the build fails.
    assert!(!app.root().join(".switchyard").exists());
}

#[test]
fn unstable_allow_dynamic_exempts_matching_modules() {
    let app = TestApp::new(&[
        (
            "lib/legacy.js",
            "export const compute = () => eval('1 + 1');\n",
        ),
        (
            "pages/api/allowed.js",
            "import { compute } from '../../lib/legacy';\n\
             export const config = { runtime: 'edge', unstable_allowDynamic: ['/lib/**'] };\n\
             export default () => new Response(String(compute()));\n",
        ),
    ]);
    let mut route = edge("pages/api/allowed.js");
    route.info.config = Some(serde_json::json!({
        "runtime": "edge",
        "unstable_allowDynamic": ["/lib/**"],
    }));
    app.build(&[route.clone()]).unwrap();
    route.info.config = Some(serde_json::json!({
        "runtime": "edge",
        "unstable_allowDynamic": "/pages/**",
    }));
    let (errors, _) = failed(app.build(&[route]));
    assert_eq!(errors[0].file, Path::new("./lib/legacy.js"));
}

#[test]
fn tree_shaken_eval_does_not_fail_the_build() {
    let app = TestApp::new(&[
        (
            "lib/utils.js",
            "export function usingEval() { return eval('100'); }\n\
             export function notUsingEval() { return 100; }\n\
             export const makeFunction = () => new Function('return 1');\n",
        ),
        (
            "pages/api/route.js",
            "import { notUsingEval } from '../../lib/utils';\n\
             export function run() { return notUsingEval(); }\n\
             export default function handler() { return new Response(String(run())); }\n",
        ),
    ]);
    let output = app.build(&[edge("pages/api/route.js")]).unwrap();
    let bundle = app.bundle(&output, "/api/route");
    assert!(!bundle.contains("eval"), "{bundle}");
    assert_eq!(
        evaluate(&bundle, "__switchyard_module.run()").unwrap(),
        "100"
    );
}

#[test]
fn a_syntax_error_reports_file_line_and_column() {
    let app = TestApp::new(&[(
        "pages/api/broken.ts",
        "export default function handler() {\n  return 1 +;\n}\n",
    )]);
    let (errors, _) = failed(app.build(&[edge("pages/api/broken.ts")]));
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].file, Path::new("./pages/api/broken.ts"));
    assert_eq!((errors[0].line, errors[0].column), (Some(2), Some(13)));
    assert!(
        errors[0].message.contains("Unexpected token"),
        "{}",
        errors[0].message
    );
}

#[test]
fn unresolvable_imports_fail_the_build() {
    let app = TestApp::new(&[(
        "pages/api/missing.js",
        "import pkg from 'not-installed';\nimport local from './nowhere';\nexport default () => [pkg, local];\n",
    )]);
    let (errors, _) = failed(app.build(&[edge("pages/api/missing.js")]));
    let messages: Vec<(&str, Option<u32>)> = errors
        .iter()
        .map(|e| (e.message.as_str(), e.line))
        .collect();
    assert!(
        messages.contains(&("Module not found: Can't resolve 'not-installed'", Some(1))),
        "{errors:#?}"
    );
    assert!(
        messages.contains(&("Module not found: Can't resolve './nowhere'", Some(2))),
        "{errors:#?}"
    );
    assert!(
        errors
            .iter()
            .all(|e| e.file == Path::new("./pages/api/missing.js"))
    );
}

#[test]
fn every_failing_route_is_reported() {
    let app = TestApp::new(&[
        ("pages/api/a.js", "export default () => eval('1');\n"),
        (
            "pages/api/b.js",
            "import x from 'nope';\nexport default () => x;\n",
        ),
    ]);
    let (errors, _) = failed(app.build(&[edge("pages/api/a.js"), edge("pages/api/b.js")]));
    let files: Vec<&Path> = errors.iter().map(|e| e.file.as_path()).collect();
    assert_eq!(
        files,
        [Path::new("./pages/api/a.js"), Path::new("./pages/api/b.js")]
    );
    let failure = failed(app.build(&[edge("pages/api/a.js"), edge("pages/api/b.js")]));
    let message = BuildError::Failed {
        errors: failure.0,
        warnings: failure.1,
    }
    .to_string();
    assert!(
        message.starts_with("The build failed with 2 errors:"),
        "{message}"
    );
}

#[test]
fn a_bundle_over_the_limit_fails() {
    let app = TestApp::new(&[("pages/api/big.js", "export default () => 'big';\n")]);
    let options = BuildOptions {
        edge_size_limit_gzip: 10,
        ..BuildOptions::new(app.root())
    };
    let (errors, _) = failed(build(app.root(), &[edge("pages/api/big.js")], &options));
    assert_eq!(errors.len(), 1);
    // The size counts the adapter and `next/server` every Edge route is wrapped with.
    let message = &errors[0].message;
    assert!(
        message.starts_with("The Edge Function \"/api/big\" size is ")
            && message.ends_with(" MB and your plan size limit is 0 MB."),
        "{message}"
    );
}

#[test]
fn the_manifest_lists_every_route_with_its_bundle() {
    let app = TestApp::new(&[
        (
            "pages/api/node.js",
            "import fs from 'fs';\nexport default (req, res) => res.end(String(fs));\n",
        ),
        (
            "pages/api/[id].ts",
            "export default (req: Request) => new Response(req.url);\n",
        ),
    ]);
    let routes = [
        route("pages/api/node.js", Runtime::Nodejs),
        edge("pages/api/[id].ts"),
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
    let id = &output.manifest.routes[1];
    assert!(id.size > 0 && id.gzip_size > 0 && id.gzip_size < id.size + 100);
    assert_eq!(
        output.manifest,
        crate::Manifest::load(&app.root().join(".switchyard")).unwrap()
    );
    assert_eq!(output.manifest.build_id.len(), 16);
    // Same input, same id.
    assert_eq!(
        app.build(&routes).unwrap().manifest.build_id,
        output.manifest.build_id
    );
}

#[test]
fn pages_without_react_installed_fail_with_the_fix() {
    let app = TestApp::new(&[(
        "pages/index.js",
        "export default function Home() { return null; }\n",
    )]);
    let (errors, _) = failed(app.build(&[route("pages/index.js", Runtime::Nodejs)]));
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].file, std::path::Path::new("./pages/index.js"));
    assert_eq!(
        errors[0].message,
        "Pages render with the app's own React, and `react`, `react-dom` are not installed. \
         Run `npm install react react-dom` in the app."
    );
}

#[test]
fn a_missing_optional_dependency_in_try_is_not_an_error() {
    let app = TestApp::new(&[(
        "pages/api/optional.js",
        "let found;\ntry {\n  found = require('not-installed');\n} catch {\n  found = null;\n}\n\
         export const run = () => found;\n\
         export default () => Response.json(found);\n",
    )]);
    let output = app.build(&[edge("pages/api/optional.js")]).unwrap();
    let bundle = app.bundle(&output, "/api/optional");
    assert_eq!(
        evaluate(&bundle, "__switchyard_module.run()").unwrap(),
        "null"
    );
}

#[test]
fn a_missing_entry_is_an_error_naming_it() {
    let app = TestApp::new(&[]);
    let (errors, _) = failed(app.build(&[edge("pages/api/gone.js")]));
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].file, Path::new("./pages/api/gone.js"));
    assert_eq!(
        errors[0].message,
        "Module not found: Can't resolve './pages/api/gone.js'"
    );
}

#[test]
fn building_with_progress_works_without_a_terminal() {
    let app = TestApp::new(&[("pages/api/a.js", "export default () => 1;\n")]);
    let options = BuildOptions {
        progress: true,
        ..BuildOptions::new(app.root())
    };
    let output = build(app.root(), &[edge("pages/api/a.js")], &options).unwrap();
    assert_eq!(
        output.manifest.routes[0].bundle.as_deref(),
        Some("edge/api/a.js")
    );
}

#[test]
fn commonjs_packages_and_dynamic_imports_end_up_in_the_one_script() {
    let app = TestApp::new(&[
        (
            "node_modules/legacy/package.json",
            r#"{ "name": "legacy", "main": "index.js" }"#,
        ),
        (
            "node_modules/legacy/index.js",
            "module.exports = function legacy() { return 'cjs'; };\n",
        ),
        ("lib/later.ts", "export const later: string = 'later';\n"),
        (
            "pages/api/mixed.ts",
            "import legacy from 'legacy';\n\
             export default async function handler() {\n  \
               const { later } = await import('../../lib/later');\n  \
               return new Response(legacy() + ' ' + later);\n\
             }\n",
        ),
    ]);
    let output = app.build(&[edge("pages/api/mixed.ts")]).unwrap();
    let files: Vec<_> = fs::read_dir(app.root().join(".switchyard/edge/api"))
        .unwrap()
        .collect();
    assert_eq!(files.len(), 1, "one script, no chunks");
    let bundle = app.bundle(&output, "/api/mixed");
    assert_eq!(respond(&bundle, "/api/mixed"), "200 cjs later");
}
