//! `build`: bundle every route that needs it, check the results, write the output directory.

use std::fs;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use switchyard_app::{
    Diagnostic, Middleware, NextConfig, Project, Route, RouteKind, Runtime, Severity, SpecialFiles,
};
use tokio::task::JoinSet;

use crate::build_id::BuildIdHasher;
use crate::client::bundle::{ClientOutput, bundle_client};
use crate::css::{MediaFile, Stylesheets};
use crate::diagnostics::location::display_path;
use crate::edge::bundle::bundle_edge_entry;
use crate::error::BuildError;
use crate::image_import::{ImageImports, image_config};
use crate::node::bundle::bundle_node_entry;
use crate::pages::{
    ERROR_PAGE, build_info, client_build_manifest, client_pages, edge_static_props_warnings,
    missing_react, not_found_route, page_file,
};
use crate::prerender::prerender_pages;
use crate::progress::Progress;
use crate::route_bundle::RouteBundle;
use crate::size::{DEFAULT_EDGE_SIZE_LIMIT_GZIP, gzip_size, size_limit_error};
use crate::virtual_modules::{BUILD_ID_PLACEHOLDER, BundleEntry, SpecialModules, Wrap};
use switchyard_output::{
    EDGE_DIR, ImageConfig, Manifest, ManifestMiddleware, ManifestRoute, NODE_DIR, PAGES_DIR,
    STATIC_DIR,
};

/// The middleware's bundle, in its runtime's directory.
const MIDDLEWARE_BUNDLE: &str = "middleware.js";

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

/// The directory under the output directory for bundles of `runtime`.
fn runtime_dir(runtime: Runtime) -> &'static str {
    match runtime {
        Runtime::Edge => EDGE_DIR,
        Runtime::Nodejs => NODE_DIR,
    }
}

/// Builds the app at `root` with the routes the project model found, without middleware.
///
/// Every bundled route is built even when an earlier one fails, so the error lists every
/// problem. Nothing is written unless the whole build succeeds.
pub fn build(
    root: &Path,
    routes: &[Route],
    options: &BuildOptions,
) -> Result<BuildOutput, BuildError> {
    build_app(root, routes, None, None, &SpecialFiles::default(), options)
}

/// Builds `project`: its routes and its middleware (or proxy), as [`build`] does.
pub fn build_project(project: &Project, options: &BuildOptions) -> Result<BuildOutput, BuildError> {
    build_app(
        &project.root,
        project.routes.routes(),
        project.middleware.as_ref(),
        Some(&project.config),
        &project.special_files,
        options,
    )
}

/// The part of `config` the adapter hands to `NextURL`: `basePath`, `i18n` and
/// `trailingSlash`, left out when unset; `None` when none is set.
fn adapter_config(config: &NextConfig) -> Option<serde_json::Value> {
    let mut options = serde_json::Map::new();
    if !config.base_path.is_empty() {
        options.insert("basePath".into(), config.base_path.clone().into());
    }
    if let Some(i18n) = config.raw.get("i18n").filter(|i18n| i18n.is_object()) {
        options.insert("i18n".into(), i18n.clone());
    }
    if config.trailing_slash {
        options.insert("trailingSlash".into(), true.into());
    }
    (!options.is_empty()).then_some(serde_json::Value::Object(options))
}

/// One bundle to make.
struct Job {
    /// The page, for the progress bar and messages.
    page: String,
    runtime: Runtime,
    entry: BundleEntry,
    /// Globs exempt from the dynamic-code check (Edge only).
    allow_dynamic: Vec<String>,
}

/// The job for `route`; `next_config` is for the adapter, `special` for pages.
fn route_job(
    root: &Path,
    route: &Route,
    next_config: Option<&serde_json::Value>,
    special: &SpecialModules,
) -> Job {
    let file = page_file(root, route);
    let (entry, allow_dynamic) = match (route.kind, route.runtime) {
        (RouteKind::Page, runtime) => (
            BundleEntry {
                file,
                wrap: Wrap::Page {
                    page: route.page.clone(),
                    edge: runtime == Runtime::Edge,
                    special: special.clone(),
                },
                next_config: next_config.cloned(),
            },
            allow_dynamic_globs(route.info.config.as_ref()),
        ),
        (RouteKind::Api, Runtime::Edge) => (
            BundleEntry {
                file,
                wrap: Wrap::ApiRoute {
                    page: route.page.clone(),
                },
                next_config: next_config.cloned(),
            },
            allow_dynamic_globs(route.info.config.as_ref()),
        ),
        (RouteKind::Api, Runtime::Nodejs) => (BundleEntry::file(file), Vec::new()),
    };
    Job {
        page: route.page.clone(),
        runtime: route.runtime,
        entry,
        allow_dynamic,
    }
}

/// `config.unstable_allowDynamic` of an Edge route: a glob or a list of them.
fn allow_dynamic_globs(config: Option<&serde_json::Value>) -> Vec<String> {
    match config.and_then(|config| config.get("unstable_allowDynamic")) {
        Some(serde_json::Value::String(glob)) => vec![glob.clone()],
        Some(serde_json::Value::Array(globs)) => globs
            .iter()
            .filter_map(|glob| glob.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn middleware_job(
    root: &Path,
    middleware: &Middleware,
    next_config: Option<&serde_json::Value>,
) -> Job {
    Job {
        page: middleware.page(),
        runtime: middleware.runtime,
        entry: BundleEntry {
            file: root.join(&middleware.file),
            wrap: Wrap::Middleware {
                page: middleware.page(),
            },
            next_config: next_config.cloned(),
        },
        allow_dynamic: middleware.allow_dynamic.clone(),
    }
}

/// A bundle that was made: where it goes and its sizes.
struct Made {
    /// Relative to the output directory.
    relative: String,
    size: u64,
    gzip_size: u64,
}

/// What the build collects while it looks at the bundles.
struct Collected<'o> {
    root: &'o Path,
    options: &'o BuildOptions,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    /// Bundle files to write, relative to the output directory, with their code.
    files: Vec<(String, String)>,
    hasher: BuildIdHasher,
}

impl Collected<'_> {
    /// Sorts `bundle`'s diagnostics, checks its size, and queues it as `relative`.
    fn add(
        &mut self,
        bundle: RouteBundle,
        job: &Job,
        file: &Path,
        relative: String,
    ) -> Option<Made> {
        let RouteBundle { code, diagnostics } = bundle;
        for diagnostic in diagnostics {
            match diagnostic.severity {
                Severity::Error => self.errors.push(diagnostic),
                Severity::Warning => self.warnings.push(diagnostic),
            }
        }
        let code = code?;
        let size = code.len() as u64;
        let gzip_size = gzip_size(code.as_bytes());
        // Node.js bundles have no limit of their own; their size is only shown.
        if job.runtime == Runtime::Edge && gzip_size > self.options.edge_size_limit_gzip {
            self.errors.push(Diagnostic {
                severity: Severity::Error,
                file: display_path(self.root, &self.root.join(file)),
                line: None,
                column: None,
                message: size_limit_error(&job.page, gzip_size, self.options.edge_size_limit_gzip),
            });
        }
        self.hasher.add(code.as_bytes());
        self.files.push((relative.clone(), code));
        Some(Made {
            relative,
            size,
            gzip_size,
        })
    }
}

/// [`build`] with the middleware, if the app has one, the app's config, if known (the
/// adapter builds `request.nextUrl` with its `basePath`, `i18n` and `trailingSlash`), and its
/// `_app`, `_document` and `_error`.
pub(crate) fn build_app(
    root: &Path,
    routes: &[Route],
    middleware: Option<&Middleware>,
    config: Option<&NextConfig>,
    special_files: &SpecialFiles,
    options: &BuildOptions,
) -> Result<BuildOutput, BuildError> {
    // Canonical, because the bundler reports module ids with symlinks resolved.
    let root = fs::canonicalize(root).map_err(BuildError::io("read the app directory", root))?;
    let next_config = config.and_then(adapter_config);
    let special = SpecialModules::new(&root, special_files);
    let pages: Vec<&Route> = routes
        .iter()
        .filter(|route| route.kind == RouteKind::Page)
        .collect();
    if let Some(error) = missing_react(&root, &pages) {
        return Err(BuildError::Failed {
            errors: vec![error],
            warnings: Vec::new(),
        });
    }
    let not_found = (!pages.is_empty()).then(|| not_found_route(routes, special_files));

    // Compiled once for every bundle; its Node.js process (if any) lives as long as it does.
    let stylesheets = Stylesheets::new(&root, config);
    let image_config = image_config(config);
    // Read once for every bundle; copied into `static/media/` with the stylesheets' files.
    let images = ImageImports::new(
        &root,
        config.map_or("", |config| config.base_path.as_str()),
        &image_config,
    );
    // `NEXT_PUBLIC_*` and next.config's `env`, inlined into every bundle as Next does.
    let env: Arc<[(String, String)]> =
        switchyard_app::inlined_env(std::env::vars_os().filter_map(utf8_var), config).into();
    // The browser's files first: the server bundles name them.
    let client = if pages.is_empty() {
        ClientOutput::default()
    } else {
        block_on(bundle_client(
            &root,
            &client_pages(&root, &pages, &special),
            &env,
            &stylesheets,
            &images,
        ))?
    };
    let build_info: Arc<str> = Arc::from(build_info(&client));

    let mut jobs: Vec<Job> = routes
        .iter()
        .map(|route| route_job(&root, route, next_config.as_ref(), &special))
        .collect();
    let error_page = not_found.as_ref().filter(|route| route.page == ERROR_PAGE);
    jobs.extend(error_page.map(|route| route_job(&root, route, next_config.as_ref(), &special)));
    jobs.extend(
        middleware.map(|middleware| middleware_job(&root, middleware, next_config.as_ref())),
    );
    let progress = Progress::new(options.progress, jobs.len());
    let bundles = block_on(bundle_all(
        &root,
        &jobs,
        &progress,
        &build_info,
        &stylesheets,
        &env,
        &images,
    ));
    drop(stylesheets);
    progress.clear();
    let bundles = bundles?;

    let mut collected = Collected {
        root: &root,
        options,
        errors: Vec::new(),
        warnings: Vec::new(),
        files: Vec::new(),
        hasher: BuildIdHasher::new(),
    };
    for diagnostic in client.diagnostics.iter().cloned() {
        match diagnostic.severity {
            Severity::Error => collected.errors.push(diagnostic),
            Severity::Warning => collected.warnings.push(diagnostic),
        }
    }
    for (_, code) in &client.files {
        collected.hasher.add(code.as_bytes());
    }
    collected.errors.extend(images.diagnostics());
    collected
        .warnings
        .extend(edge_static_props_warnings(&root, &pages));
    let mut bundles = bundles.into_iter().zip(&jobs);
    let mut bundle_route = |collected: &mut Collected, route: &Route| {
        collected.hasher.add(route.page.as_bytes());
        let mut entry = ManifestRoute::new(route.clone());
        let (bundle, job) = bundles.next().expect("one bundle per route");
        let relative = format!(
            "{}/{}",
            runtime_dir(route.runtime),
            bundle_file_name(&route.page)
        );
        if let Some(made) = collected.add(bundle, job, &route.file, relative) {
            entry.bundle = Some(made.relative);
            entry.size = made.size;
            entry.gzip_size = made.gzip_size;
        }
        entry
    };
    let mut entries: Vec<ManifestRoute> = routes
        .iter()
        .map(|route| bundle_route(&mut collected, route))
        .collect();
    let mut error_entry = error_page.map(|route| bundle_route(&mut collected, route));
    let mut manifest_middleware = None;
    if let Some(middleware) = middleware {
        let (bundle, job) = bundles.next().expect("a bundle for the middleware");
        collected.hasher.add(job.page.as_bytes());
        let relative = format!("{}/{MIDDLEWARE_BUNDLE}", runtime_dir(middleware.runtime));
        if let Some(made) = collected.add(bundle, job, &middleware.file, relative) {
            manifest_middleware = Some(ManifestMiddleware {
                middleware: middleware.clone(),
                bundle: made.relative,
                size: made.size,
                gzip_size: made.gzip_size,
            });
        }
    }
    let Collected {
        errors,
        mut warnings,
        files,
        hasher,
        ..
    } = collected;
    if !errors.is_empty() {
        return Err(BuildError::Failed { errors, warnings });
    }

    let build_id = hasher.finish();
    let mut files: Vec<(String, String)> = files
        .into_iter()
        .map(|(relative, code)| (relative, code.replace(BUILD_ID_PLACEHOLDER, &build_id)))
        .collect();
    if !pages.is_empty() {
        files.extend(client.files.iter().cloned());
        files.push((
            format!("{STATIC_DIR}/{build_id}/_buildManifest.js"),
            client_build_manifest(&build_id, routes, &client),
        ));
    }
    let mut media = client.media.clone();
    media.extend(images.media());
    media.sort();
    media.dedup();
    write_output(&options.out_dir, files, &media)?;

    // Static pages are rendered now, by the bundles just written.
    let prerendered = prerender_pages(
        &root,
        &options.out_dir,
        entries.iter_mut().chain(error_entry.as_mut()),
    );
    match prerendered {
        Ok(more_warnings) => warnings.extend(more_warnings),
        Err(errors) => return Err(BuildError::Failed { errors, warnings }),
    }
    let not_found_entry = error_entry.or_else(|| {
        let page = &not_found.as_ref()?.page;
        entries
            .iter()
            .find(|entry| &entry.route.page == page)
            .cloned()
    });

    let manifest = Manifest {
        build_id,
        base_path: config
            .map(|config| config.base_path.clone())
            .unwrap_or_default(),
        compress: config.is_none_or(|config| config.compress),
        // Their errors were the project's diagnostics, which stop a build before this.
        custom_routes: config.and_then(|config| switchyard_app::CustomRoutes::load(config).ok()),
        images: (image_config != ImageConfig::default()).then_some(image_config),
        routes: entries,
        middleware: manifest_middleware,
        not_found: not_found_entry,
    };
    manifest.save(&options.out_dir)?;
    Ok(BuildOutput { manifest, warnings })
}

/// Replaces the build's files in `out_dir` with `files` (relative path, code) and copies of
/// `media`. The manifest is saved after them, so it never names a file that is not there yet.
fn write_output(
    out_dir: &Path,
    files: Vec<(String, String)>,
    media: &[MediaFile],
) -> Result<(), BuildError> {
    // Files of routes that no longer exist must not outlive this build.
    for dir in [EDGE_DIR, NODE_DIR, STATIC_DIR, PAGES_DIR] {
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
    for file in media {
        let path = out_dir.join(&file.output);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(BuildError::io("create", parent))?;
        }
        fs::copy(&file.source, &path).map_err(BuildError::io("copy", &file.source))?;
    }
    Ok(())
}

/// The bundle's file for `page`, relative to its runtime's directory: `api/[id].js`, `index.js`.
fn bundle_file_name(page: &str) -> String {
    match page.trim_start_matches('/') {
        "" => "index.js".to_string(),
        path => format!("{path}.js"),
    }
}

/// Makes each bundle concurrently; the results are in `jobs` order.
async fn bundle_all(
    root: &Path,
    jobs: &[Job],
    progress: &Progress,
    build_info: &Arc<str>,
    stylesheets: &Stylesheets,
    env: &Arc<[(String, String)]>,
    images: &ImageImports,
) -> Result<Vec<RouteBundle>, BuildError> {
    let mut tasks = JoinSet::new();
    for (index, job) in jobs.iter().enumerate() {
        let (root, entry) = (root.to_path_buf(), job.entry.clone());
        let (progress, page, runtime) = (progress.clone(), job.page.clone(), job.runtime);
        let (allow_dynamic, build_info) = (job.allow_dynamic.clone(), build_info.clone());
        let (stylesheets, env, images) = (stylesheets.clone(), env.clone(), images.clone());
        tasks.spawn(async move {
            let bundle = match runtime {
                Runtime::Edge => {
                    bundle_edge_entry(
                        root,
                        entry,
                        allow_dynamic,
                        build_info,
                        stylesheets,
                        env,
                        images,
                    )
                    .await
                }
                Runtime::Nodejs => {
                    bundle_node_entry(root, entry, build_info, stylesheets, env, images).await
                }
            };
            progress.finished(&page);
            (index, bundle)
        });
    }
    let mut bundles: Vec<Option<RouteBundle>> = jobs.iter().map(|_| None).collect();
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

/// A variable of the process environment, unless its name or value is not UTF-8.
fn utf8_var((name, value): (std::ffi::OsString, std::ffi::OsString)) -> Option<(String, String)> {
    Some((name.into_string().ok()?, value.into_string().ok()?))
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
