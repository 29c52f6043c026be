//! The build stage: bundles each Edge route entry with rolldown into one classic script,
//! enforces the Edge runtime's rules (Node.js built-ins, dynamic code, size), and writes the
//! output directory with its manifest.
//!
//! Evaluating a bundle as a classic script leaves the global `__switchyard_module` holding
//! the entry's module namespace (`default`, `config`).

mod build_id;
#[cfg(test)]
mod build_tests;
mod dynamic_code;
mod edge_bundle;
mod edge_plugin;
mod error;
mod import_sites;
mod location;
mod manifest;
mod node_builtins;
mod original_position;
mod pipeline;
mod progress;
mod rolldown_diagnostics;
mod route_table;
mod size;
#[cfg(test)]
mod test_routes;

pub use edge_bundle::MODULE_GLOBAL;
pub use error::BuildError;
pub use manifest::{MANIFEST_FILE, Manifest, ManifestError, ManifestRoute};
pub use pipeline::{BuildOptions, BuildOutput, build};
pub use route_table::route_table;
pub use size::DEFAULT_EDGE_SIZE_LIMIT_GZIP;
