//! `process` (the Next.js Edge polyfill: `env` plus throwing Node.js methods), `self` and
//! `EdgeRuntime`.

use switchyard_jsc::{Context, JsError, Object};

pub(super) const SOURCE: &str = include_str!("process.js");

pub(super) fn install_host(
    ctx: &Context,
    host: &Object,
    env: &[(String, String)],
) -> Result<(), JsError> {
    let object = ctx.object();
    for (name, value) in env {
        object.set(name, &ctx.string(value))?;
    }
    host.set("env", &object)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::web::testing::harness_with_env;

    #[test]
    fn env_holds_the_configured_variables_and_next_runtime() {
        let h = harness_with_env(vec![("API_KEY".into(), "secret".into())]);
        h.eval(
            r#"
            assertEquals(process.env.API_KEY, 'secret');
            assertEquals(process.env.NEXT_RUNTIME, 'edge');
            assertEquals(process.env.MISSING, undefined);
            const { API_KEY } = process.env;
            assertEquals(API_KEY, 'secret');
            assertEquals(Object.keys(process), ['env']);
            "#,
        );
    }

    #[test]
    fn node_data_keys_are_undefined_and_functions_throw_the_nextjs_error() {
        let h = harness_with_env(Vec::new());
        h.eval(
            r#"
            assertEquals(process.version, undefined);
            assertEquals(process.arch, undefined);
            assert('version' in process);
            assertEquals(typeof process.cwd, 'function');
            assertThrows(() => process.cwd(), Error,
              /^A Node\.js API is used \(process\.cwd\) which is not supported in the Edge Runtime\.\nLearn more: https:\/\/nextjs\.org\/docs\/api-reference\/edge-runtime$/);
            assertThrows(() => process.nextTick(() => {}), Error, /process\.nextTick/);
            assertEquals(process.on, undefined, 'EventEmitter methods are not own keys of Node process');
            process.title = 'mine';
            assertEquals(process.title, 'mine');
            assertEquals(typeof setImmediate, 'undefined');
            assertEquals(typeof clearImmediate, 'undefined');
            assertEquals(EdgeRuntime, 'edge-runtime');
            assertEquals(self, globalThis);
            "#,
        );
    }
}
