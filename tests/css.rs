//! End to end: stylesheets as `next build` compiles them. The fixtures install the real tools
//! from npm (scripts/fixtures.sh): Tailwind 4 with `@tailwindcss/postcss`, Tailwind 3 with
//! autoprefixer, Sass with next.config's `sassOptions`. Each app is built with the real binary
//! and served; the page's linked stylesheets are fetched and read, and the files their `url()`s
//! name are fetched back. Build errors (global CSS outside `pages/_app`, broken PostCSS or Sass,
//! missing packages) name the file.

mod support;

use std::path::Path;
use std::sync::LazyLock;

use support::{Server, all_output, build, fixture, link_react};

/// Fails with the command that installs the fixture's packages when they are missing.
fn require_installed(name: &str) {
    let modules = support::repo_root().join(format!("tests/fixtures/{name}/node_modules"));
    assert!(
        modules.join("react-dom").is_dir(),
        "{} is missing; run `bash scripts/fixtures.sh`",
        modules.display()
    );
}

/// The fixture `name`, built and started once for this file.
fn started(name: &str) -> Server {
    require_installed(name);
    Server::fixture(name, &[])
}

static TAILWIND4: LazyLock<Server> = LazyLock::new(|| started("tailwind4-app"));
static TAILWIND3: LazyLock<Server> = LazyLock::new(|| started("tailwind3-app"));
static SASS: LazyLock<Server> = LazyLock::new(|| started("sass-app"));

/// The HTML of `path` and the text of every stylesheet it links, in order.
fn page_and_css(server: &Server, path: &str) -> (String, String) {
    let response = server.get(path);
    assert_eq!(response.status, 200, "{}", response.text());
    let html = response.text();
    let mut css = String::new();
    let marker = r#"<link rel="stylesheet" href=""#;
    let mut links = 0;
    for (at, _) in html.match_indices(marker) {
        let href = &html[at + marker.len()..];
        let href = &href[..href.find('"').unwrap()];
        assert!(href.starts_with("/_next/static/css/"), "{href}");
        let sheet = server.get(href);
        assert_eq!(sheet.status, 200, "{href}");
        assert_eq!(sheet.header("content-type"), Some("text/css"), "{href}");
        css.push_str(&sheet.text());
        links += 1;
    }
    assert!(links > 0, "no stylesheet linked from {path}:\n{html}");
    (html, css)
}

/// Every `/_next/static/media/` URL in `css`.
fn media_urls(css: &str) -> Vec<String> {
    css.match_indices("/_next/static/media/")
        .map(|(at, _)| {
            let rest = &css[at..];
            rest[..rest.find(['"', ')', '?', '#']).unwrap()].to_string()
        })
        .collect()
}

/// The media URL in `css` for the file whose name starts `stem.`, checked to serve `bytes`.
fn served_media(server: &Server, css: &str, stem: &str, bytes: &[u8]) -> String {
    let prefix = format!("/_next/static/media/{stem}.");
    let urls = media_urls(css);
    let url = urls
        .iter()
        .find(|url| url.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no {prefix}… among {urls:?}"))
        .clone();
    // `<name>.<8 hex digits of the content hash>.<ext>`, as Next.js names media.
    let hash = url[prefix.len()..].split('.').next().unwrap();
    assert!(
        hash.len() == 8 && hash.chars().all(|c| c.is_ascii_hexdigit()),
        "{url}"
    );
    let response = server.get(&url);
    assert_eq!(response.status, 200, "{url}");
    assert_eq!(response.body, bytes, "{url} serves the file's bytes");
    assert_eq!(
        response.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    url
}

fn fixture_file(name: &str, file: &str) -> Vec<u8> {
    let path = support::repo_root()
        .join("tests/fixtures")
        .join(name)
        .join(file);
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The value of the CSS module class `local` the element with `id` has in `html`.
fn class_of(html: &str, id: &str) -> String {
    let marker = format!(r#"id="{id}" class=""#);
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no #{id} with a class in {html}"));
    let rest = &html[at + marker.len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

#[test]
fn tailwind_4_generates_the_utilities_the_pages_use() {
    let (_, css) = page_and_css(&TAILWIND4, "/");
    for rule in [
        ".text-red-500{color:var(--color-red-500)}",
        ".font-bold{",
        ".underline{",
        ".p-4{",
    ] {
        assert!(css.contains(rule), "{rule} missing from:\n{css}");
    }
    assert!(
        css.contains("--color-red-500:oklch(63.7% .237 25.331)"),
        "{css}"
    );
    // The app's @theme, and no utility nobody uses.
    assert!(css.contains("--font-mono:\"DM Mono\", monospace"), "{css}");
    assert!(!css.contains(".text-blue-500{"), "{css}");
    assert!(!css.contains("@import"), "{css}");
}

#[test]
fn tailwind_4_app_links_its_package_fonts_and_images_as_hashed_media() {
    let (_, css) = page_and_css(&TAILWIND4, "/");
    // @fontsource/dm-mono's global stylesheet, imported by _app, with its font files.
    assert!(css.contains("font-family:DM Mono"), "{css}");
    served_media(
        &TAILWIND4,
        &css,
        "dm-mono-latin-400-normal",
        &fixture_file(
            "tailwind4-app",
            "node_modules/@fontsource/dm-mono/files/dm-mono-latin-400-normal.woff2",
        ),
    );
    let url = served_media(
        &TAILWIND4,
        &css,
        "dot",
        &fixture_file("tailwind4-app", "styles/dot.svg"),
    );
    assert!(
        css.contains(&format!(".hero{{background-image:url(\"{url}\")}}")),
        "{css}"
    );
    assert_eq!(
        TAILWIND4.get(&url).header("content-type"),
        Some("image/svg+xml")
    );
}

#[test]
fn tailwind_3_scans_content_globs_and_autoprefixer_adds_prefixes() {
    let (_, css) = page_and_css(&TAILWIND3, "/");
    assert!(
        css.contains(".text-red-500{--tw-text-opacity:1;color:rgb(239 68 68/var(--tw-text-opacity"),
        "{css}"
    );
    // From components/Badge.js, through tailwind.config.js's `content`.
    assert!(css.contains(".bg-blue-600{"), "{css}");
    assert!(css.contains(".rounded-lg{"), "{css}");
    // autoprefixer's work.
    assert!(
        css.contains(
            ".select-none{-webkit-user-select:none;-moz-user-select:none;user-select:none}"
        ),
        "{css}"
    );
    assert!(!css.contains("@tailwind"), "{css}");
}

#[test]
fn tailwind_3_app_inlines_imports_from_packages_and_files_with_their_media() {
    let (_, css) = page_and_css(&TAILWIND3, "/");
    assert!(!css.contains("@import"), "{css}");
    // modern-normalize, imported from the package by globals.css, before Tailwind's rules.
    let normalize = css.find("tab-size:4").expect("modern-normalize's rules");
    let utilities = css.find(".text-red-500{").unwrap();
    assert!(normalize < utilities, "{css}");
    // fonts.css, imported relatively, and its font beside it.
    assert!(css.contains("font-family:Fixture Sans"), "{css}");
    served_media(
        &TAILWIND3,
        &css,
        "fixture",
        &fixture_file("tailwind3-app", "styles/fixture.woff2"),
    );
    served_media(
        &TAILWIND3,
        &css,
        "brand",
        &fixture_file("tailwind3-app", "styles/brand.svg"),
    );
}

#[test]
fn sass_compiles_with_sass_options_then_postcss_runs() {
    let (html, css) = page_and_css(&SASS, "/");
    // globals.scss: `@use "tokens"` found through sassOptions.includePaths.
    assert!(css.contains("body{color:#28323c}"), "{css}");
    // The config's object plugin ran on the Sass output.
    assert!(css.contains(".postcss-ran{order:7;--runner:"), "{css}");
    served_media(
        &SASS,
        &css,
        "logo",
        &fixture_file("sass-app", "styles/logo.svg"),
    );
    // A partial's url() means the file beside the partial.
    let mark = served_media(
        &SASS,
        &css,
        "mark",
        &fixture_file("sass-app", "styles/images/mark.svg"),
    );
    assert!(
        css.contains(&format!(".brand-mark{{background-image:url(\"{mark}\")}}")),
        "{css}"
    );
    // Home.module.scss: `$brand` from sassOptions.additionalData, `&Big` nesting.
    let title = class_of(&html, "title");
    assert!(title.starts_with("Home_title__"), "{title}");
    assert!(css.contains(&format!(".{title}{{color:#0a141e}}")), "{css}");
    let big = class_of(&html, "big");
    assert!(big.starts_with("Home_titleBig__"), "{big}");
    assert!(css.contains(&format!(".{big}{{font-size:2rem}}")), "{css}");
}

#[test]
fn one_node_process_compiles_every_stylesheet_of_the_build() {
    let (_, home) = page_and_css(&SASS, "/");
    let (_, about) = page_and_css(&SASS, "/about");
    let css = format!("{home}{about}");
    let runners: std::collections::BTreeSet<&str> = css
        .match_indices("--runner:")
        .map(|(at, marker)| {
            let rest = &css[at + marker.len()..];
            &rest[..rest.find(['}', ';']).unwrap()]
        })
        .collect();
    // globals.scss, Home.module.scss and About.module.sass, each marked by the same process.
    for marker in [
        ".postcss-ran{",
        ".Home_postcss-ran__",
        ".About_postcss-ran__",
    ] {
        assert!(css.contains(marker), "{marker} missing from {css}");
    }
    assert_eq!(runners.len(), 1, "{runners:?}");
}

#[test]
fn sass_module_class_names_agree_between_server_render_and_stylesheet() {
    // Rendered per request by the Node.js runtime: its class names come from the server bundle.
    let (html, css) = page_and_css(&SASS, "/about");
    let heading = class_of(&html, "about");
    assert!(heading.starts_with("About_heading__"), "{heading}");
    assert!(
        css.contains(&format!(".{heading}{{color:#46505a}}")),
        "{css}"
    );
    assert!(
        css.contains(&format!(".{heading}:hover{{color:#0a141e}}")),
        "{css}"
    );
}

/// Builds a copy of the fixture `name` changed by `change`; the build's output.
fn build_changed(name: &str, change: impl FnOnce(&Path)) -> (bool, String) {
    require_installed(name);
    let app = fixture(name);
    change(app.path());
    let output = build(app.path());
    (output.status.success(), all_output(&output))
}

fn write(app: &Path, file: &str, text: &str) {
    let path = app.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn global_css_outside_the_custom_app_fails_the_build_at_the_import() {
    let (ok, output) = build_changed("tailwind4-app", |app| {
        write(app, "styles/extra.css", ".extra { color: red }\n");
        write(
            app,
            "pages/other.js",
            "// A page.\nimport '../styles/extra.css';\nexport default function Other() { return null; }\n",
        );
    });
    assert!(!ok, "{output}");
    assert!(output.contains("error: ./pages/other.js:2:1"), "{output}");
    assert!(
        output.contains(
            "Global CSS cannot be imported from files other than your Custom <App>. Due to the \
             Global nature of stylesheets, and to avoid conflicts, Please move all first-party \
             global CSS imports to pages/_app.js. Or convert the import to Component-Level CSS \
             (CSS Modules)."
        ),
        "{output}"
    );
    assert!(
        output.contains(
            "Import trace for requested module:\n  ./styles/extra.css\n  ./pages/other.js"
        ),
        "{output}"
    );
}

#[test]
fn a_postcss_plugin_error_names_the_stylesheet() {
    let (ok, output) = build_changed("tailwind4-app", |app| {
        let globals = std::fs::read_to_string(app.join("styles/globals.css")).unwrap();
        write(
            app,
            "styles/globals.css",
            &format!("{globals}\n.broken {{\n  @apply not-a-utility;\n}}\n"),
        );
    });
    assert!(!ok, "{output}");
    assert!(output.contains("error: ./styles/globals.css"), "{output}");
    assert!(output.contains("not-a-utility"), "{output}");
}

#[test]
fn a_postcss_syntax_error_names_the_stylesheet_and_line() {
    let (ok, output) = build_changed("tailwind3-app", |app| {
        write(
            app,
            "styles/fonts.css",
            "/* one */\n.broken {\n  color: red;\n",
        );
    });
    assert!(!ok, "{output}");
    assert!(output.contains("error: ./styles/fonts.css:2:1"), "{output}");
    assert!(output.contains("Unclosed block"), "{output}");
    assert!(
        output.contains("While compiling ./styles/globals.css."),
        "{output}"
    );
}

#[test]
fn a_sass_error_names_the_file_and_line() {
    let (ok, output) = build_changed("sass-app", |app| {
        write(
            app,
            "styles/Home.module.scss",
            ".page {\n  padding: 1rem;\n}\n\n.title {\n  color: $not-defined;\n}\n",
        );
    });
    assert!(!ok, "{output}");
    assert!(
        output.contains("error: ./styles/Home.module.scss:6:10"),
        "{output}"
    );
    assert!(
        output.contains("Sass could not compile this stylesheet: Undefined variable."),
        "{output}"
    );
}

#[test]
fn a_missing_postcss_plugin_says_what_to_install() {
    let (ok, output) = build_changed("tailwind3-app", |app| {
        write(
            app,
            "postcss.config.js",
            "module.exports = { plugins: { tailwindcss: {}, 'postcss-not-installed': {} } };\n",
        );
    });
    assert!(!ok, "{output}");
    assert!(output.contains("error: ./styles/globals.css"), "{output}");
    assert!(
        output.contains(
            "The PostCSS plugin `postcss-not-installed` that ./postcss.config.js names is not \
             installed. Run `npm install postcss-not-installed` in the app."
        ),
        "{output}"
    );
}

#[test]
fn sass_without_the_sass_package_gives_next_message() {
    let (ok, output) = build_changed("tailwind4-app", |app| {
        write(app, "styles/extra.module.scss", ".x { color: red; }\n");
        write(
            app,
            "pages/other.js",
            "import styles from '../styles/extra.module.scss';\nexport default function Other() { return <p className={styles.x} />; }\n",
        );
    });
    assert!(!ok, "{output}");
    assert!(
        output.contains("error: ./styles/extra.module.scss"),
        "{output}"
    );
    assert!(
        output.contains(
            "To use Next.js' built-in Sass support, you first need to install `sass`.\n  \
             Run `npm i sass` or `yarn add sass` inside your workspace.\n  \n  \
             Learn more: https://nextjs.org/docs/messages/install-sass"
        ),
        "{output}"
    );
}

#[test]
fn plain_css_needs_no_node() {
    // Every page on Edge, so nothing is prerendered: the only reason to run `node` would be CSS.
    let app = tempfile::tempdir().unwrap();
    link_react(app.path());
    write(app.path(), "package.json", "{}");
    write(app.path(), "styles/globals.css", "body { margin: 0 }\n");
    write(
        app.path(),
        "pages/_app.js",
        "import '../styles/globals.css';\nexport default function App({ Component, pageProps }) { return <Component {...pageProps} />; }\n",
    );
    write(
        app.path(),
        "pages/index.js",
        "export const config = { runtime: 'experimental-edge' };\nexport default function Home() { return <p>home</p>; }\n",
    );
    let output = support::switchyard()
        .arg("build")
        .arg(app.path())
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", all_output(&output));
    let css_dir = app.path().join(".switchyard/static/css");
    let css: Vec<String> = std::fs::read_dir(&css_dir)
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .collect();
    assert_eq!(css, ["body{margin:0}"]);
}
