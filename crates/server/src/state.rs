//! What the server serves: the route table, the runtimes and the public folder of one build.

use std::collections::HashMap;

use switchyard_app::{RouteKind, RouteTable, Runtime};
use switchyard_build::Manifest;
use switchyard_edge::{EdgePool, EdgeRoute};
use switchyard_node::{NodeOptions, NodePool};

use crate::error::ServerError;
use crate::middleware::LoadedMiddleware;
use crate::options::ServerOptions;
use crate::proxy::Proxy;
use crate::static_files::PublicDir;

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
        for entry in &manifest.routes {
            if let (Runtime::Nodejs, RouteKind::Api, Some(bundle)) =
                (entry.route.runtime, entry.route.kind, &entry.bundle)
            {
                node_bundles.insert(entry.route.page.clone(), bundle.clone());
                continue;
            }
            let is_edge_api =
                entry.route.runtime == Runtime::Edge && entry.route.kind == RouteKind::Api;
            let Some(bundle) = entry.bundle.as_ref().filter(|_| is_edge_api) else {
                continue;
            };
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
            proxy: Proxy::new(),
            public: PublicDir::new(root.join("public")),
        })
    }
}
