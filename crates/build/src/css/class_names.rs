//! CSS modules' class names as Next.js writes them: `<file>_<class>__<hash>`, `<file>` the
//! module's name without `.module` (its folder's for an `index.module.css`), the hash from
//! the file's place in the app, so the same class in two files differs. The server bundles and
//! the browser build use the same compiled module, so their names always agree.

use std::path::Path;

/// Whether the stylesheet `id` is a CSS module (`.module.css`, `.module.scss`, `.module.sass`).
pub(crate) fn is_css_module(id: &str) -> bool {
    [".module.css", ".module.scss", ".module.sass"]
        .iter()
        .any(|suffix| id.ends_with(suffix))
}

/// The lightningcss pattern for the module at `path`: `about_[local]__[hash]`.
pub(super) fn pattern(path: &Path) -> String {
    let stem = path
        .file_name()
        .map(|name| name.to_string_lossy())
        .unwrap_or_default();
    let stem = stem.split(".module.").next().unwrap_or_default();
    let name = if stem == "index" {
        path.parent()
            .and_then(Path::file_name)
            .map(|folder| folder.to_string_lossy().into_owned())
            .unwrap_or_else(|| stem.to_string())
    } else {
        stem.to_string()
    };
    format!("{}_[local]__[hash]", literal(&name))
}

/// `name` as a literal of a pattern: characters a class name may hold, the rest `_`.
fn literal(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_are_told_by_extension() {
        assert!(is_css_module("/app/a.module.css"));
        assert!(is_css_module("/app/a.module.scss"));
        assert!(is_css_module("/app/a.module.sass"));
        assert!(!is_css_module("/app/a.css"));
        assert!(!is_css_module("/app/module.scss"));
    }

    #[test]
    fn names_follow_next() {
        assert_eq!(
            pattern(Path::new("/app/styles/Home.module.scss")),
            "Home_[local]__[hash]"
        );
        assert_eq!(
            pattern(Path::new("/app/components/card/index.module.css")),
            "card_[local]__[hash]"
        );
        assert_eq!(
            pattern(Path::new("/app/a b[1].module.css")),
            "a_b_1__[local]__[hash]"
        );
    }
}
