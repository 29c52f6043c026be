//! End-to-end tests of `build_project` for the middleware (and proxy) on both runtimes, on
//! small apps written to temporary directories.

use std::fs;
use std::path::Path;
use std::process::Command;

use switchyard_app::{MiddlewareKind, Project, Runtime, Severity};

use crate::test_app::{TestApp, failed};
use crate::test_edge::settle;
use crate::{BuildError, BuildOptions, BuildOutput, Manifest, build_project, route_table};

const API_ROUTE: &str = "export default (req, res) => res.end('ok');\n";

/// Loads the app with the project model, which must find no error, and builds it.
fn build_app(app: &TestApp) -> Result<BuildOutput, BuildError> {
    build_with(app, BuildOptions::new(app.root()))
}

fn build_with(app: &TestApp, options: BuildOptions) -> Result<BuildOutput, BuildError> {
    let project = Project::load(app.root()).unwrap();
    assert!(!project.has_errors(), "{:#?}", project.diagnostics);
    build_project(&project, &options)
}

fn middleware_bundle(app: &TestApp, output: &BuildOutput) -> String {
    let entry = output.manifest.middleware.as_ref().expect("a middleware");
    fs::read_to_string(app.root().join(".switchyard").join(&entry.bundle)).unwrap()
}

/// Runs the Edge middleware `bundle` for `path` and returns what its response says: status,
/// then the `x-middleware-*` headers it set.
fn run_edge(bundle: &str, path: &str) -> String {
    settle(
        bundle,
        &format!(
            "Promise.resolve(__switchyard_module.default(new Request('http://localhost{path}'), \
             {{ waitUntil() {{}} }})).then(r => [r.status, ...[...r.headers]\
             .filter(([name]) => name.startsWith('x-middleware-'))\
             .map(([name, value]) => name + '=' + value)].join(' '))"
        ),
    )
}

const EDGE_MIDDLEWARE: &str = "import { NextResponse, type NextRequest } from 'next/server';\n\
     export function middleware(request: NextRequest) {\n  \
       if (request.nextUrl.pathname === '/old') {\n    \
         return NextResponse.rewrite(new URL('/new', request.url));\n  \
       }\n  \
       return NextResponse.next();\n\
     }\n\
     export const config = { matcher: ['/old', '/about/:path*'] };\n";

#[test]
fn edge_middleware_is_bundled_with_next_server_and_recorded_with_its_matchers() {
    // No `next` installed: `next/server` is Switchyard's.
    let app = TestApp::new(&[
        ("pages/api/ok.js", API_ROUTE),
        ("middleware.ts", EDGE_MIDDLEWARE),
    ]);
    let output = build_app(&app).unwrap();
    assert!(output.warnings.is_empty(), "{:?}", output.warnings);
    let entry = output.manifest.middleware.as_ref().unwrap();
    assert_eq!(entry.bundle, "edge/middleware.js");
    assert_eq!(entry.middleware.runtime, Runtime::Edge);
    assert_eq!(entry.middleware.kind, MiddlewareKind::Middleware);
    let sources: Vec<&str> = entry
        .middleware
        .matchers
        .iter()
        .map(|matcher| matcher.original_source.as_str())
        .collect();
    assert_eq!(sources, ["/old", "/about/:path*"]);
    let bundle = middleware_bundle(&app, &output);
    assert_eq!(entry.size, bundle.len() as u64);
    assert!(entry.gzip_size > 0 && entry.gzip_size < entry.size);
    assert!(bundle.contains("NextResponse"), "{bundle}");
    assert!(bundle.contains("__switchyard_module"), "{bundle}");

    assert_eq!(
        run_edge(&bundle, "/old"),
        "200 x-middleware-rewrite=http://localhost/new"
    );
    assert_eq!(run_edge(&bundle, "/about"), "200 x-middleware-next=1");

    // The manifest on disk says the same, and the route table shows the middleware.
    let saved = Manifest::load(&app.root().join(".switchyard")).unwrap();
    assert_eq!(saved, output.manifest);
    let table = route_table(&output.manifest);
    let row = table
        .lines()
        .find(|line| line.starts_with("ƒ Middleware"))
        .unwrap_or_else(|| panic!("no middleware row in\n{table}"));
    assert!(row.contains("Edge"), "{row}");
}

#[test]
fn node_middleware_bundles_switchyards_next_server_even_with_next_installed() {
    let app = TestApp::new(&[
        ("pages/api/ok.js", API_ROUTE),
        (
            "node_modules/next/package.json",
            r#"{ "name": "next", "exports": { "./server": "./server.js" } }"#,
        ),
        (
            "node_modules/next/server.js",
            "exports.NextResponse = 'REAL_NEXT_SERVER';\n",
        ),
        (
            "src/middleware.js",
            "import { NextResponse } from 'next/server';\n\
             import { hostname } from 'os';\n\
             export default function middleware(request) {\n  \
               const response = NextResponse.next();\n  \
               response.headers.set('x-host', typeof hostname());\n  \
               return response;\n\
             }\n\
             export const config = { runtime: 'nodejs' };\n",
        ),
        ("src/pages/api/ok.js", API_ROUTE),
    ]);
    fs::remove_dir_all(app.root().join("pages")).unwrap();
    let output = build_app(&app).unwrap();
    let entry = output.manifest.middleware.as_ref().unwrap();
    assert_eq!(entry.bundle, "node/middleware.js");
    assert_eq!(entry.middleware.file, Path::new("src/middleware.js"));
    assert_eq!(entry.middleware.runtime, Runtime::Nodejs);
    let bundle = middleware_bundle(&app, &output);
    assert!(!bundle.contains("REAL_NEXT_SERVER"), "{bundle}");
    assert!(!bundle.contains("require(\"next/server\")"), "{bundle}");
    assert!(bundle.contains("class NextResponse"), "{bundle}");
    assert!(bundle.contains("require(\"os\")"), "{bundle}");
    assert!(
        route_table(&output.manifest)
            .lines()
            .any(|line| line.starts_with("ƒ Middleware") && line.contains("Node")),
    );

    if Command::new("node").arg("--version").output().is_err() {
        eprintln!("note: `node` is not on PATH; skipping running the bundle");
        return;
    }
    let path = app.root().join(".switchyard").join(&entry.bundle);
    let script = format!(
        "const route = require({});\n\
         route.default(new Request('http://localhost/x'), {{ waitUntil() {{}} }})\n  \
         .then(r => console.log(r.headers.get('x-middleware-next'), r.headers.get('x-host')));",
        serde_json::to_string(&path.to_string_lossy()).unwrap()
    );
    let result = Command::new("node")
        .arg("-e")
        .arg(&script)
        .current_dir(app.root())
        .output()
        .expect("node runs");
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&result.stdout).trim(), "1 string");
}

#[test]
fn a_proxy_is_bundled_for_node() {
    let app = TestApp::new(&[
        ("pages/api/ok.js", API_ROUTE),
        (
            "proxy.ts",
            "import { NextResponse } from 'next/server';\n\
             export function proxy() { return NextResponse.next(); }\n\
             export const config = { matcher: '/dashboard/:path*' };\n",
        ),
    ]);
    let output = build_app(&app).unwrap();
    let entry = output.manifest.middleware.as_ref().unwrap();
    assert_eq!(entry.bundle, "node/middleware.js");
    assert_eq!(entry.middleware.kind, MiddlewareKind::Proxy);
    assert!(middleware_bundle(&app, &output).contains("\"/proxy\""));
    assert!(
        route_table(&output.manifest)
            .lines()
            .any(|line| line.starts_with("ƒ Proxy") && line.contains("Node")),
    );
}

#[test]
fn edge_middleware_importing_node_builtins_warns() {
    let app = TestApp::new(&[
        ("pages/api/ok.js", API_ROUTE),
        (
            "middleware.js",
            "import { NextResponse } from 'next/server';\n\
             import fs from 'fs';\n\
             export function middleware() {\n  \
               return NextResponse.next({ headers: { 'x-fs': typeof fs } });\n\
             }\n",
        ),
    ]);
    let output = build_app(&app).unwrap();
    let warnings: Vec<(&Path, Option<u32>, &str)> = output
        .warnings
        .iter()
        .map(|w| (w.file.as_path(), w.line, w.message.as_str()))
        .collect();
    assert_eq!(
        warnings,
        [(
            Path::new("./middleware.js"),
            Some(2),
            "A Node.js module is loaded ('fs' at line 2) which is not supported in the Edge \
             Runtime.\nLearn More: https://nextjs.org/docs/messages/node-module-in-edge-runtime"
        )]
    );
    // Importing is harmless; touching it throws (here, `typeof` does not touch it).
    assert_eq!(
        run_edge(&middleware_bundle(&app, &output), "/"),
        "200 x-middleware-next=1"
    );
}

#[test]
fn edge_middleware_follows_the_dynamic_code_and_size_rules() {
    let files = |config: &str| {
        vec![
            ("pages/api/ok.js", API_ROUTE.to_string()),
            (
                "lib/legacy.js",
                "export const compute = () => eval('1 + 1');\n".to_string(),
            ),
            (
                "middleware.js",
                format!(
                    "import {{ compute }} from './lib/legacy';\n\
                     export default function middleware() {{\n  \
                       return new Response(String(compute()));\n\
                     }}\n\
                     export const config = {config};\n"
                ),
            ),
        ]
    };
    let app_with = |config: &str| {
        let files = files(config);
        let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
        TestApp::new(&files)
    };

    let app = app_with("{ matcher: '/' }");
    let (errors, _) = failed(build_app(&app));
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].file, Path::new("./lib/legacy.js"));
    assert!(
        errors[0]
            .message
            .starts_with("Dynamic Code Evaluation (e. g. 'eval', 'new Function', 'WebAssembly.compile') not allowed in Edge Runtime"),
        "{}",
        errors[0].message
    );

    let app = app_with("{ unstable_allowDynamic: ['/lib/**'] }");
    let output = build_app(&app).unwrap();
    assert_eq!(
        output.manifest.middleware.unwrap().middleware.allow_dynamic,
        ["/lib/**"]
    );

    let app = app_with("{ unstable_allowDynamic: '/lib/**' }");
    let options = BuildOptions {
        edge_size_limit_gzip: 10,
        ..BuildOptions::new(app.root())
    };
    let (errors, _) = failed(build_with(&app, options));
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].severity, Severity::Error);
    assert_eq!(errors[0].file, Path::new("./middleware.js"));
    assert!(
        errors[0]
            .message
            .starts_with("The Edge Function \"/middleware\" size is "),
        "{}",
        errors[0].message
    );
}

#[test]
fn the_middleware_bundle_gets_the_apps_base_path() {
    let app = TestApp::new(&[
        (
            "next.config.js",
            "module.exports = { basePath: '/docs' };\n",
        ),
        ("pages/api/ok.js", API_ROUTE),
        (
            "middleware.js",
            "import { NextResponse } from 'next/server';\n\
             export function middleware(request) {\n  \
               return NextResponse.next({ headers: { 'x-path': request.nextUrl.pathname, \
               'x-base': request.nextUrl.basePath } });\n\
             }\n",
        ),
    ]);
    let output = build_app(&app).unwrap();
    let bundle = middleware_bundle(&app, &output);
    assert!(bundle.contains("\"/docs\""), "{bundle}");
    let seen = settle(
        &bundle,
        "Promise.resolve(__switchyard_module.default(new Request('http://localhost/docs/about'), \
         { waitUntil() {} })).then(r => r.headers.get('x-path') + ' ' + r.headers.get('x-base'))",
    );
    assert_eq!(seen, "/about /docs");
}

#[test]
fn a_build_without_middleware_records_none() {
    let app = TestApp::new(&[("pages/api/ok.js", API_ROUTE)]);
    let output = build_app(&app).unwrap();
    assert!(output.manifest.middleware.is_none());
    assert!(!route_table(&output.manifest).contains("Middleware"));
}
