//! Next.js's rule for global stylesheets in the pages router: a global stylesheet of the app
//! (not a CSS module) may be imported only by the custom `<App>` (`pages/_app`); one from a
//! package (or from outside the app) may be imported by any of the app's files, and by no
//! package, unless next.config sets `transpilePackages`. The messages are Next.js's
//! (packages/next/src/build/webpack/config/blocks/css/messages.ts).

use std::path::{Component, Path, PathBuf};

use super::class_names::is_css_module;

/// Next.js's error for a global stylesheet of the app imported elsewhere than `pages/_app`.
pub(crate) const GLOBAL_IMPORT_ERROR: &str = "Global CSS cannot be imported from files other than your Custom <App>. Due to the Global nature of stylesheets, and to avoid conflicts, Please move all first-party global CSS imports to pages/_app.js. Or convert the import to Component-Level CSS (CSS Modules).\nRead more: https://nextjs.org/docs/messages/css-global";

/// Next.js's error for a global stylesheet imported by a package.
pub(crate) const GLOBAL_MODULE_IMPORT_ERROR: &str = "Global CSS cannot be imported from within node_modules.\nRead more: https://nextjs.org/docs/messages/css-npm";

/// An import the rule forbids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Violation {
    /// A global stylesheet imported by a file other than `pages/_app`.
    OutsideApp,
    /// A global stylesheet imported by a package.
    FromPackage,
}

impl Violation {
    /// Next.js's message.
    pub(crate) fn message(self) -> &'static str {
        match self {
            Violation::OutsideApp => GLOBAL_IMPORT_ERROR,
            Violation::FromPackage => GLOBAL_MODULE_IMPORT_ERROR,
        }
    }
}

/// The rule for one app.
#[derive(Debug, Clone)]
pub(crate) struct GlobalCssRule {
    root: PathBuf,
    /// The custom App's file, absolute; `None` when the app has none.
    app: Option<PathBuf>,
    /// next.config's `transpilePackages` is set: packages may import their stylesheets.
    external_imports: bool,
}

impl GlobalCssRule {
    /// The rule for the app at `root` (canonical) whose custom App is `app`.
    pub(crate) fn new(root: &Path, app: Option<PathBuf>, external_imports: bool) -> Self {
        Self {
            root: root.to_path_buf(),
            app,
            external_imports,
        }
    }

    /// Whether `importer` may import `stylesheet` (both absolute).
    pub(crate) fn check(&self, importer: &Path, stylesheet: &Path) -> Result<(), Violation> {
        if is_css_module(&stylesheet.to_string_lossy()) {
            return Ok(());
        }
        let importer_is_app_code = importer.starts_with(&self.root) && !in_node_modules(importer);
        let external = in_node_modules(stylesheet) || !stylesheet.starts_with(&self.root);
        if external && (importer_is_app_code || self.external_imports) {
            return Ok(());
        }
        if self.app.as_deref() == Some(importer) {
            return Ok(());
        }
        if in_node_modules(importer) && !self.external_imports {
            return Err(Violation::FromPackage);
        }
        Err(Violation::OutsideApp)
    }
}

/// Whether `path` is inside a `node_modules` directory.
fn in_node_modules(path: &Path) -> bool {
    path.components()
        .any(|component| component == Component::Normal("node_modules".as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(external_imports: bool) -> GlobalCssRule {
        GlobalCssRule::new(
            Path::new("/app"),
            Some(PathBuf::from("/app/pages/_app.js")),
            external_imports,
        )
    }

    fn check(rule: &GlobalCssRule, importer: &str, stylesheet: &str) -> Result<(), Violation> {
        rule.check(Path::new(importer), Path::new(stylesheet))
    }

    #[test]
    fn the_apps_global_stylesheets_belong_to_the_custom_app() {
        let rule = rule(false);
        assert_eq!(
            check(&rule, "/app/pages/_app.js", "/app/styles/g.css"),
            Ok(())
        );
        assert_eq!(
            check(&rule, "/app/pages/_app.js", "/app/styles/g.scss"),
            Ok(())
        );
        assert_eq!(
            check(&rule, "/app/pages/index.js", "/app/styles/g.css"),
            Err(Violation::OutsideApp)
        );
        assert_eq!(
            check(&rule, "/app/components/Layout.js", "/app/styles/g.sass"),
            Err(Violation::OutsideApp)
        );
    }

    #[test]
    fn css_modules_go_anywhere() {
        let rule = rule(false);
        assert_eq!(
            check(&rule, "/app/pages/index.js", "/app/a.module.css"),
            Ok(())
        );
        assert_eq!(
            check(
                &rule,
                "/app/node_modules/ui/a.js",
                "/app/node_modules/ui/a.module.scss"
            ),
            Ok(())
        );
    }

    #[test]
    fn packages_stylesheets_go_in_any_app_file_but_not_in_packages() {
        let rule = rule(false);
        assert_eq!(
            check(
                &rule,
                "/app/pages/index.js",
                "/app/node_modules/ui/style.css"
            ),
            Ok(())
        );
        assert_eq!(
            check(&rule, "/app/pages/index.js", "/repo/packages/ui/style.css"),
            Ok(())
        );
        assert_eq!(
            check(
                &rule,
                "/app/node_modules/ui/index.js",
                "/app/node_modules/ui/style.css"
            ),
            Err(Violation::FromPackage)
        );
        let transpiled = super::tests::rule(true);
        assert_eq!(
            check(
                &transpiled,
                "/app/node_modules/ui/index.js",
                "/app/node_modules/ui/style.css"
            ),
            Ok(())
        );
    }

    #[test]
    fn an_app_without_a_custom_app_may_not_import_its_global_stylesheets() {
        let rule = GlobalCssRule::new(Path::new("/app"), None, false);
        assert_eq!(
            check(&rule, "/app/pages/_app.js", "/app/styles/g.css"),
            Err(Violation::OutsideApp)
        );
    }
}
