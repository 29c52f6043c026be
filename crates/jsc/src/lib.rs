//! A small safe wrapper over the JavaScriptCore C API.
//!
//! This crate is the only place in Switchyard that makes unsafe JavaScriptCore calls. Its rules:
//! every value Rust holds is protected from the collector until dropped ([`Value`]), every
//! exception comes back as a [`JsError`], host functions cannot unwind into the engine, and
//! typed arrays cross the boundary without copies. Nothing here is `Send`: a [`Vm`] and its
//! contexts stay on the thread that created them.
//!
//! Host closures should keep their state in Rust types rather than capture [`Value`]s of their
//! own context: a captured value is a GC root, so a cycle through it is never collected.

mod context;
mod entries;
mod error;
mod ffi;
mod function;
mod string;
mod value;
mod vm;

pub use context::{Context, Deferred};
pub use entries::{Activity, script_entries, thread_activity};
pub use error::JsError;
pub use function::HostResult;
pub use value::{Object, Value};
pub use vm::{LOOK_EVERY, MEASURE_AFTER_GROWTH, MEMORY_CHECK_INTERVAL, Vm, resident_memory};

#[cfg(test)]
mod tests;
