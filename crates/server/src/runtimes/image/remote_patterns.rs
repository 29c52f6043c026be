//! Whether next.config `images` lets `/_next/image` take a remote URL: its host is one of
//! `domains`, or it matches one of `remotePatterns` (protocol, port and query exactly, host and
//! path as globs), as Next.js matches them.

use switchyard_output::{ImageConfig, RemotePattern};
use url::Url;

/// Whether `config` allows the remote image `url`.
pub fn allowed(config: &ImageConfig, url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    config.domains.iter().any(|domain| domain == host)
        || config
            .remote_patterns
            .iter()
            .any(|pattern| matches(pattern, url))
}

fn matches(pattern: &RemotePattern, url: &Url) -> bool {
    if let Some(protocol) = &pattern.protocol
        && protocol.trim_end_matches(':') != url.scheme()
    {
        return false;
    }
    // `None` for the scheme's own port, as a URL's `port` is then empty.
    let port = url.port().map(|port| port.to_string()).unwrap_or_default();
    if pattern.port.as_ref().is_some_and(|wanted| *wanted != port) {
        return false;
    }
    if !fast_glob::glob_match(&pattern.hostname, url.host_str().unwrap_or_default()) {
        return false;
    }
    // A URL's `search`: empty for no query or an empty one.
    let search = match url.query() {
        Some(query) if !query.is_empty() => format!("?{query}"),
        _ => String::new(),
    };
    if pattern
        .search
        .as_ref()
        .is_some_and(|wanted| *wanted != search)
    {
        return false;
    }
    fast_glob::glob_match(pattern.pathname.as_deref().unwrap_or("**"), url.path())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(hostname: &str) -> RemotePattern {
        RemotePattern {
            protocol: None,
            hostname: hostname.to_string(),
            port: None,
            pathname: None,
            search: None,
        }
    }

    fn allows(config: &ImageConfig, url: &str) -> bool {
        allowed(config, &Url::parse(url).unwrap())
    }

    #[test]
    fn hosts_paths_ports_and_queries_must_all_match() {
        let config = ImageConfig {
            domains: vec!["cdn.test".to_string()],
            remote_patterns: vec![
                RemotePattern {
                    protocol: Some("https".to_string()),
                    pathname: Some("/img/**".to_string()),
                    ..pattern("*.example.com")
                },
                RemotePattern {
                    port: Some("8080".to_string()),
                    search: Some("?v=1".to_string()),
                    ..pattern("raw.test")
                },
            ],
            ..ImageConfig::default()
        };
        assert!(allows(&config, "http://cdn.test/anything.png"));
        assert!(!allows(&config, "http://sub.cdn.test/anything.png"));
        assert!(allows(&config, "https://a.example.com/img/x/y.png"));
        assert!(allows(&config, "https://a.b.example.com/img/y.png"));
        assert!(!allows(&config, "http://a.example.com/img/y.png"));
        assert!(!allows(&config, "https://example.com/img/y.png"));
        assert!(!allows(&config, "https://a.example.com/other/y.png"));
        assert!(allows(&config, "http://raw.test:8080/a.png?v=1"));
        assert!(!allows(&config, "http://raw.test/a.png?v=1"));
        assert!(!allows(&config, "http://raw.test:8080/a.png"));
        assert!(!allows(
            &ImageConfig::default(),
            "https://a.example.com/img/y.png"
        ));
    }
}
