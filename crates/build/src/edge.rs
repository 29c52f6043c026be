//! The Edge target: one classic script per route for JavaScriptCore, its plugin (Node.js
//! built-ins refused) and the dynamic-code check.

pub(crate) mod bundle;
pub(crate) mod dynamic_code;
pub(crate) mod plugin;
