//! Static pages, rendered once at build time: Node.js pages without `getServerSideProps`
//! (Next.js's automatic static optimization, and `getStaticProps`). Edge pages are always
//! rendered per request, as in Next.js.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use switchyard_app::{Diagnostic, RouteKind, Runtime, Severity};
use switchyard_node::{PrerenderJob, Prerendered, prerender};

use crate::diagnostics::location::display_path;
use switchyard_output::{ManifestRoute, StaticPage};

/// Where prerendered pages go under the output directory.
pub(crate) use switchyard_output::PAGES_DIR;

/// Whether `entry` is rendered at build time.
fn is_static_candidate(entry: &ManifestRoute) -> bool {
    let route = &entry.route;
    route.kind == RouteKind::Page
        && route.runtime == Runtime::Nodejs
        && !route.info.get_server_side_props
        && entry.bundle.is_some()
}

/// The file of `page`'s HTML (or data, with `extension` `json`), relative to the output directory.
fn static_file(page: &str, extension: &str) -> String {
    let name = match page.trim_start_matches('/') {
        "" => "index",
        name => name,
    };
    format!("{PAGES_DIR}/{name}.{extension}")
}

/// Renders the static pages among `entries` with the bundles in `out_dir`, writes their
/// files and records them in the entries. Errors name the page's file.
pub(crate) fn prerender_pages<'m>(
    root: &Path,
    out_dir: &Path,
    entries: impl Iterator<Item = &'m mut ManifestRoute>,
) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    let mut entries: Vec<&mut ManifestRoute> = entries.filter(|e| is_static_candidate(e)).collect();
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let jobs: Vec<PrerenderJob> = entries
        .iter()
        .map(|entry| PrerenderJob {
            page: entry.route.page.clone(),
            bundle: entry.bundle.clone().expect("candidates have bundles"),
        })
        .collect();
    let error_at = |file: &Path, message: String| Diagnostic {
        severity: Severity::Error,
        file: display_path(root, &root.join(file)),
        line: None,
        column: None,
        message,
    };
    let results = prerender(Path::new("node"), out_dir, &jobs)
        .map_err(|error| vec![error_at(&entries[0].route.file, error.to_string())])?;
    let mut errors = Vec::new();
    for (entry, result) in entries.iter_mut().zip(results) {
        let page = entry.route.page.clone();
        let mut record = |path: &str, result: Prerendered| {
            static_page(out_dir, path, result).map_err(|message| {
                errors.push(error_at(&entry.route.file, failure(&page, path, message)));
            })
        };
        entry.prerendered = match result {
            Prerendered::Paths { fallback, pages } => {
                let mut listed = BTreeMap::new();
                for path in pages {
                    if let Ok(Some(static_page)) = record(&path.path, path.result) {
                        listed.insert(path.path, static_page);
                    }
                }
                Some(StaticPage::Paths {
                    fallback: fallback != serde_json::Value::Bool(false),
                    pages: listed,
                })
            }
            result => record(&page, result).ok().flatten(),
        };
    }
    if errors.is_empty() {
        Ok(Vec::new())
    } else {
        Err(errors)
    }
}

/// The message for a page (or one of its paths) that failed to render.
fn failure(page: &str, path: &str, message: String) -> String {
    let shown = if path == page {
        String::new()
    } else {
        format!(" (path {path})")
    };
    format!(
        "Error occurred prerendering page \"{page}\"{shown}. Read more: https://nextjs.org/docs/messages/prerender-error\n{message}"
    )
}

/// Writes what rendering the URL `path` gave; `None` for a page rendered per request.
fn static_page(
    out_dir: &Path,
    path: &str,
    result: Prerendered,
) -> Result<Option<StaticPage>, String> {
    Ok(Some(match result {
        Prerendered::Html {
            html,
            json,
            revalidate,
        } => {
            let html_file = static_file(path, "html");
            let data_file = json.as_ref().map(|_| static_file(path, "json"));
            let written =
                write(out_dir, &html_file, &html).and_then(|()| match (&data_file, &json) {
                    (Some(file), Some(json)) => write(out_dir, file, &json.to_string()),
                    _ => Ok(()),
                });
            if let Err((file, error)) = written {
                return Err(format!("Could not write {}: {error}.", file.display()));
            }
            StaticPage::Html {
                html: html_file,
                data: data_file,
                revalidate,
            }
        }
        Prerendered::NotFound => StaticPage::NotFound,
        Prerendered::Redirect {
            destination,
            status,
        } => StaticPage::Redirect {
            destination,
            status,
        },
        Prerendered::Dynamic => return Ok(None),
        Prerendered::Error { message } => return Err(message),
        Prerendered::Paths { .. } => return Err("getStaticPaths nested in a path.".to_string()),
    }))
}

fn write(out_dir: &Path, relative: &str, text: &str) -> Result<(), (PathBuf, std::io::Error)> {
    let path = out_dir.join(relative);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|error| (parent.to_path_buf(), error))?;
    }
    fs::write(&path, text).map_err(|error| (path, error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_files_follow_the_page_path() {
        assert_eq!(static_file("/", "html"), "pages/index.html");
        assert_eq!(
            static_file("/blog/[slug]", "html"),
            "pages/blog/[slug].html"
        );
        assert_eq!(static_file("/about", "json"), "pages/about.json");
    }
}
