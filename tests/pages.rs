//! End to end: pages rendered with the app's own React on both runtimes — static pages from
//! the build, getServerSideProps, streaming, data URLs, 404 and error pages.

mod support;

use std::sync::LazyLock;
use std::time::Duration;

use support::{Server, all_output, build, fixture, http};

/// The pages-app fixture, built once for the file (its build output kept for the warnings test).
static SERVER: LazyLock<(Server, String)> = LazyLock::new(|| {
    let app = fixture("pages-app");
    let output = build(app.path());
    assert!(output.status.success(), "{}", all_output(&output));
    let mut server = Server::start(app.path(), &[], &[]);
    server.app = Some(app);
    (server, all_output(&output))
});

fn server() -> &'static Server {
    &SERVER.0
}

fn build_id() -> String {
    let app = server().app.as_ref().unwrap().path();
    let manifest = std::fs::read_to_string(app.join(".switchyard/manifest.json")).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    manifest["buildId"].as_str().unwrap().to_string()
}

/// The `__NEXT_DATA__` of a page's HTML.
fn next_data(html: &str) -> serde_json::Value {
    let start = html
        .find(r#"<script id="__NEXT_DATA__" type="application/json">"#)
        .unwrap_or_else(|| panic!("no __NEXT_DATA__ in {html}"));
    let json = &html[start..];
    let json = &json[json.find('>').unwrap() + 1..json.find("</script>").unwrap()];
    serde_json::from_str(json).unwrap()
}

#[test]
fn a_page_without_data_is_rendered_at_build_time_and_served_as_html() {
    let (server, build_output) = &*SERVER;
    assert!(build_output.contains("○ /  "), "{build_output}");
    assert!(
        build_output.contains("● /props (ISR: 60 Seconds)"),
        "{build_output}"
    );
    let app = server.app.as_ref().unwrap().path();
    assert!(app.join(".switchyard/pages/index.html").is_file());

    let response = server.get("/");
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = response.text();
    // The app's own _document.
    assert!(
        html.starts_with(r#"<!DOCTYPE html><html lang="en"><head>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<meta name="x-document" content="custom"/>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<body class="custom-body"><div id="__next">"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<title data-next-head="">Home of the pages app</title>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<div id="__next"><div id="app-shell"><main><h1>Static home</h1>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<a id="to-post" href="/posts/7">Post 7</a>"#),
        "{html}"
    );
    let data = next_data(&html);
    assert_eq!(data["page"], "/");
    assert_eq!(data["buildId"], build_id().as_str());
    assert_eq!(data["autoExport"], true);
    assert_eq!(data["props"]["pageProps"], serde_json::json!({}));
}

#[test]
fn get_server_side_props_runs_per_request_with_params_and_query() {
    let response = server().get("/posts/7?x=1");
    assert_eq!(response.status, 200);
    let html = response.text();
    assert!(
        html.contains(r#"<p id="post">post <!-- -->7<!-- --> from <!-- -->edge</p>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<title data-next-head="">Post 7</title>"#),
        "{html}"
    );
    let data = next_data(&html);
    assert_eq!(data["page"], "/posts/[id]");
    assert_eq!(data["gssp"], true);
    assert_eq!(data["query"], serde_json::json!({ "x": "1", "id": "7" }));
    assert_eq!(
        data["props"],
        serde_json::json!({
            "pageProps": { "id": "7", "query": { "x": "1", "id": "7" }, "runtime": "edge" },
            "__N_SSP": true,
        })
    );
}

#[test]
fn get_server_side_props_redirects_and_not_found_on_both_runtimes() {
    let edge = server().get("/posts/old");
    assert_eq!(edge.status, 308);
    assert_eq!(edge.header("location"), Some("/posts/new"));

    let node = http::request(
        server().port,
        "GET",
        "/node-redirect",
        &[("x-probe", "seen")],
        None,
    );
    assert_eq!(node.status, 303);
    assert_eq!(node.header("location"), Some("/"));
    // Node.js pages get `req` and `res`.
    assert_eq!(node.header("x-from-gssp"), Some("seen"));

    for path in ["/posts/gone", "/node-missing"] {
        let response = server().get(path);
        assert_eq!(response.status, 404, "{path}");
        assert!(
            response
                .text()
                .contains(r#"<h1 id="custom-404">Nothing here</h1>"#),
            "{path}: {}",
            response.text()
        );
    }
}

#[test]
fn unknown_urls_get_the_404_page() {
    let response = server().get("/no/such/page");
    assert_eq!(response.status, 404);
    assert_eq!(
        response.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        response
            .text()
            .contains(r#"<h1 id="custom-404">Nothing here</h1>"#)
    );
}

#[test]
fn without_a_404_page_the_default_error_page_answers() {
    let app = fixture("pages-app");
    std::fs::remove_file(app.path().join("pages/404.js")).unwrap();
    let output = build(app.path());
    assert!(output.status.success(), "{}", all_output(&output));
    let server = Server::start(app.path(), &[], &[]);
    let response = server.get("/no/such/page");
    assert_eq!(response.status, 404);
    let html = response.text();
    assert!(
        html.contains(r#"<title data-next-head="">404: This page could not be found</title>"#),
        "{html}"
    );
    assert!(
        html.contains("This page could not be found<!-- -->.</h2>"),
        "{html}"
    );
    assert!(html.contains(r#"<div id="app-shell">"#), "{html}");
}

#[test]
fn a_render_error_is_a_500_page_with_the_stack_in_the_log() {
    let response = server().get("/boom");
    assert_eq!(response.status, 500);
    let html = response.text();
    assert!(html.contains("Internal Server Error"), "{html}");
    assert!(!html.contains("boom while rendering"), "{html}");
    assert!(
        server().wait_for_log("Error: boom while rendering", Duration::from_secs(5)),
        "{}",
        server().log()
    );
    assert!(server().log().contains("at Boom"), "{}", server().log());
}

#[test]
fn the_shell_streams_before_the_suspense_content_on_both_runtimes() {
    for (path, runtime) in [("/stream-edge", "edge"), ("/stream-node", "nodejs")] {
        let (response, chunks) = http::get_timed_chunks(server().port, path);
        assert_eq!(response.status, 200, "{path}");
        let arrival = |needle: &str| {
            let mut seen = Vec::new();
            chunks
                .iter()
                .find(|(_, bytes)| {
                    seen.extend_from_slice(bytes);
                    String::from_utf8_lossy(&seen).contains(needle)
                })
                .map(|(at, _)| *at)
                .unwrap_or_else(|| panic!("{path}: no {needle:?} in {}", response.text()))
        };
        let shell = arrival(&format!("shell from <!-- -->{runtime}"));
        let fallback = arrival(r#"<p id="fallback">loading…</p>"#);
        let slow = arrival(&format!("slow content from {runtime}"));
        assert!(fallback <= shell, "{path}");
        // The content waits 400 ms for its promise; the shell must not.
        assert!(
            slow - shell >= Duration::from_millis(250),
            "{path}: the shell was held back: {chunks:?}"
        );
        assert!(response.text().ends_with("</body></html>"), "{path}");
    }
}

#[test]
fn data_urls_answer_client_side_navigation() {
    let id = build_id();
    let get = |path: &str| {
        http::request(
            server().port,
            "GET",
            &format!("/_next/data/{id}{path}"),
            &[("x-nextjs-data", "1")],
            None,
        )
    };
    let post = get("/posts/7.json?x=1");
    assert_eq!(post.status, 200);
    assert_eq!(
        post.json(),
        serde_json::json!({
            "pageProps": { "id": "7", "query": { "x": "1", "id": "7" }, "runtime": "edge" },
            "__N_SSP": true,
        })
    );
    let props = get("/props.json");
    assert_eq!(props.status, 200);
    assert_eq!(
        props.json(),
        serde_json::json!({
            "pageProps": { "built": "at build time", "runtime": "nodejs" },
            "__N_SSG": true,
        })
    );
    let redirect = get("/posts/old.json");
    assert_eq!(
        redirect.json()["pageProps"],
        serde_json::json!({ "__N_REDIRECT": "/posts/new", "__N_REDIRECT_STATUS": 308 })
    );
    assert_eq!(get("/posts/gone.json").status, 404);
    assert_eq!(get("/where.json").json()["pageProps"]["runtime"], "nodejs");
    let stale = http::request(
        server().port,
        "GET",
        "/_next/data/not-this-build/props.json",
        &[],
        None,
    );
    assert_eq!(stale.status, 404);
}

#[test]
fn browser_files_are_content_hashed_and_immutable() {
    let html = server().get("/").text();
    let main = html
        .split('"')
        .find(|part| part.starts_with("/_next/static/chunks/main-") && part.ends_with(".js"))
        .unwrap_or_else(|| panic!("no main chunk in {html}"));
    let response = server().get(main);
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert!(
        response
            .header("content-type")
            .is_some_and(|value| value.contains("javascript")),
        "{:?}",
        response.headers
    );
    let manifest = server().get(&format!("/_next/static/{}/_buildManifest.js", build_id()));
    assert_eq!(manifest.status, 200);
    assert!(
        manifest
            .text()
            .contains(r#""/posts/[id]":{"js":"/_next/static/chunks/pages/posts/"#),
        "{}",
        manifest.text()
    );
    assert_eq!(server().get("/_next/static/chunks/nope.js").status, 404);
}

#[test]
fn get_static_paths_lists_the_paths_rendered_at_build_time() {
    let (server, build_output) = &*SERVER;
    assert!(
        build_output.contains("● /blog/[slug] (2 paths)"),
        "{build_output}"
    );
    assert!(
        build_output.contains("● /docs/[...parts] (1 path)"),
        "{build_output}"
    );
    let app = server.app.as_ref().unwrap().path();
    assert!(app.join(".switchyard/pages/blog/hello.html").is_file());

    let hello = server.get("/blog/hello");
    assert_eq!(hello.status, 200);
    assert!(
        hello
            .text()
            .contains(r#"<p id="blog">hello<!-- --> (<!-- -->build<!-- -->)</p>"#),
        "{}",
        hello.text()
    );
    let second = server.get("/blog/second%20post");
    assert_eq!(second.status, 200);
    assert!(second.text().contains("second post"), "{}", second.text());
    let data = http::request(
        server.port,
        "GET",
        &format!("/_next/data/{}/blog/hello.json", build_id()),
        &[("x-nextjs-data", "1")],
        None,
    );
    assert_eq!(
        data.json(),
        serde_json::json!({ "pageProps": { "slug": "hello", "builtAt": "build" }, "__N_SSG": true })
    );

    // `fallback: false`: a path it did not list is not found.
    let unlisted = server.get("/blog/other");
    assert_eq!(unlisted.status, 404);
    assert!(
        unlisted.text().contains("custom-404"),
        "{}",
        unlisted.text()
    );

    // `fallback: 'blocking'`: listed from the build, others rendered on request.
    assert!(
        server
            .get("/docs/a/b")
            .text()
            .contains(r#"<p id="docs">a / b</p>"#)
    );
    let rendered = server.get("/docs/x/y/z");
    assert_eq!(rendered.status, 200);
    assert!(
        rendered.text().contains(r#"<p id="docs">x / y / z</p>"#),
        "{}",
        rendered.text()
    );
}

#[test]
fn a_dynamic_get_static_props_page_without_paths_fails_the_build() {
    let app = fixture("pages-app");
    std::fs::create_dir_all(app.path().join("pages/nopaths")).unwrap();
    std::fs::write(
        app.path().join("pages/nopaths/[id].js"),
        "export async function getStaticProps() { return { props: {} }; }\n\
         export default function Page() { return null; }\n",
    )
    .unwrap();
    let output = build(app.path());
    assert!(!output.status.success());
    let text = all_output(&output);
    assert!(text.contains("pages/nopaths/[id].js"), "{text}");
    assert!(
        text.contains(r#"Error occurred prerendering page "/nopaths/[id]""#),
        "{text}"
    );
    assert!(
        text.contains(
            "getStaticPaths is required for dynamic SSG pages and is missing for '/nopaths/[id]'."
        ),
        "{text}"
    );
}

#[test]
fn next_dynamic_renders_on_the_server_unless_ssr_is_false() {
    let response = server().get("/dynamic");
    assert_eq!(response.status, 200);
    let html = response.text();
    assert!(
        html.contains(r#"<p id="greeting">hello <!-- -->server<!-- -->, loaded on demand</p>"#),
        "{html}"
    );
    // `ssr: false`: its loading element now, the component once the browser has mounted.
    assert!(
        html.contains(r#"<p id="loading">loading in the browser</p>"#),
        "{html}"
    );
    assert!(!html.contains("hello <!-- -->browser"), "{html}");
    // The browser loads the component's code as a chunk of its own.
    let app = server().app.as_ref().unwrap().path();
    let chunks: Vec<_> = std::fs::read_dir(app.join(".switchyard/static/chunks"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        chunks.iter().any(|name| name.starts_with("greeting-")),
        "{chunks:?}"
    );
}

#[test]
fn get_static_props_on_edge_warns_at_build_and_runs_per_request() {
    let (server, build_output) = &*SERVER;
    assert!(
        build_output.contains(
            r#""getStaticProps" is not yet supported fully with "experimental-edge", detected on /edge-props"#
        ),
        "{build_output}"
    );
    let first = next_data(&server.get("/edge-props").text());
    std::thread::sleep(Duration::from_millis(5));
    let second = next_data(&server.get("/edge-props").text());
    assert_ne!(
        first["props"]["pageProps"]["at"],
        second["props"]["pageProps"]["at"]
    );
}

#[test]
fn a_document_with_its_own_get_initial_props_renders_the_page_whole() {
    let app = fixture("pages-app");
    std::fs::write(
        app.path().join("pages/_document.js"),
        r#"import Document, { Head, Html, Main, NextScript } from 'next/document';

export default class AppDocument extends Document {
  static async getInitialProps(ctx) {
    const initialProps = await Document.getInitialProps(ctx);
    return { ...initialProps, theme: 'dark', pageLength: initialProps.html.length };
  }

  render() {
    return (
      <Html data-theme={this.props.theme} data-page-length={this.props.pageLength}>
        <Head />
        <body>
          <Main />
          <NextScript />
        </body>
      </Html>
    );
  }
}
"#,
    )
    .unwrap();
    let output = build(app.path());
    assert!(output.status.success(), "{}", all_output(&output));
    let server = Server::start(app.path(), &[], &[]);
    for path in ["/posts/7", "/where"] {
        let response = server.get(path);
        assert_eq!(response.status, 200, "{path}");
        let html = response.text();
        assert!(
            html.starts_with(r#"<!DOCTYPE html><html data-theme="dark" data-page-length=""#),
            "{html}"
        );
        assert!(
            !html.contains(r#"data-page-length="0""#),
            "renderPage gave no HTML: {html}"
        );
        assert!(
            html.contains(r#"<div id="__next"><div id="app-shell">"#),
            "{html}"
        );
        assert!(html.ends_with("</body></html>"), "{html}");
    }
}

#[test]
fn the_same_page_renders_on_each_runtime_in_turn() {
    let app = fixture("pages-app");
    let file = app.path().join("pages/where.js");
    let render = |app: &std::path::Path| {
        let output = build(app);
        assert!(output.status.success(), "{}", all_output(&output));
        let server = Server::start(app, &[], &[]);
        server.get("/where?a=1").text()
    };
    // getServerSideProps sees the request's headers as Next gives them: its forwarded ones,
    // and none of the server's instructions to the runtime.
    let headers_seen = |html: &str| {
        let start = html
            .find(r#"<p id="headers">"#)
            .expect("the headers paragraph")
            + 16;
        let end = start + html[start..].find("</p>").unwrap();
        html[start..end].to_owned()
    };
    let node = render(app.path());
    let headers = headers_seen(&node);
    assert!(!headers.contains("x-switchyard"), "{headers}");
    assert!(headers.contains("x-forwarded-proto"), "{headers}");
    assert!(
        node.contains(r#"<p id="runtime">rendered on <!-- -->nodejs</p>"#),
        "{node}"
    );
    assert!(
        node.contains(r#"<p id="render-runtime">nodejs</p>"#),
        "{node}"
    );
    assert!(node.contains(r#"<p id="url">/where?a=1</p>"#), "{node}");

    let source = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        source.replace("runtime: 'nodejs'", "runtime: 'experimental-edge'"),
    )
    .unwrap();
    let edge = render(app.path());
    let headers = headers_seen(&edge);
    assert!(!headers.contains("x-switchyard"), "{headers}");
    assert!(headers.contains("x-forwarded-proto"), "{headers}");
    assert!(
        edge.contains(r#"<p id="runtime">rendered on <!-- -->edge</p>"#),
        "{edge}"
    );
    assert!(
        edge.contains(r#"<p id="render-runtime">edge</p>"#),
        "{edge}"
    );
    assert!(edge.contains(r#"{&quot;a&quot;:&quot;1&quot;}"#), "{edge}");
}
