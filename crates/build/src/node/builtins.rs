//! Node.js built-in modules in Edge bundles: which ids they are, the module that stands in for
//! them, and the warning Next.js prints when one is imported.

/// Prefix of the virtual module ids that stand in for Node.js built-ins.
///
/// The leading NUL is the Rollup convention for virtual modules: no other plugin or the
/// resolver will try to read it from disk.
const STUB_ID_PREFIX: &str = "\0switchyard:node-builtin:";

/// Node's `require('module').builtinModules` (Node 20/22), without the `node:`-only ids,
/// which [`is_node_builtin`] accepts by prefix.
const NODE_BUILTINS: &[&str] = &[
    "_http_agent",
    "_http_client",
    "_http_common",
    "_http_incoming",
    "_http_outgoing",
    "_http_server",
    "_stream_duplex",
    "_stream_passthrough",
    "_stream_readable",
    "_stream_transform",
    "_stream_wrap",
    "_stream_writable",
    "_tls_common",
    "_tls_wrap",
    "assert",
    "assert/strict",
    "async_hooks",
    "buffer",
    "child_process",
    "cluster",
    "console",
    "constants",
    "crypto",
    "dgram",
    "diagnostics_channel",
    "dns",
    "dns/promises",
    "domain",
    "events",
    "fs",
    "fs/promises",
    "http",
    "http2",
    "https",
    "inspector",
    "inspector/promises",
    "module",
    "net",
    "os",
    "path",
    "path/posix",
    "path/win32",
    "perf_hooks",
    "process",
    "punycode",
    "querystring",
    "readline",
    "readline/promises",
    "repl",
    "stream",
    "stream/consumers",
    "stream/promises",
    "stream/web",
    "string_decoder",
    "sys",
    "timers",
    "timers/promises",
    "tls",
    "trace_events",
    "tty",
    "url",
    "util",
    "util/types",
    "v8",
    "vm",
    "wasi",
    "worker_threads",
    "zlib",
];

/// Whether `specifier` names a Node.js built-in module (`fs`, `node:fs`, `node:test`, ...).
pub(crate) fn is_node_builtin(specifier: &str) -> bool {
    specifier.starts_with("node:") || NODE_BUILTINS.contains(&specifier)
}

/// Whether a bare built-in name may still be served by a package the app installed.
///
/// Next.js honours an npm polyfill that resolves under a built-in's name (`buffer`, `events`
/// and `path` packages exist); a `node:` id always means the real built-in.
pub(crate) fn may_be_polyfilled(specifier: &str) -> bool {
    !specifier.starts_with("node:")
}

/// The virtual module id standing in for `specifier`.
pub(crate) fn stub_id(specifier: &str) -> String {
    format!("{STUB_ID_PREFIX}{specifier}")
}

/// The built-in name behind a stub id, if `id` is one.
pub(crate) fn stub_specifier(id: &str) -> Option<&str> {
    id.strip_prefix(STUB_ID_PREFIX)
}

/// The error the stub throws when touched, in Next.js's wording.
pub(crate) fn unsupported_module_error(specifier: &str) -> String {
    format!(
        "The edge runtime does not support Node.js '{specifier}' module.\n\
         Learn More: https://nextjs.org/docs/messages/node-module-in-edge-runtime"
    )
}

/// The build warning for an import of `specifier` at 1-based `line`, in Next.js's wording.
pub(crate) fn node_module_warning(specifier: &str, line: u32) -> String {
    format!(
        "A Node.js module is loaded ('{specifier}' at line {line}) which is not supported in \
         the Edge Runtime.\nLearn More: https://nextjs.org/docs/messages/node-module-in-edge-runtime"
    )
}

/// CommonJS source of the module standing in for `specifier`.
///
/// Its export is a Proxy, so importing it is harmless but any use throws. `then` and
/// `__esModule` read as `undefined` so `await import('fs')` and the bundler's ESM interop
/// work. The interop copies a CommonJS module's own keys into a namespace object whose
/// prototype comes from `getPrototypeOf`; returning a throwing Proxy there makes
/// `import { readFile } from 'fs'` throw the same error when `readFile` is read.
pub(crate) fn stub_source(specifier: &str) -> String {
    let message = serde_json::to_string(&unsupported_module_error(specifier))
        .expect("a string always serializes");
    format!(
        r#""use strict";
var message = {message};
function fail() {{
  throw new Error(message);
}}
function read(target, key) {{
  return key === "then" || key === "__esModule" ? undefined : fail();
}}
var prototype = new Proxy({{}}, {{ get: read }});
module.exports = new Proxy(function () {{}}, {{
  get: read,
  apply: fail,
  construct: fail,
  getPrototypeOf: function () {{
    return prototype;
  }},
}});
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_builtins_with_and_without_prefix() {
        assert!(is_node_builtin("fs"));
        assert!(is_node_builtin("node:fs"));
        assert!(is_node_builtin("node:test"));
        assert!(is_node_builtin("child_process"));
        assert!(is_node_builtin("fs/promises"));
        assert!(!is_node_builtin("react"));
        assert!(!is_node_builtin("./fs"));
        assert!(!may_be_polyfilled("node:buffer"));
        assert!(may_be_polyfilled("buffer"));
    }

    #[test]
    fn stub_ids_round_trip() {
        assert_eq!(stub_specifier(&stub_id("node:fs")), Some("node:fs"));
        assert_eq!(stub_specifier("/app/pages/api/x.js"), None);
    }

    #[test]
    fn messages_match_nextjs() {
        assert_eq!(
            node_module_warning("fs", 3),
            "A Node.js module is loaded ('fs' at line 3) which is not supported in the Edge \
             Runtime.\nLearn More: https://nextjs.org/docs/messages/node-module-in-edge-runtime"
        );
        assert_eq!(
            unsupported_module_error("path"),
            "The edge runtime does not support Node.js 'path' module.\nLearn More: \
             https://nextjs.org/docs/messages/node-module-in-edge-runtime"
        );
    }
}
