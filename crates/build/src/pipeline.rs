//! `build`: bundle every route that needs it, check the results, write the output directory.

use std::fs;
use std::future::Future;
use std::path::{Path, PathBuf};

use switchyard_app::{Diagnostic, Route, RouteKind, Runtime, Severity};
use tokio::task::JoinSet;

use crate::build_id::BuildIdHasher;
use crate::edge_bundle::bundle_edge_entry;
use crate::error::BuildError;
use crate::location::display_path;
use crate::manifest::{Manifest, ManifestRoute};
use crate::node_bundle::bundle_node_entry;
use crate::progress::Progress;
use crate::route_bundle::RouteBundle;
use crate::size::{DEFAULT_EDGE_SIZE_LIMIT_GZIP, gzip_size, size_limit_error};

/// The directory under the output directory that holds Edge bundles.
const EDGE_DIR: &str = "edge";

/// The directory under the output directory that holds Node.js bundles.
const NODE_DIR: &str = "node";

/// Written into the Node.js directory so Node loads the bundles there as CommonJS even when
/// the app's `package.json` says `"type": "module"`.
const NODE_PACKAGE_JSON: &str = "{ \"type\": \"commonjs\" }\n";

/// How to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildOptions {
    /// Where the manifest and bundles go. Node.js bundles `require` the app's packages from
    /// there at run time, so it belongs inside the app.
    pub out_dir: PathBuf,
    /// Show a progress bar on stderr while bundling (only when it is a terminal).
    pub progress: bool,
    /// The largest Edge bundle allowed, in bytes after gzip.
    pub edge_size_limit_gzip: u64,
}

impl BuildOptions {
    /// The defaults for the app at `root`: output in `root/.switchyard`, no progress bar,
    /// a 4 MiB Edge limit.
    pub fn new(root: &Path) -> Self {
        Self {
            out_dir: root.join(".switchyard"),
            progress: false,
            edge_size_limit_gzip: DEFAULT_EDGE_SIZE_LIMIT_GZIP,
        }
    }
}

/// A successful build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildOutput {
    /// The manifest, as written to the output directory.
    pub manifest: Manifest,
    /// Problems that did not fail the build.
    pub warnings: Vec<Diagnostic>,
}

/// Whether this build bundles `route`: API routes, for their runtime, so far.
fn is_bundled(route: &Route) -> bool {
    route.kind == RouteKind::Api
}

/// The directory under the output directory for bundles of `runtime`.
fn runtime_dir(runtime: Runtime) -> &'static str {
    match runtime {
        Runtime::Edge => EDGE_DIR,
        Runtime::Nodejs => NODE_DIR,
    }
}

/// Builds the app at `root` with the routes the project model found.
///
/// Every bundled route is built even when an earlier one fails, so the error lists every
/// problem. Nothing is written unless the whole build succeeds.
pub fn build(
    root: &Path,
    routes: &[Route],
    options: &BuildOptions,
) -> Result<BuildOutput, BuildError> {
    // Canonical, because the bundler reports module ids with symlinks resolved.
    let root = fs::canonicalize(root).map_err(BuildError::io("read the app directory", root))?;
    let bundled: Vec<&Route> = routes.iter().filter(|route| is_bundled(route)).collect();
    let progress = Progress::new(options.progress, bundled.len());
    let bundles = block_on(bundle_all(&root, &bundled, &progress));
    progress.clear();
    let bundles = bundles?;

    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut entries = Vec::new();
    // Bundle files to write, relative to the output directory, with their code.
    let mut files = Vec::new();
    let mut hasher = BuildIdHasher::new();
    let mut bundles = bundles.into_iter();
    for route in routes {
        hasher.add(route.page.as_bytes());
        let mut entry = ManifestRoute {
            route: route.clone(),
            bundle: None,
            size: 0,
            gzip_size: 0,
        };
        if is_bundled(route) {
            let RouteBundle { code, diagnostics } =
                bundles.next().expect("one bundle per bundled route");
            for diagnostic in diagnostics {
                match diagnostic.severity {
                    Severity::Error => errors.push(diagnostic),
                    Severity::Warning => warnings.push(diagnostic),
                }
            }
            if let Some(code) = code {
                entry.size = code.len() as u64;
                entry.gzip_size = gzip_size(code.as_bytes());
                // Node.js bundles have no limit of their own; their size is only shown.
                let over_limit = route.runtime == Runtime::Edge
                    && entry.gzip_size > options.edge_size_limit_gzip;
                if over_limit {
                    errors.push(Diagnostic {
                        severity: Severity::Error,
                        file: display_path(&root, &root.join(&route.file)),
                        line: None,
                        column: None,
                        message: size_limit_error(
                            &route.page,
                            entry.gzip_size,
                            options.edge_size_limit_gzip,
                        ),
                    });
                }
                hasher.add(code.as_bytes());
                let relative = format!(
                    "{}/{}",
                    runtime_dir(route.runtime),
                    bundle_file_name(&route.page)
                );
                entry.bundle = Some(relative.clone());
                files.push((relative, code));
            }
        }
        entries.push(entry);
    }
    if !errors.is_empty() {
        return Err(BuildError::Failed { errors, warnings });
    }

    let manifest = Manifest {
        build_id: hasher.finish(),
        routes: entries,
        middleware: None,
    };
    write_output(&options.out_dir, files, &manifest)?;
    Ok(BuildOutput { manifest, warnings })
}

/// Replaces the bundles in `out_dir` with `files` (relative path, code), then the manifest,
/// last, so it never names a bundle that is not there yet.
fn write_output(
    out_dir: &Path,
    files: Vec<(String, String)>,
    manifest: &Manifest,
) -> Result<(), BuildError> {
    // Bundles of routes that no longer exist must not outlive this build.
    for dir in [EDGE_DIR, NODE_DIR] {
        let dir = out_dir.join(dir);
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(BuildError::io("remove", &dir))?;
        }
    }
    if files
        .iter()
        .any(|(relative, _)| Path::new(relative).starts_with(NODE_DIR))
    {
        let path = out_dir.join(NODE_DIR).join("package.json");
        fs::create_dir_all(out_dir.join(NODE_DIR))
            .and_then(|()| fs::write(&path, NODE_PACKAGE_JSON))
            .map_err(BuildError::io("write", &path))?;
    }
    for (relative, code) in files {
        let path = out_dir.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(BuildError::io("create", parent))?;
        }
        fs::write(&path, code).map_err(BuildError::io("write", &path))?;
    }
    manifest.save(out_dir)?;
    Ok(())
}

/// The bundle's file for `page`, relative to its runtime's directory: `api/[id].js`, `index.js`.
fn bundle_file_name(page: &str) -> String {
    match page.trim_start_matches('/') {
        "" => "index.js".to_string(),
        path => format!("{path}.js"),
    }
}

/// Bundles each route concurrently; the results are in `routes` order.
async fn bundle_all(
    root: &Path,
    routes: &[&Route],
    progress: &Progress,
) -> Result<Vec<RouteBundle>, BuildError> {
    let mut tasks = JoinSet::new();
    for (index, route) in routes.iter().enumerate() {
        let (root, entry) = (root.to_path_buf(), root.join(&route.file));
        let (progress, page, runtime) = (progress.clone(), route.page.clone(), route.runtime);
        tasks.spawn(async move {
            let bundle = match runtime {
                Runtime::Edge => bundle_edge_entry(root, entry).await,
                Runtime::Nodejs => bundle_node_entry(root, entry).await,
            };
            progress.finished(&page);
            (index, bundle)
        });
    }
    let mut bundles: Vec<Option<RouteBundle>> = routes.iter().map(|_| None).collect();
    while let Some(joined) = tasks.join_next().await {
        let (index, bundle) = joined.map_err(|error| BuildError::Internal(error.to_string()))?;
        bundles[index] = Some(bundle?);
    }
    Ok(bundles
        .into_iter()
        .map(|bundle| bundle.expect("every task reported"))
        .collect())
}

/// Runs `future` to completion on a runtime of its own, on a thread of its own, so `build`
/// works the same when called from inside another tokio runtime.
fn block_on<F: Future + Send>(future: F) -> F::Output
where
    F::Output: Send,
{
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                tokio::runtime::Builder::new_multi_thread()
                    .enable_all()
                    .build()
                    .expect("a tokio runtime starts")
                    .block_on(future)
            })
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_files_follow_the_page_path() {
        assert_eq!(bundle_file_name("/"), "index.js");
        assert_eq!(bundle_file_name("/api/[id]"), "api/[id].js");
        assert_eq!(bundle_file_name("/api/[[...slug]]"), "api/[[...slug]].js");
    }
}
