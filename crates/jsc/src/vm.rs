//! A JavaScriptCore VM (context group): one heap, one JIT, many contexts.

use std::cell::{Cell, RefCell};
use std::ffi::c_void;
use std::rc::Rc;
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

impl Vm {
    /// Creates a VM with no execution time limit.
    pub fn new() -> Self {
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
