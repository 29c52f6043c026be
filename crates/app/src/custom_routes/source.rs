//! A route's `source` compiled to a matcher, as Next.js's `getPathMatch` builds it for
//! `headers`, `redirects` and `rewrites`: `path-to-regexp` with `delimiter: '/'` and
//! `strict: true`, case-insensitive unless `experimental.caseSensitiveRoutes`, and (for routes
//! the user wrote) an optional trailing slash, plus no `/_next` paths for redirects.

use fancy_regex::Regex;

use super::js_map::JsMap;
use crate::ParamValue;
use crate::path_to_regexp::{
    KeyName, PATH_DELIMITER, capturing_keys, normalize_repeats, parse_with, tokens_regexp_source,
};

/// Parameters a match captured, named as in the source (and `has` conditions).
pub(crate) type Params = JsMap<ParamValue>;

/// How a source is compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SourceOptions<'a> {
    /// Match letter case exactly.
    pub case_sensitive: bool,
    /// A route Next.js adds itself: matched exactly as written.
    pub internal: bool,
    /// For redirects: the path (`/_next`, after the basePath) the source must not match.
    pub restricted: Option<&'a str>,
}

/// A compiled source.
#[derive(Debug, Clone)]
pub(crate) struct SourceMatcher {
    regex: Regex,
    /// One entry per capturing group, in order.
    keys: Vec<CaptureKey>,
}

#[derive(Debug, Clone)]
struct CaptureKey {
    /// `None` for unnamed groups, whose values Next.js drops.
    name: Option<String>,
    /// For `*` and `+` parameters: what the value is split at (prefix and suffix).
    separator: Option<String>,
}

impl SourceMatcher {
    /// Compiles `source`; `Err` holds `path-to-regexp`'s or the regex engine's message.
    pub(crate) fn new(source: &str, options: SourceOptions<'_>) -> Result<SourceMatcher, String> {
        let regexp = source_regexp(source, options)?;
        let tokens = normalize_repeats(parse_with(source, PATH_DELIMITER)?);
        let keys = capturing_keys(&tokens)
            .into_iter()
            .map(|key| CaptureKey {
                name: match &key.name {
                    KeyName::Named(name) => Some(name.clone()),
                    KeyName::Index(_) | KeyName::None => None,
                },
                separator: key
                    .repeats()
                    .then(|| format!("{}{}", key.prefix, key.suffix)),
            })
            .collect();
        let flags = if options.case_sensitive { "" } else { "(?i)" };
        let regex = Regex::new(&format!("{flags}{regexp}")).map_err(|error| error.to_string())?;
        Ok(SourceMatcher { regex, keys })
    }

    /// The parameters when `path` matches.
    pub(crate) fn matches(&self, path: &str) -> Option<Params> {
        // A regex that gives up (its backtracking limit) matches nothing.
        let captures = self.regex.captures(path).ok()??;
        let mut params = Params::new();
        for (index, key) in self.keys.iter().enumerate() {
            let (Some(name), Some(value)) = (&key.name, captures.get(index + 1)) else {
                continue;
            };
            let value = value.as_str();
            let value = match &key.separator {
                Some(separator) if separator.is_empty() => {
                    ParamValue::Many(value.chars().map(String::from).collect())
                }
                Some(separator) => {
                    ParamValue::Many(value.split(separator.as_str()).map(str::to_owned).collect())
                }
                None => ParamValue::One(value.to_owned()),
            };
            params.insert(name.clone(), value);
        }
        Some(params)
    }
}

/// The regular expression Next.js builds for `source` (what it writes as `regex` in its
/// routes manifest, before taking out the `\/` escapes).
pub(crate) fn source_regexp(source: &str, options: SourceOptions<'_>) -> Result<String, String> {
    let tokens = normalize_repeats(parse_with(source, PATH_DELIMITER)?);
    let regexp = tokens_regexp_source(&tokens, PATH_DELIMITER, true);
    Ok(if options.internal {
        regexp
    } else {
        modify_route_regex(&regexp, options.restricted)
    })
}

/// `modifyRouteRegex`: a lookahead refusing `restricted` after `^`, an optional `/` before `$`.
fn modify_route_regex(regexp: &str, restricted: Option<&str>) -> String {
    let mut regexp = regexp.to_owned();
    if let Some(restricted) = restricted {
        regexp = regexp.replacen('^', &format!("^(?!{})", restricted.replace('/', "\\/")), 1);
    }
    if let Some(body) = regexp.strip_suffix('$') {
        regexp = format!("{body}(?:\\/)?$");
    }
    regexp
}

#[cfg(test)]
mod tests {
    use super::{SourceMatcher, SourceOptions, source_regexp};
    use crate::ParamValue;

    const USER: SourceOptions<'static> = SourceOptions {
        case_sensitive: false,
        internal: false,
        restricted: None,
    };
    const REDIRECT: SourceOptions<'static> = SourceOptions {
        restricted: Some("/_next"),
        ..USER
    };

    fn regexp(source: &str, options: SourceOptions<'_>) -> String {
        source_regexp(source, options).unwrap()
    }

    fn params(source: &str, path: &str) -> Option<Vec<(String, ParamValue)>> {
        let matcher = SourceMatcher::new(source, USER).unwrap();
        matcher.matches(path).map(|params| {
            params
                .iter()
                .map(|(name, value)| (name.to_owned(), value.clone()))
                .collect()
        })
    }

    fn one(text: &str) -> ParamValue {
        ParamValue::One(text.to_owned())
    }

    fn many(items: &[&str]) -> ParamValue {
        ParamValue::Many(items.iter().map(|item| (*item).to_owned()).collect())
    }

    #[test]
    fn builds_the_regex_next_writes_in_its_manifest() {
        // From Next.js's custom-routes test (`routes-manifest.json`).
        assert_eq!(regexp("/add-header", USER), r"^\/add-header(?:\/)?$");
        assert_eq!(
            regexp("/my-headers/(.*)", USER),
            r"^\/my-headers(?:\/(.*))(?:\/)?$"
        );
        assert_eq!(
            regexp("/my-other-header/:path", USER),
            r"^\/my-other-header(?:\/([^\/]+?))(?:\/)?$"
        );
        assert_eq!(
            regexp("/with-params/url/:path*", USER),
            r"^\/with-params\/url(?:\/((?:[^\/]+?)(?:\/(?:[^\/]+?))*))?(?:\/)?$"
        );
        assert_eq!(
            regexp("/:path*", USER),
            r"^(?:\/((?:[^\/]+?)(?:\/(?:[^\/]+?))*))?(?:\/)?$"
        );
        assert_eq!(
            regexp("/hello/:id/another", REDIRECT),
            r"^(?!\/_next)\/hello(?:\/([^\/]+?))\/another(?:\/)?$"
        );
        assert_eq!(
            regexp("/docs/:first(integrations|now-cli)/v2:second(.*)", REDIRECT),
            r"^(?!\/_next)\/docs(?:\/(integrations|now-cli))\/v2(.*)(?:\/)?$"
        );
        let internal = SourceOptions {
            internal: true,
            ..USER
        };
        assert_eq!(
            regexp("/:path+/", internal),
            r"^(?:\/((?:[^\/]+?)(?:\/(?:[^\/]+?))*))\/$"
        );
        let based = SourceOptions {
            restricted: Some("/docs/_next"),
            ..USER
        };
        assert_eq!(
            regexp("/docs/a", based),
            r"^(?!\/docs\/_next)\/docs\/a(?:\/)?$"
        );
    }

    #[test]
    fn captures_named_parameters() {
        assert_eq!(
            params("/blog/:slug", "/blog/hello"),
            Some(vec![("slug".into(), one("hello"))])
        );
        assert_eq!(
            params("/blog/:slug", "/blog/hello/"),
            Some(vec![("slug".into(), one("hello"))])
        );
        assert_eq!(params("/blog/:slug", "/blog/a/b"), None);
        assert_eq!(
            params("/blog/:slug", "/BLOG/Hello"),
            Some(vec![("slug".into(), one("Hello"))])
        );
        assert_eq!(
            params("/a/:path*", "/a/x/y%20z"),
            Some(vec![("path".into(), many(&["x", "y%20z"]))])
        );
        assert_eq!(params("/a/:path*", "/a"), Some(vec![]));
        assert_eq!(params("/a/:path+", "/a"), None);
        assert_eq!(
            params("/a/:path+", "/a/b"),
            Some(vec![("path".into(), many(&["b"]))])
        );
        assert_eq!(params("/a/:id?", "/a"), Some(vec![]));
        assert_eq!(
            params("/a/:id?", "/a/1"),
            Some(vec![("id".into(), one("1"))])
        );
        assert_eq!(
            params(r"/post/:id(\d+)", "/post/12"),
            Some(vec![("id".into(), one("12"))])
        );
        assert_eq!(params(r"/post/:id(\d+)", "/post/ab"), None);
    }

    #[test]
    fn unnamed_groups_match_but_are_not_parameters() {
        assert_eq!(
            params("/unnamed/(first|second)/(.*)", "/unnamed/first/final"),
            Some(vec![])
        );
        assert_eq!(
            params("/unnamed/(first|second)/(.*)", "/unnamed/third/final"),
            None
        );
        assert_eq!(
            params(
                "/unnamed-params/nested/(.*)/:test/(.*)",
                "/unnamed-params/nested/first/second/hello/world"
            ),
            Some(vec![("test".into(), one("hello"))])
        );
        assert_eq!(
            params("/named-like-unnamed/:0", "/named-like-unnamed/first"),
            Some(vec![("0".into(), one("first"))])
        );
        assert_eq!(
            params(
                "/docs/:first(integrations|now-cli)/v2:second(.*)",
                "/docs/integrations/v2-some/thing"
            ),
            Some(vec![
                ("first".into(), one("integrations")),
                ("second".into(), one("-some/thing"))
            ])
        );
    }

    #[test]
    fn redirect_sources_never_match_next_paths() {
        let matcher = SourceMatcher::new("/:path/has-redirect-5", REDIRECT).unwrap();
        assert!(matcher.matches("/_next/has-redirect-5").is_none());
        assert!(matcher.matches("/another/has-redirect-5").is_some());
    }

    #[test]
    fn case_sensitivity_follows_the_option() {
        let exact = SourceOptions {
            case_sensitive: true,
            ..USER
        };
        let matcher = SourceMatcher::new("/to-another", exact).unwrap();
        assert!(matcher.matches("/to-ANOTHER").is_none());
        assert!(matcher.matches("/to-another").is_some());
    }

    #[test]
    fn invalid_sources_are_errors() {
        assert_eq!(
            SourceMatcher::new("/feedback/(?!general)", USER).unwrap_err(),
            "Pattern cannot start with \"?\" at 11"
        );
    }
}
