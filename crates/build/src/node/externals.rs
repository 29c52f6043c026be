//! Which packages a Node.js bundle may leave to `require` at run time: only those Node.js
//! loads as CommonJS, and the same file from the bundle as from the module importing them.
//! Every other package module is bundled.
//!
//! This is how Next.js decides for server bundles with `esmExternals` off (`resolveExternal`
//! and `handleExternals` in packages/next/src/build/handle-externals.ts): it resolves the
//! import with Node's CommonJS options, bundles it when that finds nothing or finds an ES
//! module (`.mjs`, or `.js` whose nearest package.json says `"type": "module"`), and bundles
//! it when resolving from the app directory, where the bundle runs, finds another file. With
//! `esmExternals` on, Next.js loads ES module packages with `import()` instead; a CommonJS
//! bundle loads its externals with a synchronous `require`, so Switchyard bundles them. An ES
//! module left to `require` throws before Node.js 20.19, and after it comes back as a
//! namespace object, which rolldown's interop for importers that are ES modules themselves
//! takes whole as the default export.

use std::path::Path;

use oxc_resolver::{ModuleType, ResolveOptions, Resolver};

/// Why a package module is bundled rather than left to `require`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BundleReason {
    /// `require` would load an ES module.
    EsModule,
    /// `require` finds nothing: the package's `exports` offer it only to `import`.
    NotRequirable,
    /// `require` from the bundle finds another file (or none) than from its importer, as for a
    /// version nested in another package's `node_modules`.
    OtherCopy,
}

/// Where an import of a package goes in a Node.js bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Placement {
    /// Left to `require`: Node.js loads the same CommonJS file at run time.
    External,
    /// Compiled into the bundle.
    Bundled(BundleReason),
}

/// The conditions Node.js's `require` matches in `exports` (`default` always matches).
/// `module-sync` is matched by Node.js 20.19 and later, where `require` may load the ES
/// module it names: a package offering one is bundled, whichever Node.js runs it.
const REQUIRE_CONDITIONS: [&str; 4] = ["require", "node", "node-addons", "module-sync"];

/// Node.js's CommonJS resolution, as `require` runs at run time.
#[derive(Debug)]
pub(crate) struct NodeRequire {
    resolver: Resolver,
}

impl NodeRequire {
    /// A resolver with `require`'s conditions, `main`, its extensions and real paths.
    pub(crate) fn new() -> Self {
        let resolver = Resolver::new(ResolveOptions {
            condition_names: REQUIRE_CONDITIONS.map(String::from).to_vec(),
            main_fields: vec!["main".to_string()],
            extensions: [".js", ".json", ".node"].map(String::from).to_vec(),
            // What the worker's environment holds is not known at build time.
            node_path: false,
            module_type: true,
            ..ResolveOptions::default()
        });
        Self { resolver }
    }

    /// Where `specifier`, a package imported by a module in `importer_dir`, goes in a bundle
    /// that runs in the app at `root` (its `require`s resolve from there).
    pub(crate) fn placement(&self, specifier: &str, importer_dir: &Path, root: &Path) -> Placement {
        let Ok(wanted) = self.resolver.resolve(importer_dir, specifier) else {
            return Placement::Bundled(BundleReason::NotRequirable);
        };
        if is_es_module(wanted.module_type()) {
            return Placement::Bundled(BundleReason::EsModule);
        }
        match self.resolver.resolve(root, specifier) {
            Ok(at_run_time) if at_run_time.path() == wanted.path() => Placement::External,
            _ => Placement::Bundled(BundleReason::OtherCopy),
        }
    }
}

/// Whether Node.js loads a file of this type as an ES module. Only a module type says so:
/// `.js` outside any `"type"` is CommonJS to `require`, and JSON and addons load as they are.
fn is_es_module(module_type: Option<ModuleType>) -> bool {
    module_type == Some(ModuleType::Module)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    /// Writes `files` (path, contents) under `dir`.
    fn write(dir: &Path, files: &[(&str, &str)]) {
        for (path, contents) in files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, contents).unwrap();
        }
    }

    /// An app in a temporary folder with `files`, canonical (the resolver gives real paths).
    fn app(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        write(&root, files);
        (dir, root)
    }

    #[test]
    fn only_es_module_types_are_es_modules() {
        assert!(is_es_module(Some(ModuleType::Module)));
        assert!(!is_es_module(Some(ModuleType::CommonJs)));
        assert!(!is_es_module(Some(ModuleType::Json)));
        assert!(!is_es_module(Some(ModuleType::Addon)));
        assert!(!is_es_module(None), ".js outside any \"type\" is CommonJS");
    }

    #[test]
    fn commonjs_packages_stay_external() {
        let (_dir, root) = app(&[
            (
                "node_modules/cjs/package.json",
                r#"{ "main": "lib/index.js" }"#,
            ),
            ("node_modules/cjs/lib/index.js", "module.exports = 1;"),
            (
                "node_modules/typed/package.json",
                r#"{ "type": "commonjs", "main": "index.js" }"#,
            ),
            ("node_modules/typed/index.js", "module.exports = 1;"),
            ("node_modules/typed/data.json", "{}"),
        ]);
        let require = NodeRequire::new();
        let pages = root.join("pages");
        assert_eq!(require.placement("cjs", &pages, &root), Placement::External);
        assert_eq!(
            require.placement("typed", &pages, &root),
            Placement::External
        );
        assert_eq!(
            require.placement("typed/data.json", &pages, &root),
            Placement::External
        );
    }

    #[test]
    fn es_modules_are_bundled() {
        let (_dir, root) = app(&[
            // A `.mjs` file named in full in a CommonJS package (@swc/helpers/src/_extends.mjs).
            (
                "node_modules/helpers/package.json",
                r#"{ "main": "index.js" }"#,
            ),
            ("node_modules/helpers/index.js", "module.exports = {};"),
            ("node_modules/helpers/src/extends.mjs", "export default 1;"),
            (
                "node_modules/typed/package.json",
                r#"{ "type": "module", "main": "index.js" }"#,
            ),
            ("node_modules/typed/index.js", "export default 1;"),
            // `type` is read from the nearest package.json, not the package's root one.
            (
                "node_modules/nested/package.json",
                r#"{ "main": "esm/index.js" }"#,
            ),
            (
                "node_modules/nested/esm/package.json",
                r#"{ "type": "module" }"#,
            ),
            ("node_modules/nested/esm/index.js", "export default 1;"),
            // `require` takes the condition that names an ES module.
            (
                "node_modules/node-esm/package.json",
                r#"{ "exports": { "node": "./index.mjs", "default": "./index.cjs" } }"#,
            ),
            ("node_modules/node-esm/index.mjs", "export default 1;"),
            ("node_modules/node-esm/index.cjs", "module.exports = 1;"),
            // Node.js 20.19+ `require`s the `module-sync` build.
            (
                "node_modules/sync/package.json",
                r#"{ "exports": { "module-sync": "./index.mjs", "default": "./index.cjs" } }"#,
            ),
            ("node_modules/sync/index.mjs", "export default 1;"),
            ("node_modules/sync/index.cjs", "module.exports = 1;"),
        ]);
        let require = NodeRequire::new();
        let pages = root.join("pages");
        for specifier in [
            "helpers/src/extends.mjs",
            "typed",
            "nested",
            "node-esm",
            "sync",
        ] {
            assert_eq!(
                require.placement(specifier, &pages, &root),
                Placement::Bundled(BundleReason::EsModule),
                "{specifier}"
            );
        }
        assert_eq!(
            require.placement("helpers", &pages, &root),
            Placement::External
        );
    }

    #[test]
    fn packages_exported_only_to_import_are_bundled() {
        let (_dir, root) = app(&[
            (
                "node_modules/esm-only/package.json",
                r#"{ "exports": { ".": { "import": "./index.js" } } }"#,
            ),
            ("node_modules/esm-only/index.js", "export default 1;"),
            (
                "node_modules/partly/package.json",
                r#"{ "exports": { ".": "./index.js", "./esm": { "import": "./esm.mjs" } } }"#,
            ),
            ("node_modules/partly/index.js", "module.exports = 1;"),
            ("node_modules/partly/esm.mjs", "export default 1;"),
        ]);
        let require = NodeRequire::new();
        let pages = root.join("pages");
        for specifier in ["esm-only", "partly/esm", "missing"] {
            assert_eq!(
                require.placement(specifier, &pages, &root),
                Placement::Bundled(BundleReason::NotRequirable),
                "{specifier}"
            );
        }
        assert_eq!(
            require.placement("partly", &pages, &root),
            Placement::External
        );
    }

    #[test]
    fn dual_packages_stay_external_as_their_commonjs_build() {
        let (_dir, root) = app(&[
            (
                "node_modules/dual/package.json",
                r#"{ "type": "module", "exports": {
                    ".": { "import": "./index.js", "require": "./index.cjs" } } }"#,
            ),
            ("node_modules/dual/index.js", "export default 1;"),
            ("node_modules/dual/index.cjs", "module.exports = 1;"),
        ]);
        assert_eq!(
            NodeRequire::new().placement("dual", &root.join("pages"), &root),
            Placement::External
        );
    }

    #[test]
    fn a_copy_the_bundle_would_not_find_is_bundled() {
        let (_dir, root) = app(&[
            ("node_modules/dep/package.json", r#"{ "version": "2.0.0" }"#),
            ("node_modules/dep/index.js", "module.exports = 2;"),
            ("node_modules/kit/package.json", r#"{ "type": "module" }"#),
            ("node_modules/kit/index.js", "export default 1;"),
            (
                "node_modules/kit/node_modules/dep/package.json",
                r#"{ "version": "1.0.0" }"#,
            ),
            (
                "node_modules/kit/node_modules/dep/index.js",
                "module.exports = 1;",
            ),
            ("node_modules/kit/node_modules/only-here/package.json", "{}"),
            (
                "node_modules/kit/node_modules/only-here/index.js",
                "module.exports = 1;",
            ),
        ]);
        let require = NodeRequire::new();
        let kit = root.join("node_modules/kit");
        for specifier in ["dep", "only-here"] {
            assert_eq!(
                require.placement(specifier, &kit, &root),
                Placement::Bundled(BundleReason::OtherCopy),
                "{specifier}"
            );
        }
        assert_eq!(
            require.placement("dep", &root.join("pages"), &root),
            Placement::External
        );
    }
}
