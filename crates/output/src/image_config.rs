//! next.config `images` as the build resolved it: what `next/image` renders with and what the
//! server's `/_next/image` accepts. Unset fields are Next.js 16's defaults.

use serde::{Deserialize, Serialize};

/// Next.js's default `images.deviceSizes`.
pub const DEFAULT_DEVICE_SIZES: [u32; 8] = [640, 750, 828, 1080, 1200, 1920, 2048, 3840];

/// Next.js's default `images.imageSizes`.
pub const DEFAULT_IMAGE_SIZES: [u32; 7] = [32, 48, 64, 96, 128, 256, 384];

/// Next.js 16's default `images.qualities`: only 75.
pub const DEFAULT_QUALITIES: [u32; 1] = [75];

/// Next.js's default `images.minimumCacheTTL`, in seconds (4 hours).
pub const DEFAULT_MINIMUM_CACHE_TTL: u64 = 14_400;

/// Next.js's default `images.contentSecurityPolicy` for `/_next/image` answers.
pub const DEFAULT_CONTENT_SECURITY_POLICY: &str = "script-src 'none'; frame-src 'none'; sandbox;";

/// The `images` options the component and the endpoint use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ImageConfig {
    /// Widths for `sizes`-based and full-width images.
    pub device_sizes: Vec<u32>,
    /// Widths for smaller images; with `device_sizes`, every width `/_next/image` accepts.
    pub image_sizes: Vec<u32>,
    /// The qualities `/_next/image` accepts; `q` is rounded to the closest one.
    pub qualities: Vec<u32>,
    /// The endpoint's URL path, with the base path (and a trailing slash under
    /// `trailingSlash`), as the default loader writes it.
    pub path: String,
    /// `default` or `custom` (the app passes a `loader`); `/_next/image` answers 404 to any
    /// other loader.
    pub loader: String,
    /// Images are never sent through `/_next/image`; it answers 404.
    pub unoptimized: bool,
    /// SVGs may go through `/_next/image` (else they are rendered unoptimized and the
    /// endpoint refuses them).
    #[serde(rename = "dangerouslyAllowSVG")]
    pub dangerously_allow_svg: bool,
    /// Hosts whose images `/_next/image` accepts (deprecated in Next.js for
    /// `remote_patterns`).
    pub domains: Vec<String>,
    /// Remote URLs `/_next/image` accepts.
    pub remote_patterns: Vec<RemotePattern>,
    /// The least `max-age` of an image answer that is not a build file, in seconds.
    #[serde(rename = "minimumCacheTTL")]
    pub minimum_cache_ttl: u64,
    /// `Content-Security-Policy` of image answers.
    pub content_security_policy: String,
    /// `attachment` or `inline`: the `Content-Disposition` of image answers.
    pub content_disposition_type: String,
    /// Importing an image gives no `StaticImageData`.
    pub disable_static_images: bool,
}

/// One of `images.remotePatterns`: every part set must match the URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemotePattern {
    /// `http` or `https`, without the colon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// A glob of the host name: `*` and `**` match any part of it.
    pub hostname: String,
    /// The port, `""` for the scheme's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    /// A glob of the path (`**` across segments); any path when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pathname: Option<String>,
    /// The exact query string, `?` included (`""` for none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
}

impl Default for ImageConfig {
    fn default() -> Self {
        Self {
            device_sizes: DEFAULT_DEVICE_SIZES.to_vec(),
            image_sizes: DEFAULT_IMAGE_SIZES.to_vec(),
            qualities: DEFAULT_QUALITIES.to_vec(),
            path: "/_next/image".to_string(),
            loader: "default".to_string(),
            unoptimized: false,
            dangerously_allow_svg: false,
            domains: Vec::new(),
            remote_patterns: Vec::new(),
            minimum_cache_ttl: DEFAULT_MINIMUM_CACHE_TTL,
            content_security_policy: DEFAULT_CONTENT_SECURITY_POLICY.to_string(),
            content_disposition_type: "attachment".to_string(),
            disable_static_images: false,
        }
    }
}

impl ImageConfig {
    /// Every width `/_next/image` accepts: `device_sizes` then `image_sizes`.
    pub fn all_sizes(&self) -> impl Iterator<Item = u32> + '_ {
        self.device_sizes.iter().chain(&self.image_sizes).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_fields_are_nexts_defaults() {
        let config: ImageConfig =
            serde_json::from_str(r#"{ "deviceSizes": [100], "minimumCacheTTL": 60 }"#).unwrap();
        assert_eq!(config.device_sizes, [100]);
        assert_eq!(config.minimum_cache_ttl, 60);
        assert_eq!(config.image_sizes, DEFAULT_IMAGE_SIZES);
        assert_eq!(config.qualities, [75]);
        assert_eq!(config.path, "/_next/image");
        assert_eq!(config.all_sizes().count(), 8);
        let text = serde_json::to_string(&ImageConfig::default()).unwrap();
        assert!(text.contains("\"minimumCacheTTL\":14400"), "{text}");
        assert!(text.contains("\"dangerouslyAllowSVG\":false"), "{text}");
    }
}
