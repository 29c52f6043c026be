//! Host functions: Rust closures callable from JavaScript.

use std::any::Any;
use std::ffi::{CString, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;
use std::rc::{Rc, Weak};

use crate::context::{Context, ContextInner};
use crate::ffi;
use crate::value::{Object, Value};
use crate::vm::VmInner;

/// What a host function returns: a value, or a value to throw.
pub type HostResult = Result<Value, Value>;

type HostFn = dyn Fn(&Context, &Value, &[Value]) -> HostResult;

struct HostFunction {
    callback: Box<HostFn>,
    context: Weak<ContextInner>,
    vm: Weak<VmInner>,
}

/// Creates the class every host function is an instance of.
///
/// # Safety
/// The returned class must be released with `JSClassRelease`.
pub(crate) unsafe fn create_class() -> ffi::JSClassRef {
    let name = CString::new("SwitchyardHostFunction").expect("static name has no NUL");
    let definition = ffi::JSClassDefinition {
        version: 0,
        attributes: 0,
        className: name.as_ptr(),
        parentClass: ptr::null_mut(),
        staticValues: ptr::null(),
        staticFunctions: ptr::null(),
        initialize: None,
        finalize: Some(finalize),
        hasProperty: ptr::null(),
        getProperty: ptr::null(),
        setProperty: ptr::null(),
        deleteProperty: ptr::null(),
        getPropertyNames: ptr::null(),
        callAsFunction: Some(call),
        callAsConstructor: ptr::null(),
        hasInstance: ptr::null(),
        convertToType: ptr::null(),
    };
    // SAFETY: the definition is valid for the call; JSC copies the class name.
    unsafe { ffi::JSClassCreate(&definition) }
}

impl Context {
    /// Makes a JavaScript function that runs `callback(ctx, this, args)`.
    ///
    /// A returned `Err(value)` is thrown into JavaScript. A panic inside the callback is
    /// caught and thrown as an `Error`, so it never unwinds through the engine.
    pub fn function<F>(&self, callback: F) -> Object
    where
        F: Fn(&Context, &Value, &[Value]) -> HostResult + 'static,
    {
        let data = Box::new(HostFunction {
            callback: Box::new(callback),
            context: Rc::downgrade(&self.0),
            vm: Rc::downgrade(&self.0.vm),
        });
        // SAFETY: the class is alive while the VM is; the private pointer is freed in `finalize`.
        let raw = unsafe {
            ffi::JSObjectMake(
                self.raw(),
                self.0.vm.function_class,
                Box::into_raw(data) as *mut c_void,
            )
        };
        Object::from_raw(self, raw)
    }

    /// Defines a host function as a property of `target`.
    pub fn define_function<F>(
        &self,
        target: &Object,
        name: &str,
        callback: F,
    ) -> Result<(), crate::JsError>
    where
        F: Fn(&Context, &Value, &[Value]) -> HostResult + 'static,
    {
        let function = self.function(callback);
        target.set(name, &function)
    }
}

unsafe extern "C" fn call(
    _ctx: ffi::JSContextRef,
    function: ffi::JSObjectRef,
    this: ffi::JSObjectRef,
    argc: usize,
    argv: *const ffi::JSValueRef,
    exception: *mut ffi::JSValueRef,
) -> ffi::JSValueRef {
    // SAFETY: every object of our class carries a HostFunction as private data.
    let data = unsafe { &*(ffi::JSObjectGetPrivate(function) as *const HostFunction) };
    let Some(inner) = data.context.upgrade() else {
        // SAFETY: the calling context is alive during the call.
        return unsafe { ffi::JSValueMakeUndefined(_ctx) };
    };
    let ctx = Context(inner);
    let this = if this.is_null() {
        ctx.undefined()
    } else {
        Value::from_raw(&ctx, this)
    };
    let args: Vec<Value> = (0..argc)
        // SAFETY: JSC passes `argc` valid values.
        .map(|i| Value::from_raw(&ctx, unsafe { *argv.add(i) }))
        .collect();
    let outcome = catch_unwind(AssertUnwindSafe(|| (data.callback)(&ctx, &this, &args)));
    let result = match outcome {
        Ok(result) => result,
        Err(panic) => Err(ctx.error(&format!(
            "Internal error in a host function: {}",
            panic_message(&panic)
        ))),
    };
    match result {
        // The returned raw value stays alive: JSC takes it before any collection can run, and
        // our protection is released only when `value` drops at the end of this scope.
        Ok(value) => value.raw(),
        Err(thrown) => {
            if !exception.is_null() {
                // SAFETY: JSC gave us a valid out-pointer.
                unsafe { *exception = thrown.raw() };
            }
            // SAFETY: the context is alive.
            unsafe { ffi::JSValueMakeUndefined(ctx.raw()) }
        }
    }
}

unsafe extern "C" fn finalize(function: ffi::JSObjectRef) {
    // SAFETY: the private data was leaked from a Box<HostFunction> in `Context::function`.
    let data = unsafe { Box::from_raw(ffi::JSObjectGetPrivate(function) as *mut HostFunction) };
    // The closure may own protected values; unprotecting them inside a collection is not
    // allowed, so the closure waits in the VM's graveyard until the next safe point.
    match data.vm.upgrade() {
        Some(vm) => {
            if let Ok(mut graveyard) = vm.graveyard.try_borrow_mut() {
                graveyard.push(data as Box<dyn Any>);
            } else {
                std::mem::forget(data);
            }
        }
        None => std::mem::forget(data),
    }
}

fn panic_message(panic: &Box<dyn Any + Send>) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "unknown panic".into()
    }
}
