//! next.config `headers()`, `redirects()` and `rewrites()`, basePath, trailing slashes and
//! compression, end to end. The expected answers are what `next start` (Next 16) gave for the
//! same fixture apps, request by request.

mod support;

use std::io::Read;

use support::http::{Response, request, send_raw};
use support::tls_origin::TlsOrigin;
use support::{Server, all_output, fixture, link_react, switchyard};

/// Builds and starts a fixture with `env` set for the build (next.config reads it).
fn serve(name: &str, env: &[(&str, &str)], start_env: &[(&str, &str)]) -> Server {
    serve_with_output(name, env, start_env).0
}

/// [`serve`], with what the build printed.
fn serve_with_output(
    name: &str,
    env: &[(&str, &str)],
    start_env: &[(&str, &str)],
) -> (Server, String) {
    let app = fixture(name);
    link_react(app.path());
    let mut command = switchyard();
    command.arg("build").arg(app.path());
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "build failed:\n{}",
        all_output(&output)
    );
    let mut server = Server::start(app.path(), &[], start_env);
    server.app = Some(app);
    (server, all_output(&output))
}

fn get(server: &Server, path: &str, headers: &[(&str, &str)]) -> Response {
    request(server.port, "GET", path, headers, None)
}

fn assert_redirect(response: &Response, status: u16, location: &str) {
    assert_eq!(response.status, status, "{}", response.text());
    assert_eq!(response.header("location"), Some(location));
    assert_eq!(response.text(), location);
    let refresh = format!("0;url={location}");
    assert_eq!(
        response.header("refresh"),
        (status == 308).then_some(refresh.as_str())
    );
}

#[test]
fn headers_redirects_and_rewrites_follow_nexts_order() {
    let origin = TlsOrigin::start();
    let origin_url = format!("https://localhost:{}", origin.port);
    let ca = origin.ca_file.to_str().unwrap().to_owned();
    let server = serve(
        "config-routes-app",
        &[("TLS_ORIGIN", &origin_url)],
        &[("TLS_ORIGIN", &origin_url), ("SSL_CERT_FILE", &ca)],
    );

    // headers(): every matching rule, the later one winning a name; has/missing with captures.
    let headers = get(&server, "/headers/abc", &[]);
    assert_eq!(headers.header("x-slug"), Some("abc"));
    assert_eq!(headers.header("x-from"), Some("second"));
    assert_eq!(headers.header("x-everywhere"), Some("yes"));
    let flagged = get(&server, "/flagged", &[("x-flag", "on")]);
    assert_eq!(flagged.header("x-flag-seen"), Some("on"));
    assert_eq!(flagged.header("x-flag-missing"), None);
    let unflagged = get(&server, "/flagged", &[]);
    assert_eq!(unflagged.header("x-flag-seen"), None);
    assert_eq!(unflagged.header("x-flag-missing"), Some("1"));

    // redirects(): permanent, temporary, statusCode, params, query kept, has/missing of every type.
    assert_redirect(&get(&server, "/old/a/b", &[]), 308, "/new/a/b");
    assert_redirect(&get(&server, "/old/a/b?x=1", &[]), 308, "/new/a/b?x=1");
    assert_redirect(&get(&server, "/temporary", &[]), 307, "/about");
    assert_redirect(&get(&server, "/moved", &[]), 301, "/about");
    assert_redirect(
        &get(&server, "/by-query?page=3", &[]),
        307,
        "/items/3?page=3",
    );
    assert_redirect(
        &get(&server, "/by-cookie", &[("cookie", "session=1")]),
        307,
        "/account",
    );
    assert_redirect(&get(&server, "/by-cookie", &[]), 307, "/login");
    assert_redirect(&get(&server, "/blog/12", &[]), 307, "/items/12");
    assert_redirect(
        &get(&server, "/to-elsewhere/a/b?q=1", &[]),
        307,
        "https://example.test/a/b?q=1",
    );
    let raw = format!(
        "GET /by-host HTTP/1.1\r\nHost: shop.example.test:{}\r\nConnection: close\r\n\r\n",
        server.port
    );
    assert_redirect(
        &send_raw(server.port, raw.as_bytes(), false),
        307,
        "/hosts/shop",
    );
    // A redirect goes out without the headers() of the same request.
    assert_eq!(get(&server, "/temporary", &[]).header("x-everywhere"), None);
    // A has condition that does not match leaves the request to the later stages.
    let unmatched = get(&server, "/by-query?page=x", &[]).json();
    assert_eq!(unmatched["fallback"], true);
    assert_eq!(unmatched["query"]["path"], "by-query");
    assert_eq!(
        get(&server, "/blog/abc", &[]).json()["query"]["path"],
        "blog/abc"
    );

    // The trailing-slash redirect comes first.
    assert_redirect(&get(&server, "/about/", &[]), 308, "/about");

    // beforeFiles overrides a page; afterFiles does not.
    let before = get(&server, "/about?override=1", &[]).json();
    assert_eq!(before["query"]["phase"], "before");
    assert_eq!(before["query"]["override"], "1");
    let page = get(&server, "/about", &[]);
    assert_eq!(page.status, 200);
    assert!(page.text().contains("About page."), "{}", page.text());

    // afterFiles: params into the query; the route sees the client's path.
    let rewritten = get(&server, "/rewrite/hello?extra=2", &[]).json();
    assert_eq!(rewritten["query"]["slug"], "hello");
    assert_eq!(rewritten["query"]["extra"], "2");
    assert!(
        rewritten["url"]
            .as_str()
            .unwrap()
            .starts_with("/rewrite/hello?"),
        "{rewritten}"
    );
    let edge = get(&server, "/edge-rewrite/5", &[]).json();
    assert_eq!(edge["runtime"], "edge");
    assert_eq!(edge["id"], "5");
    assert_eq!(edge["pathname"], "/edge-rewrite/5");
    // afterFiles comes before dynamic routes, which come before fallback.
    assert_eq!(
        get(&server, "/items/special", &[]).json()["query"]["phase"],
        "after"
    );
    assert!(
        get(&server, "/items/7", &[])
            .text()
            .contains("item <!-- -->7")
    );
    // A rewrite to a path nothing serves goes on to the next rule.
    let chained = get(&server, "/chain/9", &[]).json();
    assert_eq!(chained["query"]["chained"], "9");
    let fallback = get(&server, "/nothing/here", &[]).json();
    assert_eq!(fallback["fallback"], true);
    assert_eq!(fallback["query"]["path"], "nothing/here");
    // Cache-Control as Next sends it: never for per-request pages, revalidate for getStaticProps.
    let no_store = Some("private, no-cache, no-store, max-age=0, must-revalidate");
    assert_eq!(
        get(&server, "/items/7", &[]).header("cache-control"),
        no_store
    );
    assert_eq!(
        get(&server, "/revalidating", &[]).header("cache-control"),
        Some("s-maxage=60, stale-while-revalidate=31535940")
    );
    assert_eq!(
        get(&server, "/forever", &[]).header("cache-control"),
        Some("s-maxage=31536000")
    );
    assert_eq!(get(&server, "/about", &[]).header("cache-control"), None);
    // getStaticProps pages rendered on request: the same, for their notFound and redirect too.
    let later = get(&server, "/later/1", &[]);
    assert!(later.text().contains("later <!-- -->1"), "{}", later.text());
    let revalidating = Some("s-maxage=30, stale-while-revalidate=31535970");
    assert_eq!(later.header("cache-control"), revalidating);
    let missing = get(&server, "/later/missing", &[]);
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("cache-control"), revalidating);
    let moved = get(&server, "/later/moved", &[]);
    assert_eq!(moved.status, 307);
    assert_eq!(moved.header("location"), Some("/about"));
    assert_eq!(moved.header("cache-control"), Some("s-maxage=31536000"));
    assert_eq!(moved.header("content-type"), None);
    // Their data answers, as Next's: charset, matched dynamic page, no type on notFound.
    let build_id = support::build_id(server.app.as_ref().unwrap().path());
    let data = |path: &str| {
        get(
            &server,
            &format!("/_next/data/{build_id}/{path}.json"),
            &[("x-nextjs-data", "1")],
        )
    };
    let later_data = data("later/1");
    assert_eq!(later_data.status, 200, "{}", later_data.text());
    assert_eq!(later_data.json()["pageProps"]["id"], "1");
    assert_eq!(
        later_data.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(later_data.header("cache-control"), revalidating);
    assert_eq!(
        later_data.header("x-nextjs-matched-path"),
        Some("/later/[id]")
    );
    let missing_data = data("later/missing");
    assert_eq!(missing_data.status, 404);
    assert_eq!(missing_data.text(), r#"{"notFound":true}"#);
    assert_eq!(missing_data.header("content-type"), None);
    assert_eq!(missing_data.header("cache-control"), revalidating);
    let static_data = data("revalidating");
    assert_eq!(
        static_data.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(static_data.header("x-nextjs-matched-path"), None);

    // `/404` is a page of every app (Next's default here): found before fallback rewrites,
    // and sent without no-store, by name or rewritten to.
    for path in ["/404", "/gone"] {
        let page = get(&server, path, &[]);
        assert_eq!(page.status, 404, "{path}: {}", page.text());
        assert!(
            page.text().contains("This page could not be found"),
            "{path}"
        );
        assert_eq!(page.header("cache-control"), None, "{path}");
    }
    assert_eq!(
        get(&server, "/unknown-page", &[("x-skip", "1")]).json()["fallback"],
        true
    );

    // Public files are found before afterFiles and fallback rewrites.
    assert_eq!(get(&server, "/robots.txt", &[]).text(), "robots\n");

    // An https:// rewrite is proxied to the origin, checked against the test CA.
    let external = get(&server, "/external/a/b?q=1", &[]);
    assert_eq!(
        external.status,
        200,
        "{}\n{}",
        external.text(),
        server.log()
    );
    assert_eq!(external.header("x-origin"), Some("tls"));
    let seen = external.json();
    assert_eq!(seen["url"], "/a/b?q=1");
    assert_eq!(seen["host"], format!("localhost:{}", origin.port));
}

#[test]
fn responses_are_gzipped_as_next_start_does() {
    let server = serve("config-routes-app", &[], &[]);
    let page = get(&server, "/about", &[("accept-encoding", "gzip, br")]);
    assert_eq!(page.header("content-encoding"), Some("gzip"));
    assert_eq!(page.header("vary"), Some("Accept-Encoding"));
    let mut html = String::new();
    flate_decode(&page.body, &mut html);
    assert!(html.contains("About page."), "{html}");
    // Small bodies go out as they are, still marked as varying.
    let small = get(&server, "/api/echo", &[("accept-encoding", "gzip")]);
    assert_eq!(small.header("content-encoding"), None);
    assert_eq!(small.header("vary"), Some("Accept-Encoding"));
    assert_eq!(small.json()["url"], "/api/echo");
    // Without Accept-Encoding nothing is compressed.
    assert_eq!(get(&server, "/about", &[]).header("content-encoding"), None);
}

fn flate_decode(bytes: &[u8], into: &mut String) {
    // A gzip member: 10-byte header, deflate data, 8-byte trailer (no optional fields here).
    assert_eq!(&bytes[..2], [0x1f, 0x8b], "not gzip");
    let mut decoder = flate2::read::DeflateDecoder::new(&bytes[10..]);
    decoder.read_to_string(into).unwrap();
}

#[test]
fn base_path_and_trailing_slash_true() {
    let (server, build_output) = serve_with_output("base-path-app", &[], &[]);
    // One warning for the key Switchyard does not act on, none for those it does.
    assert_eq!(
        build_output
            .matches("is not implemented by Switchyard")
            .count(),
        1,
        "{build_output}"
    );
    assert!(build_output.contains("`assetPrefix`"), "{build_output}");
    let about = get(&server, "/docs/about/", &[("accept-encoding", "gzip")]);
    assert_eq!(about.status, 200);
    assert!(about.text().contains("About page."));
    // compress: false
    assert_eq!(about.header("content-encoding"), None);
    assert_redirect(&get(&server, "/docs/about", &[]), 308, "/docs/about/");
    assert_redirect(&get(&server, "/docs", &[]), 308, "/docs/");
    assert_eq!(get(&server, "/docs/", &[]).status, 200);
    let outside = get(&server, "/about/", &[]);
    assert_eq!(outside.status, 404);
    assert_eq!(
        outside.header("cache-control"),
        Some("private, no-cache, no-store, max-age=0, must-revalidate")
    );
    assert_eq!(get(&server, "/docs/nothing/", &[]).status, 404);
    // Files keep their name; a slash after one is taken away.
    assert_eq!(get(&server, "/docs/file.txt", &[]).text(), "a file\n");
    assert_redirect(&get(&server, "/docs/file.txt/", &[]), 308, "/docs/file.txt");
    // basePath: false matches outside the base path; other rules inside it.
    assert_redirect(&get(&server, "/outside", &[]), 308, "/outside/");
    assert_redirect(&get(&server, "/outside/", &[]), 307, "/docs/about/");
    assert_redirect(&get(&server, "/docs/inside/", &[]), 307, "/docs/about/");
    // Node.js routes see the path below the base path.
    assert_eq!(
        get(&server, "/docs/api/echo/", &[]).json()["url"],
        "/api/echo/"
    );
    assert_eq!(get(&server, "/docs/hello/", &[]).json()["url"], "/hello/");
}
