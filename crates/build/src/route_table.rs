//! The route table `switchyard build` prints, laid out like `next build`'s.

use std::fmt::Write;

use switchyard_app::Runtime;

use crate::size::format_bytes;
use switchyard_output::{Manifest, ManifestMiddleware, ManifestRoute, StaticPage};

/// Legend rows: the route kinds `next build` marks, and what they mean.
const KINDS: [(&str, &str); 3] = [
    ("○  (Static)", "prerendered as static content"),
    (
        "●  (SSG)",
        "prerendered as static HTML (uses getStaticProps)",
    ),
    ("ƒ  (Dynamic)", "server-rendered on demand"),
];

/// Legend rows: the runtime label and what it means.
const LEGEND: [(&str, &str); 2] = [
    (
        "Edge",
        "runs in the built-in Edge runtime; sizes are its bundle's, before and after gzip",
    ),
    (
        "Node",
        "runs in a Node.js worker process; sizes are its bundle's, without the packages it \
         requires from node_modules",
    ),
];

/// The route table for `manifest`: one row per route with a tree glyph, the route, its
/// runtime, and the size and gzip size of its bundle (`-` without one); the middleware's
/// row (`ƒ Middleware` or `ƒ Proxy`, as `next build` prints it) below them; then a legend.
pub fn route_table(manifest: &Manifest) -> String {
    let rows: Vec<[String; 4]> = manifest.routes.iter().map(row).collect();
    let middleware = manifest.middleware.as_ref().map(middleware_row);
    let headers = ["Route (pages)", "Runtime", "Size", "Gzip"];
    let width = |column: usize| {
        rows.iter()
            .chain(&middleware)
            .map(|row| row[column].chars().count())
            .chain([headers[column].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths = [width(0), width(1), width(2), width(3)];

    let mut table = String::new();
    // Rows start with a glyph and a space, so the header is indented to match.
    let _ = writeln!(
        table,
        "  {:<w0$}  {:<w1$}  {:>w2$}  {:>w3$}",
        headers[0],
        headers[1],
        headers[2],
        headers[3],
        w0 = widths[0],
        w1 = widths[1],
        w2 = widths[2],
        w3 = widths[3],
    );
    for (index, row) in rows.iter().enumerate() {
        write_row(&mut table, glyph(index, rows.len()), row, &widths);
    }
    table.push('\n');
    if let Some(row) = middleware {
        write_row(&mut table, 'ƒ', &row, &widths);
        table.push('\n');
    }
    let label_width = KINDS
        .iter()
        .chain(&LEGEND)
        .map(|(label, _)| label.chars().count())
        .max()
        .unwrap_or(0);
    for (label, meaning) in KINDS.iter().chain(&LEGEND) {
        let pad = label_width - label.chars().count();
        let _ = writeln!(table, "{label}{:pad$}  {meaning}", "");
    }
    table
}

/// `next build`'s mark for how a route is served, and the ISR note of a revalidating page.
fn kind(entry: &ManifestRoute) -> (char, String) {
    match &entry.prerendered {
        Some(StaticPage::Html {
            data: Some(_),
            revalidate,
            ..
        }) => {
            let note = match revalidate.as_ref().and_then(serde_json::Value::as_u64) {
                Some(seconds) => format!(" (ISR: {seconds} Seconds)"),
                None => String::new(),
            };
            ('●', note)
        }
        Some(StaticPage::Html { .. }) => ('○', String::new()),
        Some(StaticPage::Paths { pages, .. }) => {
            let plural = if pages.len() == 1 { "" } else { "s" };
            ('●', format!(" ({} path{plural})", pages.len()))
        }
        Some(_) => ('●', String::new()),
        None => ('ƒ', String::new()),
    }
}

/// The tree glyph `next build` draws before row `index` of `count`.
fn glyph(index: usize, count: usize) -> char {
    match index {
        _ if count == 1 => '─',
        0 => '┌',
        _ if index + 1 == count => '└',
        _ => '├',
    }
}

fn runtime_label(runtime: Runtime) -> &'static str {
    match runtime {
        Runtime::Edge => "Edge",
        Runtime::Nodejs => "Node",
    }
}

fn middleware_row(entry: &ManifestMiddleware) -> [String; 4] {
    [
        entry.middleware.kind.title().to_string(),
        runtime_label(entry.middleware.runtime).to_string(),
        format_bytes(entry.size),
        format_bytes(entry.gzip_size),
    ]
}

fn row(entry: &ManifestRoute) -> [String; 4] {
    let runtime = runtime_label(entry.route.runtime);
    let (size, gzip) = if entry.bundle.is_some() {
        (format_bytes(entry.size), format_bytes(entry.gzip_size))
    } else {
        ("-".to_string(), "-".to_string())
    };
    let (mark, note) = kind(entry);
    let page = format!("{mark} {}{note}", entry.route.page);
    [page, runtime.to_string(), size, gzip]
}

/// One line of the table: a leading mark, then route and runtime left-aligned and the two
/// sizes right-aligned in their columns.
fn write_row(table: &mut String, mark: char, row: &[String; 4], widths: &[usize; 4]) {
    let _ = writeln!(
        table,
        "{mark} {:<w0$}  {:<w1$}  {:>w2$}  {:>w3$}",
        row[0],
        row[1],
        row[2],
        row[3],
        w0 = widths[0],
        w1 = widths[1],
        w2 = widths[2],
        w3 = widths[3],
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_routes::route;

    fn entry(page: &str, runtime: Runtime, sizes: Option<(u64, u64)>) -> ManifestRoute {
        let file = if page == "/" {
            "pages/index.js".to_string()
        } else {
            format!("pages{page}.js")
        };
        ManifestRoute {
            route: route(&file, runtime),
            bundle: sizes.map(|_| match runtime {
                Runtime::Edge => format!("edge{page}.js"),
                Runtime::Nodejs => format!("node{page}.js"),
            }),
            size: sizes.map_or(0, |(size, _)| size),
            gzip_size: sizes.map_or(0, |(_, gzip)| gzip),
            prerendered: None,
        }
    }

    #[test]
    fn lays_out_rows_with_tree_glyphs_and_a_legend() {
        let manifest = Manifest {
            base_path: String::new(),
            compress: true,
            custom_routes: None,
            images: None,
            build_id: "x".to_string(),
            routes: vec![
                entry("/", Runtime::Nodejs, None),
                entry("/api/[id]", Runtime::Edge, Some((12_345, 2_048))),
                entry("/api/hello", Runtime::Nodejs, Some((1_234, 567))),
            ],
            middleware: None,
            not_found: None,
        };
        let expected = "  \
              Route (pages)  Runtime     Size     Gzip
┌ ƒ /            Node           -        -
├ ƒ /api/[id]    Edge     12.3 kB  2.05 kB
└ ƒ /api/hello   Node     1.23 kB    567 B

○  (Static)   prerendered as static content
●  (SSG)      prerendered as static HTML (uses getStaticProps)
ƒ  (Dynamic)  server-rendered on demand
Edge          runs in the built-in Edge runtime; sizes are its bundle's, before and after gzip
Node          runs in a Node.js worker process; sizes are its bundle's, without the packages \
it requires from node_modules
";
        assert_eq!(route_table(&manifest), expected);
    }

    #[test]
    fn the_middleware_gets_its_own_row() {
        let middleware: switchyard_app::Middleware = serde_json::from_value(serde_json::json!({
            "file": "middleware.ts",
            "kind": "middleware",
            "runtime": "edge",
            "matchers": [],
        }))
        .unwrap();
        let manifest = Manifest {
            base_path: String::new(),
            compress: true,
            custom_routes: None,
            images: None,
            build_id: "x".to_string(),
            routes: vec![
                entry("/", Runtime::Nodejs, None),
                entry("/api/hello", Runtime::Nodejs, Some((1_234, 567))),
            ],
            middleware: Some(ManifestMiddleware {
                middleware,
                bundle: "edge/middleware.js".to_string(),
                size: 25_400,
                gzip_size: 8_100,
            }),
            not_found: None,
        };
        let expected = "  \
              Route (pages)  Runtime     Size    Gzip
┌ ƒ /            Node           -       -
└ ƒ /api/hello   Node     1.23 kB   567 B

ƒ Middleware     Edge     25.4 kB  8.1 kB

";
        let table = route_table(&manifest);
        assert!(table.starts_with(expected), "{table}");
        let mut proxy = manifest;
        if let Some(entry) = proxy.middleware.as_mut() {
            entry.middleware.kind = switchyard_app::MiddlewareKind::Proxy;
            entry.middleware.runtime = Runtime::Nodejs;
        }
        assert!(
            route_table(&proxy).contains("ƒ Proxy          Node     25.4 kB"),
            "{}",
            route_table(&proxy)
        );
    }

    #[test]
    fn a_single_route_gets_a_dash() {
        let manifest = Manifest {
            base_path: String::new(),
            compress: true,
            custom_routes: None,
            images: None,
            build_id: "x".to_string(),
            routes: vec![entry("/api/a", Runtime::Edge, Some((85, 90)))],
            middleware: None,
            not_found: None,
        };
        let table = route_table(&manifest);
        assert!(
            table.lines().nth(1).unwrap().starts_with("─ ƒ /api/a"),
            "{table}"
        );
        assert!(table.contains("Edge     85 B  90 B"), "{table}");
    }
}
