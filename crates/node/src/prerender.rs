//! Build-time rendering of static pages: one `node` process runs the worker script in its
//! prerender mode over every page, with the bundles the build just wrote.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

/// A page to render: its page path and its bundle, relative to the output directory.
#[derive(Debug, Clone, Serialize)]
pub struct PrerenderJob {
    pub page: String,
    pub bundle: String,
}

/// What rendering one page at build time gave.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Prerendered {
    /// The page's HTML, and for getStaticProps its data (`{ pageProps, __N_SSG }`) and
    /// `revalidate`.
    Html {
        html: String,
        #[serde(default)]
        json: Option<serde_json::Value>,
        #[serde(default)]
        revalidate: Option<serde_json::Value>,
    },
    /// getStaticProps returned `notFound`.
    NotFound,
    /// getStaticProps returned a redirect.
    Redirect { destination: String, status: u16 },
    /// The page has `getInitialProps` (its own or its App's): rendered per request.
    Dynamic,
    /// A dynamic getStaticProps page: each path getStaticPaths listed, and its `fallback`
    /// (`false`, `true` or `"blocking"`).
    Paths {
        fallback: serde_json::Value,
        pages: Vec<PrerenderedPath>,
    },
    /// Rendering threw; `message` is the error with its stack.
    Error { message: String },
}

/// One path of a dynamic getStaticProps page.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PrerenderedPath {
    /// The URL path: `/posts/hello`.
    pub path: String,
    /// What rendering it gave.
    pub result: Prerendered,
}

/// Build-time rendering could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum PrerenderError {
    /// `node` could not be started or its results read.
    #[error(
        "Static pages are rendered at build time with Node.js, which could not run ({node}): {source}. Install Node.js 18 or newer, or put it on PATH."
    )]
    Spawn {
        node: String,
        #[source]
        source: std::io::Error,
    },
    /// The process failed before writing its results.
    #[error("Rendering static pages with Node.js failed:\n{output}")]
    Failed { output: String },
}

/// Renders `jobs` with the bundles in `out_dir` (which must be inside the app, for their
/// `require`s), using the `node` at `node`. Results are in `jobs` order.
pub fn prerender(
    node: &Path,
    out_dir: &Path,
    jobs: &[PrerenderJob],
) -> Result<Vec<Prerendered>, PrerenderError> {
    let spawn_error = |source| PrerenderError::Spawn {
        node: node.display().to_string(),
        source,
    };
    let dir = tempfile::Builder::new()
        .prefix("switchyard-prerender-")
        .tempdir()
        .map_err(spawn_error)?;
    let input = dir.path().join("jobs.json");
    let results: PathBuf = dir.path().join("results.json");
    let jobs_json = serde_json::to_string(jobs).expect("jobs serialize");
    let script = crate::worker_script::write(dir.path())
        .and_then(|script| std::fs::write(&input, jobs_json).map(|()| script))
        .map_err(spawn_error)?;
    let mut command = Command::new(node);
    command
        .arg(&script)
        .arg("--prerender")
        .arg(&input)
        .arg(&results)
        .env("SWITCHYARD_OUT_DIR", out_dir)
        .env("NODE_ENV", "production")
        .env("NEXT_RUNTIME", "nodejs");
    // This thread waits for the child below, so it outlives it as the parent-death signal needs.
    crate::parent_death::die_with_parent(&mut command);
    let output = command.output().map_err(spawn_error)?;
    let text = std::fs::read_to_string(&results).ok();
    let parsed = text.and_then(|text| serde_json::from_str::<Vec<Prerendered>>(&text).ok());
    match parsed {
        Some(results) if output.status.success() && results.len() == jobs.len() => Ok(results),
        _ => Err(PrerenderError::Failed {
            output: format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_read_as_the_worker_writes_them() {
        let results: Vec<Prerendered> = serde_json::from_str(
            r#"[{"kind":"html","html":"<p>","revalidate":10},{"kind":"notFound"},
                {"kind":"redirect","destination":"/a","status":307},{"kind":"dynamic"},
                {"kind":"error","message":"boom"}]"#,
        )
        .unwrap();
        assert_eq!(
            results[0],
            Prerendered::Html {
                html: "<p>".into(),
                json: None,
                revalidate: Some(10.into())
            }
        );
        assert_eq!(results[1], Prerendered::NotFound);
        assert_eq!(
            results[4],
            Prerendered::Error {
                message: "boom".into()
            }
        );
    }
}
