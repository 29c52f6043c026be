//! `crypto.getRandomValues` and `crypto.randomUUID`, from the operating system's CSPRNG.

use switchyard_jsc::{Context, JsError, Object};

pub(super) const SOURCE: &str = include_str!("crypto.js");

pub(super) fn install_host(ctx: &Context, host: &Object) -> Result<(), JsError> {
    ctx.define_function(host, "randomBytes", |ctx, _, args| {
        let length = args.first().and_then(|v| v.to_number().ok()).unwrap_or(0.0);
        let length = length.clamp(0.0, 65536.0) as usize;
        let mut bytes = vec![0; length];
        getrandom::fill(&mut bytes)
            .map_err(|error| ctx.error_of("Error", &format!("getRandomValues: {error}")))?;
        ctx.uint8_array(bytes)
            .map(Into::into)
            .map_err(|error| ctx.error_of("Error", &error.to_string()))
    })?;
    ctx.define_function(host, "randomUUID", |ctx, _, _| {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes)
            .map_err(|error| ctx.error_of("Error", &format!("randomUUID: {error}")))?;
        let uuid = uuid::Builder::from_random_bytes(bytes).into_uuid();
        Ok(ctx.string(
            uuid.hyphenated()
                .encode_lower(&mut uuid::Uuid::encode_buffer()),
        ))
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::web::testing::harness;

    #[test]
    fn get_random_values_fills_integer_arrays() {
        harness().eval(
            r#"
            const bytes = new Uint8Array(64);
            assertEquals(crypto.getRandomValues(bytes), bytes, 'returns its argument');
            assert(bytes.some((b) => b !== 0), 'filled');
            const words = crypto.getRandomValues(new Uint32Array(8));
            assert(words.some((w) => w > 255));
            const view = new Uint8Array(16);
            crypto.getRandomValues(view.subarray(4, 8));
            assert(view.slice(0, 4).every((b) => b === 0) && view.slice(8).every((b) => b === 0), 'only the view');
            crypto.getRandomValues(new BigInt64Array(2));
            crypto.getRandomValues(new Uint8Array(65536));

            const quota = assertThrows(() => crypto.getRandomValues(new Uint8Array(65537)), DOMException);
            assertEquals(quota.name, 'QuotaExceededError');
            const mismatch = assertThrows(() => crypto.getRandomValues(new Float64Array(1)), DOMException);
            assertEquals(mismatch.name, 'TypeMismatchError');
            assertThrows(() => crypto.getRandomValues(new DataView(new ArrayBuffer(4))), TypeError);
            assertThrows(() => crypto.getRandomValues([1, 2]), TypeError);
            assert(crypto instanceof Crypto);
            assertThrows(() => new Crypto(), TypeError);
            "#,
        );
    }

    #[test]
    fn random_uuid_is_a_v4_uuid() {
        harness().eval(
            r#"
            const ids = new Set();
            for (let i = 0; i < 100; i++) {
              const id = crypto.randomUUID();
              assert(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id), id);
              ids.add(id);
            }
            assertEquals(ids.size, 100);
            "#,
        );
    }
}
