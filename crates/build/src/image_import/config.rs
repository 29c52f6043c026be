//! next.config `images`, read as Next.js normalizes it: the default `path` gets the base path
//! (and a trailing slash under `trailingSlash`), `remotePatterns` given as `URL`s (which the
//! config's JSON holds as their `href`) become patterns. A value of the wrong type is left at
//! its default rather than failing the build.

use serde_json::Value as Json;
use switchyard_app::NextConfig;
use switchyard_output::{ImageConfig, RemotePattern};

/// The endpoint's path before the base path is put in front of it.
const DEFAULT_PATH: &str = "/_next/image";

/// Next.js's bounds of `deviceSizes` and `imageSizes` entries.
const MAX_SIZE: u64 = 10_000;

/// The `images` config of the app whose next.config is `config` (`None`: no config file).
pub(crate) fn image_config(config: Option<&NextConfig>) -> ImageConfig {
    let mut images = ImageConfig::default();
    let Some(config) = config else {
        return images;
    };
    let raw = config.raw.get("images").and_then(Json::as_object);
    if let Some(raw) = raw {
        let sizes = |key: &str, max: u64| -> Option<Vec<u32>> {
            let list = raw.get(key)?.as_array()?;
            let sizes: Option<Vec<u32>> = list
                .iter()
                .map(|size| {
                    size.as_u64()
                        .filter(|size| (1..=max).contains(size))
                        .and_then(|size| u32::try_from(size).ok())
                })
                .collect();
            sizes.filter(|sizes| !sizes.is_empty())
        };
        let text = |key: &str| raw.get(key).and_then(Json::as_str).map(str::to_string);
        let flag = |key: &str| raw.get(key).and_then(Json::as_bool);
        if let Some(sizes) = sizes("deviceSizes", MAX_SIZE) {
            images.device_sizes = sizes;
        }
        if let Some(sizes) = sizes("imageSizes", MAX_SIZE) {
            images.image_sizes = sizes;
        }
        if let Some(qualities) = sizes("qualities", 100) {
            images.qualities = qualities;
        }
        if let Some(path) = text("path") {
            images.path = path;
        }
        if let Some(loader) = text("loader").filter(|loader| !loader.is_empty()) {
            images.loader = loader;
        }
        images.unoptimized = flag("unoptimized").unwrap_or(false);
        images.dangerously_allow_svg = flag("dangerouslyAllowSVG").unwrap_or(false);
        images.disable_static_images = flag("disableStaticImages").unwrap_or(false);
        if let Some(domains) = raw.get("domains").and_then(Json::as_array) {
            images.domains = domains
                .iter()
                .filter_map(|domain| domain.as_str().map(str::to_string))
                .collect();
        }
        if let Some(patterns) = raw.get("remotePatterns").and_then(Json::as_array) {
            images.remote_patterns = patterns.iter().filter_map(remote_pattern).collect();
        }
        if let Some(seconds) = raw.get("minimumCacheTTL").and_then(Json::as_u64) {
            images.minimum_cache_ttl = seconds;
        }
        if let Some(policy) = text("contentSecurityPolicy") {
            images.content_security_policy = policy;
        }
        if let Some(kind) =
            text("contentDispositionType").filter(|kind| kind == "inline" || kind == "attachment")
        {
            images.content_disposition_type = kind;
        }
    }
    let base_path = &config.base_path;
    if images.path == DEFAULT_PATH && !base_path.is_empty() {
        images.path = format!("{base_path}{DEFAULT_PATH}");
    }
    if !images.path.ends_with('/') && (images.loader != "default" || config.trailing_slash) {
        images.path.push('/');
    }
    images
}

/// One entry of `remotePatterns`: an object, or a `URL` (its `href` in the config's JSON).
/// Entries without a host name, or with another protocol than HTTP(S), are dropped (Next.js
/// refuses the config).
fn remote_pattern(entry: &Json) -> Option<RemotePattern> {
    if let Some(href) = entry.as_str() {
        let url = url::Url::parse(href).ok()?;
        let pattern = RemotePattern {
            protocol: Some(url.scheme().to_string()),
            hostname: url.host_str()?.to_string(),
            port: Some(url.port().map(|port| port.to_string()).unwrap_or_default()),
            pathname: Some(url.path().to_string()),
            search: Some(match url.query() {
                Some(query) if !query.is_empty() => format!("?{query}"),
                _ => String::new(),
            }),
        };
        return http_only(pattern);
    }
    let entry = entry.as_object()?;
    let text = |key: &str| -> Option<String> {
        match entry.get(key)? {
            Json::String(text) => Some(text.clone()),
            Json::Number(number) => Some(number.to_string()),
            _ => None,
        }
    };
    http_only(RemotePattern {
        protocol: text("protocol").map(|protocol| protocol.trim_end_matches(':').to_string()),
        hostname: text("hostname")?,
        port: text("port"),
        pathname: text("pathname"),
        search: text("search"),
    })
}

fn http_only(pattern: RemotePattern) -> Option<RemotePattern> {
    match pattern.protocol.as_deref() {
        None | Some("http" | "https") => Some(pattern),
        Some(_) => None,
    }
}

/// The source of `next/internal/image-config`: what `next/image` renders with, as Next.js
/// gives its component in production (no patterns: those are the server's).
pub(crate) fn component_config_module(images: &ImageConfig) -> String {
    let config = serde_json::json!({
        "deviceSizes": images.device_sizes,
        "imageSizes": images.image_sizes,
        "qualities": images.qualities,
        "path": images.path,
        "loader": images.loader,
        "dangerouslyAllowSVG": images.dangerously_allow_svg,
        "unoptimized": images.unoptimized,
    });
    format!("export default {config};\n")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn config(raw: Json, base_path: &str, trailing_slash: bool) -> ImageConfig {
        let next = NextConfig {
            raw,
            base_path: base_path.to_string(),
            trailing_slash,
            ..NextConfig::default()
        };
        image_config(Some(&next))
    }

    #[test]
    fn defaults_get_the_base_path_and_trailing_slash() {
        assert_eq!(image_config(None), ImageConfig::default());
        assert_eq!(config(json!({}), "/docs", false).path, "/docs/_next/image");
        assert_eq!(config(json!({}), "/docs", true).path, "/docs/_next/image/");
        let own = config(json!({ "images": { "path": "/img" } }), "/docs", false);
        assert_eq!(own.path, "/img");
        let imgix = config(
            json!({ "images": { "loader": "imgix", "path": "https://a.imgix.net" } }),
            "",
            false,
        );
        assert_eq!(imgix.path, "https://a.imgix.net/");
    }

    #[test]
    fn reads_what_is_set_and_keeps_defaults_for_wrong_values() {
        let images = config(
            json!({ "images": {
                "deviceSizes": [320, 640],
                "imageSizes": [0, 16],
                "qualities": [50, 80],
                "unoptimized": true,
                "dangerouslyAllowSVG": true,
                "domains": ["cdn.test", 3],
                "minimumCacheTTL": 60,
                "contentDispositionType": "evil",
                "remotePatterns": [
                    { "protocol": "https:", "hostname": "*.example.com", "pathname": "/img/**" },
                    { "hostname": "raw.test", "port": 8080 },
                    { "protocol": "ftp", "hostname": "files.test" },
                    { "pathname": "/no-host" },
                    "https://pics.test:8443/a/**?x=1",
                ],
            } }),
            "",
            false,
        );
        assert_eq!(images.device_sizes, [320, 640]);
        assert_eq!(images.image_sizes, switchyard_output::DEFAULT_IMAGE_SIZES);
        assert_eq!(images.qualities, [50, 80]);
        assert!(images.unoptimized && images.dangerously_allow_svg);
        assert_eq!(images.domains, ["cdn.test"]);
        assert_eq!(images.minimum_cache_ttl, 60);
        assert_eq!(images.content_disposition_type, "attachment");
        let hosts: Vec<&str> = images
            .remote_patterns
            .iter()
            .map(|pattern| pattern.hostname.as_str())
            .collect();
        assert_eq!(hosts, ["*.example.com", "raw.test", "pics.test"]);
        assert_eq!(images.remote_patterns[0].protocol.as_deref(), Some("https"));
        assert_eq!(images.remote_patterns[1].port.as_deref(), Some("8080"));
        let from_url = &images.remote_patterns[2];
        assert_eq!(from_url.port.as_deref(), Some("8443"));
        assert_eq!(from_url.pathname.as_deref(), Some("/a/**"));
        assert_eq!(from_url.search.as_deref(), Some("?x=1"));
    }

    #[test]
    fn the_component_gets_no_patterns() {
        let module = component_config_module(&ImageConfig::default());
        assert!(module.starts_with("export default {"), "{module}");
        assert!(module.contains("\"qualities\":[75]"), "{module}");
        assert!(!module.contains("remotePatterns"), "{module}");
    }
}
