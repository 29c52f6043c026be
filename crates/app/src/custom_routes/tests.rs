//! Custom routes end to end: loaded from a config, applied to requests. Most cases and
//! expected answers come from Next.js's `test/integration/custom-routes` and
//! `test/integration/invalid-custom-routes`.

use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Value as Json, json};

use super::{
    CustomRoutes, CustomRoutesError, DestinationError, Query, Redirect, RequestFacts, Rewrite,
    RewritePhase,
};
use crate::{NextConfig, ParamValue};

fn load(raw: Json) -> Result<CustomRoutes, CustomRoutesError> {
    CustomRoutes::load(&NextConfig::from_json(raw).expect("valid config"))
}

fn routes(raw: Json) -> CustomRoutes {
    load(raw).unwrap_or_else(|error| panic!("{error}"))
}

fn error(raw: Json) -> String {
    match load(raw) {
        Err(error) => error.to_string(),
        Ok(_) => panic!("expected an error"),
    }
}

/// A request: path and query from `url`, plus headers and host.
struct Request {
    path: String,
    query: Query,
    headers: HeaderMap,
    host: Option<String>,
}

fn request(url: &str) -> Request {
    let (path, search) = url.split_once('?').unwrap_or((url, ""));
    Request {
        path: path.to_owned(),
        query: Query::parse(search),
        headers: HeaderMap::new(),
        host: Some("localhost:3000".to_owned()),
    }
}

impl Request {
    fn header(mut self, name: &str, value: &str) -> Request {
        self.headers.append(
            HeaderName::from_bytes(name.as_bytes()).expect("header name"),
            HeaderValue::from_str(value).expect("header value"),
        );
        self
    }

    fn host(mut self, host: &str) -> Request {
        self.host = Some(host.to_owned());
        self
    }

    fn facts(&self) -> RequestFacts<'_> {
        RequestFacts {
            path: &self.path,
            query: &self.query,
            headers: &self.headers,
            host: self.host.as_deref(),
        }
    }
}

fn redirect(routes: &CustomRoutes, request: &Request) -> Option<(String, u16)> {
    routes
        .redirect_for(&request.facts())
        .expect("redirect builds")
        .map(|Redirect { location, status }| (location, status))
}

fn redirect_to(routes: &CustomRoutes, url: &str) -> Option<(String, u16)> {
    redirect(routes, &request(url))
}

/// The first rewrite of `phase` that applies.
fn rewrite(routes: &CustomRoutes, phase: RewritePhase, request: &Request) -> Option<Rewrite> {
    routes
        .rewrites(phase)
        .iter()
        .find_map(|rule| rule.apply(&request.facts()).expect("rewrite builds"))
}

fn internal(rewrite: Option<Rewrite>) -> (String, Vec<(String, ParamValue)>) {
    match rewrite {
        Some(Rewrite::Internal { path, query }) => (
            path,
            query
                .iter()
                .map(|(key, value)| (key.to_owned(), value.clone()))
                .collect(),
        ),
        other => panic!("expected an internal rewrite, got {other:?}"),
    }
}

fn one(key: &str, value: &str) -> (String, ParamValue) {
    (key.to_owned(), ParamValue::One(value.to_owned()))
}

fn many(key: &str, values: &[&str]) -> (String, ParamValue) {
    (
        key.to_owned(),
        ParamValue::Many(values.iter().map(|value| (*value).to_owned()).collect()),
    )
}

fn headers(routes: &CustomRoutes, request: &Request) -> Vec<(String, String)> {
    routes.headers_for(&request.facts()).expect("headers build")
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// The parts of Next.js's `test/integration/custom-routes/next.config.js` used here.
fn next_custom_routes() -> Json {
    json!({
        "rewrites": {
            "afterFiles": [
                { "source": "/to-another", "destination": "/another/one" },
                { "source": "/test/:path", "destination": "/:path" },
                { "source": "/test-overwrite/:something/:another", "destination": "/params/this-should-be-the-value" },
                { "source": "/query-rewrite/:section/:name", "destination": "/with-params?first=:section&second=:name" },
                { "source": "/hidden/_next/:path*", "destination": "/_next/:path*" },
                { "source": "/proxy-me/:path*", "destination": "http://localhost:4000/:path*" },
                { "source": "/api-hello-regex/:first(.*)", "destination": "/api/hello?name=:first*" },
                { "source": "/api-hello-param/:name", "destination": "/api/hello?hello=:name" },
                { "source": "/api-dynamic-param/:name", "destination": "/api/dynamic/:name?hello=:name" },
                { "source": "/unnamed-params/nested/(.*)/:test/(.*)", "destination": "/with-params" },
                { "source": "/catchall-rewrite/:path*", "destination": "/with-params" },
                { "source": "/catchall-query/:path*", "destination": "/with-params?another=:path*" },
                {
                    "source": "/has-rewrite-1",
                    "has": [{ "type": "header", "key": "x-my-header", "value": "(?<myHeader>.*)" }],
                    "destination": "/with-params?myHeader=:myHeader",
                },
                {
                    "source": "/has-rewrite-2",
                    "has": [{ "type": "query", "key": "my-query" }],
                    "destination": "/with-params?value=:myquery",
                },
                {
                    "source": "/has-rewrite-3",
                    "has": [{ "type": "cookie", "key": "loggedIn", "value": "(?<loggedIn>true)" }],
                    "destination": "/with-params?authorized=1",
                },
                {
                    "source": "/has-rewrite-4",
                    "has": [{ "type": "host", "value": "example.com" }],
                    "destination": "/with-params?host=1",
                },
                {
                    "source": "/has-rewrite-5",
                    "has": [{ "type": "query", "key": "hasParam" }],
                    "destination": "/:hasParam",
                },
                {
                    "source": "/has-rewrite-6",
                    "has": [{ "type": "header", "key": "hasParam", "value": "with-params" }],
                    "destination": "/with-params",
                },
                {
                    "source": "/has-rewrite-7",
                    "has": [{ "type": "query", "key": "hasParam", "value": "(?<idk>with-params|hello)" }],
                    "destination": "/with-params?idk=:idk",
                },
                {
                    "source": "/has-rewrite-8",
                    "has": [{ "type": "query", "key": "post" }],
                    "destination": "/blog-catchall/:post",
                },
                {
                    "source": "/missing-rewrite-1",
                    "missing": [{ "type": "header", "key": "x-my-header", "value": "(?<myHeader>.*)" }],
                    "destination": "/with-params",
                },
                {
                    "source": "/missing-rewrite-2",
                    "missing": [{ "type": "query", "key": "my-query" }],
                    "destination": "/with-params",
                },
                {
                    "source": "/missing-rewrite-3",
                    "missing": [{ "type": "cookie", "key": "loggedIn", "value": "(?<loggedIn>true)" }],
                    "destination": "/with-params?authorized=1",
                },
                { "source": "/overridden/:path*", "destination": "/overridden" },
            ],
            "beforeFiles": [
                {
                    "source": "/hello",
                    "has": [{ "type": "query", "key": "overrideMe" }],
                    "destination": "/with-params?overridden=1",
                },
                { "source": "/old-blog/:path*", "destination": "/blog/:path*" },
                { "source": "/overridden", "destination": "https://example.vercel.sh" },
                { "source": "/nfl/:path*", "destination": "/_sport/nfl/:path*" },
            ],
        },
        "redirects": [
            {
                "source": "/missing-redirect-1",
                "missing": [{ "type": "header", "key": "x-my-header", "value": "(?<myHeader>.*)" }],
                "destination": "/with-params",
                "permanent": false,
            },
            {
                "source": "/missing-redirect-3",
                "missing": [{ "type": "cookie", "key": "loggedIn", "value": "(?<loggedIn>true)" }],
                "destination": "/with-params?authorized=1",
                "permanent": false,
            },
            { "source": "/redirect/me/to-about/:lang", "destination": "/:lang/about", "permanent": false },
            { "source": "/docs/router-status/:code", "destination": "/docs/v2/network/status-codes#:code", "statusCode": 301 },
            { "source": "/docs/v2/advanced/:all(.*)", "destination": "/docs/v2/more/:all", "statusCode": 301 },
            { "source": "/hello/:id/another", "destination": "/blog/:id", "permanent": false },
            { "source": "/redirect1", "destination": "/", "permanent": false },
            { "source": "/redirect2", "destination": "/", "statusCode": 301 },
            { "source": "/redirect3", "destination": "/another", "statusCode": 302 },
            { "source": "/redirect4", "destination": "/", "permanent": true },
            { "source": "/redir-chain3", "destination": "/", "statusCode": 303 },
            { "source": "/to-external", "destination": "https://google.com", "permanent": false },
            { "source": "/query-redirect/:section/:name", "destination": "/with-params?first=:section&second=:name", "permanent": false },
            { "source": "/unnamed/(first|second)/(.*)", "destination": "/got-unnamed", "permanent": false },
            { "source": "/named-like-unnamed/:0", "destination": "/:0", "permanent": false },
            { "source": "/docs/:first(integrations|now-cli)/v2:second(.*)", "destination": "/:first/:second", "permanent": false },
            { "source": "/catchall-redirect/:path*", "destination": "/somewhere", "permanent": false },
            {
                "source": "/to-external-with-query",
                "destination": "https://authserver.example.com/set-password?returnUrl=https%3A%2F%2Fwww.example.com/login",
                "permanent": false,
            },
            {
                "source": "/has-redirect-1",
                "has": [{ "type": "header", "key": "x-my-header", "value": "(?<myHeader>.*)" }],
                "destination": "/another?myHeader=:myHeader",
                "permanent": false,
            },
            {
                "source": "/has-redirect-2",
                "has": [{ "type": "query", "key": "my-query" }],
                "destination": "/another?value=:myquery",
                "permanent": false,
            },
            {
                "source": "/has-redirect-3",
                "has": [{ "type": "cookie", "key": "loggedIn", "value": "true" }],
                "destination": "/another?authorized=1",
                "permanent": false,
            },
            {
                "source": "/has-redirect-4",
                "has": [{ "type": "host", "value": "example.com" }],
                "destination": "/another?host=1",
                "permanent": false,
            },
            {
                "source": "/:path/has-redirect-5",
                "has": [{ "type": "header", "key": "x-test-next" }],
                "destination": "/somewhere",
                "permanent": false,
            },
            {
                "source": "/has-redirect-6",
                "has": [{ "type": "host", "value": "(?<subdomain>.*)-test.example.com" }],
                "destination": "https://:subdomain.example.com/some-path/end?a=b",
                "permanent": false,
            },
            {
                "source": "/has-redirect-7",
                "has": [{ "type": "query", "key": "hello", "value": "(?<hello>.*)" }],
                "destination": "/somewhere?value=:hello",
                "permanent": false,
            },
        ],
        "headers": [
            {
                "source": "/missing-headers-2",
                "missing": [{ "type": "query", "key": "my-query" }],
                "headers": [{ "key": "x-new-header", "value": "new-value" }],
            },
            {
                "source": "/add-header",
                "headers": [
                    { "key": "x-custom-header", "value": "hello world" },
                    { "key": "x-another-header", "value": "hello again" },
                ],
            },
            {
                "source": "/my-other-header/:path",
                "headers": [
                    { "key": "x-path", "value": ":path" },
                    { "key": "some:path", "value": "hi" },
                    { "key": "x-test", "value": "some:value*" },
                    { "key": "x-test-2", "value": "value*" },
                    { "key": "x-test-3", "value": ":value?" },
                    { "key": "x-test-4", "value": ":value+" },
                    { "key": "x-test-5", "value": "something https:" },
                    { "key": "x-test-6", "value": ":hello(world)" },
                    { "key": "x-test-7", "value": "hello(world)" },
                    { "key": "x-test-8", "value": "hello{1,}" },
                    { "key": "x-test-9", "value": ":hello{1,2}" },
                    {
                        "key": "content-security-policy",
                        "value": "default-src 'self'; img-src *; media-src media1.com media2.com; script-src userscripts.example.com/:path",
                    },
                ],
            },
            { "source": "/without-params/url", "headers": [{ "key": "x-origin", "value": "https://example.com" }] },
            { "source": "/with-params/url/:path*", "headers": [{ "key": "x-url", "value": "https://example.com/:path*" }] },
            { "source": "/with-params/url2/:path*", "headers": [{ "key": "x-url", "value": "https://example.com:8080?hello=:path*" }] },
            { "source": "/:path*", "headers": [{ "key": "x-something", "value": "applied-everywhere" }] },
            {
                "source": "/named-pattern/:path(.*)",
                "headers": [
                    { "key": "x-something", "value": "value=:path" },
                    { "key": "path-:path", "value": "end" },
                ],
            },
            { "source": "/catchall-header/:path*", "headers": [{ "key": "x-value", "value": ":path*" }] },
            {
                "source": "/has-header-1",
                "has": [{ "type": "header", "key": "x-my-header", "value": "(?<myHeader>.*)" }],
                "headers": [{ "key": "x-another", "value": "header" }],
            },
            {
                "source": "/has-header-3",
                "has": [{ "type": "cookie", "key": "loggedIn", "value": "true" }],
                "headers": [{ "key": "x-is-user", "value": "yuuuup" }],
            },
            {
                "source": "/has-header-4",
                "has": [{ "type": "host", "value": "example.com" }],
                "headers": [{ "key": "x-is-host", "value": "yuuuup" }],
            },
        ],
    })
}

#[test]
fn redirects_answer_as_in_nexts_tests() {
    let routes = routes(next_custom_routes());
    let to = |url: &str| redirect_to(&routes, url);
    assert_eq!(to("/redirect1"), Some(("/".into(), 307)));
    assert_eq!(to("/redirect2"), Some(("/".into(), 301)));
    assert_eq!(to("/redirect3"), Some(("/another".into(), 302)));
    assert_eq!(to("/redirect4"), Some(("/".into(), 308)));
    assert_eq!(to("/redir-chain3"), Some(("/".into(), 303)));
    assert_eq!(to("/hello/123/another"), Some(("/blog/123".into(), 307)));
    assert_eq!(
        to("/docs/router-status/500"),
        Some(("/docs/v2/network/status-codes#500".into(), 301))
    );
    assert_eq!(
        to("/docs/v2/advanced/now-for-github"),
        Some(("/docs/v2/more/now-for-github".into(), 301))
    );
    assert_eq!(
        to("/catchall-redirect/hello/world"),
        Some(("/somewhere".into(), 307))
    );
    assert_eq!(
        to("/unnamed/first/final"),
        Some(("/got-unnamed".into(), 307))
    );
    assert_eq!(to("/unnamed/third/final"), None);
    assert_eq!(
        to("/named-like-unnamed/first"),
        Some(("/first".into(), 307))
    );
    assert_eq!(
        to("/docs/integrations/v2-some/thing"),
        Some(("/integrations/-some/thing".into(), 307))
    );
    assert_eq!(
        to("/to-external"),
        Some(("https://google.com/".into(), 307))
    );
    assert_eq!(
        to("/to-external-with-query"),
        Some((
            "https://authserver.example.com/set-password?returnUrl=https://www.example.com/login"
                .into(),
            307
        ))
    );
    // A backslash in a parameter does not turn the location into another host.
    assert_eq!(
        to("/redirect/me/to-about/%5Cgoogle.com"),
        Some(("/%5Cgoogle.com/about".into(), 307))
    );
    assert_eq!(to("/nothing-here"), None);
}

#[test]
fn redirects_keep_the_query_and_fill_it_as_next_does() {
    let routes = routes(next_custom_routes());
    let to = |url: &str| redirect_to(&routes, url);
    assert_eq!(
        to("/query-redirect/hello/world?a=b"),
        Some(("/with-params?a=b&first=hello&second=world".into(), 307))
    );
    assert_eq!(
        to("/query-redirect/hello%20world%3Fw%3D24%26focalpoint%3Dcenter/world?a=b"),
        Some((
            "/with-params?a=b&first=hello%20world%3Fw%3D24%26focalpoint%3Dcenter&second=world"
                .into(),
            307
        ))
    );
    // Keys and values of the request's own query are escaped again.
    let redirect = routes
        .redirect_for(&request("/redirect4?%E3%83%86%E3%82%B9%E3%83%88=%E3%81%82").facts())
        .unwrap()
        .unwrap();
    assert_eq!(redirect.location, "/?%E3%83%86%E3%82%B9%E3%83%88=%E3%81%82");
    assert_eq!(
        redirect.refresh().as_deref(),
        Some("0;url=/?%E3%83%86%E3%82%B9%E3%83%88=%E3%81%82")
    );
    assert_eq!(to("/redirect2").map(|_| ()), Some(()));
    assert_eq!(
        routes
            .redirect_for(&request("/redirect2").facts())
            .unwrap()
            .unwrap()
            .refresh(),
        None
    );
}

#[test]
fn redirect_conditions_of_all_four_types() {
    let routes = routes(next_custom_routes());
    let header = request("/has-redirect-1").header("x-my-header", "hello world!!");
    assert_eq!(
        redirect(&routes, &header),
        Some(("/another?myHeader=hello world!!".into(), 307))
    );
    assert_eq!(redirect_to(&routes, "/has-redirect-1"), None);
    assert_eq!(
        redirect_to(&routes, "/has-redirect-2?my-query=hellooo"),
        Some(("/another?my-query=hellooo&value=hellooo".into(), 307))
    );
    assert_eq!(redirect_to(&routes, "/has-redirect-2"), None);
    let cookie = request("/has-redirect-3").header("cookie", "loggedIn=true");
    assert_eq!(
        redirect(&routes, &cookie),
        Some(("/another?authorized=1".into(), 307))
    );
    assert_eq!(redirect_to(&routes, "/has-redirect-3"), None);
    let host = request("/has-redirect-4").host("example.com");
    assert_eq!(
        redirect(&routes, &host),
        Some(("/another?host=1".into(), 307))
    );
    assert_eq!(redirect_to(&routes, "/has-redirect-4"), None);
    let subdomain = request("/has-redirect-6").host("hello-test.example.com");
    assert_eq!(
        redirect(&routes, &subdomain),
        Some(("https://hello.example.com/some-path/end?a=b".into(), 307))
    );
    assert_eq!(
        redirect_to(&routes, "/has-redirect-7?hello=world&hello=another"),
        Some((
            "/somewhere?hello=world&hello=another&value=another".into(),
            307
        ))
    );
    // Redirects never match `/_next` paths.
    let next = request("/_next/has-redirect-5").header("x-test-next", "true");
    assert_eq!(redirect(&routes, &next), None);
    let other = request("/another/has-redirect-5").header("x-test-next", "true");
    assert_eq!(redirect(&routes, &other), Some(("/somewhere".into(), 307)));
    // `missing`.
    let present = request("/missing-redirect-1").header("x-my-header", "hi");
    assert_eq!(redirect(&routes, &present), None);
    assert_eq!(
        redirect_to(&routes, "/missing-redirect-1"),
        Some(("/with-params".into(), 307))
    );
    let logged_in = request("/missing-redirect-3").header("cookie", "loggedIn=true");
    assert_eq!(redirect(&routes, &logged_in), None);
    assert_eq!(
        redirect_to(&routes, "/missing-redirect-3"),
        Some(("/with-params?authorized=1".into(), 307))
    );
}

#[test]
fn rewrites_merge_the_query_as_next_does() {
    let routes = routes(next_custom_routes());
    let after = |url: &str| internal(rewrite(&routes, RewritePhase::AfterFiles, &request(url)));
    // Request query < path parameters < destination query.
    assert_eq!(
        after(
            "/query-rewrite/first/second?section=overridden&name=overridden&first=overridden&second=overridden&keep=me"
        ),
        (
            "/with-params".into(),
            vec![
                one("section", "first"),
                one("name", "second"),
                one("first", "first"),
                one("second", "second"),
                one("keep", "me"),
            ]
        )
    );
    assert_eq!(
        after("/catchall-query/hello/world?a=b"),
        (
            "/with-params".into(),
            vec![
                one("a", "b"),
                one("another", "hello/world"),
                many("path", &["hello", "world"])
            ]
        )
    );
    assert_eq!(
        after("/catchall-rewrite/hello%20world%3Fw%3D24%26focalpoint%3Dcenter?a=b"),
        (
            "/with-params".into(),
            vec![
                one("a", "b"),
                many("path", &["hello%20world%3Fw%3D24%26focalpoint%3Dcenter"])
            ]
        )
    );
    // Parameters used in the destination's path are not added to the query.
    assert_eq!(
        after("/test/with-params?a=b"),
        ("/with-params".into(), vec![one("a", "b")])
    );
    assert_eq!(
        after("/test-overwrite/first/second"),
        (
            "/params/this-should-be-the-value".into(),
            vec![one("something", "first"), one("another", "second")]
        )
    );
    assert_eq!(
        after("/api-hello-regex/hello/world"),
        (
            "/api/hello".into(),
            vec![one("name", "hello/world"), one("first", "hello/world")]
        )
    );
    assert_eq!(
        after("/api-hello-param/hello"),
        (
            "/api/hello".into(),
            vec![one("hello", "hello"), one("name", "hello")]
        )
    );
    assert_eq!(
        after("/api-dynamic-param/hello"),
        ("/api/dynamic/hello".into(), vec![one("hello", "hello")])
    );
    assert_eq!(
        after("/unnamed-params/nested/first/second/hello/world"),
        ("/with-params".into(), vec![one("test", "hello")])
    );
    assert_eq!(
        after("/hidden/_next/static/chunk.js"),
        ("/_next/static/chunk.js".into(), vec![])
    );
}

#[test]
fn rewrite_conditions_of_all_four_types() {
    let routes = routes(next_custom_routes());
    let after = |request: Request| rewrite(&routes, RewritePhase::AfterFiles, &request);
    assert_eq!(
        internal(after(
            request("/has-rewrite-1").header("x-my-header", "hello world!!")
        )),
        (
            "/with-params".into(),
            vec![one("myHeader", "hello world!!")]
        )
    );
    assert_eq!(after(request("/has-rewrite-1")), None);
    assert_eq!(
        internal(after(request("/has-rewrite-2?my-query=hellooo"))),
        (
            "/with-params".into(),
            vec![
                one("my-query", "hellooo"),
                one("value", "hellooo"),
                one("myquery", "hellooo")
            ]
        )
    );
    assert_eq!(
        internal(after(
            request("/has-rewrite-3").header("cookie", "loggedIn=true")
        )),
        (
            "/with-params".into(),
            vec![one("authorized", "1"), one("loggedIn", "true")]
        )
    );
    assert_eq!(
        internal(after(request("/has-rewrite-4").host("example.com"))),
        ("/with-params".into(), vec![one("host", "1")])
    );
    assert_eq!(after(request("/has-rewrite-4")), None);
    assert_eq!(
        internal(after(request("/has-rewrite-5?hasParam=with-params"))),
        ("/with-params".into(), vec![one("hasParam", "with-params")])
    );
    assert_eq!(
        internal(after(
            request("/has-rewrite-6").header("hasParam", "with-params")
        )),
        ("/with-params".into(), vec![])
    );
    assert_eq!(
        internal(after(request("/has-rewrite-7?hasParam=with-params"))),
        (
            "/with-params".into(),
            vec![one("hasParam", "with-params"), one("idk", "with-params")]
        )
    );
    for (post, path) in [
        ("first", "/blog-catchall/first"),
        ("hello%2fworld", "/blog-catchall/hello/world"),
        ("hello/world", "/blog-catchall/hello/world"),
    ] {
        let (rewritten, _) = internal(after(request(&format!("/has-rewrite-8?post={post}"))));
        assert_eq!(rewritten, path);
    }
    assert_eq!(
        after(request("/missing-rewrite-1").header("x-my-header", "x")),
        None
    );
    assert_eq!(
        internal(after(request("/missing-rewrite-1"))),
        ("/with-params".into(), vec![])
    );
    assert_eq!(after(request("/missing-rewrite-2?my-query=1")), None);
    assert_eq!(
        internal(after(request("/missing-rewrite-3"))),
        ("/with-params".into(), vec![one("authorized", "1")])
    );
}

#[test]
fn before_files_and_external_rewrites() {
    let routes = routes(next_custom_routes());
    let before = |url: &str| rewrite(&routes, RewritePhase::BeforeFiles, &request(url));
    assert_eq!(
        internal(before("/hello?overrideMe=1")),
        (
            "/with-params".into(),
            vec![one("overrideMe", "1"), one("overridden", "1")]
        )
    );
    assert_eq!(before("/hello"), None);
    assert_eq!(
        internal(before("/old-blog/about")),
        ("/blog/about".into(), vec![])
    );
    assert_eq!(internal(before("/nfl")), ("/_sport/nfl".into(), vec![]));
    assert_eq!(
        before("/overridden"),
        Some(Rewrite::External {
            url: "https://example.vercel.sh/".into()
        })
    );
    assert!(
        routes
            .rewrites(RewritePhase::BeforeFiles)
            .iter()
            .all(|rule| !rule.checks_filesystem())
    );
    assert!(
        routes
            .rewrites(RewritePhase::AfterFiles)
            .iter()
            .all(|rule| rule.checks_filesystem())
    );
    assert_eq!(
        rewrite(
            &routes,
            RewritePhase::AfterFiles,
            &request("/proxy-me/first?keep=me&and=me")
        ),
        Some(Rewrite::External {
            url: "http://localhost:4000/first?keep=me&and=me".into()
        })
    );
}

#[test]
fn headers_apply_every_matching_route_in_order() {
    let routes = routes(next_custom_routes());
    let all = headers(&routes, &request("/my-other-header/my-path"));
    let expected = [
        ("x-path", "my-path"),
        ("somemy-path", "hi"),
        ("x-test", "some:value*"),
        ("x-test-2", "value*"),
        ("x-test-3", ":value?"),
        ("x-test-4", ":value+"),
        ("x-test-5", "something https:"),
        ("x-test-6", ":hello(world)"),
        ("x-test-7", "hello(world)"),
        ("x-test-8", "hello{1,}"),
        ("x-test-9", ":hello{1,2}"),
        (
            "content-security-policy",
            "default-src 'self'; img-src *; media-src media1.com media2.com; script-src userscripts.example.com/my-path",
        ),
        ("x-something", "applied-everywhere"),
    ];
    assert_eq!(
        all,
        expected
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect::<Vec<_>>()
    );
    let get = |url: &str, name: &str| {
        headers(&routes, &request(url))
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    assert_eq!(
        get("/add-header", "x-custom-header").as_deref(),
        Some("hello world")
    );
    assert_eq!(
        get("/add-header", "x-another-header").as_deref(),
        Some("hello again")
    );
    assert_eq!(
        get("/without-params/url", "x-origin").as_deref(),
        Some("https://example.com")
    );
    assert_eq!(
        get("/with-params/url/first", "x-url").as_deref(),
        Some("https://example.com/first")
    );
    assert_eq!(
        get("/with-params/url2/first", "x-url").as_deref(),
        Some("https://example.com:8080?hello=first")
    );
    assert_eq!(
        get("/catchall-header/hello/world?a=b", "x-value").as_deref(),
        Some("hello/world")
    );
    // A later route's value replaces an earlier one of the same name.
    let named = headers(&routes, &request("/named-pattern/hello"));
    assert_eq!(header(&named, "x-something"), Some("value=hello"));
    assert_eq!(header(&named, "path-hello"), Some("end"));
    let has = headers(
        &routes,
        &request("/has-header-1").header("x-my-header", "hello world!!"),
    );
    assert_eq!(header(&has, "x-another"), Some("header"));
    assert_eq!(
        header(&headers(&routes, &request("/has-header-1")), "x-another"),
        None
    );
    let cookie = headers(
        &routes,
        &request("/has-header-3").header("cookie", "loggedIn=true"),
    );
    assert_eq!(header(&cookie, "x-is-user"), Some("yuuuup"));
    let host = headers(&routes, &request("/has-header-4").host("example.com"));
    assert_eq!(header(&host, "x-is-host"), Some("yuuuup"));
    assert_eq!(
        header(&headers(&routes, &request("/has-header-4")), "x-is-host"),
        None
    );
    assert_eq!(
        header(
            &headers(&routes, &request("/missing-headers-2")),
            "x-new-header"
        ),
        Some("new-value")
    );
    assert_eq!(
        header(
            &headers(&routes, &request("/missing-headers-2?my-query=1")),
            "x-new-header"
        ),
        None
    );
}

#[test]
fn header_names_override_without_case_and_cookies_accumulate() {
    let routes = routes(json!({
        "headers": [
            { "source": "/:path*", "headers": [
                { "key": "X-Frame-Options", "value": "DENY" },
                { "key": "Set-Cookie", "value": "a=1" },
                { "key": "x-kept", "value": "yes" },
            ] },
            { "source": "/page", "headers": [
                { "key": "x-frame-options", "value": "SAMEORIGIN" },
                { "key": "Set-Cookie", "value": "b=2" },
            ] },
        ],
    }));
    assert_eq!(
        headers(&routes, &request("/page")),
        [
            ("x-frame-options".to_owned(), "SAMEORIGIN".to_owned()),
            ("Set-Cookie".to_owned(), "a=1".to_owned()),
            ("Set-Cookie".to_owned(), "b=2".to_owned()),
            ("x-kept".to_owned(), "yes".to_owned()),
        ]
    );
}

#[test]
fn base_path_prefixes_sources_and_internal_destinations() {
    let routes = routes(json!({
        "basePath": "/docs",
        "redirects": [
            { "source": "/old", "destination": "/new", "permanent": true },
            { "source": "/outside", "destination": "/elsewhere", "permanent": false, "basePath": false },
            { "source": "/away", "destination": "https://example.com/:x", "permanent": false },
            { "source": "/", "destination": "/home", "permanent": false },
        ],
        "rewrites": [
            { "source": "/r", "destination": "/target" },
            { "source": "/ext", "destination": "https://example.com/ext", "basePath": false },
        ],
    }));
    assert_eq!(
        redirect_to(&routes, "/docs/old"),
        Some(("/docs/new".into(), 308))
    );
    assert_eq!(redirect_to(&routes, "/old"), None);
    assert_eq!(
        redirect_to(&routes, "/outside"),
        Some(("/elsewhere".into(), 307))
    );
    assert_eq!(redirect_to(&routes, "/docs/outside"), None);
    assert_eq!(
        redirect_to(&routes, "/docs"),
        Some(("/docs/home".into(), 307))
    );
    let after = |url: &str| rewrite(&routes, RewritePhase::AfterFiles, &request(url));
    assert_eq!(internal(after("/docs/r")).0, "/docs/target");
    assert_eq!(after("/r"), None);
    assert_eq!(
        after("/ext"),
        Some(Rewrite::External {
            url: "https://example.com/ext".into()
        })
    );
    // Redirect sources never match the basePath's `/_next`.
    let next = routes.rewrites(RewritePhase::AfterFiles);
    assert_eq!(next[0].source(), "/docs/r");
    assert_eq!(next[0].destination(), "/docs/target");
}

#[test]
fn trailing_slash_false_redirects_to_no_slash() {
    let routes = routes(json!({ "basePath": "/docs" }));
    assert_eq!(
        redirect_to(&routes, "/docs/about/"),
        Some(("/docs/about".into(), 308))
    );
    assert_eq!(
        redirect_to(&routes, "/docs/a/b/?x=1"),
        Some(("/docs/a/b?x=1".into(), 308))
    );
    assert_eq!(redirect_to(&routes, "/docs/"), Some(("/docs".into(), 308)));
    assert_eq!(redirect_to(&routes, "/docs/about"), None);
    assert_eq!(redirect_to(&routes, "/"), None);
    assert!(routes.is_empty());
}

#[test]
fn trailing_slash_true_redirects_to_a_slash() {
    let routes = routes(json!({ "basePath": "/docs", "trailingSlash": true }));
    assert_eq!(
        redirect_to(&routes, "/docs/about"),
        Some(("/docs/about/".into(), 308))
    );
    assert_eq!(redirect_to(&routes, "/docs"), Some(("/docs/".into(), 308)));
    assert_eq!(redirect_to(&routes, "/docs/about/"), None);
    assert_eq!(redirect_to(&routes, "/docs/file.txt"), None);
    assert_eq!(
        redirect_to(&routes, "/docs/file.txt/"),
        Some(("/docs/file.txt".into(), 308))
    );
    let data = request("/docs/file.txt/").header("x-nextjs-data", "1");
    assert_eq!(redirect(&routes, &data), None);
    assert_eq!(redirect_to(&routes, "/.well-known/thing"), None);
    assert_eq!(redirect_to(&routes, "/.well-known/a.json/"), None);
    assert_eq!(redirect_to(&routes, "/"), None);

    let skipped = self::routes(json!({ "trailingSlash": true, "skipTrailingSlashRedirect": true }));
    assert_eq!(redirect_to(&skipped, "/about"), None);
    let skipped = self::routes(json!({ "skipTrailingSlashRedirect": true }));
    assert_eq!(redirect_to(&skipped, "/about/"), None);
}

fn i18n_config(extra: Json) -> Json {
    let mut raw = json!({
        "i18n": {
            "locales": ["en", "fr", "zh-Hant"],
            "defaultLocale": "en",
            "domains": [{ "domain": "example.fr", "defaultLocale": "fr" }],
        },
    });
    if let (Some(raw), Some(extra)) = (raw.as_object_mut(), extra.as_object()) {
        raw.extend(extra.clone());
    }
    raw
}

#[test]
fn i18n_sources_take_a_locale_and_destinations_keep_it() {
    let routes = routes(i18n_config(json!({
        "redirects": [
            { "source": "/about", "destination": "/contact", "permanent": false },
            { "source": "/fr/manual", "destination": "/fr/other", "permanent": false, "locale": false },
            { "source": "/en", "destination": "/en/another", "permanent": false, "locale": false },
        ],
        "rewrites": [{ "source": "/blog/:slug", "destination": "/news/:slug" }],
    })));
    let localized = |path: &str| {
        routes
            .localized_path(path, Some("localhost:3000"))
            .into_owned()
    };
    assert_eq!(localized("/about"), "/en/about");
    assert_eq!(localized("/fr/about"), "/fr/about");
    let to = |path: &str, host: &str| {
        let path = routes.localized_path(path, Some(host)).into_owned();
        redirect(&routes, &request(&path).host(host))
    };
    // The default locale's copy drops the locale; others keep it.
    assert_eq!(to("/about", "localhost"), Some(("/contact".into(), 307)));
    assert_eq!(
        to("/ZH-hant/about", "localhost"),
        Some(("/ZH-hant/contact".into(), 307))
    );
    // A domain's default locale redirects to that domain, whatever host was asked.
    assert_eq!(
        to("/fr/about", "localhost"),
        Some(("https://example.fr/contact".into(), 307))
    );
    assert_eq!(
        to("/about", "example.fr"),
        Some(("https://example.fr/contact".into(), 307))
    );
    assert_eq!(
        to("/fr/manual", "localhost"),
        Some(("/fr/other".into(), 307))
    );
    // `/` is routed as `/en`, the default locale.
    assert_eq!(to("/", "localhost"), Some(("/en/another".into(), 307)));
    let (path, query) = internal(rewrite(
        &routes,
        RewritePhase::AfterFiles,
        &request("/fr/blog/post"),
    ));
    assert_eq!(path, "/fr/news/post");
    assert_eq!(query, vec![]);
    assert_eq!(
        rewrite(&routes, RewritePhase::AfterFiles, &request("/blog/post")),
        None
    );
}

#[test]
fn i18n_trailing_slash_redirects_ignore_the_default_locale() {
    let routes = routes(i18n_config(json!({})));
    let to = |path: &str| {
        let path = routes.localized_path(path, None).into_owned();
        redirect(&routes, &request(&path).host("localhost"))
    };
    assert_eq!(to("/about/"), Some(("/about".into(), 308)));
    assert_eq!(to("/fr/about/"), Some(("/fr/about".into(), 308)));
    assert_eq!(to("/about"), None);

    let routes = self::routes(i18n_config(json!({ "trailingSlash": true })));
    let to = |path: &str| {
        let path = routes.localized_path(path, None).into_owned();
        redirect(&routes, &request(&path).host("localhost"))
    };
    assert_eq!(to("/about"), Some(("/about/".into(), 308)));
    assert_eq!(to("/fr"), Some(("/fr/".into(), 308)));
    assert_eq!(to("/"), None);
}

#[test]
fn case_sensitive_routes_apply_except_to_before_files() {
    let routes = routes(json!({
        "experimental": { "caseSensitiveRoutes": true },
        "rewrites": {
            "beforeFiles": [{ "source": "/Before", "destination": "/b" }],
            "afterFiles": [{ "source": "/After", "destination": "/a" }],
        },
        "redirects": [{ "source": "/Go", "destination": "/gone", "permanent": true }],
    }));
    assert!(rewrite(&routes, RewritePhase::BeforeFiles, &request("/before")).is_some());
    assert!(rewrite(&routes, RewritePhase::AfterFiles, &request("/after")).is_none());
    assert!(rewrite(&routes, RewritePhase::AfterFiles, &request("/After")).is_some());
    assert_eq!(redirect_to(&routes, "/go"), None);
    assert_eq!(redirect_to(&routes, "/Go"), Some(("/gone".into(), 308)));
    let insensitive = self::routes(json!({
        "redirects": [{ "source": "/Go", "destination": "/gone", "permanent": true }],
    }));
    assert_eq!(
        redirect_to(&insensitive, "/GO"),
        Some(("/gone".into(), 308))
    );
}

#[test]
fn rewrites_can_be_a_list_or_phases() {
    let list = routes(json!({ "rewrites": [{ "source": "/a", "destination": "/b" }] }));
    assert_eq!(list.rewrites(RewritePhase::AfterFiles).len(), 1);
    assert!(list.rewrites(RewritePhase::BeforeFiles).is_empty());
    let phases = routes(json!({ "rewrites": {
        "beforeFiles": [{ "source": "/a", "destination": "/b" }],
        "fallback": [{ "source": "/c", "destination": "/d" }],
        "afterFiles": null,
    } }));
    assert_eq!(phases.rewrites(RewritePhase::BeforeFiles).len(), 1);
    assert!(phases.rewrites(RewritePhase::AfterFiles).is_empty());
    assert_eq!(phases.rewrites(RewritePhase::Fallback).len(), 1);
    assert_eq!(
        error(
            json!({ "rewrites": { "source": "/feedback/(?!general)", "destination": "/feedback/general" } })
        ),
        "Error: rewrites must return an array, received object.\nSee here for more info: https://nextjs.org/docs/messages/routes-must-be-array"
    );
    assert_eq!(
        error(json!({ "redirects": false })),
        "Error: redirects must return an array, received boolean.\nSee here for more info: https://nextjs.org/docs/messages/routes-must-be-array"
    );
    assert_eq!(
        error(json!({ "rewrites": { "afterFiles": {} } })),
        "Error: rewrites must return an array, received object.\nSee here for more info: https://nextjs.org/docs/messages/routes-must-be-array"
    );
}

#[test]
fn asset_prefix_requests_are_rewritten_to_next_assets() {
    let routes =
        routes(json!({ "assetPrefix": "https://cdn.example.com/cdn", "basePath": "/docs" }));
    let (path, _) = internal(rewrite(
        &routes,
        RewritePhase::BeforeFiles,
        &request("/cdn/_next/static/a.js"),
    ));
    assert_eq!(path, "/docs/_next/static/a.js");
}

#[test]
fn destinations_that_cannot_be_built_are_errors() {
    let routes = routes(json!({
        "rewrites": [{ "source": "/multi/:path*", "destination": "/one/:path" }],
    }));
    let result = routes.rewrites(RewritePhase::AfterFiles)[0].apply(&request("/multi/a/b").facts());
    assert!(
        matches!(result, Err(DestinationError::MultiMatch { .. })),
        "{result:?}"
    );
    assert!(result.unwrap_err().to_string().starts_with(
        "To use a multi-match in the destination you must add `*` at the end of the param name"
    ));
}

#[test]
fn round_trips_through_the_manifest() {
    let original = routes(next_custom_routes());
    let written = serde_json::to_string(&original).unwrap();
    assert!(!written.contains("\"regex"), "{written}");
    let read: CustomRoutes = serde_json::from_str(&written).unwrap();
    assert!(read.warnings().is_empty());
    assert_eq!(serde_json::to_string(&read).unwrap(), written);
    assert_eq!(
        redirect_to(&read, "/query-redirect/hello/world?a=b"),
        Some(("/with-params?a=b&first=hello&second=world".into(), 307))
    );
    assert_eq!(redirect_to(&read, "/about/"), Some(("/about".into(), 308)));
    let broken = written.replace("/has-redirect-7", "/(unbalanced");
    assert!(serde_json::from_str::<CustomRoutes>(&broken).is_err());
}

#[test]
fn patterns_the_engine_cannot_run_fail_the_load() {
    let message = error(json!({
        "headers": [{
            "source": "/a",
            "has": [{ "type": "header", "key": "x", "value": "\\p{Foo}" }],
            "headers": [{ "key": "x-a", "value": "1" }],
        }],
    }));
    assert!(
        message.starts_with("The header from `/a` uses the pattern `\\p{Foo}`, which Switchyard's regular expression engine cannot run:"),
        "{message}"
    );
}

#[test]
fn warns_as_next_does() {
    let many: Vec<Json> = (0..1001)
        .map(|n| json!({ "source": format!("/r{n}"), "destination": "/x" }))
        .collect();
    let routes = routes(json!({
        "rewrites": many,
        "headers": [{ "source": "/_next/static/:path*", "headers": [{ "key": "Cache-Control", "value": "no-store" }] }],
    }));
    assert_eq!(
        routes.warnings(),
        [
            "Warning: total number of custom routes exceeds 1000, this can reduce performance. Route counts:\nheaders: 1\nrewrites: 1001\nredirects: 0\nSee more info: https://nextjs.org/docs/messages/max-custom-routes-reached",
            "Warning: Custom Cache-Control headers detected for the following routes:\n  - /_next/static/:path*\n\nSetting a custom Cache-Control header can break Next.js development behavior.",
        ]
    );
}
