//! A JavaScriptCore VM (context group): one heap, one JIT, many contexts.

use std::cell::{Cell, RefCell};
use std::ffi::{c_uint, c_void};
use std::rc::Rc;
use std::sync::Once;
use std::time::Duration;

use crate::ffi;
use crate::function;

pub(crate) struct VmInner {
    pub(crate) group: ffi::JSContextGroupRef,
    pub(crate) function_class: ffi::JSClassRef,
    /// Set by the watchdog callback when it stops a script; boxed so its address is stable.
    pub(crate) terminated: Box<Cell<bool>>,
    /// Host-function closures whose JS objects were finalized; dropped at a safe point
    /// because a closure may own protected values, which must not be unprotected mid-GC.
    pub(crate) graveyard: RefCell<Vec<Box<dyn std::any::Any>>>,
}

impl VmInner {
    pub(crate) fn bury_dead(&self) {
        let dead = std::mem::take(&mut *self.graveyard.borrow_mut());
        drop(dead);
    }
}

impl Drop for VmInner {
    fn drop(&mut self) {
        // SAFETY: we own the group and class; every context holds an Rc to us, so none is left.
        unsafe {
            ffi::JSClassRelease(self.function_class);
            ffi::JSContextGroupRelease(self.group);
        }
    }
}

/// A JavaScriptCore VM. Not `Send`: a VM lives and dies on the thread that made it.
#[derive(Clone)]
pub struct Vm(pub(crate) Rc<VmInner>);

/// The largest function (in JavaScriptCore's bytecode cost) its fourth tier, the FTL JIT,
/// may compile.
///
/// Measured on a server-rendered React page (the 200-item bench page, 2 workers, 50
/// connections): with the engine's default (20,000), FTL compilations of React's large
/// functions took the process from 160 MiB to over 1 GiB for seconds and halved throughput
/// during warm-up, for no gain once warm. At 500 memory stays flat (about 140 MiB) and warm-up
/// is short, while small hot functions — the Web APIs on every request, route handlers —
/// still reach FTL (without it at all, middleware and JSON routes lose 5–10%).
const FTL_MAX_FUNCTION_COST: c_uint = 500;

/// Sets the engine's process-wide options, once, before the first VM exists.
fn configure_engine() {
    static CONFIGURED: Once = Once::new();
    CONFIGURED.call_once(|| {
        // SAFETY: a NUL-terminated option name; called before any VM is created.
        let known = unsafe {
            ffi::jsc_options_set_uint(
                c"maximumFTLCandidateBytecodeCost".as_ptr(),
                FTL_MAX_FUNCTION_COST,
            )
        };
        debug_assert!(
            known != 0,
            "JavaScriptCore knows maximumFTLCandidateBytecodeCost"
        );
    });
}

impl Vm {
    /// Creates a VM with no execution time limit.
    pub fn new() -> Self {
        configure_engine();
        // SAFETY: plain constructors; ownership is taken by VmInner.
        let (group, function_class) =
            unsafe { (ffi::JSContextGroupCreate(), function::create_class()) };
        Vm(Rc::new(VmInner {
            group,
            function_class,
            terminated: Box::new(Cell::new(false)),
            graveyard: RefCell::new(Vec::new()),
        }))
    }

    /// Stops any single entry into JavaScript that runs longer than `limit`.
    ///
    /// The stopped call returns [`crate::JsError::Terminated`]. The limit applies to each
    /// top-level call from Rust into the VM separately.
    pub fn set_execution_time_limit(&self, limit: Duration) {
        let flag: *const Cell<bool> = &*self.0.terminated;
        // SAFETY: the flag outlives the group (both owned by VmInner).
        unsafe {
            ffi::JSContextGroupSetExecutionTimeLimit(
                self.0.group,
                limit.as_secs_f64(),
                Some(should_terminate),
                flag as *mut c_void,
            );
        }
    }

    /// Removes the execution time limit.
    pub fn clear_execution_time_limit(&self) {
        // SAFETY: the group is alive.
        unsafe { ffi::JSContextGroupClearExecutionTimeLimit(self.0.group) }
    }
}

impl Default for Vm {
    fn default() -> Self {
        Self::new()
    }
}

unsafe extern "C" fn should_terminate(_ctx: ffi::JSContextRef, flag: *mut c_void) -> bool {
    // SAFETY: `flag` is the VmInner's boxed Cell, alive while scripts run in the group.
    unsafe { (*(flag as *const Cell<bool>)).set(true) };
    true
}

#[cfg(test)]
mod tests {
    use std::ffi::{c_char, c_int, c_uint};

    use super::*;

    unsafe extern "C" {
        fn jsc_options_get_uint(option: *const c_char, value: *mut c_uint) -> c_int;
    }

    #[test]
    fn the_engine_is_configured_before_the_first_vm() {
        let _vm = Vm::new();
        let mut cost: c_uint = 0;
        // SAFETY: a NUL-terminated option name and a place for its value.
        let known =
            unsafe { jsc_options_get_uint(c"maximumFTLCandidateBytecodeCost".as_ptr(), &mut cost) };
        assert_ne!(known, 0);
        assert_eq!(cost, FTL_MAX_FUNCTION_COST);
    }
}
