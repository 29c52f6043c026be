//! The browser target: every page as an ES module with shared chunks, and its plugin.

pub(crate) mod bundle;
pub(crate) mod plugin;
