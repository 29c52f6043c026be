//! Static image imports, `next/image`, `next/legacy/image` and `/_next/image`, end to end on the
//! images-app fixture. The expected markup and answers are what `next start` (Next 16.2) gave
//! for the same app, with two differences Switchyard has on purpose: media files are named
//! with its own content hash (put into the expected markup below as `{logo}`, …), and there is
//! no `blurDataURL` (Next makes an 8-pixel one; Switchyard does not resize images yet), so
//! `blurWidth`/`blurHeight` are 0 as Next has them for an image without one.

mod support;

use std::path::Path;
use std::sync::LazyLock;

use support::http::{Response, request};
use support::{Server, all_output, fixture, link_react, repo_root, switchyard};

/// `next start`'s <img> elements of the index page (`{logo}`, `{photo}`, `{icon}` stand for
/// the media files' hashes).
const NEXT_INDEX_IMAGES: &[&str] = &[
    r#"<img id="fixed" alt="Logo" loading="lazy" width="48" height="32" decoding="async" data-nimg="1" style="color:transparent" srcSet="/_next/image?url=%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=48&amp;q=75 1x, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=96&amp;q=75 2x" src="/_next/image?url=%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=96&amp;q=75"/>"#,
    r#"<img id="sized" alt="Photo" loading="lazy" width="15" height="30" decoding="async" data-nimg="1" style="color:transparent" srcSet="/_next/image?url=%2F_next%2Fstatic%2Fmedia%2Fphoto.{photo}.jpg&amp;w=32&amp;q=75 1x" src="/_next/image?url=%2F_next%2Fstatic%2Fmedia%2Fphoto.{photo}.jpg&amp;w=32&amp;q=75"/>"#,
    r#"<div style="position:relative;width:200px;height:100px"><img id="fill" alt="Fill" loading="lazy" decoding="async" data-nimg="fill" style="position:absolute;height:100%;width:100%;left:0;top:0;right:0;bottom:0;color:transparent" sizes="(max-width: 768px) 50vw, 33vw" srcSet="/_next/image?url=%2F_next%2Fstatic%2Fmedia%2Fphoto.{photo}.jpg&amp;w=256&amp;q=75 256w, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Fphoto.{photo}.jpg&amp;w=384&amp;q=75 384w, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Fphoto.{photo}.jpg&amp;w=640&amp;q=75 640w, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Fphoto.{photo}.jpg&amp;w=750&amp;q=75 750w, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Fphoto.{photo}.jpg&amp;w=828&amp;q=75 828w, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Fphoto.{photo}.jpg&amp;w=1080&amp;q=75 1080w, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Fphoto.{photo}.jpg&amp;w=1200&amp;q=75 1200w, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Fphoto.{photo}.jpg&amp;w=1920&amp;q=75 1920w, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Fphoto.{photo}.jpg&amp;w=2048&amp;q=75 2048w, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Fphoto.{photo}.jpg&amp;w=3840&amp;q=75 3840w" src="/_next/image?url=%2F_next%2Fstatic%2Fmedia%2Fphoto.{photo}.jpg&amp;w=3840&amp;q=75"/></div>"#,
    r#"<img id="priority" alt="Priority" width="48" height="32" decoding="async" data-nimg="1" style="color:transparent" srcSet="/_next/image?url=%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=48&amp;q=75 1x, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=96&amp;q=75 2x" src="/_next/image?url=%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=96&amp;q=75"/>"#,
    r#"<img id="unoptimized" alt="Unoptimized" loading="lazy" width="48" height="32" decoding="async" data-nimg="1" style="color:transparent" src="/_next/static/media/logo.{logo}.png"/>"#,
    r#"<img id="icon" alt="Icon" loading="lazy" width="120" height="80" decoding="async" data-nimg="1" style="color:transparent" src="/_next/static/media/icon.{icon}.svg"/>"#,
    r#"<img id="banner" alt="Banner" loading="lazy" width="64" height="16" decoding="async" data-nimg="1" class="wide" style="color:transparent" srcSet="/_next/image?url=%2Fbanner.png&amp;w=64&amp;q=75 1x, /_next/image?url=%2Fbanner.png&amp;w=128&amp;q=75 2x" src="/_next/image?url=%2Fbanner.png&amp;w=128&amp;q=75"/>"#,
    r#"<img id="plain" src="/_next/static/media/logo.{logo}.png" width="48" height="32" alt="Plain"/>"#,
];

/// The preload <link> `priority` puts in the head under `next start`.
const NEXT_PRELOAD: &str = r#"<link rel="preload" as="image" imageSrcSet="/_next/image?url=%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=48&amp;q=75 1x, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=96&amp;q=75 2x" data-next-head=""/>"#;

/// `next start`'s /picture page (getImageProps in a <picture>).
const NEXT_PICTURE: &str = r#"<picture><source media="(min-width: 1000px)" srcSet="/_next/image?url=%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=640&amp;q=75 640w, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=750&amp;q=75 750w, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=828&amp;q=75 828w, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=1080&amp;q=75 1080w, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=1200&amp;q=75 1200w, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=1920&amp;q=75 1920w, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=2048&amp;q=75 2048w, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=3840&amp;q=75 3840w"/><source media="(min-width: 500px)" srcSet="/_next/image?url=%2F_next%2Fstatic%2Fmedia%2Fphoto.{photo}.jpg&amp;w=640&amp;q=75 640w, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Fphoto.{photo}.jpg&amp;w=750&amp;q=75 750w, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Fphoto.{photo}.jpg&amp;w=828&amp;q=75 828w, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Fphoto.{photo}.jpg&amp;w=1080&amp;q=75 1080w, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Fphoto.{photo}.jpg&amp;w=1200&amp;q=75 1200w, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Fphoto.{photo}.jpg&amp;w=1920&amp;q=75 1920w, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Fphoto.{photo}.jpg&amp;w=2048&amp;q=75 2048w, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Fphoto.{photo}.jpg&amp;w=3840&amp;q=75 3840w"/><img alt="Art" loading="lazy" width="30" height="60" decoding="async" style="color:transparent" sizes="100vw" src="/_next/image?url=%2F_next%2Fstatic%2Fmedia%2Fphoto.{photo}.jpg&amp;w=3840&amp;q=75" id="art"/></picture>"#;

/// `next start`'s /edge-page (next/image and next/legacy/image, rendered on Edge).
const NEXT_EDGE_PAGE: &str = r#"<main><img id="edge" alt="Edge" loading="lazy" width="24" height="16" decoding="async" data-nimg="1" style="color:transparent" srcSet="/_next/image?url=%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=32&amp;q=75 1x, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=48&amp;q=75 2x" src="/_next/image?url=%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=48&amp;q=75"/><span style="box-sizing:border-box;display:inline-block;overflow:hidden;width:initial;height:initial;background:none;opacity:1;border:0;margin:0;padding:0;position:relative;max-width:100%"><span style="box-sizing:border-box;display:block;width:initial;height:initial;background:none;opacity:1;border:0;margin:0;padding:0;max-width:100%"><img style="display:block;max-width:100%;width:initial;height:initial;background:none;opacity:1;border:0;margin:0;padding:0" alt="" aria-hidden="true" src="data:image/svg+xml,%3csvg%20xmlns=%27http://www.w3.org/2000/svg%27%20version=%271.1%27%20width=%2748%27%20height=%2732%27/%3e"/></span><img id="legacy" alt="Legacy" src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" decoding="async" data-nimg="intrinsic" style="position:absolute;top:0;left:0;bottom:0;right:0;box-sizing:border-box;padding:0;border:none;margin:auto;display:block;width:0;height:0;min-width:100%;max-width:100%;min-height:100%;max-height:100%"/><noscript><img id="legacy" alt="Legacy" loading="lazy" decoding="async" data-nimg="intrinsic" style="position:absolute;top:0;left:0;bottom:0;right:0;box-sizing:border-box;padding:0;border:none;margin:auto;display:block;width:0;height:0;min-width:100%;max-width:100%;min-height:100%;max-height:100%" srcSet="/_next/image?url=%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=48&amp;q=75 1x, /_next/image?url=%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=96&amp;q=75 2x" src="/_next/image?url=%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=96&amp;q=75"/></noscript></span></main>"#;

/// The same app with a base path and its own `images` config.
const BASE_CONFIG: &str = "module.exports = {
  basePath: '/base',
  images: {
    deviceSizes: [320, 640],
    imageSizes: [16, 48],
    qualities: [50, 80],
    remotePatterns: [{ protocol: 'https', hostname: '*.example.com', pathname: '/img/**' }],
    domains: ['cdn.test'],
    minimumCacheTTL: 60,
  },
};
";

/// `next start`'s markup for that config: widths from its sizes, the closest quality (80),
/// the base path in front of the endpoint and of every `src`.
const NEXT_BASE_IMAGES: &[&str] = &[
    r#"<img id="fixed" alt="Logo" loading="lazy" width="48" height="32" decoding="async" data-nimg="1" style="color:transparent" srcSet="/base/_next/image?url=%2Fbase%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=48&amp;q=80 1x, /base/_next/image?url=%2Fbase%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=320&amp;q=80 2x" src="/base/_next/image?url=%2Fbase%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=320&amp;q=80"/>"#,
    r#"<img id="fill" alt="Fill" loading="lazy" decoding="async" data-nimg="fill" style="position:absolute;height:100%;width:100%;left:0;top:0;right:0;bottom:0;color:transparent" sizes="(max-width: 768px) 50vw, 33vw" srcSet="/base/_next/image?url=%2Fbase%2F_next%2Fstatic%2Fmedia%2Fphoto.{photo}.jpg&amp;w=320&amp;q=80 320w, /base/_next/image?url=%2Fbase%2F_next%2Fstatic%2Fmedia%2Fphoto.{photo}.jpg&amp;w=640&amp;q=80 640w" src="/base/_next/image?url=%2Fbase%2F_next%2Fstatic%2Fmedia%2Fphoto.{photo}.jpg&amp;w=640&amp;q=80"/>"#,
    r#"<img id="unoptimized" alt="Unoptimized" loading="lazy" width="48" height="32" decoding="async" data-nimg="1" style="color:transparent" src="/base/_next/static/media/logo.{logo}.png"/>"#,
    r#"<img id="banner" alt="Banner" loading="lazy" width="64" height="16" decoding="async" data-nimg="1" class="wide" style="color:transparent" srcSet="/base/_next/image?url=%2Fbanner.png&amp;w=320&amp;q=80 1x" src="/base/_next/image?url=%2Fbanner.png&amp;w=320&amp;q=80"/>"#,
    r#"<img id="plain" src="/base/_next/static/media/logo.{logo}.png" width="48" height="32" alt="Plain"/>"#,
    r#"<link rel="preload" as="image" imageSrcSet="/base/_next/image?url=%2Fbase%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=48&amp;q=80 1x, /base/_next/image?url=%2Fbase%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&amp;w=320&amp;q=80 2x" data-next-head=""/>"#,
];

/// A started build of the fixture and its media files' hashes.
struct App {
    server: Server,
    /// `logo`, `photo`, `icon`, `dot` → the 8 hex digits in their media file names.
    hashes: Vec<(&'static str, String)>,
}

impl App {
    /// `template` with the media hashes put in.
    fn expand(&self, template: &str) -> String {
        self.hashes
            .iter()
            .fold(template.to_string(), |text, (name, hash)| {
                text.replace(&format!("{{{name}}}"), hash)
            })
    }

    fn get(&self, path: &str) -> Response {
        self.get_with(path, &[])
    }

    fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        request(self.server.port, "GET", path, headers, None)
    }
}

/// Builds the fixture (with `config` as its next.config.js, if any) and starts it.
fn start(config: Option<&str>, base_path: &str) -> App {
    let app = fixture("images-app");
    link_react(app.path());
    if let Some(config) = config {
        std::fs::write(app.path().join("next.config.js"), config).unwrap();
    }
    let output = switchyard().arg("build").arg(app.path()).output().unwrap();
    assert!(
        output.status.success(),
        "build failed:\n{}",
        all_output(&output)
    );
    let mut server = Server::start(app.path(), &[], &[]);
    server.app = Some(app);
    let data = request(
        server.port,
        "GET",
        &format!("{base_path}/api/node-image"),
        &[],
        None,
    );
    assert_eq!(data.status, 200, "{}", data.text());
    let data = data.json();
    let edge = request(
        server.port,
        "GET",
        &format!("{base_path}/api/edge-image"),
        &[],
        None,
    );
    assert_eq!(edge.status, 200, "{}", edge.text());
    let edge = edge.json();
    let hash = |data: &serde_json::Value, name: &'static str, extension: &str| {
        let src = data[name]["src"].as_str().unwrap_or_default();
        let prefix = format!("{base_path}/_next/static/media/{name}.");
        let hash = src
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(&format!(".{extension}")))
            .unwrap_or_else(|| panic!("{name}: {src}"));
        assert!(
            hash.len() == 8 && hash.chars().all(|c| c.is_ascii_hexdigit()),
            "{src}"
        );
        (name, hash.to_string())
    };
    let hashes = vec![
        hash(&data, "logo", "png"),
        hash(&data, "photo", "jpg"),
        hash(&data, "icon", "svg"),
        hash(&edge, "dot", "gif"),
    ];
    App { server, hashes }
}

static APP: LazyLock<App> = LazyLock::new(|| start(None, ""));

/// The fixture's copy of `file`.
fn fixture_bytes(file: &str) -> Vec<u8> {
    std::fs::read(repo_root().join("tests/fixtures/images-app").join(file)).unwrap()
}

#[test]
fn imports_give_static_image_data_with_the_real_size_on_every_runtime() {
    let app = &*APP;
    let node = app.get("/api/node-image").json();
    let expected = |name: &str, extension: &str, width: u32, height: u32| {
        serde_json::json!({
            "src": app.expand(&format!("/_next/static/media/{name}.{{{name}}}.{extension}")),
            "width": width,
            "height": height,
            "blurWidth": 0,
            "blurHeight": 0,
        })
    };
    assert_eq!(node["logo"], expected("logo", "png", 48, 32));
    assert_eq!(node["photo"], expected("photo", "jpg", 30, 60));
    assert_eq!(node["icon"], expected("icon", "svg", 120, 80));
    // Next's key order (Turbopack's).
    let text = app.get("/api/node-image").text();
    assert!(
        text.starts_with(&app.expand(
            r#"{"logo":{"src":"/_next/static/media/logo.{logo}.png","width":48,"height":32,"blurWidth":0,"blurHeight":0}"#
        )),
        "{text}"
    );

    let edge = app.get("/api/edge-image").json();
    assert_eq!(edge["logo"], node["logo"]);
    assert_eq!(edge["dot"], expected("dot", "gif", 3, 2));

    // The browser's copy, in the prerendered page, is the same data.
    let html = app.get("/").text();
    let start = html.find("<pre id=\"data\">").expect("the data") + "<pre id=\"data\">".len();
    let end = start + html[start..].find("</pre>").unwrap();
    let in_page: serde_json::Value =
        serde_json::from_str(&html[start..end].replace("&quot;", "\"")).unwrap();
    assert_eq!(in_page, node);
}

#[test]
fn media_urls_serve_the_imported_files() {
    let app = &*APP;
    for (name, file) in [
        ("logo.{logo}.png", "assets/logo.png"),
        ("photo.{photo}.jpg", "assets/photo.jpg"),
        ("icon.{icon}.svg", "assets/icon.svg"),
        // Imported by the Edge API route only: the server bundles' images are copied too.
        ("dot.{dot}.gif", "assets/dot.gif"),
    ] {
        let response = app.get(&app.expand(&format!("/_next/static/media/{name}")));
        assert_eq!(response.status, 200, "{name}");
        assert_eq!(response.body, fixture_bytes(file), "{name}");
        assert_eq!(
            response.header("cache-control"),
            Some("public, max-age=31536000, immutable"),
            "{name}"
        );
    }
    let svg = app.get(&app.expand("/_next/static/media/icon.{icon}.svg"));
    assert_eq!(svg.header("content-type"), Some("image/svg+xml"));
}

#[test]
fn next_image_renders_as_next_renders_it() {
    let app = &*APP;
    let html = app.get("/").text();
    for image in NEXT_INDEX_IMAGES {
        let image = app.expand(image);
        assert!(html.contains(&image), "missing {image}\nin {html}");
    }
    let head = &html[..html.find("</head>").unwrap()];
    assert!(
        head.contains(&app.expand(NEXT_PRELOAD)),
        "no preload link in {head}"
    );
    // One preload link of our own (React adds its own for eager images, in the body).
    assert_eq!(
        head.matches("rel=\"preload\" as=\"image\"").count(),
        1,
        "{head}"
    );

    let picture = app.get("/picture").text();
    assert!(picture.contains(&app.expand(NEXT_PICTURE)), "{picture}");
    let edge = app.get("/edge-page");
    assert_eq!(edge.status, 200, "{}", edge.text());
    assert!(
        edge.text().contains(&app.expand(NEXT_EDGE_PAGE)),
        "{}",
        edge.text()
    );
}

#[test]
fn the_image_endpoint_sends_local_images_with_nexts_headers() {
    let app = &*APP;
    let logo = app
        .get(&app.expand("/_next/image?url=%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&w=96&q=75"));
    assert_eq!(logo.status, 200, "{}", logo.text());
    // Not resized yet: the file as it is, for any allowed width.
    assert_eq!(logo.body, fixture_bytes("assets/logo.png"));
    assert_eq!(logo.header("content-type"), Some("image/png"));
    assert_eq!(logo.header("vary"), Some("Accept"));
    assert_eq!(
        logo.header("cache-control"),
        Some("public, max-age=315360000, immutable")
    );
    assert_eq!(
        logo.header("content-disposition"),
        Some("attachment; filename=\"logo.png\"")
    );
    assert_eq!(
        logo.header("content-security-policy"),
        Some("script-src 'none'; frame-src 'none'; sandbox;")
    );

    let photo = app.get(
        &app.expand("/_next/image?url=%2F_next%2Fstatic%2Fmedia%2Fphoto.{photo}.jpg&w=32&q=75"),
    );
    assert_eq!(photo.header("content-type"), Some("image/jpeg"));
    assert_eq!(
        photo.header("content-disposition"),
        Some("attachment; filename=\"photo.jpeg\"")
    );

    // A public file: revalidated after next.config's minimumCacheTTL (4 hours by default).
    let banner = app.get("/_next/image?url=%2Fbanner.png&w=64&q=75");
    assert_eq!(banner.status, 200, "{}", banner.text());
    assert_eq!(banner.body, fixture_bytes("public/banner.png"));
    assert_eq!(
        banner.header("cache-control"),
        Some("public, max-age=14400, must-revalidate")
    );
    let etag = banner.header("etag").expect("an ETag").to_string();
    let again = app.get_with(
        "/_next/image?url=%2Fbanner.png&w=64&q=75",
        &[("If-None-Match", &etag)],
    );
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    let head = request(
        app.server.port,
        "HEAD",
        "/_next/image?url=%2Fbanner.png&w=64&q=75",
        &[],
        None,
    );
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("content-length"),
        Some(
            fixture_bytes("public/banner.png")
                .len()
                .to_string()
                .as_str()
        )
    );
}

#[test]
fn the_image_endpoint_refuses_what_next_refuses_with_its_messages() {
    let app = &*APP;
    let icon = app.expand("%2F_next%2Fstatic%2Fmedia%2Ficon.{icon}.svg");
    let cases: Vec<(String, &str)> = vec![
        ("w=64&q=75".into(), "\"url\" parameter is required"),
        ("url=&w=64&q=75".into(), "\"url\" parameter is required"),
        (
            "url=%2Fbanner.png&url=%2Fx.png&w=64&q=75".into(),
            "\"url\" parameter cannot be an array",
        ),
        (
            "url=%2F%2Fexample.com%2Fa.png&w=64&q=75".into(),
            "\"url\" parameter cannot be a protocol-relative URL (//)",
        ),
        (
            "url=%2F_next%2Fimage%3Furl%3D%2Fbanner.png&w=64&q=75".into(),
            "\"url\" parameter cannot be recursive",
        ),
        (
            "url=%2Fbanner.png%3Fv%3D1&w=64&q=75".into(),
            "\"url\" parameter is not allowed",
        ),
        (
            "url=https%3A%2F%2Fexample.com%2Fa.png&w=64&q=75".into(),
            "\"url\" parameter is not allowed",
        ),
        ("url=a.png&w=64&q=75".into(), "\"url\" parameter is invalid"),
        (
            "url=ftp%3A%2F%2Fx%2Fa.png&w=64&q=75".into(),
            "\"url\" parameter is invalid",
        ),
        (
            "url=%2Fbanner.png&q=75".into(),
            "\"w\" parameter (width) is required",
        ),
        (
            "url=%2Fbanner.png&w=64&w=32&q=75".into(),
            "\"w\" parameter (width) cannot be an array",
        ),
        (
            "url=%2Fbanner.png&w=-1&q=75".into(),
            "\"w\" parameter (width) must be an integer greater than 0",
        ),
        (
            "url=%2Fbanner.png&w=0&q=75".into(),
            "\"w\" parameter (width) must be an integer greater than 0",
        ),
        (
            "url=%2Fbanner.png&w=65&q=75".into(),
            "\"w\" parameter (width) of 65 is not allowed",
        ),
        (
            "url=%2Fbanner.png&w=64".into(),
            "\"q\" parameter (quality) is required",
        ),
        (
            "url=%2Fbanner.png&w=64&q=abc".into(),
            "\"q\" parameter (quality) must be an integer between 1 and 100",
        ),
        (
            "url=%2Fbanner.png&w=64&q=101".into(),
            "\"q\" parameter (quality) must be an integer between 1 and 100",
        ),
        (
            "url=%2Fbanner.png&w=64&q=50".into(),
            "\"q\" parameter (quality) of 50 is not allowed",
        ),
        (
            format!("url={icon}&w=64&q=75"),
            "\"url\" parameter is valid but image type is not allowed",
        ),
        (
            "url=%2Fnope.png&w=64&q=75".into(),
            "The requested resource isn't a valid image.",
        ),
        (
            "url=%2Fapi%2Fnode-image&w=64&q=75".into(),
            "The requested resource isn't a valid image.",
        ),
        // Nothing outside public/ and the build's static files is read.
        (
            "url=%2F..%2Fpackage.json&w=64&q=75".into(),
            "The requested resource isn't a valid image.",
        ),
        (
            "url=%2F%252e%252e%2Fpackage.json&w=64&q=75".into(),
            "The requested resource isn't a valid image.",
        ),
        (
            "url=%2F_next%2Fstatic%2F..%2F..%2Fpackage.json&w=64&q=75".into(),
            "The requested resource isn't a valid image.",
        ),
        (
            "url=%2F_next%2Fstatic%2F..%2Fmanifest.json&w=64&q=75".into(),
            "The requested resource isn't a valid image.",
        ),
    ];
    for (query, message) in cases {
        let response = app.get(&format!("/_next/image?{query}"));
        assert_eq!(response.status, 400, "{query}: {}", response.text());
        assert_eq!(response.text(), message, "{query}");
    }
    // Only the endpoint's own path.
    assert_eq!(
        app.get("/_next/imagefoo?url=%2Fbanner.png&w=64&q=75")
            .status,
        404
    );
}

#[test]
fn base_path_and_images_config_reach_the_component_and_the_endpoint() {
    let app = start(Some(BASE_CONFIG), "/base");
    let node = app.get("/base/api/node-image").json();
    assert_eq!(
        node["logo"]["src"],
        app.expand("/base/_next/static/media/logo.{logo}.png")
            .as_str()
    );
    let html = app.get("/base").text();
    for image in NEXT_BASE_IMAGES {
        let image = app.expand(image);
        assert!(html.contains(&image), "missing {image}\nin {html}");
    }

    let logo = app.get(&app.expand(
        "/base/_next/image?url=%2Fbase%2F_next%2Fstatic%2Fmedia%2Flogo.{logo}.png&w=320&q=80",
    ));
    assert_eq!(logo.status, 200, "{}", logo.text());
    assert_eq!(logo.body, fixture_bytes("assets/logo.png"));
    assert_eq!(
        logo.header("cache-control"),
        Some("public, max-age=315360000, immutable")
    );
    let banner = app.get("/base/_next/image?url=%2Fbase%2Fbanner.png&w=16&q=50");
    assert_eq!(banner.status, 200, "{}", banner.text());
    assert_eq!(
        banner.header("cache-control"),
        Some("public, max-age=60, must-revalidate")
    );
    for (query, message) in [
        (
            "url=%2Fbase%2Fbanner.png&w=64&q=80",
            "\"w\" parameter (width) of 64 is not allowed",
        ),
        (
            "url=%2Fbase%2Fbanner.png&w=16&q=75",
            "\"q\" parameter (quality) of 75 is not allowed",
        ),
        (
            "url=%2Fbanner.png&w=16&q=50",
            "The requested resource isn't a valid image.",
        ),
        (
            "url=https%3A%2F%2Fa.example.com%2Fother%2Fx.png&w=16&q=50",
            "\"url\" parameter is not allowed",
        ),
        (
            "url=http%3A%2F%2Fa.example.com%2Fimg%2Fx.png&w=16&q=50",
            "\"url\" parameter is not allowed",
        ),
    ] {
        let response = app.get(&format!("/base/_next/image?{query}"));
        assert_eq!(response.status, 400, "{query}: {}", response.text());
        assert_eq!(response.text(), message, "{query}");
    }
    // Allowed remote images are not fetched (no optimization yet): the browser is sent there.
    for remote in [
        "https://a.example.com/img/x.png",
        "https://cdn.test/any/where.png",
    ] {
        let query: String = url_encode(remote);
        let response = app.get(&format!("/base/_next/image?url={query}&w=16&q=50"));
        assert_eq!(response.status, 307, "{remote}: {}", response.text());
        assert_eq!(response.header("location"), Some(remote));
    }
    // Outside the base path there is no endpoint.
    assert_eq!(
        app.get("/_next/image?url=%2Fbase%2Fbanner.png&w=16&q=50")
            .status,
        404
    );
}

#[test]
fn unoptimized_apps_have_no_endpoint_and_plain_sources() {
    let app = start(
        Some("module.exports = { images: { unoptimized: true } };\n"),
        "",
    );
    let html = app.get("/").text();
    assert!(
        html.contains(&app.expand(
            r#"<img id="fixed" alt="Logo" loading="lazy" width="48" height="32" decoding="async" data-nimg="1" style="color:transparent" src="/_next/static/media/logo.{logo}.png"/>"#
        )),
        "{html}"
    );
    assert!(!html.contains("/_next/image?"), "{html}");
    let response = app.get("/_next/image?url=%2Fbanner.png&w=64&q=75");
    assert_eq!(response.status, 404);
}

#[test]
fn an_image_without_a_readable_size_fails_the_build() {
    let app = fixture("images-app");
    link_react(app.path());
    std::fs::write(app.path().join("assets/logo.png"), "not a png").unwrap();
    let output = switchyard().arg("build").arg(app.path()).output().unwrap();
    let text = all_output(&output);
    assert!(!output.status.success(), "{text}");
    assert!(text.contains("assets/logo.png"), "{text}");
    // Once, however many bundles import it.
    assert_eq!(
        text.matches("The image has no size Switchyard can read")
            .count(),
        1,
        "{text}"
    );
    assert!(!Path::new(&app.path().join(".switchyard/manifest.json")).exists());
}

/// `text` percent-encoded for a query value.
fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}
