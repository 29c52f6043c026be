//! The build stage: bundles each API route entry and the middleware with rolldown for its
//! runtime, enforces the Edge runtime's rules (Node.js built-ins, dynamic code, size), and
//! writes the output directory with its manifest.
//!
//! - Edge: one classic script per route, in `edge/`. Evaluating it leaves the global
//!   `__switchyard_module` holding the entry's module namespace: `default` is the route's
//!   handler wrapped by Switchyard's adapter (it takes `(request, event)` and hands the
//!   handler a `NextRequest`), beside the file's named exports (`config`, …).
//! - Node.js: one CommonJS module per route, in `node/`, with CommonJS packages from
//!   `node_modules` (ES module ones are bundled) and Node.js built-ins left to `require` at
//!   run time. `require(bundle)` gives the entry's exports: `default` (the handler) and
//!   `config`. The output directory must be inside the app (the default, `.switchyard/`) for
//!   those `require`s to find the app's packages.
//! - Middleware (or proxy): `edge/middleware.js` or `node/middleware.js`, in the same form
//!   as the routes of its runtime; its `default` takes `(request, event)` and returns a
//!   Response carrying Next.js's `x-middleware-*` headers.
//!
//! `next/server` (and the internal `next/adapter`) are Switchyard's own, from `js/next/`,
//! bundled into every bundle that imports them, on both runtimes: apps need not install
//! `next`, and an installed `next` is not used for them. The same holds for every `next/*`
//! module and the `next/dist/...` files packages import: on Node.js, a package that depends
//! on `next` is bundled rather than left to `require`, and a `next` module with no built-in
//! fails the build.

mod build_id;
#[cfg(test)]
mod build_tests;
mod client;
mod css;
mod diagnostics;
mod edge;
mod error;
mod image_import;
#[cfg(test)]
mod middleware_build_tests;
mod node;
#[cfg(test)]
mod node_build_tests;
mod pages;
mod pipeline;
mod prerender;
mod progress;
mod route_bundle;
mod route_table;
mod size;
#[cfg(test)]
mod test_app;
#[cfg(test)]
mod test_edge;
#[cfg(test)]
mod test_routes;
mod virtual_modules;

pub use edge::bundle::MODULE_GLOBAL;
pub use error::BuildError;
pub use pipeline::{BuildOptions, BuildOutput, build, build_project};
pub use route_table::route_table;
pub use size::DEFAULT_EDGE_SIZE_LIMIT_GZIP;
pub use switchyard_output::{
    MANIFEST_FILE, Manifest, ManifestError, ManifestMiddleware, ManifestRoute, StaticPage,
};
