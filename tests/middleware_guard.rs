//! End to end: a middleware that guards routes cannot be stepped around by what a client
//! writes — its Host header, percent-escapes in the path, a missing locale prefix, internal
//! headers — and a rewrite loop through the server itself ends.
//!
//! Each check runs against the same app with the middleware on Edge and on Node.js.

mod support;

use std::sync::LazyLock;
use std::time::Duration;

use support::{Server, http};

const SESSION: (&str, &str) = ("cookie", "session=ok");

/// Routes the middleware guards, and what each answers once it lets a request through.
const GUARDED: &[(&str, &str)] = &[
    ("/api/edge/secret", "edge secret"),
    ("/api/node/secret", "node secret"),
    ("/api/edge/grouped/a", "edge grouped"),
    ("/api/node/grouped/a", "node grouped"),
    ("/api/checked/private", "checked private"),
    ("/api/checked/private-node", "checked private-node"),
    ("/api/edge/kinds/k3y-file_v2.x~1", "unreserved"),
    ("/api/edge/kinds/%C3%A9%20t", "spaced"),
    ("/api/edge/kinds/a!$,;=@:b", "delimited"),
];

/// Builds the guard app with `next_config` and the middleware on `runtime`, and starts it.
fn serve(runtime: &str, next_config: Option<&str>) -> Server {
    let app = support::fixture("guard-app");
    if runtime == "nodejs" {
        let file = app.path().join("middleware.js");
        let source = std::fs::read_to_string(&file).unwrap().replace(
            "export const config = {",
            "export const config = {\n  runtime: 'nodejs',",
        );
        std::fs::write(&file, source).unwrap();
    }
    if let Some(config) = next_config {
        std::fs::write(app.path().join("next.config.js"), config).unwrap();
    }
    let output = support::build(app.path());
    assert!(output.status.success(), "{}", support::all_output(&output));
    let mut server = Server::start(app.path(), &[], &[]);
    server.app = Some(app);
    server
}

static EDGE: LazyLock<Server> = LazyLock::new(|| serve("edge", None));
static NODE: LazyLock<Server> = LazyLock::new(|| serve("nodejs", None));

fn each(check: impl Fn(&Server, &str)) {
    check(&EDGE, "edge middleware");
    check(&NODE, "nodejs middleware");
}

fn get(server: &Server, path: &str, headers: &[(&str, &str)]) -> http::Response {
    http::request(server.port, "GET", path, headers, None)
}

/// A GET with a Host header of our choosing (the client helper always writes a good one).
fn get_with_host(server: &Server, path: &str, host: &str) -> http::Response {
    let raw = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    http::send_raw(server.port, raw.as_bytes(), false)
}

#[test]
fn guarded_routes_need_the_session() {
    each(|server, runtime| {
        for (path, body) in GUARDED {
            let refused = get(server, path, &[]);
            assert_eq!(refused.status, 401, "{runtime}: {path}: {}", refused.text());
            let allowed = get(server, path, &[SESSION]);
            assert_eq!(allowed.status, 200, "{runtime}: {path}: {}", allowed.text());
            assert_eq!(allowed.text(), *body, "{runtime}: {path}");
        }
        let open = get(server, "/api/checked/open", &[]);
        assert_eq!(
            open.status, 404,
            "{runtime}: the pathname guard lets other paths pass"
        );
        assert_eq!(open.header("x-seen-path"), Some("/api/checked/open"));
    });
}

#[test]
fn host_headers_that_are_not_authorities_are_refused() {
    each(|server, runtime| {
        for host in [
            "h#", "h?", "h/#", "h\\", "h/", "h#/x", "user@h", "h h", "h:", "h:x", "[::1",
        ] {
            for (path, _) in GUARDED {
                let response = get_with_host(server, path, host);
                assert_eq!(
                    response.status,
                    400,
                    "{runtime}: Host {host:?} on {path}: {}",
                    response.text()
                );
            }
        }
        // Odd but valid authorities keep the path the middleware sees.
        for host in ["EXAMPLE.com", "localhost:1", "[::1]:80", "a_b.internal"] {
            for (path, _) in GUARDED {
                let response = get_with_host(server, path, host);
                assert_eq!(response.status, 401, "{runtime}: Host {host:?} on {path}");
            }
        }
    });
}

/// `path` with the byte at `index` written as a `%XX` escape (`upper` or lower-case hex).
fn escape_at(path: &str, index: usize, upper: bool) -> String {
    let byte = path.as_bytes()[index];
    let escape = if upper {
        format!("%{byte:02X}")
    } else {
        format!("%{byte:02x}")
    };
    format!("{}{escape}{}", &path[..index], &path[index + 1..])
}

#[test]
fn escaped_characters_of_every_kind_reach_the_middleware() {
    each(|server, runtime| {
        for (path, body) in GUARDED {
            let mut variants = Vec::new();
            for (index, byte) in path.bytes().enumerate() {
                // `/` separates segments and `%` already starts an escape: both change the path.
                if byte == b'/' || byte == b'%' || path[..index].ends_with('%') {
                    continue;
                }
                if index >= 2 && path.as_bytes()[index - 2] == b'%' {
                    continue;
                }
                variants.push(escape_at(path, index, true));
                variants.push(escape_at(path, index, false));
            }
            let every: String = path
                .bytes()
                .map(|byte| match byte {
                    b'/' => "/".to_owned(),
                    _ => format!("%{byte:02X}"),
                })
                .collect();
            if !path.contains('%') {
                variants.push(every);
            }
            for variant in &variants {
                let allowed = get(server, variant, &[SESSION]);
                if allowed.status != 200 {
                    // The router does not serve this spelling: nothing to guard.
                    continue;
                }
                assert_eq!(allowed.text(), *body, "{runtime}: {variant}");
                let refused = get(server, variant, &[]);
                assert_eq!(
                    refused.status,
                    401,
                    "{runtime}: {variant} reached {path} without the session: {}",
                    refused.text()
                );
            }
            // Dot segments are resolved before anything sees the path.
            let dotted = format!("/x/..{path}");
            assert_eq!(get(server, &dotted, &[]).status, 401, "{runtime}: {dotted}");
            let escaped_dots = format!("/x/%2e%2E{path}");
            let refused = get(server, &escaped_dots, &[]);
            assert_eq!(refused.status, 401, "{runtime}: {escaped_dots}");
        }
    });
}

#[test]
fn the_unreserved_escapes_of_every_guarded_path_are_served_by_the_route() {
    // The test above skips spellings the router does not serve; this one makes sure that it
    // does serve the ones that matter, so the check above is not empty.
    each(|server, runtime| {
        for (path, body) in [
            ("/api/edge/%73ecret", "edge secret"),
            ("/api/%65dge/secret", "edge secret"),
            ("/api/edge/secre%74", "edge secret"),
            ("/api/n%6Fde/secret", "node secret"),
            ("/api/%6eode/grouped/a", "node grouped"),
            ("/api/checked/%70rivate", "checked private"),
            ("/api/edge/kinds/%c3%a9%20t", "spaced"),
        ] {
            let allowed = get(server, path, &[SESSION]);
            assert_eq!(allowed.status, 200, "{runtime}: {path}");
            assert_eq!(allowed.text(), body, "{runtime}: {path}");
            let refused = get(server, path, &[]);
            assert_eq!(refused.status, 401, "{runtime}: {path}");
        }
    });
}

#[test]
fn the_middleware_sees_the_path_the_server_routes() {
    each(|server, runtime| {
        for (path, seen) in [
            ("/api/checked/%70ublic", "/api/checked/public"),
            ("/api/checked/x/../public", "/api/checked/public"),
            ("/api/checked/a%2Fb", "/api/checked/a%2Fb"),
        ] {
            let response = get(server, path, &[]);
            assert_eq!(
                response.header("x-seen-path"),
                Some(seen),
                "{runtime}: {path}"
            );
        }
    });
}

const I18N: &str =
    "module.exports = { i18n: { locales: ['en', 'fr', 'de-CH'], defaultLocale: 'en' } };\n";
const I18N_BASE_PATH: &str = "module.exports = { basePath: '/docs', i18n: { locales: ['en', 'fr'], defaultLocale: 'en' } };\n";

#[test]
fn with_locales_paths_without_a_locale_are_guarded_too() {
    for runtime in ["edge", "nodejs"] {
        let server = serve(runtime, Some(I18N));
        for path in [
            "/",
            "/account",
            "/account/settings",
            "/fr",
            "/fr/account",
            "/de-ch/account",
            "/api/edge/secret",
            "/api/node/secret",
            "/api/edge/%73ecret",
        ] {
            let response = get(&server, path, &[]);
            assert_eq!(response.status, 401, "{runtime} with i18n: {path}");
        }
        // A first segment that is no locale is a page path under the default locale, not a
        // locale of its own: the root matcher must not take it.
        for path in ["/xx", "/about"] {
            let response = get(&server, path, &[]);
            assert_ne!(response.status, 401, "{runtime} with i18n: {path}");
        }
    }
}

#[test]
fn with_a_base_path_and_locales_the_guard_holds() {
    for runtime in ["edge", "nodejs"] {
        let server = serve(runtime, Some(I18N_BASE_PATH));
        for path in [
            "/docs",
            "/docs/account",
            "/docs/fr/account",
            "/docs/account/x",
        ] {
            let response = get(&server, path, &[]);
            assert_eq!(response.status, 401, "{runtime} with basePath: {path}");
        }
        for path in ["/docs/xx", "/account"] {
            let response = get(&server, path, &[]);
            assert_ne!(response.status, 401, "{runtime} with basePath: {path}");
        }
    }
}

#[test]
fn internal_headers_from_clients_never_reach_a_runtime() {
    each(|server, runtime| {
        for name in support::INTERNAL_HEADERS {
            for value in ["page", "middleware", "{\"page\":\"/x\"}", "node/../../etc"] {
                for route in ["/api/edge/echo", "/api/node/echo"] {
                    let response = get(server, route, &[(name, value), SESSION]);
                    assert_eq!(
                        response.status, 200,
                        "{runtime}: {name}: {value} to {route}"
                    );
                    let echoed = response.json();
                    let headers = echoed["headers"].as_object().unwrap();
                    assert!(
                        !headers.contains_key(&name.to_ascii_lowercase()),
                        "{runtime}: {route} saw {name}: {headers:?}"
                    );
                }
                // A route that was sent an internal header still answers everyone.
                let poisoned = get(server, "/api/node/secret", &[(name, value), SESSION]);
                assert_eq!(poisoned.text(), "node secret", "{runtime}: {name}: {value}");
            }
        }
        for _ in 0..10 {
            let later = get(server, "/api/node/secret", &[SESSION]);
            assert_eq!(later.status, 200, "{runtime}");
            assert_eq!(later.text(), "node secret", "{runtime}");
        }
    });
}

/// Open file descriptors of a process.
fn descriptors(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |fds| fds.count())
}

#[test]
fn a_rewrite_to_the_app_itself_under_another_name_ends_with_508() {
    each(|server, runtime| {
        let before = descriptors(server.pid());
        let response = get(server, "/api/hop/x", &[]);
        assert_eq!(response.status, 508, "{runtime}: {}", response.text());
        assert!(
            server.wait_for_log("the loop was stopped with 508", Duration::from_secs(5)),
            "{runtime}: {}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(200));
        let after = descriptors(server.pid());
        assert!(
            after < before + 40,
            "{runtime}: {before} descriptors before, {after} after"
        );
        // The server still answers.
        assert_eq!(get(server, "/api/edge/secret", &[SESSION]).status, 200);
    });
}

#[test]
fn routes_get_the_forwarded_headers_next_adds() {
    each(|server, runtime| {
        for route in ["/api/edge/echo", "/api/node/echo"] {
            let echoed = get(server, route, &[SESSION]).json();
            let headers = &echoed["headers"];
            let port = server.port.to_string();
            assert_eq!(
                headers["x-forwarded-host"],
                format!("127.0.0.1:{port}").as_str(),
                "{runtime}: {route}"
            );
            assert_eq!(
                headers["x-forwarded-port"],
                port.as_str(),
                "{runtime}: {route}"
            );
            assert_eq!(headers["x-forwarded-proto"], "http", "{runtime}: {route}");
            assert_eq!(
                headers["x-forwarded-for"], "127.0.0.1",
                "{runtime}: {route}"
            );
            // A proxy in front keeps its own values.
            let proxied = get(
                server,
                route,
                &[
                    SESSION,
                    ("x-forwarded-proto", "https"),
                    ("x-forwarded-for", "203.0.113.9"),
                ],
            )
            .json();
            assert_eq!(proxied["headers"]["x-forwarded-proto"], "https");
            assert_eq!(proxied["headers"]["x-forwarded-for"], "203.0.113.9");
        }
    });
}
