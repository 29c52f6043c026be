//! JavaScript values held by Rust: protected from the collector for as long as Rust holds them.

use std::ffi::c_void;
use std::ops::Deref;
use std::ptr;
use std::rc::Rc;

use crate::context::{Context, ContextInner};
use crate::error::JsError;
use crate::ffi;
use crate::string::JsString;

/// A JavaScript value, protected from garbage collection until dropped.
pub struct Value {
    ctx: Rc<ContextInner>,
    raw: ffi::JSValueRef,
}

impl Value {
    /// Wraps and protects a raw value of `ctx`.
    pub(crate) fn from_raw(ctx: &Context, raw: ffi::JSValueRef) -> Self {
        Self::from_raw_inner(&ctx.0, raw)
    }

    pub(crate) fn from_raw_inner(ctx: &Rc<ContextInner>, raw: ffi::JSValueRef) -> Self {
        // SAFETY: `raw` is a live value of this context's VM, reachable at this point because
        // it was just returned by or passed to an API call.
        unsafe { ffi::JSValueProtect(ctx.raw, raw) };
        Value {
            ctx: ctx.clone(),
            raw,
        }
    }

    pub(crate) fn raw(&self) -> ffi::JSValueRef {
        self.raw
    }

    /// The context this value belongs to.
    pub fn context(&self) -> Context {
        Context(self.ctx.clone())
    }

    fn type_of(&self) -> ffi::JSType {
        // SAFETY: the value is protected and its context alive.
        unsafe { ffi::JSValueGetType(self.ctx.raw, self.raw) }
    }

    /// A short name of the value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self.type_of() {
            ffi::kJSTypeUndefined => "undefined",
            ffi::kJSTypeNull => "null",
            ffi::kJSTypeBoolean => "boolean",
            ffi::kJSTypeNumber => "number",
            ffi::kJSTypeString => "string",
            ffi::kJSTypeSymbol => "symbol",
            ffi::kJSTypeBigInt => "bigint",
            _ => "object",
        }
    }

    /// Whether the value is `undefined`.
    pub fn is_undefined(&self) -> bool {
        self.type_of() == ffi::kJSTypeUndefined
    }

    /// Whether the value is `null` or `undefined`.
    pub fn is_nullish(&self) -> bool {
        matches!(self.type_of(), ffi::kJSTypeUndefined | ffi::kJSTypeNull)
    }

    /// Whether the value is a string.
    pub fn is_string(&self) -> bool {
        self.type_of() == ffi::kJSTypeString
    }

    /// Whether the value is a number.
    pub fn is_number(&self) -> bool {
        self.type_of() == ffi::kJSTypeNumber
    }

    /// Whether the value is an object (functions included).
    pub fn is_object(&self) -> bool {
        // SAFETY: the value is protected and its context alive.
        unsafe { ffi::JSValueIsObject(self.ctx.raw, self.raw) }
    }

    /// Whether the value is an array.
    pub fn is_array(&self) -> bool {
        // SAFETY: as above.
        unsafe { ffi::JSValueIsArray(self.ctx.raw, self.raw) }
    }

    /// `===`.
    pub fn strict_equals(&self, other: &Value) -> bool {
        // SAFETY: both values are protected.
        unsafe { ffi::JSValueIsStrictEqual(self.ctx.raw, self.raw, other.raw) }
    }

    /// The value as an object, if it is one.
    pub fn as_object(&self) -> Option<Object> {
        self.is_object().then(|| Object(self.clone()))
    }

    /// JavaScript truthiness.
    pub fn to_bool(&self) -> bool {
        // SAFETY: the value is protected.
        unsafe { ffi::JSValueToBoolean(self.ctx.raw, self.raw) }
    }

    /// `Number(value)`; may run user code (`valueOf`).
    pub fn to_number(&self) -> Result<f64, JsError> {
        let mut exception = ptr::null();
        // SAFETY: the value is protected.
        let number = unsafe { ffi::JSValueToNumber(self.ctx.raw, self.raw, &mut exception) };
        self.context().check(exception)?;
        Ok(number)
    }

    /// `String(value)`; may run user code (`toString`).
    pub fn to_string(&self) -> Result<String, JsError> {
        let mut exception = ptr::null();
        // SAFETY: the value is protected; the result is owned by us.
        let raw = unsafe { ffi::JSValueToStringCopy(self.ctx.raw, self.raw, &mut exception) };
        self.context().check(exception)?;
        // SAFETY: a non-null result of a Copy call is ours to release.
        Ok(unsafe { JsString::from_owned(raw) }.to_rust())
    }

    /// The string if the value is a string primitive, without running user code.
    pub fn as_string(&self) -> Option<String> {
        if self.is_string() {
            self.to_string().ok()
        } else {
            None
        }
    }

    /// `JSON.stringify(value)`; `None` when the result is `undefined`.
    pub fn to_json(&self) -> Result<Option<String>, JsError> {
        let mut exception = ptr::null();
        // SAFETY: the value is protected.
        let raw =
            unsafe { ffi::JSValueCreateJSONString(self.ctx.raw, self.raw, 0, &mut exception) };
        self.context().check(exception)?;
        if raw.is_null() {
            return Ok(None);
        }
        // SAFETY: a non-null Create result is ours to release.
        Ok(Some(unsafe { JsString::from_owned(raw) }.to_rust()))
    }

    /// Reads this thrown value as a [`JsError`].
    pub fn to_error(&self) -> JsError {
        let Some(object) = self.as_object() else {
            return JsError::Thrown {
                name: "Uncaught".into(),
                message: self.to_string().unwrap_or_else(|_| self.type_name().into()),
                stack: None,
            };
        };
        let text = |key: &str| {
            object
                .get(key)
                .ok()
                .filter(|value| !value.is_undefined())
                .and_then(|value| value.to_string().ok())
        };
        match (text("name"), text("message")) {
            (Some(name), Some(message)) => JsError::Thrown {
                name,
                message,
                stack: text("stack"),
            },
            _ => JsError::Thrown {
                name: "Uncaught".into(),
                message: self.to_string().unwrap_or_else(|_| "[object]".into()),
                stack: None,
            },
        }
    }
}

impl Clone for Value {
    fn clone(&self) -> Self {
        Self::from_raw_inner(&self.ctx, self.raw)
    }
}

impl Drop for Value {
    fn drop(&mut self) {
        // SAFETY: balanced with the protect in `from_raw_inner`; the context is alive (we hold it).
        unsafe { ffi::JSValueUnprotect(self.ctx.raw, self.raw) }
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Value({})", self.type_name())
    }
}

/// A JavaScript object (functions, arrays and typed arrays included).
#[derive(Clone, Debug)]
pub struct Object(Value);

impl Deref for Object {
    type Target = Value;
    fn deref(&self) -> &Value {
        &self.0
    }
}

impl From<Object> for Value {
    fn from(object: Object) -> Value {
        object.0
    }
}

impl Object {
    pub(crate) fn from_raw(ctx: &Context, raw: ffi::JSObjectRef) -> Self {
        Object(Value::from_raw(ctx, raw))
    }

    pub(crate) fn raw_object(&self) -> ffi::JSObjectRef {
        self.0.raw as ffi::JSObjectRef
    }

    /// `object[key]`; may run getters.
    pub fn get(&self, key: &str) -> Result<Value, JsError> {
        let key = JsString::new(key);
        let mut exception = ptr::null();
        // SAFETY: the object is protected; the key is alive for the call.
        let raw = unsafe {
            ffi::JSObjectGetProperty(self.ctx.raw, self.raw_object(), key.0, &mut exception)
        };
        self.context().check(exception)?;
        Ok(Value::from_raw_inner(&self.ctx, raw))
    }

    /// `object[key] = value`.
    pub fn set(&self, key: &str, value: &Value) -> Result<(), JsError> {
        self.define(key, value, ffi::kJSPropertyAttributeNone)
    }

    /// Defines `key` as read-only, non-enumerable and non-deletable.
    pub fn set_hidden(&self, key: &str, value: &Value) -> Result<(), JsError> {
        self.define(
            key,
            value,
            ffi::kJSPropertyAttributeReadOnly
                | ffi::kJSPropertyAttributeDontEnum
                | ffi::kJSPropertyAttributeDontDelete,
        )
    }

    fn define(&self, key: &str, value: &Value, attributes: u32) -> Result<(), JsError> {
        let key = JsString::new(key);
        let mut exception = ptr::null();
        // SAFETY: object and value are protected; the key is alive for the call.
        unsafe {
            ffi::JSObjectSetProperty(
                self.ctx.raw,
                self.raw_object(),
                key.0,
                value.raw,
                attributes,
                &mut exception,
            )
        };
        self.context().check(exception)
    }

    /// `object[index]`.
    pub fn get_index(&self, index: u32) -> Result<Value, JsError> {
        let mut exception = ptr::null();
        // SAFETY: the object is protected.
        let raw = unsafe {
            ffi::JSObjectGetPropertyAtIndex(self.ctx.raw, self.raw_object(), index, &mut exception)
        };
        self.context().check(exception)?;
        Ok(Value::from_raw_inner(&self.ctx, raw))
    }

    /// Whether the object can be called.
    pub fn is_function(&self) -> bool {
        // SAFETY: the object is protected.
        unsafe { ffi::JSObjectIsFunction(self.ctx.raw, self.raw_object()) }
    }

    /// Calls the object as a function.
    pub fn call(&self, this: &Value, args: &[Value]) -> Result<Value, JsError> {
        let ctx = self.context();
        ctx.bury_dead();
        let this_object = if this.is_object() {
            this.raw as ffi::JSObjectRef
        } else {
            ptr::null_mut()
        };
        let raws: Vec<ffi::JSValueRef> = args.iter().map(|arg| arg.raw).collect();
        let mut exception = ptr::null();
        let entry = crate::entries::enter();
        if entry.is_outermost() {
            ctx.0.vm.watch.restart();
        }
        // SAFETY: the function, `this` and every argument are protected.
        let raw = unsafe {
            ffi::JSObjectCallAsFunction(
                self.ctx.raw,
                self.raw_object(),
                this_object,
                raws.len(),
                raws.as_ptr(),
                &mut exception,
            )
        };
        drop(entry);
        ctx.check(exception)?;
        Ok(Value::from_raw(&ctx, raw))
    }

    /// Calls the method `name` of this object.
    pub fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, JsError> {
        let method = self.get(name)?;
        match method.as_object() {
            Some(function) if function.is_function() => function.call(self, args),
            _ => Err(JsError::Type {
                expected: "a function",
                got: method.type_name(),
            }),
        }
    }

    /// `new object(...args)`.
    pub fn construct(&self, args: &[Value]) -> Result<Object, JsError> {
        let ctx = self.context();
        let raws: Vec<ffi::JSValueRef> = args.iter().map(|arg| arg.raw).collect();
        let mut exception = ptr::null();
        let entry = crate::entries::enter();
        if entry.is_outermost() {
            ctx.0.vm.watch.restart();
        }
        // SAFETY: the constructor and arguments are protected.
        let raw = unsafe {
            ffi::JSObjectCallAsConstructor(
                self.ctx.raw,
                self.raw_object(),
                raws.len(),
                raws.as_ptr(),
                &mut exception,
            )
        };
        drop(entry);
        ctx.check(exception)?;
        Ok(Object::from_raw(&ctx, raw))
    }

    /// Whether this is a typed array, `DataView` excluded.
    pub fn is_typed_array(&self) -> bool {
        let kind = self.typed_array_kind();
        kind != ffi::kJSTypedArrayTypeNone && kind != ffi::kJSTypedArrayTypeArrayBuffer
    }

    /// Whether this is an `ArrayBuffer`.
    pub fn is_array_buffer(&self) -> bool {
        self.typed_array_kind() == ffi::kJSTypedArrayTypeArrayBuffer
    }

    fn typed_array_kind(&self) -> ffi::JSTypedArrayType {
        let mut exception = ptr::null();
        // SAFETY: the value is protected.
        unsafe { ffi::JSValueGetTypedArrayType(self.ctx.raw, self.raw, &mut exception) }
    }

    /// Lends the bytes of a typed array or `ArrayBuffer` to `f` without copying.
    ///
    /// Returns `None` for other objects. No JavaScript runs while `f` holds the slice, so
    /// the buffer cannot be detached or resized under it.
    pub fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> Option<R> {
        let kind = self.typed_array_kind();
        let ctx = self.ctx.raw;
        let object = self.raw_object();
        let mut exception = ptr::null();
        // SAFETY: the object is protected; the pointer is valid until the next API call, and we
        // make none while `f` runs. JSC returns the buffer's start, so the view's offset is added.
        unsafe {
            let (base, offset, len) = match kind {
                ffi::kJSTypedArrayTypeNone => return None,
                ffi::kJSTypedArrayTypeArrayBuffer => (
                    ffi::JSObjectGetArrayBufferBytesPtr(ctx, object, &mut exception),
                    0,
                    ffi::JSObjectGetArrayBufferByteLength(ctx, object, &mut exception),
                ),
                _ => (
                    ffi::JSObjectGetTypedArrayBytesPtr(ctx, object, &mut exception),
                    ffi::JSObjectGetTypedArrayByteOffset(ctx, object, &mut exception),
                    ffi::JSObjectGetTypedArrayByteLength(ctx, object, &mut exception),
                ),
            };
            if !exception.is_null() {
                return None;
            }
            if base.is_null() || len == 0 {
                return Some(f(&[]));
            }
            let start = (base as *const u8).add(offset);
            Some(f(std::slice::from_raw_parts(start, len)))
        }
    }
}

impl Context {
    /// A `Uint8Array` that owns `bytes` without copying them.
    pub fn uint8_array(&self, bytes: Vec<u8>) -> Result<Object, JsError> {
        let mut boxed = Box::new(bytes);
        let ptr_bytes = boxed.as_mut_ptr() as *mut c_void;
        let len = boxed.len();
        let owner = Box::into_raw(boxed) as *mut c_void;
        let mut exception = ptr::null();
        // SAFETY: the buffer stays valid until the deallocator frees its owning Box.
        let raw = unsafe {
            ffi::JSObjectMakeTypedArrayWithBytesNoCopy(
                self.raw(),
                ffi::kJSTypedArrayTypeUint8Array,
                ptr_bytes,
                len,
                Some(free_vec),
                owner,
                &mut exception,
            )
        };
        self.check(exception)?;
        Ok(Object::from_raw(self, raw))
    }
}

unsafe extern "C" fn free_vec(_bytes: *mut c_void, owner: *mut c_void) {
    // SAFETY: `owner` is the Box<Vec<u8>> leaked in `uint8_array`, freed exactly once here.
    drop(unsafe { Box::from_raw(owner as *mut Vec<u8>) });
}
