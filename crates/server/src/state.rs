//! What the server serves: the route table, the runtimes and the public folder of one build.

use std::collections::HashMap;

use bytes::Bytes;
use http::HeaderValue;
use switchyard_app::{CustomRoutes, RouteTable, Runtime};
use switchyard_edge::{EdgePool, EdgeRoute};
use switchyard_node::{NodeOptions, NodePool};
use switchyard_output::{ImageConfig, Manifest, ManifestRoute, StaticPage};

use crate::error::ServerError;
use crate::options::ServerOptions;
use crate::runtimes::proxy::Proxy;
use crate::stages::middleware::LoadedMiddleware;
use crate::static_files::{IMMUTABLE_CACHE_CONTROL, PUBLIC_CACHE_CONTROL, PublicDir};

/// A page the build rendered, held in memory.
pub enum Prerendered {
    /// Its HTML, the data of a getStaticProps page, and the `Cache-Control` its `revalidate`
    /// asks for.
    Html {
        html: Bytes,
        data: Option<Bytes>,
        cache_control: Option<HeaderValue>,
    },
    /// getStaticProps returned `notFound`.
    NotFound,
    /// getStaticProps returned a redirect.
    Redirect { destination: String, status: u16 },
    /// A dynamic getStaticProps page: the paths getStaticPaths listed, by URL path; others
    /// render per request when `fallback` said so, else they are not found.
    Paths {
        fallback: bool,
        pages: HashMap<String, Prerendered>,
    },
}

/// What answers unknown URLs.
pub enum NotFoundPage {
    /// The 404 page, rendered at build time.
    Static(Bytes),
    /// The 404 page, rendered per request by its runtime (Edge, or a page with getInitialProps).
    Rendered { page: String, runtime: Runtime },
}

/// One loaded build.
pub struct AppState {
    /// All routes, sorted as Next.js matches them.
    pub routes: RouteTable,
    /// Edge routes' indexes in the pool, by page.
    pub edge_routes: HashMap<String, usize>,
    /// The Edge runtime, when the app has Edge routes.
    pub edge: Option<EdgePool>,
    /// Node.js routes' bundles (relative to the output folder), by page.
    pub node_bundles: HashMap<String, String>,
    /// The Node.js workers, when the app has Node.js routes or middleware.
    pub node: Option<NodePool>,
    /// The middleware, when the app has one.
    pub middleware: Option<LoadedMiddleware>,
    /// The client for rewrites to other origins.
    pub proxy: Proxy,
    /// The app's `public/` folder.
    pub public: PublicDir,
    /// The build's browser files, served under `/_next/static/`.
    pub next_static: PublicDir,
    /// The build's id, in `/_next/data/<buildId>/…` URLs.
    pub build_id: String,
    /// next.config `basePath` (`""` when unset).
    pub base_path: String,
    /// next.config `compress`: gzip responses for clients that accept it.
    pub compress: bool,
    /// next.config `headers()`, `redirects()` and `rewrites()`, with the trailing-slash
    /// redirect; `None` when there are none at all.
    pub custom_routes: Option<CustomRoutes>,
    /// Pages the build rendered, by page.
    pub prerendered: HashMap<String, Prerendered>,
    /// The 404 page, when the app has pages.
    pub not_found: Option<NotFoundPage>,
    /// next.config `images`: what `/_next/image` accepts.
    pub images: ImageConfig,
}

impl AppState {
    /// Loads the build in `out_dir` of the app at `root` and starts its runtimes.
    pub async fn load(options: &ServerOptions) -> Result<Self, ServerError> {
        let (root, out_dir) = (options.root.as_path(), options.out_dir.as_path());
        let manifest = Manifest::load(out_dir).map_err(|source| ServerError::Manifest {
            dir: out_dir.to_path_buf(),
            source,
        })?;
        let mut edge_routes = HashMap::new();
        let mut node_bundles = HashMap::new();
        let mut bundles = Vec::new();
        let mut prerendered = HashMap::new();
        let extra = manifest.not_found.iter().filter(|entry| {
            !manifest
                .routes
                .iter()
                .any(|route| route.route.page == entry.route.page)
        });
        for entry in manifest.routes.iter().chain(extra) {
            if let Some(page) = &entry.prerendered {
                prerendered.insert(entry.route.page.clone(), read_prerendered(out_dir, page)?);
                // Paths getStaticPaths did not list may still render, with the bundle.
                if !matches!(page, StaticPage::Paths { fallback: true, .. }) {
                    continue;
                }
            }
            let Some(bundle) = &entry.bundle else {
                continue;
            };
            if entry.route.runtime == Runtime::Nodejs {
                node_bundles.insert(entry.route.page.clone(), bundle.clone());
                continue;
            }
            let file = out_dir.join(bundle);
            let source = std::fs::read_to_string(&file).map_err(|source| ServerError::Bundle {
                file: file.clone(),
                source,
            })?;
            edge_routes.insert(entry.route.page.clone(), bundles.len());
            bundles.push(EdgeRoute {
                page: entry.route.page.clone(),
                file_name: file.display().to_string(),
                source: source.into(),
            });
        }
        let mut middleware = match &manifest.middleware {
            Some(entry) => Some(
                LoadedMiddleware::new(
                    entry.middleware.page(),
                    entry.middleware.runtime,
                    entry.bundle.clone(),
                    &entry.middleware.matchers,
                    entry.middleware.routing.clone(),
                )
                .map_err(|error| ServerError::Middleware(error.to_string()))?,
            ),
            None => None,
        };
        if let Some(middleware) = middleware.as_mut().filter(|m| m.runtime == Runtime::Edge) {
            let file = out_dir.join(&middleware.bundle);
            let source = std::fs::read_to_string(&file).map_err(|source| ServerError::Bundle {
                file: file.clone(),
                source,
            })?;
            middleware.edge_index = Some(bundles.len());
            bundles.push(EdgeRoute {
                page: middleware.page.clone(),
                file_name: file.display().to_string(),
                source: source.into(),
            });
        }
        let edge = if bundles.is_empty() {
            None
        } else {
            Some(EdgePool::start(bundles, options.edge.clone())?)
        };
        // An Edge-only app needs no Node.js on the machine.
        let node_middleware = middleware
            .as_ref()
            .is_some_and(|middleware| middleware.runtime == Runtime::Nodejs);
        let node = if node_bundles.is_empty() && !node_middleware {
            None
        } else {
            let mut node = NodeOptions::new(root.to_path_buf(), out_dir.to_path_buf());
            if let Some(workers) = options.node_workers {
                node.workers = workers;
            }
            Some(NodePool::start(node).await?)
        };
        let not_found = manifest
            .not_found
            .as_ref()
            .map(|entry| not_found_page(entry, &prerendered));
        let routes = RouteTable::new(
            manifest
                .routes
                .into_iter()
                .map(|entry| entry.route)
                .collect(),
        );
        Ok(Self {
            routes,
            edge_routes,
            edge,
            node_bundles,
            node,
            middleware,
            proxy: Proxy::new(options.response_timeout),
            public: PublicDir::new(root.join("public"), root, PUBLIC_CACHE_CONTROL),
            next_static: PublicDir::new(out_dir.join("static"), out_dir, IMMUTABLE_CACHE_CONTROL),
            build_id: manifest.build_id,
            base_path: manifest.base_path,
            compress: manifest.compress,
            custom_routes: manifest.custom_routes,
            prerendered,
            not_found,
            images: manifest.images.unwrap_or_default(),
        })
    }
}

/// Reads a page the build rendered into memory.
fn read_prerendered(
    out_dir: &std::path::Path,
    page: &StaticPage,
) -> Result<Prerendered, ServerError> {
    let read = |relative: &str| {
        let file = out_dir.join(relative);
        std::fs::read(&file)
            .map(Bytes::from)
            .map_err(|source| ServerError::Bundle { file, source })
    };
    Ok(match page {
        StaticPage::Html {
            html,
            data,
            revalidate,
        } => Prerendered::Html {
            html: read(html)?,
            data: data.as_deref().map(read).transpose()?,
            cache_control: data
                .is_some()
                .then(|| static_props_cache_control(revalidate.as_ref()))
                .flatten(),
        },
        StaticPage::NotFound => Prerendered::NotFound,
        StaticPage::Paths { fallback, pages } => Prerendered::Paths {
            fallback: *fallback,
            pages: pages
                .iter()
                .map(|(path, page)| Ok((path.clone(), read_prerendered(out_dir, page)?)))
                .collect::<Result<_, ServerError>>()?,
        },
        StaticPage::Redirect {
            destination,
            status,
        } => Prerendered::Redirect {
            destination: destination.clone(),
            status: *status,
        },
    })
}

fn not_found_page(
    entry: &ManifestRoute,
    prerendered: &HashMap<String, Prerendered>,
) -> NotFoundPage {
    match prerendered.get(&entry.route.page) {
        Some(Prerendered::Html { html, .. }) => NotFoundPage::Static(html.clone()),
        _ => NotFoundPage::Rendered {
            page: entry.route.page.clone(),
            runtime: entry.route.runtime,
        },
    }
}

/// The `Cache-Control` Next sends for a getStaticProps page: one that revalidates every
/// `revalidate` seconds may be kept that long by shared caches and served stale for up to a
/// year in all; one that never revalidates, a year.
fn static_props_cache_control(revalidate: Option<&serde_json::Value>) -> Option<HeaderValue> {
    const YEAR: u64 = 31_536_000;
    let value = match revalidate.and_then(serde_json::Value::as_u64) {
        Some(seconds) if seconds > 0 => format!(
            "s-maxage={seconds}, stale-while-revalidate={}",
            YEAR.saturating_sub(seconds)
        ),
        _ => format!("s-maxage={YEAR}"),
    };
    HeaderValue::from_str(&value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_props_pages_are_cached_as_next_says() {
        let value = |revalidate: Option<serde_json::Value>| {
            static_props_cache_control(revalidate.as_ref()).unwrap()
        };
        assert_eq!(
            value(Some(serde_json::json!(3600))),
            "s-maxage=3600, stale-while-revalidate=31532400"
        );
        assert_eq!(value(Some(serde_json::json!(false))), "s-maxage=31536000");
        assert_eq!(value(None), "s-maxage=31536000");
    }
}
