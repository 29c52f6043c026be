//! The Node.js target: one CommonJS module per route, its plugin, the built-in modules and
//! which packages stay `require`d.

pub(crate) mod builtins;
pub(crate) mod bundle;
pub(crate) mod externals;
pub(crate) mod plugin;
