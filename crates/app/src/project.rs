//! A whole app read into the project model: config, route table, special files, diagnostics.

use std::path::{Path, PathBuf};

use crate::error::LoadError;
use crate::middleware::file::find_middleware;
use crate::next_config::load::{Evaluation, load_with};
use crate::routes::pages_dir::{self, SpecialFiles};
use crate::routes::sort::{check_routes, compare_routes};
use crate::static_config::analyze_entry;
use crate::{
    CustomRoutes, Diagnostic, NextConfig, Route, RouteKind, RouteTable, Runtime, Severity,
};

/// A Next.js pages-router app, read without running any of its modules.
#[derive(Debug, Clone)]
pub struct Project {
    /// The app root (absolute).
    pub root: PathBuf,
    /// `pages/` or `src/pages/` (absolute).
    pub pages_dir: PathBuf,
    /// The routes, sorted as Next.js matches them, each with its runtime.
    pub routes: RouteTable,
    /// The evaluated `next.config.*`.
    pub config: NextConfig,
    /// `_app`, `_document` and `_error`, which later stages bundle with the pages.
    pub special_files: SpecialFiles,
    /// Every problem found, ordered by file and line; files are relative to `root`.
    pub diagnostics: Vec<Diagnostic>,
    /// `middleware.*` or `proxy.*`, when the app has one.
    pub middleware: Option<crate::Middleware>,
    /// next.config `headers()`, `redirects()` and `rewrites()`, compiled; `None` when they
    /// did not load (the reason is among the diagnostics).
    pub custom_routes: Option<CustomRoutes>,
}

impl Project {
    /// Reads the app at `root`: its config, pages and each entry's static config.
    ///
    /// Problems inside pages become [`Project::diagnostics`]; only a missing pages folder, an
    /// unreadable folder or a broken `next.config.*` fail the load.
    pub fn load(root: &Path) -> Result<Project, LoadError> {
        load_project(root, &Evaluation::default())
    }

    /// Whether any diagnostic is an error (the build must fail).
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|diagnostic| diagnostic.severity == Severity::Error)
    }
}

fn load_project(root: &Path, evaluation: &Evaluation) -> Result<Project, LoadError> {
    let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let config = load_with(&root, evaluation)?;
    let pages_dir = pages_dir::find_pages_dir(&root)?;
    let files = pages_dir::collect(&root, &pages_dir, &config.page_extensions)?;
    let mut diagnostics = files.diagnostics;
    let (middleware, found) = find_middleware(&root, &pages_dir, &config, &files.nested_middleware);
    diagnostics.extend(found);

    let mut parsed = Vec::new();
    for entry in files.entries {
        match Route::from_page_path(&entry.page, &entry.file) {
            Ok(route) => parsed.push((route, entry.path)),
            Err(error) => diagnostics.push(file_error(&entry.file, error.to_string())),
        }
    }
    // Checked in table order, so a conflict is blamed on the less specific route.
    parsed.sort_by(|(a, _), (b, _)| compare_routes(a, b));
    let (routes, sources): (Vec<Route>, Vec<PathBuf>) = parsed.into_iter().unzip();

    let checks = check_routes(&routes);
    let mut accepted = Vec::with_capacity(routes.len());
    for ((mut route, path), check) in routes.into_iter().zip(sources).zip(checks) {
        if let Err(error) = check {
            diagnostics.push(file_error(&route.file, error.to_string()));
            continue;
        }
        let source = match std::fs::read_to_string(&path) {
            Ok(source) => source,
            Err(error) => {
                diagnostics.push(file_error(
                    &route.file,
                    format!("Could not read this page: {error}. Check that it is readable UTF-8."),
                ));
                continue;
            }
        };
        let analysis = analyze_entry(&source, &route.file, &route.page, route.kind);
        diagnostics.extend(analysis.diagnostics);
        route.info = analysis.info;
        route.runtime = analysis
            .runtime
            .or_else(|| global_runtime(&route, &config))
            .unwrap_or(Runtime::Nodejs);
        accepted.push(route);
    }

    let custom_routes = load_custom_routes(&config, &mut diagnostics);
    diagnostics.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    Ok(Project {
        custom_routes,
        routes: RouteTable::new(accepted),
        root,
        pages_dir,
        config,
        special_files: files.special,
        diagnostics,
        middleware,
    })
}

/// `experimental.runtime` applies only to pages that need a server runtime (reference §1.3).
/// The config's custom routes; their errors and warnings, and the config keys Switchyard
/// does not act on, become diagnostics on the config file.
fn load_custom_routes(
    config: &NextConfig,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<CustomRoutes> {
    let file = config
        .file
        .clone()
        .unwrap_or_else(|| PathBuf::from("next.config.js"));
    let diagnostic = |severity, message: String| Diagnostic {
        severity,
        file: file.clone(),
        line: None,
        column: None,
        message,
    };
    for key in crate::unimplemented_config_keys(&config.raw) {
        diagnostics.push(diagnostic(
            Severity::Warning,
            format!(
                "The next.config option `{key}` is not implemented by Switchyard and has no effect."
            ),
        ));
    }
    match CustomRoutes::load(config) {
        Ok(routes) => {
            for warning in routes.warnings() {
                diagnostics.push(diagnostic(Severity::Warning, warning.clone()));
            }
            Some(routes)
        }
        Err(error) => {
            diagnostics.push(diagnostic(Severity::Error, error.to_string()));
            None
        }
    }
}

fn global_runtime(route: &Route, config: &NextConfig) -> Option<Runtime> {
    let renders_on_server = route.info.get_server_side_props || route.info.get_static_props;
    (route.kind == RouteKind::Page && renders_on_server)
        .then_some(config.default_runtime)
        .flatten()
}

fn file_error(file: &Path, message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        file: file.to_path_buf(),
        line: None,
        column: None,
        message,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{Project, load_project};
    use crate::error::LoadError;
    use crate::next_config::load::Evaluation;
    use crate::{ParamValue, RouteKind, Runtime, Severity};

    use crate::test_app::app;

    fn load(dir: &tempfile::TempDir) -> Project {
        let evaluation = Evaluation {
            node: "/nonexistent/switchyard-test-node".into(),
            ..Evaluation::default()
        };
        load_project(dir.path(), &evaluation).unwrap()
    }

    const PAGE: &str = "export default function Page() { return null; }";

    #[test]
    fn loads_routes_sorted_with_runtimes() {
        let dir = app(&[
            ("pages/index.js", PAGE),
            ("pages/_app.js", PAGE),
            (
                "pages/api/edge/[id].js",
                "export const config = { runtime: 'edge' };\nexport default () => new Response('x');",
            ),
            (
                "pages/api/edge/foo.js",
                "export const runtime = 'edge';\nexport default () => new Response('x');",
            ),
            (
                "pages/api/node.ts",
                "export default function handler(req, res) { res.end(); }",
            ),
            ("pages/blog/[...slug].jsx", PAGE),
        ]);
        let project = load(&dir);
        assert!(project.diagnostics.is_empty(), "{:#?}", project.diagnostics);
        let table: Vec<(&str, RouteKind, Runtime)> = project
            .routes
            .iter()
            .map(|route| (route.page.as_str(), route.kind, route.runtime))
            .collect();
        assert_eq!(
            table,
            [
                ("/", RouteKind::Page, Runtime::Nodejs),
                ("/api/edge/foo", RouteKind::Api, Runtime::Edge),
                ("/api/edge/[id]", RouteKind::Api, Runtime::Edge),
                ("/api/node", RouteKind::Api, Runtime::Nodejs),
                ("/blog/[...slug]", RouteKind::Page, Runtime::Nodejs),
            ]
        );
        assert_eq!(
            project.special_files.app.as_deref(),
            Some(Path::new("pages/_app.js"))
        );
        assert_eq!(project.pages_dir, project.root.join("pages"));
        assert!(project.root.is_absolute());
        let (route, params) = project.routes.find("/api/edge/7").unwrap();
        assert_eq!(route.file, Path::new("pages/api/edge/[id].js"));
        assert_eq!(params, vec![("id".to_owned(), ParamValue::One("7".into()))]);
    }

    #[test]
    fn src_pages_is_used_when_pages_is_absent() {
        let dir = app(&[("src/pages/index.tsx", PAGE)]);
        let project = load(&dir);
        assert_eq!(project.routes.len(), 1);
        assert_eq!(
            project.routes.routes()[0].file,
            Path::new("src/pages/index.tsx")
        );
    }

    #[test]
    fn a_missing_pages_dir_fails_the_load() {
        let dir = app(&[("index.js", PAGE)]);
        let error = Project::load(dir.path()).unwrap_err();
        assert!(matches!(error, LoadError::NoPagesDir { .. }), "{error}");
    }

    #[test]
    fn the_config_page_extensions_pick_the_entries() {
        let dir = app(&[
            (
                "next.config.js",
                "module.exports = { pageExtensions: ['page.js', 'api.js'] };",
            ),
            ("pages/index.page.js", PAGE),
            ("pages/api/x.api.js", "export default () => {};"),
            ("pages/components/button.js", PAGE),
        ]);
        let project = load(&dir);
        let pages: Vec<&str> = project
            .routes
            .iter()
            .map(|route| route.page.as_str())
            .collect();
        assert_eq!(pages, ["/", "/api/x"]);
        assert_eq!(
            project.config.file.as_deref(),
            Some(Path::new("next.config.js"))
        );
    }

    #[test]
    fn the_global_runtime_applies_only_to_server_rendered_pages() {
        let dir = app(&[
            (
                "next.config.js",
                "module.exports = { experimental: { runtime: 'experimental-edge' } };",
            ),
            (
                "pages/ssr.js",
                "export async function getServerSideProps() { return { props: {} }; }\nexport default function P() { return null; }",
            ),
            (
                "pages/ssg.js",
                "export const getStaticProps = async () => ({ props: {} });\nexport default function P() { return null; }",
            ),
            ("pages/static.js", PAGE),
            (
                "pages/api/a.js",
                "export async function getServerSideProps() {}\nexport default () => {};",
            ),
            (
                "pages/own.js",
                "export const config = { runtime: 'nodejs' };\nexport function getServerSideProps() {}\nexport default function P() { return null; }",
            ),
        ]);
        let project = load(&dir);
        let runtime = |page: &str| project.routes.get(page).unwrap().runtime;
        assert_eq!(runtime("/ssr"), Runtime::Edge);
        assert_eq!(runtime("/ssg"), Runtime::Edge);
        assert_eq!(runtime("/static"), Runtime::Nodejs);
        assert_eq!(runtime("/api/a"), Runtime::Nodejs);
        assert_eq!(runtime("/own"), Runtime::Nodejs);
        assert!(
            project
                .routes
                .get("/ssr")
                .unwrap()
                .info
                .get_server_side_props
        );
    }

    #[test]
    fn every_problem_becomes_a_diagnostic_with_file_and_line() {
        let dir = app(&[
            (
                "pages/api/unknown.js",
                "export const config = { runtime: 'deno' };\nexport default function handler() {}",
            ),
            (
                "pages/api/number.js",
                "export const config = {\n  runtime: 42,\n};\nexport default function handler() {}",
            ),
            (
                "pages/api/dynamic.js",
                "const runtime = 'edge';\nexport const config = { runtime };\nexport default function handler() {}",
            ),
            (
                "pages/api/fine.js",
                "export const config = { runtime: `edge` };\nexport default () => new Response('fine');",
            ),
            (
                "pages/page.js",
                "export const runtime = 'edge';\nexport default function P() { return null; }",
            ),
            ("pages/a.js", PAGE),
            ("pages/a/index.js", PAGE),
            ("pages/[a]/x.js", PAGE),
            ("pages/[b]/y.js", PAGE),
        ]);
        let project = load(&dir);
        assert!(project.has_errors());
        let lines: Vec<String> = project
            .diagnostics
            .iter()
            .map(ToString::to_string)
            .collect();
        let text = lines.join("\n");
        for expected in [
            "error: pages/api/unknown.js:1:34\n  Provided runtime \"deno\" is not supported.",
            "error: pages/api/number.js:2:12\n  The `runtime` config must be a string.",
            "error: pages/api/dynamic.js:2:25\n  Next.js can't recognize the exported `config` field in route \"/api/dynamic\":\n  Unknown identifier \"runtime\" at \"config.runtime\".",
            "error: pages/page.js:1:24\n  Page /page provided runtime 'edge'",
            "warning: pages/a/index.js\n  Duplicate page detected. pages/a.js and pages/a/index.js resolve to /a.",
            "error: pages/[b]/y.js\n  You cannot use different slug names for the same dynamic path ('a' !== 'b').",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
        assert_eq!(project.diagnostics.len(), 6, "{text}");
        // The rejected route is left out; the others stay.
        assert!(project.routes.get("/[b]/y").is_none());
        assert_eq!(
            project.routes.get("/api/fine").unwrap().runtime,
            Runtime::Edge
        );
        assert_eq!(
            project.routes.get("/api/unknown").unwrap().runtime,
            Runtime::Nodejs
        );
        let severities: Vec<Severity> = project.diagnostics.iter().map(|d| d.severity).collect();
        assert_eq!(
            severities
                .iter()
                .filter(|s| **s == Severity::Warning)
                .count(),
            1
        );
    }

    #[test]
    fn invalid_page_paths_are_diagnostics() {
        let dir = app(&[
            ("pages/[...all]/more.js", PAGE),
            ("pages/[[id]].js", PAGE),
            ("pages/docs.js", PAGE),
            ("pages/docs/[[...slug]].js", PAGE),
        ]);
        let project = load(&dir);
        let messages: Vec<(&Path, &str)> = project
            .diagnostics
            .iter()
            .map(|d| (d.file.as_path(), d.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            [
                (
                    Path::new("pages/[...all]/more.js"),
                    "Catch-all must be the last part of the URL."
                ),
                (
                    Path::new("pages/[[id]].js"),
                    "Optional route parameters are not yet supported (\"[[id]]\")."
                ),
                (
                    Path::new("pages/docs/[[...slug]].js"),
                    "You cannot define a route with the same specificity as a optional catch-all route (\"/docs\" and \"/docs[[...slug]]\")."
                ),
            ]
        );
    }

    #[test]
    fn the_middleware_is_found_and_nested_middleware_rejected() {
        let dir = app(&[
            ("next.config.js", "module.exports = { basePath: '/base' };"),
            ("src/pages/index.js", PAGE),
            ("src/pages/admin/_middleware.js", "export default () => {};"),
            (
                "src/middleware.ts",
                "import { NextResponse } from 'next/server';
                 export function middleware() { return NextResponse.next(); }
                 export const config = { matcher: ['/admin/:path*'], runtime: 'nodejs' };
",
            ),
        ]);
        let project = load(&dir);
        let pages: Vec<&str> = project.routes.iter().map(|r| r.page.as_str()).collect();
        assert_eq!(pages, ["/"]);
        let middleware = project.middleware.as_ref().unwrap();
        assert_eq!(middleware.file, Path::new("src/middleware.ts"));
        assert_eq!(middleware.runtime, Runtime::Nodejs);
        assert_eq!(middleware.matchers.len(), 1);
        let regex = fancy_regex::Regex::new(&middleware.matchers[0].regexp).unwrap();
        assert!(regex.is_match("/base/admin/users").unwrap());
        assert!(!regex.is_match("/admin/users").unwrap());
        assert_eq!(project.diagnostics.len(), 1, "{:?}", project.diagnostics);
        assert_eq!(project.diagnostics[0].severity, Severity::Error);
        assert!(
            project.diagnostics[0]
                .message
                .starts_with("Nested Middleware is not allowed, found:\npages/admin/_middleware\n")
        );
    }

    #[test]
    fn a_broken_config_fails_the_load_naming_the_file() {
        let dir = app(&[
            ("next.config.js", "module.exports = {"),
            ("pages/index.js", PAGE),
        ]);
        let error = Project::load(dir.path()).unwrap_err();
        let text = error.to_string();
        assert!(text.starts_with("next.config.js:1:"), "{text}");
    }
}
