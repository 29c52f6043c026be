//! A global context: one global object and its realm inside a [`Vm`].

use std::ptr;
use std::rc::Rc;

use crate::error::JsError;
use crate::ffi;
use crate::string::JsString;
use crate::value::{Object, Value};
use crate::vm::{Vm, VmInner};

pub(crate) struct ContextInner {
    pub(crate) raw: ffi::JSGlobalContextRef,
    pub(crate) vm: Rc<VmInner>,
}

impl Drop for ContextInner {
    fn drop(&mut self) {
        // SAFETY: we own one reference to the global context; no Value is left (each holds an Rc).
        unsafe { ffi::JSGlobalContextRelease(self.raw) }
    }
}

/// A JavaScript global context (realm). Cheap to clone; not `Send`.
#[derive(Clone)]
pub struct Context(pub(crate) Rc<ContextInner>);

impl Context {
    /// Creates a new global context in `vm`.
    pub fn new(vm: &Vm) -> Self {
        // SAFETY: the group is alive; a null class gives the default global object.
        let raw = unsafe { ffi::JSGlobalContextCreateInGroup(vm.0.group, ptr::null_mut()) };
        Context(Rc::new(ContextInner {
            raw,
            vm: vm.0.clone(),
        }))
    }

    pub(crate) fn raw(&self) -> ffi::JSContextRef {
        self.0.raw
    }

    /// Names the context (shown in stack traces and the inspector).
    pub fn set_name(&self, name: &str) {
        let name = JsString::new(name);
        // SAFETY: both references are alive for the call.
        unsafe { ffi::JSGlobalContextSetName(self.0.raw, name.0) }
    }

    /// Makes `eval` and every Function constructor throw an `EvalError` with `message`.
    ///
    /// This is the engine's own switch (the one Content-Security-Policy uses), so script
    /// cannot undo it by restoring a saved reference.
    pub fn disable_eval(&self, message: &str) {
        let message = JsString::new(message);
        // SAFETY: both references are alive for the call.
        unsafe { ffi::JSGlobalContextSetEvalEnabled(self.0.raw, false, message.0) }
    }

    /// Calls `callback(promise, reason)` for every promise rejected with no handler.
    pub fn set_unhandled_rejection_callback(&self, callback: &Object) -> Result<(), JsError> {
        let mut exception = ptr::null();
        // SAFETY: the callback is a protected object of this context.
        unsafe {
            ffi::JSGlobalContextSetUnhandledRejectionCallback(
                self.0.raw,
                callback.raw_object(),
                &mut exception,
            )
        };
        self.check(exception)
    }

    /// The global object.
    pub fn global(&self) -> Object {
        // SAFETY: the context is alive.
        let raw = unsafe { ffi::JSContextGetGlobalObject(self.raw()) };
        Object::from_raw(self, raw)
    }

    /// Evaluates a classic script; `url` names it in stack traces.
    pub fn eval(&self, source: &str, url: &str) -> Result<Value, JsError> {
        self.bury_dead();
        let source = JsString::new(source);
        let url = JsString::new(url);
        let mut exception = ptr::null();
        let entry = crate::entries::enter();
        if entry.is_outermost() {
            self.0.vm.watch.restart();
        }
        // SAFETY: all references are alive for the call.
        let result = unsafe {
            ffi::JSEvaluateScript(
                self.raw(),
                source.0,
                ptr::null_mut(),
                url.0,
                1,
                &mut exception,
            )
        };
        drop(entry);
        self.check(exception)?;
        Ok(Value::from_raw(self, result))
    }

    /// Checks a script's syntax without running it.
    pub fn check_syntax(&self, source: &str, url: &str) -> Result<(), JsError> {
        let source = JsString::new(source);
        let url = JsString::new(url);
        let mut exception = ptr::null();
        // SAFETY: all references are alive for the call.
        unsafe { ffi::JSCheckScriptSyntax(self.raw(), source.0, url.0, 1, &mut exception) };
        self.check(exception)
    }

    /// `undefined`.
    pub fn undefined(&self) -> Value {
        // SAFETY: the context is alive.
        Value::from_raw(self, unsafe { ffi::JSValueMakeUndefined(self.raw()) })
    }

    /// `null`.
    pub fn null(&self) -> Value {
        // SAFETY: the context is alive.
        Value::from_raw(self, unsafe { ffi::JSValueMakeNull(self.raw()) })
    }

    /// A boolean.
    pub fn boolean(&self, value: bool) -> Value {
        // SAFETY: the context is alive.
        Value::from_raw(self, unsafe { ffi::JSValueMakeBoolean(self.raw(), value) })
    }

    /// A number.
    pub fn number(&self, value: f64) -> Value {
        // SAFETY: the context is alive.
        Value::from_raw(self, unsafe { ffi::JSValueMakeNumber(self.raw(), value) })
    }

    /// A string.
    pub fn string(&self, value: &str) -> Value {
        let string = JsString::new(value);
        // SAFETY: the context and string are alive; JSC retains the string.
        Value::from_raw(self, unsafe {
            ffi::JSValueMakeString(self.raw(), string.0)
        })
    }

    /// Parses JSON; `None` if it is not valid JSON.
    pub fn parse_json(&self, json: &str) -> Option<Value> {
        let string = JsString::new(json);
        // SAFETY: the context and string are alive.
        let raw = unsafe { ffi::JSValueMakeFromJSONString(self.raw(), string.0) };
        (!raw.is_null()).then(|| Value::from_raw(self, raw))
    }

    /// A new empty plain object.
    pub fn object(&self) -> Object {
        // SAFETY: a null class makes a plain object.
        let raw = unsafe { ffi::JSObjectMake(self.raw(), ptr::null_mut(), ptr::null_mut()) };
        Object::from_raw(self, raw)
    }

    /// A new array holding `items`.
    pub fn array(&self, items: &[Value]) -> Result<Object, JsError> {
        let raws: Vec<ffi::JSValueRef> = items.iter().map(Value::raw).collect();
        let mut exception = ptr::null();
        // SAFETY: the values are protected and of this context's group.
        let raw = unsafe {
            ffi::JSObjectMakeArray(self.raw(), raws.len(), raws.as_ptr(), &mut exception)
        };
        self.check(exception)?;
        Ok(Object::from_raw(self, raw))
    }

    /// A new `Error` with `message`.
    pub fn error(&self, message: &str) -> Value {
        let message = self.string(message);
        let args = [message.raw()];
        let mut exception = ptr::null();
        // SAFETY: the argument is protected; creating an Error cannot run user code.
        let raw = unsafe { ffi::JSObjectMakeError(self.raw(), 1, args.as_ptr(), &mut exception) };
        Value::from_raw(self, raw)
    }

    /// A new error of the global constructor `kind` (`TypeError`, `RangeError`, …).
    pub fn error_of(&self, kind: &str, message: &str) -> Value {
        let constructed = self
            .global()
            .get(kind)
            .ok()
            .and_then(|ctor| ctor.as_object())
            .and_then(|ctor| ctor.construct(&[self.string(message)]).ok());
        match constructed {
            Some(error) => error.into(),
            None => self.error(message),
        }
    }

    /// A pending promise with the functions that settle it.
    pub fn deferred_promise(&self) -> Result<Deferred, JsError> {
        let mut resolve = ptr::null_mut();
        let mut reject = ptr::null_mut();
        let mut exception = ptr::null();
        // SAFETY: out-pointers are valid; results are protected by from_raw before any GC.
        let promise = unsafe {
            ffi::JSObjectMakeDeferredPromise(self.raw(), &mut resolve, &mut reject, &mut exception)
        };
        self.check(exception)?;
        Ok(Deferred {
            promise: Object::from_raw(self, promise),
            resolve: Object::from_raw(self, resolve),
            reject: Object::from_raw(self, reject),
        })
    }

    /// Runs a full garbage collection.
    pub fn collect_garbage(&self) {
        // SAFETY: the context is alive.
        unsafe { ffi::JSGarbageCollect(self.raw()) };
        self.bury_dead();
    }

    /// Drops host closures whose functions the collector has finalized.
    pub(crate) fn bury_dead(&self) {
        self.0.vm.bury_dead();
    }

    /// Turns an out-parameter exception into a `JsError`.
    pub(crate) fn check(&self, exception: ffi::JSValueRef) -> Result<(), JsError> {
        match self.0.vm.watch.stopped.take() {
            Some(crate::vm::Stop::CpuTime) => return Err(JsError::Terminated),
            Some(crate::vm::Stop::Memory) => return Err(JsError::OutOfMemory),
            None => {}
        }
        if exception.is_null() {
            return Ok(());
        }
        Err(Value::from_raw(self, exception).to_error())
    }
}

/// A promise created from Rust and the two functions that settle it.
pub struct Deferred {
    /// The promise handed to script.
    pub promise: Object,
    /// Fulfils the promise with its first argument.
    pub resolve: Object,
    /// Rejects the promise with its first argument.
    pub reject: Object,
}

impl Deferred {
    /// Fulfils the promise; reactions run before this returns.
    pub fn resolve(&self, value: &Value) -> Result<(), JsError> {
        let ctx = self.promise.context();
        self.resolve
            .call(&ctx.undefined(), std::slice::from_ref(value))?;
        Ok(())
    }

    /// Rejects the promise; reactions run before this returns.
    pub fn reject(&self, reason: &Value) -> Result<(), JsError> {
        let ctx = self.promise.context();
        self.reject
            .call(&ctx.undefined(), std::slice::from_ref(reason))?;
        Ok(())
    }
}
