//! The redirects Next.js adds in front of the app's own to enforce `trailingSlash`
//! (`loadCustomRoutes`, unless `skipTrailingSlashRedirect`).
//!
//! With `trailingSlash: false`, `/about/` goes to `/about` (and `/docs/` to `/docs` for a
//! basePath). With `true`, `/about` goes to `/about/`, except paths whose last segment has a
//! file extension (`/file.txt/` goes to `/file.txt` instead, but not for `_next/data`
//! requests) and paths under `/.well-known`; the bare basePath goes to `basePath/`. All are
//! permanent (308) and matched exactly as written (no optional trailing slash, any case
//! unless `caseSensitiveRoutes`); with i18n they see the path without its default locale.

use super::manifest::RedirectData;
use super::routing::Routing;
use crate::RouteHas;

/// Status of every redirect added here (`permanent: true`).
const PERMANENT: u16 = 308;

/// The redirects, in the order they come before the app's own.
pub(crate) fn trailing_slash_redirects(routing: &Routing) -> Vec<RedirectData> {
    let redirect = |source: String, destination: String, missing: Vec<RouteHas>| RedirectData {
        source,
        destination,
        status_code: PERMANENT,
        has: Vec::new(),
        missing,
        internal: true,
    };
    let base_path = &routing.base_path;
    let mut redirects = Vec::new();
    if routing.trailing_slash {
        if !base_path.is_empty() {
            redirects.push(redirect(
                base_path.clone(),
                format!("{base_path}/"),
                Vec::new(),
            ));
        }
        redirects.push(redirect(
            r"/:file((?!\.well-known(?:/.*)?)(?:[^/]+/)*[^/]+\.\w+)/".to_owned(),
            "/:file".to_owned(),
            vec![RouteHas::Header {
                key: "x-nextjs-data".to_owned(),
                value: None,
            }],
        ));
        redirects.push(redirect(
            r"/:notfile((?!\.well-known(?:/.*)?)(?:[^/]+/)*[^/\.]+)".to_owned(),
            "/:notfile/".to_owned(),
            Vec::new(),
        ));
    } else {
        if !base_path.is_empty() {
            redirects.push(redirect(
                format!("{base_path}/"),
                base_path.clone(),
                Vec::new(),
            ));
        }
        redirects.push(redirect(
            "/:path+/".to_owned(),
            "/:path+".to_owned(),
            Vec::new(),
        ));
    }
    redirects
}
