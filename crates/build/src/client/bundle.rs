//! The browser build: every page (with `_app`, `_error` and the client runtime) bundled in
//! one rolldown run, so React and other shared modules land in shared chunks. Files get
//! content hashes in their names and are served from `/_next/static/` as immutable.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use rolldown::{
    BundlerOptions, ChunkFilenamesOutputOption, InputItem, ModuleType, OutputFormat, Platform,
    RawMinifyOptions, ResolveOptions,
};
use rolldown_common::Output;
use rolldown_utils::indexmap::FxIndexMap;
use switchyard_app::Diagnostic;

use crate::build_id::BuildIdHasher;
use crate::client::plugin::ClientPlugin;
use crate::css::{MediaFile, Stylesheets};
use crate::diagnostics::import_report::SharedImportReport;
use crate::error::BuildError;
use crate::image_import::ImageImports;
use crate::route_bundle::{Bundled, run_bundler, transform_options, tsconfig};
use crate::virtual_modules::{VirtualModules, js_string};

/// Where the browser's files go under the output directory, and the URL prefix they get.
pub(crate) use switchyard_output::STATIC_DIR;
const URL_PREFIX: &str = "/_next/";

const MAIN_ID: &str = "\0switchyard:client:main";

/// A page for the browser: its page path and the module whose default export renders it
/// (an app file, absolute, or a built-in such as `next/error`).
#[derive(Debug, Clone)]
pub(crate) struct ClientPage {
    pub page: String,
    pub module: String,
}

/// What the browser loads for one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PageAssets {
    /// The page's module (its default export is the component).
    pub js: String,
    /// Every file it imports, directly or not: `<link rel="modulepreload">` candidates.
    pub preload: Vec<String>,
    /// The stylesheets of those files, in cascade order: `<link rel="stylesheet">`.
    pub css: Vec<String>,
}

/// The browser build.
#[derive(Debug, Default)]
pub(crate) struct ClientOutput {
    /// Files relative to the output directory, with their code.
    pub files: Vec<(String, String)>,
    /// The URL of the client runtime's chunk.
    pub main: String,
    /// Each page's assets, by page (`/_app` and `/_error` included).
    pub pages: BTreeMap<String, PageAssets>,
    /// Files stylesheets' `url()`s name, to copy into the output as they are.
    pub media: Vec<MediaFile>,
    pub diagnostics: Vec<Diagnostic>,
}

fn page_id(page: &str) -> String {
    format!("\0switchyard:client:{page}")
}

/// The chunk name of a page: `pages/index`, `pages/blog/[slug]`.
fn chunk_name(page: &str) -> String {
    match page {
        "/" => "pages/index".to_string(),
        page => format!("pages{page}"),
    }
}

fn options(root: &Path, pages: &[ClientPage], env: &[(String, String)]) -> BundlerOptions {
    let mut define = FxIndexMap::default();
    define.insert(
        "process.env.NODE_ENV".to_string(),
        "\"production\"".to_string(),
    );
    // Next.js leaves NEXT_RUNTIME empty in the browser.
    define.insert("process.env.NEXT_RUNTIME".to_string(), "\"\"".to_string());
    // `NEXT_PUBLIC_*` and next.config's `env`, fixed at build time as in Next.js.
    define.extend(env.iter().cloned());
    let mut input = vec![InputItem {
        name: Some("main".to_string()),
        import: MAIN_ID.to_string(),
    }];
    input.extend(pages.iter().map(|page| InputItem {
        name: Some(chunk_name(&page.page)),
        import: page_id(&page.page),
    }));
    let names = format!("{STATIC_DIR}/chunks/[name]-[hash].js");
    BundlerOptions {
        input: Some(input),
        cwd: Some(root.to_path_buf()),
        dir: Some(root.to_string_lossy().into_owned()),
        platform: Some(Platform::Browser),
        format: Some(OutputFormat::Esm),
        entry_filenames: Some(ChunkFilenamesOutputOption::String(names.clone())),
        chunk_filenames: Some(ChunkFilenamesOutputOption::String(names)),
        minify: Some(RawMinifyOptions::Bool(true)),
        define: Some(define),
        module_types: Some([(".js".to_string(), ModuleType::Jsx)].into_iter().collect()),
        transform: Some(transform_options()),
        tsconfig: Some(tsconfig(root)),
        resolve: Some(ResolveOptions {
            condition_names: Some(vec!["browser".to_string(), "module".to_string()]),
            main_fields: Some(["browser", "module", "main"].map(str::to_string).to_vec()),
            ..ResolveOptions::default()
        }),
        ..BundlerOptions::default()
    }
}

/// Bundles `pages` of the app at `root` (absolute, canonical) for the browser, compiling the
/// stylesheets they import with `stylesheets` and the images with `images`.
pub(crate) async fn bundle_client(
    root: &Path,
    pages: &[ClientPage],
    env: &[(String, String)],
    stylesheets: &Stylesheets,
    images: &ImageImports,
) -> Result<ClientOutput, BuildError> {
    let mut entries = vec![(
        MAIN_ID.to_string(),
        Arc::from("import \"next/internal/client\";\n"),
    )];
    entries.extend(pages.iter().map(|page| {
        let source = format!("export {{ default }} from {};\n", js_string(&page.module));
        (page_id(&page.page), Arc::from(source))
    }));
    let imports = SharedImportReport::default();
    let modules = VirtualModules::with_entries(root, entries, Arc::from(""));
    let app = pages
        .iter()
        .find(|page| page.page == "/_app")
        .map_or("", |page| page.module.as_str());
    let plugin = ClientPlugin::new(
        imports.clone(),
        modules,
        stylesheets.clone(),
        images.clone(),
        app,
    );
    let entry_name = Path::new("pages");
    let Bundled {
        assets,
        mut diagnostics,
    } = run_bundler(
        options(root, pages, env),
        plugin.clone(),
        &imports,
        root,
        entry_name,
    )
    .await?;
    diagnostics.extend(plugin.styles().diagnostics(root, &imports));
    let Some(assets) = assets else {
        return Ok(ClientOutput {
            diagnostics,
            ..ClientOutput::default()
        });
    };

    let chunks: Vec<_> = assets
        .into_iter()
        .filter_map(|asset| match asset {
            Output::Chunk(chunk) => Some(chunk),
            Output::Asset(_) => None,
        })
        .collect();
    let imports_of: HashMap<String, Vec<String>> = chunks
        .iter()
        .map(|chunk| {
            let imports = chunk.imports.iter().map(|file| file.to_string()).collect();
            (chunk.filename.to_string(), imports)
        })
        .collect();
    let url = |filename: &str| format!("{URL_PREFIX}{filename}");
    let mut output = ClientOutput {
        diagnostics,
        media: plugin
            .styles()
            .compiled
            .values()
            .flat_map(|compiled| compiled.media.iter().cloned())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
        ..ClientOutput::default()
    };
    // Each chunk's stylesheets, in module order, become one CSS file named by its content.
    let mut css_of_chunk: HashMap<String, String> = HashMap::new();
    {
        let styles = plugin.styles();
        for chunk in &chunks {
            let rules = styles.rules_for(chunk.module_ids.iter().map(|id| id.as_str()));
            if rules.is_empty() {
                continue;
            }
            let mut hasher = BuildIdHasher::new();
            hasher.add(rules.as_bytes());
            let file = format!("{STATIC_DIR}/css/{}.css", hasher.finish());
            css_of_chunk.insert(chunk.filename.to_string(), url(&file));
            output.files.push((file, rules));
        }
    }
    for chunk in &chunks {
        if !chunk.is_entry {
            continue;
        }
        let Some(facade) = chunk.facade_module_id.as_ref() else {
            continue;
        };
        if facade.as_str() == MAIN_ID {
            output.main = url(&chunk.filename);
            continue;
        }
        let Some(page) = facade.as_str().strip_prefix("\0switchyard:client:") else {
            continue;
        };
        let files = transitive_imports(&chunk.filename, &imports_of);
        // A chunk's imports run before it: their rules come first in the cascade.
        let css = files
            .iter()
            .rev()
            .filter_map(|file| css_of_chunk.get(file).cloned())
            .collect();
        output.pages.insert(
            page.to_string(),
            PageAssets {
                js: url(&chunk.filename),
                preload: files.iter().map(|file| url(file)).collect(),
                css,
            },
        );
    }
    output.files.extend(
        chunks
            .iter()
            .map(|chunk| (chunk.filename.to_string(), chunk.code.clone())),
    );
    Ok(output)
}

/// `file` and every chunk it imports statically, directly or not, in a stable order.
fn transitive_imports(file: &str, imports_of: &HashMap<String, Vec<String>>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut order = Vec::new();
    let mut stack = vec![file.to_string()];
    while let Some(next) = stack.pop() {
        if !seen.insert(next.clone()) {
            continue;
        }
        if let Some(imports) = imports_of.get(&next) {
            stack.extend(imports.iter().rev().cloned());
        }
        order.push(next);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_chunks_are_named_after_their_page() {
        assert_eq!(chunk_name("/"), "pages/index");
        assert_eq!(chunk_name("/blog/[slug]"), "pages/blog/[slug]");
        assert_eq!(chunk_name("/_app"), "pages/_app");
    }

    #[test]
    fn preloads_follow_imports_once() {
        let imports_of: HashMap<String, Vec<String>> = [
            ("page.js", vec!["react.js", "ui.js"]),
            ("ui.js", vec!["react.js"]),
            ("react.js", vec![]),
        ]
        .into_iter()
        .map(|(file, imports)| {
            (
                file.to_string(),
                imports.into_iter().map(String::from).collect(),
            )
        })
        .collect();
        assert_eq!(
            transitive_imports("page.js", &imports_of),
            vec!["page.js", "react.js", "ui.js"]
        );
    }
}
