//! Modules that exist only inside the bundler: Switchyard's built-in `next/*` modules (the JS
//! in `js/next/`), the build's own `next/internal/build-info`, and the generated entry that
//! wraps a route, a page or the middleware with its adapter. Every target serves them, so
//! `next/server`, `next/link`, … are always Switchyard's, bundled, whether or not the app
//! installed `next`. Their own imports (`react`, `react-dom/server`) resolve from the app.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rolldown_common::ImportKind;
use rolldown_plugin::{HookLoadOutput, HookResolveIdArgs, HookResolveIdOutput};

use crate::diagnostics::import_report::SharedImportReport;

/// A module Switchyard ships: the specifier apps import, its id in the bundler, its source.
struct Builtin {
    specifier: &'static str,
    id: &'static str,
    source: &'static str,
}

macro_rules! builtin {
    ($specifier:literal, $file:literal) => {
        Builtin {
            specifier: $specifier,
            id: concat!("\0switchyard:", $specifier),
            source: include_str!(concat!("../../../js/next/", $file)),
        }
    };
}

/// Every built-in module. `next/adapter` and `next/internal/*` are for generated entries and
/// each other; the rest are the `next` modules apps import.
const BUILTINS: &[Builtin] = &[
    builtin!("next/server", "server.js"),
    builtin!("next/adapter", "adapter.js"),
    builtin!("next/document", "document.js"),
    builtin!("next/head", "head.js"),
    builtin!("next/link", "link.js"),
    builtin!("next/router", "router.js"),
    builtin!("next/app", "app.js"),
    builtin!("next/error", "error.js"),
    builtin!("next/dynamic", "dynamic.js"),
    builtin!("next/image", "image.js"),
    builtin!("next/legacy/image", "legacy/image.js"),
    builtin!("next/internal/contexts", "internal/contexts.js"),
    builtin!("next/internal/render", "internal/render.js"),
    builtin!("next/internal/page-edge", "internal/page-edge.js"),
    builtin!("next/internal/page-node", "internal/page-node.js"),
    builtin!("next/internal/client", "internal/client.js"),
    builtin!("next/internal/route-matcher", "internal/route-matcher.js"),
    // The header names shared with the server and the Node.js worker (crates/protocol).
    Builtin {
        specifier: "next/internal/protocol",
        id: "\0switchyard:next/internal/protocol",
        source: concat!(
            "export default ",
            include_str!("../../../js/protocol.json"),
            ";"
        ),
    },
];

/// The id of the generated entry. The leading NUL is the Rollup convention for virtual
/// modules: no other plugin or the resolver will try to read it from disk.
pub(crate) const ENTRY_ID: &str = "\0switchyard:entry";

/// What the build knows only once the client bundles exist: the build id and asset URLs.
const BUILD_INFO_SPECIFIER: &str = "next/internal/build-info";
const BUILD_INFO_ID: &str = "\0switchyard:next/internal/build-info";

/// Stands for the build id in server bundles until the id, a hash of every bundle, is known;
/// as long as the id, so sizes do not change when it is put in.
pub(crate) const BUILD_ID_PLACEHOLDER: &str = "@@SY-BUILD-ID@@!";

/// The files inside the `next` package that packages import directly, and the built-in
/// module each one's exports come from.
const NEXT_DIST_FILES: &[(&str, &str)] = &[
    ("next/dist/client/link", "next/link"),
    ("next/dist/shared/lib/head", "next/head"),
    ("next/dist/client/router", "next/router"),
    ("next/dist/shared/lib/dynamic", "next/dynamic"),
    ("next/dist/shared/lib/image-external", "next/image"),
    ("next/dist/client/image-component", "next/image"),
    ("next/dist/client/legacy/image", "next/legacy/image"),
    ("next/dist/pages/_document", "next/document"),
    ("next/dist/pages/_app", "next/app"),
    ("next/dist/pages/_error", "next/error"),
    (
        "next/dist/server/web/spec-extension/response",
        "next/server",
    ),
    ("next/dist/server/web/spec-extension/request", "next/server"),
    (
        "next/dist/server/web/spec-extension/user-agent",
        "next/server",
    ),
    ("next/dist/server/web/exports/next-response", "next/server"),
    ("next/dist/server/web/exports/next-request", "next/server"),
];

/// The modules whose `require` gives the default export itself, with the named exports on
/// it, as the `next` package's CommonJS files for them do: a package's
/// `const Link = require('next/link')` renders `<Link>`.
const DEFAULT_IS_MODULE: [&str; 6] = [
    "next/link",
    "next/head",
    "next/router",
    "next/dynamic",
    "next/image",
    "next/legacy/image",
];

/// Ids of the CommonJS faces of [`DEFAULT_IS_MODULE`]: this prefix and the module's name.
const COMMONJS_FACE_PREFIX: &str = "\0switchyard:commonjs:";

/// The CommonJS face of `module`: what `require(module)` gives in the `next` package.
fn commonjs_face(module: &str) -> String {
    let module = js_string(module);
    format!(
        "const namespace = require({module});\n\
         const value = namespace.default;\n\
         if ((typeof value === 'function' || (typeof value === 'object' && value !== null)) \
         && typeof value.__esModule === 'undefined') {{\n  \
           Object.defineProperty(value, '__esModule', {{ value: true }});\n  \
           // Only what the value lacks: the router's own fields are getters.\n  \
           for (const key of Object.keys(namespace)) if (!(key in value)) value[key] = namespace[key];\n  \
           module.exports = value;\n\
         }} else {{\n  \
           module.exports = namespace;\n\
         }}\n"
    )
}

/// The `next` modules apps and packages may import, for messages.
const PUBLIC_MODULES: &str = "next/server, next/document, next/head, next/link, next/router, \
                              next/app, next/error, next/dynamic, next/image and \
                              next/legacy/image";

/// The built-in module `specifier` names (`next/link`, `next/link.js`,
/// `next/dist/client/link`), if any.
fn builtin(specifier: &str) -> Option<&'static Builtin> {
    let name = specifier.strip_suffix(".js").unwrap_or(specifier);
    let name = NEXT_DIST_FILES
        .iter()
        .find(|(file, _)| *file == name)
        .map_or(name, |(_, module)| module);
    BUILTINS.iter().find(|builtin| builtin.specifier == name)
}

/// Whether `specifier` names the `next` package or a module in it. Its `package.json` is
/// left out: packages read it for the version, which an installed `next` may answer.
pub(crate) fn is_next_specifier(specifier: &str) -> bool {
    specifier == "next" || (specifier.starts_with("next/") && specifier != "next/package.json")
}

/// Why `specifier`, a `next` module Switchyard has no built-in for, cannot be imported.
pub(crate) fn no_builtin_message(specifier: &str) -> String {
    if specifier.starts_with("next/dist/") {
        format!(
            "'{specifier}' is a file inside the `next` package, which Switchyard never loads \
             (its built-in `next` modules stand in for it), and no built-in module stands for \
             this file. Import one of {PUBLIC_MODULES} instead, or a version of the package \
             that does."
        )
    } else {
        format!(
            "Switchyard has no built-in '{specifier}' module yet, and it never loads the `next` \
             package in its place (the renderer provides only its own modules' context). The \
             built-in modules are {PUBLIC_MODULES}: remove this import or replace it with one \
             of them."
        )
    }
}

fn is_builtin_id(id: &str) -> bool {
    id == BUILD_INFO_ID || BUILTINS.iter().any(|builtin| builtin.id == id)
}

/// How [`VirtualModules::begin_resolve`] left an import.
pub(crate) enum ResolveStart<'a> {
    /// The hook's answer.
    Done(Option<HookResolveIdOutput>),
    /// The target decides, for an import from this importer (a built-in module's imports
    /// resolve as if a file in the app root made them).
    Continue(Cow<'a, str>),
}

/// What one bundle is built from: a file of the app, wrapped or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BundleEntry {
    /// The app's file (absolute), or a built-in module's specifier for a page the app does
    /// not have (the default error page).
    pub file: PathBuf,
    /// How the bundle exposes it.
    pub wrap: Wrap,
    /// What the adapter passes to `NextURL` (`basePath`, `i18n`, `trailingSlash`), when the
    /// app's config sets any of them.
    pub next_config: Option<serde_json::Value>,
}

/// How a bundle exposes its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Wrap {
    /// The file's own exports (Node.js API routes, which the worker adapts).
    None,
    /// An Edge API route: `default` is the adapter around the file's default export, which
    /// gets a `NextRequest`; the file's named exports (`config`, …) stay as they are.
    ApiRoute {
        /// The route's page, for messages: `/api/hello`.
        page: String,
    },
    /// The middleware: `default` is the adapter around its `middleware`, `proxy` or
    /// `default` export.
    Middleware {
        /// `/middleware`, `/src/middleware`, `/proxy`, `/src/proxy`.
        page: String,
    },
    /// A page: `default` is the runtime's page handler, with the app's `_app`, `_document`
    /// and `_error` (or Switchyard's defaults).
    Page {
        /// `/blog/[slug]`.
        page: String,
        /// Edge or Node.js: which adapter renders it.
        edge: bool,
        /// The page's companions, as the entry imports them.
        special: SpecialModules,
    },
}

/// `_app`, `_document` and `_error` of the app (absolute paths) or the built-in defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SpecialModules {
    pub app: String,
    pub document: String,
    pub error: String,
}

impl SpecialModules {
    /// The app's special files under `root`, the built-in ones where it has none.
    pub(crate) fn new(root: &Path, files: &switchyard_app::SpecialFiles) -> Self {
        let module = |file: &Option<PathBuf>, default: &str| match file {
            Some(file) => root.join(file).to_string_lossy().into_owned(),
            None => default.to_string(),
        };
        Self {
            app: module(&files.app, "next/app"),
            document: module(&files.document, "next/document"),
            error: module(&files.error, "next/error"),
        }
    }
}

impl BundleEntry {
    /// The app's file, as it is.
    pub(crate) fn file(file: PathBuf) -> Self {
        Self {
            file,
            wrap: Wrap::None,
            next_config: None,
        }
    }

    /// What the bundler's input imports: the file, or the generated entry.
    pub(crate) fn input(&self) -> String {
        match self.wrap {
            Wrap::None => self.file.to_string_lossy().into_owned(),
            _ => ENTRY_ID.to_string(),
        }
    }

    /// Whether the entry's file is one of Switchyard's modules rather than the app's.
    pub(crate) fn is_builtin(&self) -> bool {
        builtin(&self.file.to_string_lossy()).is_some()
    }

    /// The generated entry's source, when the file is wrapped.
    pub(crate) fn source(&self) -> Option<String> {
        let file = js_string(&self.file.to_string_lossy());
        let options = match &self.next_config {
            Some(config) => format!(", {{ nextConfig: {config} }}"),
            None => String::new(),
        };
        match &self.wrap {
            Wrap::None => None,
            Wrap::ApiRoute { page } => Some(format!(
                "import * as mod from {file};\n\
                 import {{ adaptApiRoute }} from \"next/adapter\";\n\
                 export * from {file};\n\
                 export default adaptApiRoute(mod, {page}{options});\n",
                page = js_string(page)
            )),
            Wrap::Middleware { page } => Some(format!(
                "import * as mod from {file};\n\
                 import {{ adaptMiddleware }} from \"next/adapter\";\n\
                 export default adaptMiddleware(mod, {page}{options});\n",
                page = js_string(page)
            )),
            Wrap::Page {
                page,
                edge,
                special,
            } => {
                let adapter = if *edge {
                    "import { adaptEdgePage as adapt } from \"next/internal/page-edge\";"
                } else {
                    "import { adaptNodePage as adapt } from \"next/internal/page-node\";"
                };
                Some(format!(
                    "import * as page_module from {file};\n\
                     import * as app from {app};\n\
                     import * as document from {document};\n\
                     import * as error from {error};\n\
                     import App from \"next/app\";\n\
                     import Document from \"next/document\";\n\
                     import Error from \"next/error\";\n\
                     {adapter}\n\
                     export default adapt({{ page: {page}, page_module, app, document, error, \
                     defaults: {{ App, Document, Error }} }});\n",
                    app = js_string(&special.app),
                    document = js_string(&special.document),
                    error = js_string(&special.error),
                    page = js_string(page),
                ))
            }
        }
    }
}

/// `code`, a JavaScript module, as a plugin's load hook answers it.
pub(crate) fn js_module(code: &str) -> HookLoadOutput {
    HookLoadOutput {
        code: code.into(),
        module_type: Some(rolldown_common::ModuleType::Js),
        ..Default::default()
    }
}

pub(crate) fn js_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string always serializes")
}

/// The virtual modules one bundle sees; clones share them.
#[derive(Debug, Clone)]
pub(crate) struct VirtualModules {
    /// Generated entries (id, source): one for a server bundle, one per page for the client.
    entries: Arc<Vec<(String, Arc<str>)>>,
    /// `next/internal/build-info`'s source.
    build_info: Arc<str>,
    /// A file in the app root: built-in modules' imports resolve as if it made them.
    root_importer: Arc<str>,
    /// The app root.
    root: Arc<Path>,
}

impl VirtualModules {
    /// The virtual modules for a server bundle of `entry` in the app at `root`, whose
    /// `next/internal/build-info` is `build_info`.
    pub(crate) fn new(root: &Path, entry: &BundleEntry, build_info: Arc<str>) -> Self {
        let entries = entry
            .source()
            .map(|source| (ENTRY_ID.to_string(), Arc::from(source)))
            .into_iter()
            .collect();
        Self::with_entries(root, entries, build_info)
    }

    /// Virtual modules with several generated entries (id, source).
    pub(crate) fn with_entries(
        root: &Path,
        entries: Vec<(String, Arc<str>)>,
        build_info: Arc<str>,
    ) -> Self {
        Self {
            entries: Arc::new(entries),
            build_info,
            root_importer: Arc::from(root.join("package.json").to_string_lossy().as_ref()),
            root: Arc::from(root),
        }
    }

    /// The virtual module `specifier` names when `importer` (`None` for an entry) imports
    /// it, if it names one.
    pub(crate) fn resolve<'s>(
        &'s self,
        specifier: &str,
        importer: Option<&str>,
    ) -> Option<&'s str> {
        let Some(importer) = importer else {
            return self
                .entries
                .iter()
                .find(|(id, _)| id == specifier)
                .map(|(id, _)| id.as_str());
        };
        if specifier == BUILD_INFO_SPECIFIER {
            return Some(BUILD_INFO_ID);
        }
        if let Some(builtin) = builtin(specifier) {
            return Some(builtin.id);
        }
        // The built-in modules may import each other as the files they are.
        let sibling = specifier.strip_prefix("./")?;
        is_builtin_id(importer)
            .then(|| builtin(&format!("next/{sibling}")))
            .flatten()
            .map(|builtin| builtin.id)
    }

    /// The steps every target's `resolve_id` hook begins with: a virtual module answers at
    /// once; entries, ids other plugins made (`\0…`) and other import kinds go to rolldown.
    /// `Continue` carries the importer of an import the target resolves by its own rules.
    ///
    /// Every other `next` module, from the app or a package, is an error recorded in
    /// `imports`: the `next` package itself is never used, as its modules would read context
    /// Switchyard's renderer does not provide, and the browser would get other modules than
    /// the server.
    pub(crate) fn begin_resolve<'a>(
        &self,
        args: &HookResolveIdArgs<'a>,
        imports: &SharedImportReport,
    ) -> ResolveStart<'a> {
        let from_face = args
            .importer
            .is_some_and(|importer| importer.starts_with(COMMONJS_FACE_PREFIX));
        if args.kind == ImportKind::Require
            && !from_face
            && let Some(builtin) = builtin(args.specifier)
            && DEFAULT_IS_MODULE.contains(&builtin.specifier)
        {
            let id = format!("{COMMONJS_FACE_PREFIX}{}", builtin.specifier);
            return ResolveStart::Done(Some(HookResolveIdOutput::from_id(id)));
        }
        if let Some(id) = self.resolve(args.specifier, args.importer) {
            return ResolveStart::Done(Some(HookResolveIdOutput::from_id(id)));
        }
        let Some(importer) = args.importer else {
            // Entries are the route files the project model found; rolldown reports a missing one.
            return ResolveStart::Done(None);
        };
        // A public module with no built-in yet (`next/script`) still comes from an installed
        // `next`, as it did before there were built-ins, so that apps using one keep
        // building; files inside the package never do.
        let installed_fallback = !args.specifier.starts_with("next/dist/")
            && self.root.join("node_modules/next/package.json").is_file();
        if is_next_specifier(args.specifier) && !installed_fallback {
            imports.lock().add_no_builtin(importer, args.specifier);
            // External, so nothing is loaded for it (the build fails with the error above).
            return ResolveStart::Done(Some(HookResolveIdOutput {
                external: Some(rolldown_common::ResolvedExternal::Bool(true)),
                ..HookResolveIdOutput::from_id(args.specifier)
            }));
        }
        if args.specifier.starts_with('\0')
            || !matches!(
                args.kind,
                ImportKind::Import | ImportKind::DynamicImport | ImportKind::Require
            )
        {
            return ResolveStart::Done(None);
        }
        if importer.starts_with('\0') {
            // A virtual module has no directory; the app's packages are found from its root.
            return ResolveStart::Continue(Cow::Owned(self.root_importer.to_string()));
        }
        ResolveStart::Continue(Cow::Borrowed(importer))
    }

    /// What a server bundle loads for `id` when Switchyard serves it: a virtual module.
    /// (Stylesheets' stand-ins come from the plugins, which hold the build's stylesheets.)
    pub(crate) fn load_for_server(&self, id: &str) -> Option<HookLoadOutput> {
        self.load(id).map(|code| js_module(&code))
    }

    /// The source of the virtual module `id`, if it is one.
    pub(crate) fn load(&self, id: &str) -> Option<Arc<str>> {
        if id == BUILD_INFO_ID {
            return Some(self.build_info.clone());
        }
        if let Some((_, source)) = self.entries.iter().find(|(entry, _)| entry == id) {
            return Some(source.clone());
        }
        if let Some(module) = id.strip_prefix(COMMONJS_FACE_PREFIX) {
            return Some(Arc::from(commonjs_face(module)));
        }
        BUILTINS
            .iter()
            .find(|builtin| builtin.id == id)
            .map(|builtin| Arc::from(builtin.source))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn modules(entry: &BundleEntry) -> VirtualModules {
        VirtualModules::new(
            Path::new("/app"),
            entry,
            Arc::from("export const buildId = 'x';"),
        )
    }

    #[test]
    fn resolves_built_ins_from_anywhere_and_the_entry_only_as_input() {
        let entry = BundleEntry {
            file: PathBuf::from("/app/middleware.ts"),
            wrap: Wrap::Middleware {
                page: "/middleware".to_string(),
            },
            next_config: Some(serde_json::json!({ "basePath": "/docs" })),
        };
        let modules = modules(&entry);
        let server = builtin("next/server").unwrap().id;
        let adapter = builtin("next/adapter").unwrap().id;
        assert_eq!(entry.input(), ENTRY_ID);
        assert_eq!(modules.resolve(ENTRY_ID, None), Some(ENTRY_ID));
        assert_eq!(modules.resolve(ENTRY_ID, Some("/app/x.js")), None);
        assert_eq!(
            modules.resolve("next/server", Some("/app/node_modules/lib/index.js")),
            Some(server)
        );
        assert_eq!(
            modules.resolve("next/link.js", Some("/app/x.js")),
            builtin("next/link").map(|b| b.id)
        );
        assert_eq!(
            modules.resolve(
                "next/dist/client/link.js",
                Some("/app/node_modules/ui/index.js")
            ),
            builtin("next/link").map(|b| b.id)
        );
        assert_eq!(
            modules.resolve(
                "next/dist/server/web/spec-extension/response",
                Some("/app/x.js")
            ),
            Some(server)
        );
        assert_eq!(modules.resolve("next/script", Some("/app/x.js")), None);
        assert_eq!(
            modules.resolve(
                "next/dist/shared/lib/image-external",
                Some("/app/node_modules/ui/index.js")
            ),
            builtin("next/image").map(|b| b.id)
        );
        assert!(is_next_specifier("next/image") && is_next_specifier("next"));
        assert!(!is_next_specifier("next/package.json") && !is_next_specifier("nextra"));
        assert!(no_builtin_message("next/dist/x").contains("file inside the `next` package"));
        assert_eq!(modules.resolve("./server.js", Some(adapter)), Some(server));
        assert_eq!(modules.resolve("./server.js", Some("/app/x.js")), None);
        assert_eq!(
            modules.resolve("next/internal/build-info", Some(adapter)),
            Some(BUILD_INFO_ID)
        );
        assert_eq!(
            modules.load(BUILD_INFO_ID).as_deref(),
            Some("export const buildId = 'x';")
        );
        let source = modules.load(ENTRY_ID).unwrap();
        assert!(
            source.contains("import * as mod from \"/app/middleware.ts\";"),
            "{source}"
        );
        assert!(
            source.contains(
                "export default adaptMiddleware(mod, \"/middleware\", { nextConfig: {\"basePath\":\"/docs\"} });"
            ),
            "{source}"
        );
        assert!(modules.load(server).unwrap().contains("NextResponse"));

        let plain = BundleEntry::file(PathBuf::from("/app/pages/api/a.js"));
        assert_eq!(plain.input(), "/app/pages/api/a.js");
        assert_eq!(self::modules(&plain).resolve(ENTRY_ID, None), None);
    }

    #[test]
    fn a_page_entry_brings_its_companions_and_adapter() {
        let files = switchyard_app::SpecialFiles {
            app: Some(PathBuf::from("pages/_app.js")),
            document: None,
            error: None,
        };
        let entry = BundleEntry {
            file: PathBuf::from("/app/pages/index.js"),
            wrap: Wrap::Page {
                page: "/".to_string(),
                edge: true,
                special: SpecialModules::new(Path::new("/app"), &files),
            },
            next_config: None,
        };
        let source = entry.source().unwrap();
        assert!(
            source.contains("import * as app from \"/app/pages/_app.js\";"),
            "{source}"
        );
        assert!(
            source.contains("import * as document from \"next/document\";"),
            "{source}"
        );
        assert!(source.contains("next/internal/page-edge"), "{source}");
        assert!(!entry.is_builtin());
        assert!(BundleEntry::file(PathBuf::from("next/error")).is_builtin());
    }
}
