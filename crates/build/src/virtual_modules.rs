//! Modules that exist only inside the bundler: Switchyard's built-in `next/server` and its
//! internal `next/adapter` (the JS in `js/next/`), and the generated entry that wraps a
//! route or the middleware with the adapter. Both targets serve them, so `next/server` is
//! always Switchyard's, bundled, whether or not the app installed `next`.

use std::path::PathBuf;
use std::sync::Arc;

use rolldown_common::ImportKind;
use rolldown_plugin::{HookResolveIdArgs, HookResolveIdOutput};

/// Switchyard's `next/server`: `NextRequest`, `NextResponse`, … (an ES module).
const NEXT_SERVER_SOURCE: &str = include_str!("../../../js/next/server.js");

/// Switchyard's internal `next/adapter`: `adaptMiddleware`, `adaptApiRoute` (an ES module).
const NEXT_ADAPTER_SOURCE: &str = include_str!("../../../js/next/adapter.js");

/// The id of the generated entry. The leading NUL is the Rollup convention for virtual
/// modules: no other plugin or the resolver will try to read it from disk.
pub(crate) const ENTRY_ID: &str = "\0switchyard:entry";

const NEXT_SERVER_ID: &str = "\0switchyard:next/server";
const NEXT_ADAPTER_ID: &str = "\0switchyard:next/adapter";

/// How [`VirtualModules::begin_resolve`] left an import.
pub(crate) enum ResolveStart<'a> {
    /// The hook's answer.
    Done(Option<HookResolveIdOutput>),
    /// The target decides, for an import from this importer.
    Continue(&'a str),
}

/// What one bundle is built from: a file of the app, wrapped or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BundleEntry {
    /// The app's file (absolute).
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
        }
    }
}

fn js_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string always serializes")
}

/// The virtual modules one bundle sees; clones share them.
#[derive(Debug, Clone, Default)]
pub(crate) struct VirtualModules {
    /// The generated entry's source, when the bundle has one.
    entry: Option<Arc<str>>,
}

impl VirtualModules {
    /// The virtual modules for a bundle of `entry`.
    pub(crate) fn new(entry: &BundleEntry) -> Self {
        Self {
            entry: entry.source().map(Arc::from),
        }
    }

    /// The virtual module `specifier` names when `importer` (`None` for an entry) imports
    /// it, if it names one.
    pub(crate) fn resolve(&self, specifier: &str, importer: Option<&str>) -> Option<&'static str> {
        let Some(importer) = importer else {
            return (specifier == ENTRY_ID && self.entry.is_some()).then_some(ENTRY_ID);
        };
        match specifier {
            "next/server" | "next/server.js" => Some(NEXT_SERVER_ID),
            "next/adapter" | "next/adapter.js" => Some(NEXT_ADAPTER_ID),
            // The built-in modules may import each other as the files they are.
            "./server" | "./server.js" if is_builtin(importer) => Some(NEXT_SERVER_ID),
            "./adapter" | "./adapter.js" if is_builtin(importer) => Some(NEXT_ADAPTER_ID),
            _ => None,
        }
    }

    /// The steps every target's `resolve_id` hook begins with: a virtual module answers at
    /// once; entries, ids other plugins made (`\0…`) and other import kinds go to rolldown.
    /// `Continue` carries the importer of an import the target resolves by its own rules.
    pub(crate) fn begin_resolve<'a>(&self, args: &HookResolveIdArgs<'a>) -> ResolveStart<'a> {
        if let Some(id) = self.resolve(args.specifier, args.importer) {
            return ResolveStart::Done(Some(HookResolveIdOutput::from_id(id)));
        }
        let Some(importer) = args.importer else {
            // Entries are the route files the project model found; rolldown reports a missing one.
            return ResolveStart::Done(None);
        };
        if args.specifier.starts_with('\0')
            || !matches!(
                args.kind,
                ImportKind::Import | ImportKind::DynamicImport | ImportKind::Require
            )
        {
            return ResolveStart::Done(None);
        }
        ResolveStart::Continue(importer)
    }

    /// The source of the virtual module `id`, if it is one.
    pub(crate) fn load(&self, id: &str) -> Option<Arc<str>> {
        match id {
            ENTRY_ID => self.entry.clone(),
            NEXT_SERVER_ID => Some(Arc::from(NEXT_SERVER_SOURCE)),
            NEXT_ADAPTER_ID => Some(Arc::from(NEXT_ADAPTER_SOURCE)),
            _ => None,
        }
    }
}

fn is_builtin(id: &str) -> bool {
    id == NEXT_SERVER_ID || id == NEXT_ADAPTER_ID
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_built_ins_from_anywhere_and_the_entry_only_as_input() {
        let entry = BundleEntry {
            file: PathBuf::from("/app/middleware.ts"),
            wrap: Wrap::Middleware {
                page: "/middleware".to_string(),
            },
            next_config: Some(serde_json::json!({ "basePath": "/docs" })),
        };
        let modules = VirtualModules::new(&entry);
        assert_eq!(entry.input(), ENTRY_ID);
        assert_eq!(modules.resolve(ENTRY_ID, None), Some(ENTRY_ID));
        assert_eq!(modules.resolve(ENTRY_ID, Some("/app/x.js")), None);
        assert_eq!(
            modules.resolve("next/server", Some("/app/node_modules/lib/index.js")),
            Some(NEXT_SERVER_ID)
        );
        assert_eq!(
            modules.resolve("./server.js", Some(NEXT_ADAPTER_ID)),
            Some(NEXT_SERVER_ID)
        );
        assert_eq!(modules.resolve("./server.js", Some("/app/x.js")), None);
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
        assert!(
            modules
                .load(NEXT_SERVER_ID)
                .unwrap()
                .contains("NextResponse")
        );

        let plain = BundleEntry::file(PathBuf::from("/app/pages/api/a.js"));
        assert_eq!(plain.input(), "/app/pages/api/a.js");
        assert_eq!(VirtualModules::new(&plain).resolve(ENTRY_ID, None), None);
    }
}
