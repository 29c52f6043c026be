//! Bundling one Node.js route entry with rolldown into a CommonJS module.
//!
//! The app's own modules (TypeScript and JSX compiled) end up in the bundle; packages from
//! `node_modules` and Node.js built-ins stay `require` calls, resolved by Node at run time
//! from where the bundle lies, inside the app. `require(bundle)` gives the entry's exports:
//! `default` (the handler) and `config`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rolldown::{AddonOutputOption, BundlerOptions, EsModuleFlag, OutputFormat, Platform};

use crate::css::Stylesheets;
use crate::diagnostics::import_report::SharedImportReport;
use crate::error::BuildError;
use crate::image_import::ImageImports;
use crate::node::plugin::NodePlugin;
use crate::route_bundle::{Generated, RouteBundle, base_options, generate};
use crate::virtual_modules::{BundleEntry, VirtualModules};

/// Appended to every bundle: a CommonJS entry (`module.exports = handler`) is exposed the way
/// Next.js imports it, as `default`, with its `config` property beside it. An ES module
/// entry has `__esModule` set (always, see the options), and so does compiled ESM.
const COMMONJS_ENTRY_INTEROP: &str = "if (!module.exports || !module.exports.__esModule) {\n  \
     module.exports = { __esModule: true, default: module.exports, \
     config: module.exports == null ? undefined : module.exports.config };\n}";

/// Bundles the Node.js entry `entry` of the app at `root` (absolute, canonical); CSS modules'
/// class names come from the build's `stylesheets`, imported images from its `images`.
pub(crate) async fn bundle_node_entry(
    root: PathBuf,
    entry: BundleEntry,
    build_info: Arc<str>,
    stylesheets: Stylesheets,
    env: Arc<[(String, String)]>,
    images: ImageImports,
) -> Result<RouteBundle, BuildError> {
    let imports = SharedImportReport::default();
    let modules = VirtualModules::new(&root, &entry, build_info);
    let plugin = NodePlugin::new(imports.clone(), modules, stylesheets, images);
    let Generated { chunk, diagnostics } = generate(
        &root,
        &entry,
        options(&root, &entry, &env),
        plugin,
        &imports,
    )
    .await?;
    Ok(RouteBundle::new(
        chunk.map(|chunk| chunk.code.clone()),
        diagnostics,
    ))
}

fn options(root: &Path, entry: &BundleEntry, env: &[(String, String)]) -> BundlerOptions {
    // `process.env.NODE_ENV` is left alone: the worker process sets it.
    BundlerOptions {
        // Node's resolution: the `node` condition, `main` before `module`, built-ins.
        platform: Some(Platform::Node),
        format: Some(OutputFormat::Cjs),
        // Marks every ES module entry, even one without a default export, so the interop
        // footer leaves it alone.
        es_module: Some(EsModuleFlag::Always),
        footer: Some(AddonOutputOption::String(Some(
            COMMONJS_ENTRY_INTEROP.to_string(),
        ))),
        ..base_options(root, entry, "nodejs", env)
    }
}
