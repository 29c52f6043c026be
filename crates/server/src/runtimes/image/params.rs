//! The query of a `/_next/image` request (`url`, `w`, `q`), checked in Next.js's order with its
//! messages, which the endpoint sends with 400.

use switchyard_output::ImageConfig;
use url::Url;

use super::remote_patterns;

/// Next.js's longest accepted `url`, in UTF-16 units as JavaScript counts.
const MAX_URL_LENGTH: usize = 3072;

/// Where a valid request's image comes from.
#[derive(Debug, PartialEq, Eq)]
pub enum Source {
    /// A path of this app (public file or build file), without query or fragment, as written
    /// (percent-encoded): the `url` parameter below the origin.
    Local {
        path: String,
        /// Under `<basePath>/_next/static/media`: a build file, cached for good.
        is_static: bool,
    },
    /// An allowed remote URL.
    Remote(Url),
}

/// A valid request: the image and the width and quality asked for.
#[derive(Debug, PartialEq, Eq)]
pub struct Params {
    pub source: Source,
    pub width: u32,
    pub quality: u32,
}

/// Every value of `name` in the decoded query.
fn values<'q>(query: &'q [(String, String)], name: &str) -> Vec<&'q str> {
    query
        .iter()
        .filter(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
        .collect()
}

/// The one value of `name`: `Err(Some(message))` for several, `Err(None)` for none or empty.
fn single<'q>(
    query: &'q [(String, String)],
    name: &str,
    array: &'static str,
) -> Result<&'q str, Option<&'static str>> {
    match values(query, name).as_slice() {
        [] | [""] => Err(None),
        [value] => Ok(value),
        _ => Err(Some(array)),
    }
}

fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit())
}

/// `digits` as a number, with JavaScript's `parseInt` for the message when it is too large.
fn parse_digits(digits: &str) -> (Option<u32>, String) {
    let trimmed = digits.trim_start_matches('0');
    let shown = if trimmed.is_empty() { "0" } else { trimmed };
    (shown.parse().ok(), shown.to_string())
}

/// Checks `raw_query` (the request's query string) against `config`, as Next.js's
/// `ImageOptimizerCache.validateParams`; `base_path` tells build files apart.
pub fn validate(raw_query: &str, config: &ImageConfig, base_path: &str) -> Result<Params, String> {
    let query: Vec<(String, String)> = url::form_urlencoded::parse(raw_query.as_bytes())
        .into_owned()
        .collect();
    let url = single(&query, "url", "\"url\" parameter cannot be an array")
        .map_err(|error| error.unwrap_or("\"url\" parameter is required").to_string())?;
    if url.encode_utf16().count() > MAX_URL_LENGTH {
        return Err("\"url\" parameter is too long".to_string());
    }
    if url.starts_with("//") {
        return Err("\"url\" parameter cannot be a protocol-relative URL (//)".to_string());
    }
    let source = if url.starts_with('/') {
        local_source(url, base_path)?
    } else {
        let remote = Url::parse(url)
            .ok()
            .filter(|remote| matches!(remote.scheme(), "http" | "https"))
            .ok_or_else(|| "\"url\" parameter is invalid".to_string())?;
        if !remote_patterns::allowed(config, &remote) {
            return Err("\"url\" parameter is not allowed".to_string());
        }
        Source::Remote(remote)
    };

    let w = single(&query, "w", "\"w\" parameter (width) cannot be an array").map_err(|error| {
        error
            .unwrap_or("\"w\" parameter (width) is required")
            .to_string()
    })?;
    const WIDTH_INVALID: &str = "\"w\" parameter (width) must be an integer greater than 0";
    const QUALITY_INVALID: &str = "\"q\" parameter (quality) must be an integer between 1 and 100";
    if !is_digits(w) {
        return Err(WIDTH_INVALID.to_string());
    }
    let q =
        single(&query, "q", "\"q\" parameter (quality) cannot be an array").map_err(|error| {
            error
                .unwrap_or("\"q\" parameter (quality) is required")
                .to_string()
        })?;
    if !is_digits(q) {
        return Err(QUALITY_INVALID.to_string());
    }
    let (width, shown_width) = parse_digits(w);
    if width == Some(0) {
        return Err(WIDTH_INVALID.to_string());
    }
    let width = width
        .filter(|width| config.all_sizes().any(|size| size == *width))
        .ok_or_else(|| format!("\"w\" parameter (width) of {shown_width} is not allowed"))?;
    let quality = parse_digits(q)
        .0
        .filter(|quality| (1..=100).contains(quality))
        .ok_or_else(|| QUALITY_INVALID.to_string())?;
    if !config.qualities.contains(&quality) {
        return Err(format!("\"q\" parameter (quality) of {q} is not allowed"));
    }
    Ok(Params {
        source,
        width,
        quality,
    })
}

/// A local `url`: not `/_next/image` itself, and without a query (Next.js's default
/// `images.localPatterns` allow any path, no query).
fn local_source(url: &str, base_path: &str) -> Result<Source, String> {
    let without_fragment = url.split('#').next().unwrap_or_default();
    let (path, query) = without_fragment
        .split_once('?')
        .unwrap_or((without_fragment, ""));
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let recursive = decoded.match_indices("/_next/image").any(|(index, found)| {
        matches!(
            decoded[index + found.len()..].chars().next(),
            None | Some('/')
        )
    });
    if recursive {
        return Err("\"url\" parameter cannot be recursive".to_string());
    }
    if !query.is_empty() {
        return Err("\"url\" parameter is not allowed".to_string());
    }
    Ok(Source::Local {
        path: path.to_string(),
        is_static: url.starts_with(&format!("{base_path}/_next/static/media")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(query: &str) -> Result<Params, String> {
        validate(query, &ImageConfig::default(), "")
    }

    fn error(query: &str) -> String {
        check(query).unwrap_err()
    }

    #[test]
    fn valid_requests_name_their_source() {
        assert_eq!(
            check("url=%2F_next%2Fstatic%2Fmedia%2Fa.1234.png&w=640&q=75"),
            Ok(Params {
                source: Source::Local {
                    path: "/_next/static/media/a.1234.png".to_string(),
                    is_static: true,
                },
                width: 640,
                quality: 75,
            })
        );
        let public = check("url=/my%20logo.png&w=064&q=075").unwrap();
        assert_eq!(
            public.source,
            Source::Local {
                path: "/my logo.png".to_string(),
                is_static: false
            }
        );
        assert_eq!((public.width, public.quality), (64, 75));
        let based = validate(
            "url=/docs/_next/static/media/a.png&w=32&q=75",
            &ImageConfig::default(),
            "/docs",
        );
        assert!(matches!(
            based.unwrap().source,
            Source::Local {
                is_static: true,
                ..
            }
        ));
    }

    #[test]
    fn errors_are_nexts_in_its_order() {
        assert_eq!(error("w=64&q=75"), "\"url\" parameter is required");
        assert_eq!(error("url=&w=64&q=75"), "\"url\" parameter is required");
        assert_eq!(
            error("url=/a.png&url=/b.png&w=64&q=75"),
            "\"url\" parameter cannot be an array"
        );
        assert_eq!(
            error(&format!("url=/{}&w=64&q=75", "a".repeat(3072))),
            "\"url\" parameter is too long"
        );
        assert_eq!(
            error("url=//evil.test/a.png&w=64&q=75"),
            "\"url\" parameter cannot be a protocol-relative URL (//)"
        );
        assert_eq!(
            error("url=/_next/image%3Furl%3D/a.png&w=64&q=75"),
            "\"url\" parameter cannot be recursive"
        );
        assert_eq!(
            error("url=%2F%5Fnext%2Fimage%2Fx&w=64&q=75"),
            "\"url\" parameter cannot be recursive"
        );
        assert!(check("url=/_next/images.png&w=64&q=75").is_ok());
        assert_eq!(
            error("url=/a.png%3Fv%3D1&w=64&q=75"),
            "\"url\" parameter is not allowed"
        );
        assert_eq!(error("url=a.png&w=64&q=75"), "\"url\" parameter is invalid");
        assert_eq!(
            error("url=ftp%3A%2F%2Fx%2Fa.png&w=64&q=75"),
            "\"url\" parameter is invalid"
        );
        assert_eq!(
            error("url=https%3A%2F%2Fexample.com%2Fa.png&w=64&q=75"),
            "\"url\" parameter is not allowed"
        );
        assert_eq!(
            error("url=/a.png&q=75"),
            "\"w\" parameter (width) is required"
        );
        assert_eq!(
            error("url=/a.png&w=1&w=2&q=75"),
            "\"w\" parameter (width) cannot be an array"
        );
        assert_eq!(
            error("url=/a.png&w=-1&q=75"),
            "\"w\" parameter (width) must be an integer greater than 0"
        );
        assert_eq!(
            error("url=/a.png&w=64.0&q=75"),
            "\"w\" parameter (width) must be an integer greater than 0"
        );
        assert_eq!(
            error("url=/a.png&w=64"),
            "\"q\" parameter (quality) is required"
        );
        assert_eq!(
            error("url=/a.png&w=64&q=abc"),
            "\"q\" parameter (quality) must be an integer between 1 and 100"
        );
        assert_eq!(
            error("url=/a.png&w=0&q=75"),
            "\"w\" parameter (width) must be an integer greater than 0"
        );
        assert_eq!(
            error("url=/a.png&w=65&q=75"),
            "\"w\" parameter (width) of 65 is not allowed"
        );
        assert_eq!(
            error("url=/a.png&w=99999999999999999999&q=75"),
            "\"w\" parameter (width) of 99999999999999999999 is not allowed"
        );
        assert_eq!(
            error("url=/a.png&w=64&q=0"),
            "\"q\" parameter (quality) must be an integer between 1 and 100"
        );
        assert_eq!(
            error("url=/a.png&w=64&q=101"),
            "\"q\" parameter (quality) must be an integer between 1 and 100"
        );
        assert_eq!(
            error("url=/a.png&w=64&q=050"),
            "\"q\" parameter (quality) of 050 is not allowed"
        );
    }

    #[test]
    fn remote_urls_need_a_pattern() {
        let config = ImageConfig {
            domains: vec!["cdn.test".to_string()],
            ..ImageConfig::default()
        };
        let params = validate("url=https%3A%2F%2Fcdn.test%2Fa.png&w=64&q=75", &config, "").unwrap();
        assert_eq!(
            params.source,
            Source::Remote(Url::parse("https://cdn.test/a.png").unwrap())
        );
    }
}
