//! The folders of the output directory, relative to it.

/// Edge bundles: one classic script per Edge route, and `middleware.js` on Edge.
pub const EDGE_DIR: &str = "edge";

/// Node.js bundles: one CommonJS module per Node.js route, and `middleware.js` on Node.js.
pub const NODE_DIR: &str = "node";

/// Pages rendered at build time: HTML, and the JSON data of getStaticProps pages.
pub const PAGES_DIR: &str = "pages";

/// Browser files (scripts, stylesheets, media), served under `/_next/static/`.
pub const STATIC_DIR: &str = "static";
