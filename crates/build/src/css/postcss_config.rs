//! Finding the app's PostCSS config where `next build` finds it: the `postcss` key of the
//! nearest `package.json` wins; otherwise the first config file found from the app root up.
//! The config is read (and its plugins loaded) in Node.js, by `js/build/css.js`.

use std::path::{Path, PathBuf};

use serde::Serialize;

/// The config files Next.js looks for in each directory, in its order, and `.postcssrc` (JSON,
/// as PostCSS's own loader reads it) first.
const CONFIG_FILES: [&str; 7] = [
    ".postcssrc",
    ".postcssrc.json",
    "postcss.config.json",
    ".postcssrc.js",
    "postcss.config.js",
    "postcss.config.mjs",
    "postcss.config.cjs",
];

/// How a config is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) enum ConfigFormat {
    /// The `postcss` key of `package.json`, handed over as it is.
    Package,
    /// A JSON file (comments allowed, as Next.js reads them with JSON5).
    Json,
    /// A JavaScript module, CommonJS or ESM.
    Module,
}

/// The app's PostCSS config.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct PostcssConfig {
    /// The file it is in (`package.json` for its `postcss` key), absolute.
    pub file: PathBuf,
    pub format: ConfigFormat,
    /// The `postcss` key of `package.json`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
}

/// The PostCSS config of the app at `root`, if it has one.
pub(crate) fn find_postcss_config(root: &Path) -> Option<PostcssConfig> {
    if let Some(config) = package_json_config(root) {
        return Some(config);
    }
    root.ancestors().find_map(|dir| {
        CONFIG_FILES.iter().find_map(|name| {
            let file = dir.join(name);
            file.is_file().then(|| PostcssConfig {
                format: format_of(name),
                file,
                value: None,
            })
        })
    })
}

/// The `postcss` key of the nearest `package.json`, when it holds an object.
fn package_json_config(root: &Path) -> Option<PostcssConfig> {
    let file = root
        .ancestors()
        .map(|dir| dir.join("package.json"))
        .find(|file| file.is_file())?;
    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).ok()?).ok()?;
    let value = manifest.get("postcss").filter(|value| value.is_object())?;
    Some(PostcssConfig {
        file,
        format: ConfigFormat::Package,
        value: Some(value.clone()),
    })
}

fn format_of(name: &str) -> ConfigFormat {
    if name.ends_with(".js") || name.ends_with(".mjs") || name.ends_with(".cjs") {
        ConfigFormat::Module
    } else {
        ConfigFormat::Json
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn an_app_without_a_config_has_none() {
        let dir = tempfile::tempdir().unwrap();
        let app = dir.path().join("app");
        write(&app, "package.json", r#"{ "name": "app" }"#);
        assert_eq!(find_postcss_config(&app), None);
    }

    #[test]
    fn package_json_wins_over_files() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "package.json",
            r#"{ "postcss": { "plugins": { "autoprefixer": {} } } }"#,
        );
        write(dir.path(), "postcss.config.js", "module.exports = {}");
        let config = find_postcss_config(dir.path()).unwrap();
        assert_eq!(config.format, ConfigFormat::Package);
        assert_eq!(config.file, dir.path().join("package.json"));
        assert_eq!(
            config.value,
            Some(serde_json::json!({ "plugins": { "autoprefixer": {} } }))
        );
    }

    #[test]
    fn a_postcss_key_that_is_not_an_object_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "package.json", r#"{ "postcss": "8" }"#);
        write(dir.path(), "postcss.config.mjs", "export default {}");
        let config = find_postcss_config(dir.path()).unwrap();
        assert_eq!(config.file, dir.path().join("postcss.config.mjs"));
        assert_eq!(config.format, ConfigFormat::Module);
    }

    #[test]
    fn files_are_taken_in_next_order() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "postcss.config.cjs", "");
        write(dir.path(), "postcss.config.js", "");
        write(dir.path(), ".postcssrc.json", "{}");
        let config = find_postcss_config(dir.path()).unwrap();
        assert_eq!(config.file, dir.path().join(".postcssrc.json"));
        assert_eq!(config.format, ConfigFormat::Json);
        write(dir.path(), ".postcssrc", "{}");
        let config = find_postcss_config(dir.path()).unwrap();
        assert_eq!(config.file, dir.path().join(".postcssrc"));
        assert_eq!(config.format, ConfigFormat::Json);
    }

    #[test]
    fn a_config_above_the_app_counts_and_the_nearest_wins() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "postcss.config.js", "");
        let app = dir.path().join("apps/web");
        write(&app, "package.json", "{}");
        assert_eq!(
            find_postcss_config(&app).unwrap().file,
            dir.path().join("postcss.config.js")
        );
        write(&app, "postcss.config.cjs", "");
        assert_eq!(
            find_postcss_config(&app).unwrap().file,
            app.join("postcss.config.cjs")
        );
    }
}
