//! The build manifest: every route with its bundle and sizes, saved as
//! `<out_dir>/manifest.json` for `switchyard start` to read.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use switchyard_app::Route;

/// The manifest's file name inside the output directory.
pub const MANIFEST_FILE: &str = "manifest.json";

/// What a build produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// Identifies this build's output (a hash of its routes and bundles).
    pub build_id: String,
    /// next.config `basePath`: every URL of the app starts with it (`""` when unset).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub base_path: String,
    /// next.config `compress`: gzip responses as `next start` does (on unless set to false).
    #[serde(default = "compress_by_default")]
    pub compress: bool,
    /// next.config `headers()`, `redirects()` and `rewrites()`, with the trailing-slash
    /// redirect Next adds; `None` when there are none at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_routes: Option<switchyard_app::CustomRoutes>,
    /// next.config `images`, resolved (what `/_next/image` accepts); `None` is Next.js's
    /// defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<crate::ImageConfig>,
    /// Every route of the app, in the order the project model sorted them.
    pub routes: Vec<ManifestRoute>,
    /// The middleware (or proxy), when the app has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middleware: Option<ManifestMiddleware>,
    /// The page unknown URLs get (`/404`, or `/_error`), when the app has pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_found: Option<ManifestRoute>,
}

/// The middleware and what the build made of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManifestMiddleware {
    /// The middleware as the project model found it (file, runtime, compiled matchers).
    pub middleware: switchyard_app::Middleware,
    /// Its bundle, relative to the output directory: `edge/middleware.js` or
    /// `node/middleware.js`. Its default export takes `(request, event)` and returns a
    /// Response carrying Next.js's `x-middleware-*` headers.
    pub bundle: String,
    /// The bundle's size in bytes.
    pub size: u64,
    /// The bundle's size after gzip in bytes.
    pub gzip_size: u64,
}

fn compress_by_default() -> bool {
    true
}

/// One route and what the build made of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManifestRoute {
    /// The route as the project model found it.
    pub route: Route,
    /// The route's bundle, relative to the output directory with `/` separators: a classic
    /// script under `edge/` for Edge routes, a CommonJS module under `node/` for Node.js
    /// routes; `None` for routes this build does not bundle (pages, so far).
    pub bundle: Option<String>,
    /// The bundle's size in bytes (0 without a bundle).
    pub size: u64,
    /// The bundle's size after gzip in bytes (0 without a bundle).
    pub gzip_size: u64,
    /// What the build rendered of a static page, if it is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prerendered: Option<StaticPage>,
}

impl ManifestRoute {
    /// `route`, with nothing built for it yet.
    pub fn new(route: Route) -> Self {
        Self {
            route,
            bundle: None,
            size: 0,
            gzip_size: 0,
            prerendered: None,
        }
    }
}

/// A page rendered at build time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum StaticPage {
    /// Its HTML and, for `getStaticProps`, its data (`/_next/data/…json`), relative to the
    /// output directory, and the `revalidate` it asked for (noted, not acted on).
    Html {
        html: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        data: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        revalidate: Option<serde_json::Value>,
    },
    /// `getStaticProps` returned `notFound`: the URL answers with the 404 page.
    NotFound,
    /// `getStaticProps` returned a redirect.
    Redirect { destination: String, status: u16 },
    /// A dynamic `getStaticProps` page: each path `getStaticPaths` listed, by URL path.
    Paths {
        /// `fallback` was `true` or `"blocking"`: other paths render per request (else 404).
        fallback: bool,
        pages: std::collections::BTreeMap<String, StaticPage>,
    },
}

/// Reading or writing the manifest failed.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The file could not be read.
    #[error("Could not read the build manifest {}: {source}. Run `switchyard build` first.", path.display())]
    Read {
        /// The manifest file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The file is not a manifest this version understands.
    #[error("The build manifest {} is not valid: {source}. Run `switchyard build` again.", path.display())]
    Parse {
        /// The manifest file.
        path: PathBuf,
        /// Why.
        #[source]
        source: serde_json::Error,
    },
    /// The file could not be written.
    #[error("Could not write the build manifest {}: {source}.", path.display())]
    Write {
        /// The manifest file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
}

impl Manifest {
    /// Reads `<out_dir>/manifest.json`.
    pub fn load(out_dir: &Path) -> Result<Manifest, ManifestError> {
        let path = out_dir.join(MANIFEST_FILE);
        let text = fs::read_to_string(&path).map_err(|source| ManifestError::Read {
            path: path.clone(),
            source,
        })?;
        serde_json::from_str(&text).map_err(|source| ManifestError::Parse { path, source })
    }

    /// Writes `<out_dir>/manifest.json`, replacing the old one in one step so a server
    /// reading it never sees half a file.
    pub fn save(&self, out_dir: &Path) -> Result<(), ManifestError> {
        let path = out_dir.join(MANIFEST_FILE);
        let staging = out_dir.join(format!(".{MANIFEST_FILE}.tmp"));
        let mut text = serde_json::to_string_pretty(self).expect("a manifest always serializes");
        text.push('\n');
        fs::create_dir_all(out_dir)
            .and_then(|()| fs::write(&staging, text))
            .and_then(|()| fs::rename(&staging, &path))
            .map_err(|source| ManifestError::Write { path, source })
    }
}

#[cfg(test)]
mod tests {
    use switchyard_app::Runtime;

    use super::*;

    fn manifest() -> Manifest {
        let route: switchyard_app::Route = serde_json::from_value(serde_json::json!({
            "page": "/api/[id]",
            "file": "pages/api/[id].ts",
            "kind": "api",
            "runtime": Runtime::Edge,
            "segments": [{ "type": "dynamic", "name": "id" }],
        }))
        .unwrap();
        Manifest {
            build_id: "abc".to_string(),
            base_path: String::new(),
            compress: true,
            custom_routes: None,
            images: None,
            routes: vec![ManifestRoute {
                route,
                bundle: Some("edge/api/[id].js".to_string()),
                size: 10,
                gzip_size: 5,
                prerendered: None,
            }],
            middleware: None,
            not_found: None,
        }
    }

    #[test]
    fn saves_and_loads() {
        let dir = tempfile::tempdir().unwrap();
        let out_dir = dir.path().join("out");
        manifest().save(&out_dir).unwrap();
        assert_eq!(Manifest::load(&out_dir).unwrap(), manifest());
        let text = fs::read_to_string(out_dir.join(MANIFEST_FILE)).unwrap();
        assert!(text.contains("\"buildId\": \"abc\""), "{text}");
        assert!(text.contains("\"gzipSize\": 5"), "{text}");
    }

    #[test]
    fn load_errors_say_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let missing = Manifest::load(dir.path()).unwrap_err();
        assert!(
            missing
                .to_string()
                .contains("Run `switchyard build` first."),
            "{missing}"
        );
        fs::write(dir.path().join(MANIFEST_FILE), "{").unwrap();
        let invalid = Manifest::load(dir.path()).unwrap_err();
        assert!(matches!(invalid, ManifestError::Parse { .. }), "{invalid}");
    }
}
