//! What the build makes for pages besides their bundles: the route that answers unknown URLs,
//! the list of browser entries, `next/internal/build-info` and `_buildManifest.js`, and the
//! checks that only apply to pages (React installed, getStaticProps on Edge).

use std::path::{Path, PathBuf};

use switchyard_app::{Diagnostic, Route, RouteKind, Runtime, Severity, SpecialFiles};

use crate::client::bundle::{ClientOutput, ClientPage, STATIC_DIR};
use crate::diagnostics::location::display_path;
use crate::virtual_modules::{BUILD_ID_PLACEHOLDER, SpecialModules};

/// The page that answers unknown URLs: `pages/404`, else `_error` (the app's or Switchyard's).
pub(crate) const ERROR_PAGE: &str = "/_error";

/// The module of the error page when the app has no `pages/_error`.
const BUILTIN_ERROR_PAGE: &str = "next/error";

/// The route that renders the 404 page: `pages/404`, else `_error`. On Node.js (it is
/// prerendered) unless every page of the app runs on Edge.
pub(crate) fn not_found_route(routes: &[Route], special: &SpecialFiles) -> Route {
    if let Some(route) = routes.iter().find(|route| route.page == "/404") {
        return route.clone();
    }
    let all_edge = routes
        .iter()
        .filter(|route| route.kind == RouteKind::Page)
        .all(|route| route.runtime == Runtime::Edge);
    Route {
        page: ERROR_PAGE.to_string(),
        file: special
            .error
            .clone()
            .unwrap_or_else(|| PathBuf::from(BUILTIN_ERROR_PAGE)),
        kind: RouteKind::Page,
        runtime: if all_edge {
            Runtime::Edge
        } else {
            Runtime::Nodejs
        },
        segments: Vec::new(),
        info: Default::default(),
    }
}

/// The packages pages render with; never bundled into Switchyard, always the app's.
const REACT_PACKAGES: [&str; 2] = ["react", "react-dom"];

/// One error, on the first page, when the app has pages but not React: otherwise every
/// page would report every import of React from Switchyard's own modules.
pub(crate) fn missing_react(root: &Path, pages: &[&Route]) -> Option<Diagnostic> {
    let first = pages.first()?;
    let missing: Vec<&str> = REACT_PACKAGES
        .into_iter()
        .filter(|package| !is_installed(root, package))
        .collect();
    if missing.is_empty() {
        return None;
    }
    let listed = missing
        .iter()
        .map(|package| format!("`{package}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let verb = if missing.len() == 1 { "is" } else { "are" };
    Some(Diagnostic {
        severity: Severity::Error,
        file: display_path(root, &root.join(&first.file)),
        line: None,
        column: None,
        message: format!(
            "Pages render with the app's own React, and {listed} {verb} not installed. \
             Run `npm install {}` in the app.",
            missing.join(" ")
        ),
    })
}

/// Whether `package` is installed where Node.js would find it from `root`.
fn is_installed(root: &Path, package: &str) -> bool {
    root.ancestors().any(|dir| {
        dir.join("node_modules")
            .join(package)
            .join("package.json")
            .is_file()
    })
}

/// Next.js's warning for getStaticProps on an Edge page, which then runs per request.
pub(crate) fn edge_static_props_warnings(root: &Path, pages: &[&Route]) -> Vec<Diagnostic> {
    pages
        .iter()
        .filter(|route| route.runtime == Runtime::Edge && route.info.get_static_props)
        .map(|route| Diagnostic {
            severity: Severity::Warning,
            file: display_path(root, &root.join(&route.file)),
            line: None,
            column: None,
            message: format!(
                "\"getStaticProps\" is not yet supported fully with \"experimental-edge\", detected on {}",
                route.page
            ),
        })
        .collect()
}

/// What the browser build bundles: `_app`, `_error`, and every page.
pub(crate) fn client_pages(
    root: &Path,
    pages: &[&Route],
    special: &SpecialModules,
) -> Vec<ClientPage> {
    let mut client = vec![
        ClientPage {
            page: "/_app".to_string(),
            module: special.app.clone(),
        },
        ClientPage {
            page: ERROR_PAGE.to_string(),
            module: special.error.clone(),
        },
    ];
    client.extend(
        pages
            .iter()
            .filter(|route| route.page != ERROR_PAGE)
            .map(|route| ClientPage {
                page: route.page.clone(),
                module: page_file(root, route).to_string_lossy().into_owned(),
            }),
    );
    client
}

/// `next/internal/build-info`: the build id (a placeholder until every bundle is made) and
/// the URLs of the browser's files.
pub(crate) fn build_info(client: &ClientOutput) -> String {
    let mut preload: serde_json::Map<String, serde_json::Value> = client
        .pages
        .iter()
        .map(|(page, assets)| (page.clone(), assets.preload.clone().into()))
        .collect();
    preload.insert("main".into(), vec![client.main.clone()].into());
    let css: serde_json::Map<String, serde_json::Value> = client
        .pages
        .iter()
        .filter(|(_, assets)| !assets.css.is_empty())
        .map(|(page, assets)| (page.clone(), assets.css.clone().into()))
        .collect();
    let assets = serde_json::json!({
        "buildManifest": format!("/_next/{STATIC_DIR}/{BUILD_ID_PLACEHOLDER}/_buildManifest.js"),
        "main": client.main,
        "preload": preload,
        "css": css,
    });
    format!("export const buildId = \"{BUILD_ID_PLACEHOLDER}\";\nexport const assets = {assets};\n")
}

/// `_buildManifest.js`: what client-side navigation needs to find and load a page.
pub(crate) fn client_build_manifest(
    build_id: &str,
    routes: &[Route],
    client: &ClientOutput,
) -> String {
    let pages: Vec<&Route> = routes
        .iter()
        .filter(|route| route.kind == RouteKind::Page)
        .collect();
    let mut entries = serde_json::Map::new();
    for (page, assets) in &client.pages {
        let route = pages.iter().find(|route| &route.page == page);
        let data = route.and_then(|route| {
            if route.info.get_server_side_props {
                Some("ssp")
            } else if route.info.get_static_props {
                Some(if route.runtime == Runtime::Edge {
                    "ssp"
                } else {
                    "ssg"
                })
            } else {
                None
            }
        });
        entries.insert(
            page.clone(),
            serde_json::json!({ "js": assets.js, "data": data, "css": assets.css }),
        );
    }
    let manifest = serde_json::json!({
        "buildId": build_id,
        "sortedPages": pages.iter().map(|route| route.page.as_str()).collect::<Vec<_>>(),
        "pages": entries,
    });
    format!("self.__BUILD_MANIFEST = {manifest};\n")
}

/// The file of `route` (absolute), or the built-in module it stands for (`next/error`).
pub(crate) fn page_file(root: &Path, route: &Route) -> PathBuf {
    if route.file == Path::new(BUILTIN_ERROR_PAGE) {
        route.file.clone()
    } else {
        root.join(&route.file)
    }
}
