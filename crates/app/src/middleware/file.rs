//! Finding the middleware: `middleware.*` or Next.js 16's `proxy.*` beside the pages folder
//! (the app root for `pages/`, `src/` for `src/pages/`), with the checks Next.js makes on
//! where middleware lives.

use std::path::{Path, PathBuf};

use crate::middleware::config::analyze_middleware;
use crate::middleware::matcher::MatcherOptions;
use crate::routes::pages_dir::PageFile;
use crate::{Diagnostic, Middleware, MiddlewareKind, NextConfig, Severity};

/// Extensions a middleware file may have, whatever `pageExtensions` allows beyond them.
const SCRIPT_EXTENSIONS: [&str; 8] = ["js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts"];

/// The app's middleware, read and checked, with every problem found on the way.
pub(crate) fn find_middleware(
    root: &Path,
    pages_dir: &Path,
    config: &NextConfig,
    nested: &[PageFile],
) -> (Option<Middleware>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    if let Some(error) = nested_middleware_error(root, pages_dir, nested) {
        diagnostics.push(error);
    }
    let dir = pages_dir.parent().unwrap_or(root);
    let other_dir = if dir == root {
        root.join("src")
    } else {
        root.to_path_buf()
    };
    let extensions = script_extensions(&config.page_extensions);
    let relative = |path: &Path| path.strip_prefix(root).unwrap_or(path).to_path_buf();

    let mut chosen = Vec::new();
    for kind in [MiddlewareKind::Middleware, MiddlewareKind::Proxy] {
        let found = candidates(dir, kind, &extensions);
        if let Some((first, others)) = found.split_first() {
            for other in others {
                diagnostics.push(file_diagnostic(
                    Severity::Warning,
                    relative(other),
                    format!(
                        "Duplicate {name} file detected. ./{} and ./{} are both {name} files. \
                         Only ./{} is used; remove the other file.",
                        relative(first).display(),
                        relative(other).display(),
                        relative(first).display(),
                        name = kind.name(),
                    ),
                ));
            }
            chosen.push((kind, relative(first)));
        }
        for stray in candidates(&other_dir, kind, &extensions) {
            let expected = relative(&dir.join(kind.name()));
            diagnostics.push(file_diagnostic(
                Severity::Warning,
                relative(&stray),
                format!(
                    "This {name} file is ignored: Next.js reads the {name} beside the pages \
                     folder ./{pages}, so it must be ./{expected}.<extension>. Move it there.",
                    name = kind.name(),
                    pages = relative(pages_dir).display(),
                    expected = expected.display(),
                ),
            ));
        }
    }

    let (kind, file) = match chosen.as_slice() {
        [] => return (None, diagnostics),
        [(kind, file)] => (*kind, file.clone()),
        [(_, middleware), (kind, proxy), ..] => {
            diagnostics.push(file_diagnostic(
                Severity::Error,
                middleware.clone(),
                format!(
                    "Both middleware file \"./{}\" and proxy file \"./{}\" are detected. Please \
                     use \"./{}\" only. Learn more: \
                     https://nextjs.org/docs/messages/middleware-to-proxy",
                    middleware.display(),
                    proxy.display(),
                    proxy.display()
                ),
            ));
            (*kind, proxy.clone())
        }
    };
    let mut middleware = Middleware {
        file,
        kind,
        runtime: crate::Runtime::Edge,
        matchers: Vec::new(),
        allow_dynamic: Vec::new(),
        routing: crate::MatchRouting::from_config(config),
    };
    let source = match std::fs::read_to_string(root.join(&middleware.file)) {
        Ok(source) => source,
        Err(error) => {
            diagnostics.push(file_diagnostic(
                Severity::Error,
                middleware.file.clone(),
                format!(
                    "Could not read the {} file: {error}. Check that it is readable UTF-8.",
                    kind.name()
                ),
            ));
            return (None, diagnostics);
        }
    };
    let analysis = analyze_middleware(
        &source,
        &middleware.file,
        kind,
        &middleware.page(),
        &MatcherOptions::from_config(config),
    );
    diagnostics.extend(analysis.diagnostics);
    middleware.runtime = analysis.runtime;
    middleware.matchers = analysis.matchers;
    middleware.allow_dynamic = analysis.allow_dynamic;
    (Some(middleware), diagnostics)
}

/// The page extensions a middleware file may use: those ending in a script extension
/// (`ts`, `page.tsx`, …), in `pageExtensions` order.
fn script_extensions(page_extensions: &[String]) -> Vec<String> {
    page_extensions
        .iter()
        .filter(|extension| {
            let last = extension.rsplit('.').next().unwrap_or(extension);
            SCRIPT_EXTENSIONS.contains(&last)
        })
        .cloned()
        .collect()
}

/// The existing `<dir>/<kind>.<extension>` files, in extension order.
fn candidates(dir: &Path, kind: MiddlewareKind, extensions: &[String]) -> Vec<PathBuf> {
    extensions
        .iter()
        .map(|extension| dir.join(format!("{}.{extension}", kind.name())))
        .filter(|path| path.is_file())
        .collect()
}

/// Next.js 12.2+'s error for `pages/**/_middleware.*` files.
fn nested_middleware_error(
    root: &Path,
    pages_dir: &Path,
    nested: &[PageFile],
) -> Option<Diagnostic> {
    let first = nested.first()?;
    let files: Vec<String> = nested
        .iter()
        .map(|file| format!("pages{}", file.page))
        .collect();
    let parent = pages_dir.parent().unwrap_or(root);
    let dir = parent.strip_prefix(root).unwrap_or(Path::new(""));
    let target = Path::new("/").join(dir).join("middleware");
    Some(file_diagnostic(
        Severity::Error,
        first.file.clone(),
        format!(
            "Nested Middleware is not allowed, found:\n{}\nPlease move your code to a single \
             file at {} instead.\nRead More - https://nextjs.org/docs/messages/nested-middleware",
            files.join("\n"),
            target.display()
        ),
    ))
}

fn file_diagnostic(severity: Severity, file: PathBuf, message: String) -> Diagnostic {
    Diagnostic {
        severity,
        file,
        line: None,
        column: None,
        message,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::find_middleware;
    use crate::routes::pages_dir::PageFile;
    use crate::{Diagnostic, Middleware, MiddlewareKind, NextConfig, Runtime, Severity};

    const HANDLER: &str = "export default function middleware() {}\n";

    use crate::test_app::app;

    fn find_in(
        dir: &tempfile::TempDir,
        pages: &str,
        config: &NextConfig,
        nested: &[PageFile],
    ) -> (Option<Middleware>, Vec<Diagnostic>) {
        find_middleware(dir.path(), &dir.path().join(pages), config, nested)
    }

    fn find(dir: &tempfile::TempDir, pages: &str) -> (Option<Middleware>, Vec<Diagnostic>) {
        find_in(dir, pages, &NextConfig::default(), &[])
    }

    #[test]
    fn finds_middleware_at_the_root_or_in_src() {
        let dir = app(&[("pages/index.js", ""), ("middleware.ts", HANDLER)]);
        let (middleware, diagnostics) = find(&dir, "pages");
        let middleware = middleware.unwrap();
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(middleware.file, Path::new("middleware.ts"));
        assert_eq!(middleware.kind, MiddlewareKind::Middleware);
        assert_eq!(middleware.runtime, Runtime::Edge);
        assert_eq!(middleware.page(), "/middleware");

        let dir = app(&[("src/pages/index.js", ""), ("src/middleware.js", HANDLER)]);
        let middleware = find(&dir, "src/pages").0.unwrap();
        assert_eq!(middleware.file, Path::new("src/middleware.js"));
        assert_eq!(middleware.page(), "/src/middleware");

        let dir = app(&[("pages/index.js", "")]);
        assert!(find(&dir, "pages").0.is_none());
    }

    #[test]
    fn proxy_files_run_on_node() {
        let dir = app(&[
            ("pages/index.js", ""),
            ("proxy.ts", "export function proxy() {}\n"),
        ]);
        let (proxy, diagnostics) = find(&dir, "pages");
        let proxy = proxy.unwrap();
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(proxy.kind, MiddlewareKind::Proxy);
        assert_eq!(proxy.runtime, Runtime::Nodejs);
        assert_eq!(proxy.page(), "/proxy");
    }

    #[test]
    fn page_extensions_are_honoured() {
        let dir = app(&[
            ("pages/index.page.tsx", ""),
            ("middleware.ts", HANDLER),
            ("middleware.page.ts", HANDLER),
        ]);
        let config = NextConfig {
            page_extensions: vec!["page.tsx".into(), "page.ts".into(), "mdx".into()],
            ..NextConfig::default()
        };
        let middleware = find_in(&dir, "pages", &config, &[]).0.unwrap();
        assert_eq!(middleware.file, Path::new("middleware.page.ts"));
        assert_eq!(middleware.page(), "/middleware");
    }

    #[test]
    fn both_middleware_and_proxy_is_an_error() {
        let dir = app(&[
            ("src/pages/index.js", ""),
            ("src/middleware.ts", HANDLER),
            ("src/proxy.ts", HANDLER),
        ]);
        let (found, diagnostics) = find(&dir, "src/pages");
        assert_eq!(found.unwrap().kind, MiddlewareKind::Proxy);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(diagnostics[0].severity, Severity::Error);
        assert_eq!(
            diagnostics[0].message,
            "Both middleware file \"./src/middleware.ts\" and proxy file \"./src/proxy.ts\" are detected. Please use \"./src/proxy.ts\" only. Learn more: https://nextjs.org/docs/messages/middleware-to-proxy"
        );
    }

    #[test]
    fn a_middleware_in_the_wrong_folder_is_ignored_with_a_warning() {
        let dir = app(&[("src/pages/index.js", ""), ("middleware.ts", HANDLER)]);
        let (found, diagnostics) = find(&dir, "src/pages");
        assert!(found.is_none());
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].severity, Severity::Warning);
        assert_eq!(diagnostics[0].file, Path::new("middleware.ts"));
        assert!(
            diagnostics[0]
                .message
                .contains("./src/middleware.<extension>"),
            "{}",
            diagnostics[0].message
        );
    }

    #[test]
    fn nested_middleware_is_an_error_listing_every_file() {
        let dir = app(&[("src/pages/index.js", "")]);
        let nested = [
            PageFile {
                page: "/_middleware".into(),
                file: "src/pages/_middleware.js".into(),
                path: dir.path().join("src/pages/_middleware.js"),
            },
            PageFile {
                page: "/about/_middleware".into(),
                file: "src/pages/about/_middleware.ts".into(),
                path: dir.path().join("src/pages/about/_middleware.ts"),
            },
        ];
        let (_, diagnostics) = find_in(&dir, "src/pages", &NextConfig::default(), &nested);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].file, Path::new("src/pages/_middleware.js"));
        assert_eq!(
            diagnostics[0].message,
            "Nested Middleware is not allowed, found:\npages/_middleware\npages/about/_middleware\nPlease move your code to a single file at /src/middleware instead.\nRead More - https://nextjs.org/docs/messages/nested-middleware"
        );
    }

    #[test]
    fn matchers_use_the_base_path() {
        let dir = app(&[
            ("pages/index.js", ""),
            (
                "middleware.js",
                "export default () => {};\nexport const config = { matcher: '/about' };\n",
            ),
        ]);
        let config = NextConfig {
            base_path: "/docs".into(),
            ..NextConfig::default()
        };
        let middleware = find_in(&dir, "pages", &config, &[]).0.unwrap();
        let regex = fancy_regex::Regex::new(&middleware.matchers[0].regexp).unwrap();
        assert!(regex.is_match("/docs/about").unwrap());
        assert!(!regex.is_match("/about").unwrap());
    }
}
