//! The routing stages, in the order Next.js runs them (see `router.rs`). Each returns what it
//! decided to its caller; none calls another stage or a runtime itself.

pub mod config_headers;
pub mod filesystem;
pub mod middleware;
pub mod redirects;
pub mod rewrites;
pub mod route_view;
