//! Build problems located in the app's sources: where an import is, what rolldown reported,
//! and positions mapped back through source maps.

pub(crate) mod import_report;
pub(crate) mod import_sites;
pub(crate) mod location;
pub(crate) mod original_position;
pub(crate) mod rolldown;
