//! The parts of `next.config.*` the project model uses, checked with Next.js's messages.

pub(crate) mod jsc;
pub(crate) mod keys;
pub(crate) mod load;
pub(crate) mod module;
pub(crate) mod node;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::Runtime;

/// The page extensions used when the config names none: Next.js's defaults, plus `.mjs`.
pub const DEFAULT_PAGE_EXTENSIONS: [&str; 5] = ["tsx", "ts", "jsx", "js", "mjs"];

/// The app's `next.config.*`, evaluated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NextConfig {
    /// The config file, relative to the app root; `None` when the app has none.
    pub file: Option<PathBuf>,
    /// `pageExtensions`: which files under `pages/` are entries.
    pub page_extensions: Vec<String>,
    /// `experimental.runtime`: the runtime for pages that export `getServerSideProps` or
    /// `getStaticProps` and declare none (reference §1.3).
    pub default_runtime: Option<Runtime>,
    /// `basePath`, `""` when unset.
    pub base_path: String,
    /// `trailingSlash`.
    pub trailing_slash: bool,
    /// `compress`: gzip responses (default true).
    pub compress: bool,
    /// The whole evaluated config as JSON. Functions are dropped, except that `rewrites`,
    /// `redirects` and `headers` hold the values their functions returned.
    pub raw: Json,
}

impl Default for NextConfig {
    fn default() -> Self {
        NextConfig {
            file: None,
            page_extensions: DEFAULT_PAGE_EXTENSIONS.map(String::from).to_vec(),
            default_runtime: None,
            base_path: String::new(),
            trailing_slash: false,
            compress: true,
            raw: Json::Object(serde_json::Map::new()),
        }
    }
}

impl NextConfig {
    /// Reads the evaluated config `raw` (the file's exported object).
    ///
    /// Errors are Next.js's messages for the same values; `Err` of a `typeof` name means
    /// `raw` is not an object at all.
    pub fn from_json(raw: Json) -> Result<NextConfig, InvalidConfig> {
        let Json::Object(map) = &raw else {
            return Err(InvalidConfig::NotAnObject(type_of(&raw).to_owned()));
        };
        let mut config = NextConfig::default();
        let present = |key: &str| map.get(key).filter(|value| !value.is_null());

        if let Some(value) = present("pageExtensions") {
            config.page_extensions = page_extensions(value)?;
        }
        if let Some(value) = present("basePath") {
            config.base_path = base_path(value)?;
        }
        if let Some(value) = present("trailingSlash") {
            config.trailing_slash = truthy(value);
        }
        if let Some(value) = present("compress") {
            config.compress = truthy(value);
        }
        if let Some(value) =
            present("experimental").and_then(|experimental| experimental.get("runtime"))
        {
            config.default_runtime = experimental_runtime(value)?;
        }
        config.raw = raw;
        Ok(config)
    }
}

/// A config value Next.js rejects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvalidConfig {
    /// The config is not an object; holds what `typeof` says it is.
    NotAnObject(String),
    /// A value is invalid; holds Next.js's message.
    Value(String),
}

fn page_extensions(value: &Json) -> Result<Vec<String>, InvalidConfig> {
    let Json::Array(items) = value else {
        return Err(InvalidConfig::Value(format!(
            "Specified pageExtensions is not an array of strings, found \"{}\". Please update this config or remove it.",
            js_string(value)
        )));
    };
    if items.is_empty() {
        return Err(InvalidConfig::Value(
            "Specified pageExtensions is an empty array. Please update it with the relevant extensions or remove it."
                .to_owned(),
        ));
    }
    items
        .iter()
        .map(|item| match item {
            Json::String(extension) => Ok(extension.clone()),
            other => Err(InvalidConfig::Value(format!(
                "Specified pageExtensions is not an array of strings, found \"{}\" of type \"{}\". Please update this config or remove it.",
                js_string(other),
                type_of(other)
            ))),
        })
        .collect()
}

fn base_path(value: &Json) -> Result<String, InvalidConfig> {
    let Json::String(path) = value else {
        return Err(InvalidConfig::Value(format!(
            "Specified basePath is not a string, found type \"{}\"",
            type_of(value)
        )));
    };
    if path.is_empty() {
        return Ok(String::new());
    }
    if path == "/" {
        return Err(InvalidConfig::Value(
            "Specified basePath /. basePath has to be either an empty string or a path prefix"
                .to_owned(),
        ));
    }
    if !path.starts_with('/') {
        return Err(InvalidConfig::Value(format!(
            "Specified basePath has to start with a /, found \"{path}\""
        )));
    }
    if path.ends_with('/') {
        return Err(InvalidConfig::Value(format!(
            "Specified basePath should not end with /, found \"{path}\""
        )));
    }
    Ok(path.clone())
}

fn experimental_runtime(value: &Json) -> Result<Option<Runtime>, InvalidConfig> {
    const OPTIONS: &str = "edge, experimental-edge, nodejs";
    match value {
        Json::Null => Ok(None),
        Json::String(text) => match text.as_str() {
            "edge" | "experimental-edge" => Ok(Some(Runtime::Edge)),
            "nodejs" => Ok(Some(Runtime::Nodejs)),
            other => Err(InvalidConfig::Value(format!(
                "Provided runtime \"{other}\" is not supported. Please leave it empty or choose one of: {OPTIONS}"
            ))),
        },
        _ => Err(InvalidConfig::Value(format!(
            "The `runtime` config must be a string. Please leave it empty or choose one of: {OPTIONS}"
        ))),
    }
}

/// `typeof` of a JSON value.
fn type_of(value: &Json) -> &'static str {
    match value {
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Null | Json::Array(_) | Json::Object(_) => "object",
    }
}

/// `String(value)` of a JSON value, as a template literal would print it.
fn js_string(value: &Json) -> String {
    match value {
        Json::String(text) => text.clone(),
        Json::Array(items) => items
            .iter()
            .map(|item| {
                if item.is_null() {
                    String::new()
                } else {
                    js_string(item)
                }
            })
            .collect::<Vec<_>>()
            .join(","),
        Json::Object(_) => "[object Object]".to_owned(),
        other => other.to_string(),
    }
}

fn truthy(value: &Json) -> bool {
    match value {
        Json::Null => false,
        Json::Bool(flag) => *flag,
        Json::Number(number) => number.as_f64().is_some_and(|n| n != 0.0 && !n.is_nan()),
        Json::String(text) => !text.is_empty(),
        Json::Array(_) | Json::Object(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{InvalidConfig, NextConfig};
    use crate::Runtime;

    fn invalid(raw: serde_json::Value) -> String {
        match NextConfig::from_json(raw) {
            Err(InvalidConfig::Value(message)) => message,
            other => panic!("expected an invalid value, got {other:?}"),
        }
    }

    #[test]
    fn defaults_when_keys_are_absent() {
        let config = NextConfig::from_json(json!({ "reactStrictMode": true })).unwrap();
        assert_eq!(config.page_extensions, ["tsx", "ts", "jsx", "js", "mjs"]);
        assert_eq!(config.default_runtime, None);
        assert_eq!(config.base_path, "");
        assert!(!config.trailing_slash);
        assert_eq!(config.raw, json!({ "reactStrictMode": true }));
    }

    #[test]
    fn reads_the_keys_it_knows() {
        let config = NextConfig::from_json(json!({
            "pageExtensions": ["page.tsx", "api.ts"],
            "basePath": "/docs",
            "trailingSlash": true,
            "experimental": { "runtime": "experimental-edge" },
        }))
        .unwrap();
        assert_eq!(config.page_extensions, ["page.tsx", "api.ts"]);
        assert_eq!(config.base_path, "/docs");
        assert!(config.trailing_slash);
        assert_eq!(config.default_runtime, Some(Runtime::Edge));
        let config = NextConfig::from_json(
            json!({ "experimental": { "runtime": "nodejs" }, "basePath": null }),
        )
        .unwrap();
        assert_eq!(config.default_runtime, Some(Runtime::Nodejs));
        assert_eq!(config.base_path, "");
    }

    #[test]
    fn page_extensions_errors_use_next_wording() {
        assert_eq!(
            invalid(json!({ "pageExtensions": "js" })),
            "Specified pageExtensions is not an array of strings, found \"js\". Please update this config or remove it."
        );
        assert_eq!(
            invalid(json!({ "pageExtensions": [] })),
            "Specified pageExtensions is an empty array. Please update it with the relevant extensions or remove it."
        );
        assert_eq!(
            invalid(json!({ "pageExtensions": ["js", 123] })),
            "Specified pageExtensions is not an array of strings, found \"123\" of type \"number\". Please update this config or remove it."
        );
    }

    #[test]
    fn base_path_errors_use_next_wording() {
        assert_eq!(
            invalid(json!({ "basePath": "docs" })),
            "Specified basePath has to start with a /, found \"docs\""
        );
        assert_eq!(
            invalid(json!({ "basePath": "/docs/" })),
            "Specified basePath should not end with /, found \"/docs/\""
        );
        assert_eq!(
            invalid(json!({ "basePath": "/" })),
            "Specified basePath /. basePath has to be either an empty string or a path prefix"
        );
        assert_eq!(
            invalid(json!({ "basePath": 5 })),
            "Specified basePath is not a string, found type \"number\""
        );
    }

    #[test]
    fn experimental_runtime_is_checked() {
        assert_eq!(
            invalid(json!({ "experimental": { "runtime": "bun" } })),
            "Provided runtime \"bun\" is not supported. Please leave it empty or choose one of: edge, experimental-edge, nodejs"
        );
        assert_eq!(
            invalid(json!({ "experimental": { "runtime": 1 } })),
            "The `runtime` config must be a string. Please leave it empty or choose one of: edge, experimental-edge, nodejs"
        );
    }

    #[test]
    fn a_config_that_is_not_an_object_is_rejected() {
        assert_eq!(
            NextConfig::from_json(json!([1])),
            Err(InvalidConfig::NotAnObject("object".into()))
        );
        assert_eq!(
            NextConfig::from_json(json!("x")),
            Err(InvalidConfig::NotAnObject("string".into()))
        );
    }
}
