//! Environment variables from `.env*` files, and the ones inlined into browser bundles.

pub(crate) mod files;
pub(crate) mod inline;
