//! The build's output folder (`.switchyard/` inside the app by default), as `switchyard build`
//! writes it and `switchyard start` reads it. The server depends on this crate alone, never
//! on the bundler.
//!
//! ```text
//! .switchyard/
//!   manifest.json        every route, its runtime and bundle, prerendered pages, middleware
//!   edge/<page>.js       Edge routes and middleware: classic scripts for JavaScriptCore
//!   node/<page>.js       Node.js routes and middleware: CommonJS modules
//!   pages/<path>.html    pages rendered at build time (and `.json` data of getStaticProps)
//!   static/              browser files, served under /_next/static/
//! ```

mod image_config;
mod layout;
mod manifest;

pub use image_config::{
    DEFAULT_CONTENT_SECURITY_POLICY, DEFAULT_DEVICE_SIZES, DEFAULT_IMAGE_SIZES,
    DEFAULT_MINIMUM_CACHE_TTL, DEFAULT_QUALITIES, ImageConfig, RemotePattern,
};
pub use layout::{EDGE_DIR, NODE_DIR, PAGES_DIR, STATIC_DIR};
pub use manifest::{
    MANIFEST_FILE, Manifest, ManifestError, ManifestMiddleware, ManifestRoute, StaticPage,
};
