//! `headers()`, `redirects()` and `rewrites()` of `next.config.*` ("custom routes"), loaded,
//! checked and applied as Next.js does (`load-custom-routes.ts`, `prepare-destination.ts`,
//! `resolve-routes.ts`).
//!
//! [`CustomRoutes::load`] reads the evaluated config, rejects what Next.js rejects with its
//! messages, adds the basePath and locale prefixes and the trailing-slash redirects, and
//! compiles every source. The router then applies the routes step by step, in Next.js's
//! order (reference §5.3):
//!
//! 1. [`CustomRoutes::headers_for`]: the headers of every matching `headers()` route;
//! 2. [`CustomRoutes::redirect_for`]: the first matching redirect answers (without those
//!    headers);
//! 3. the middleware;
//! 4. [`RewritePhase::BeforeFiles`] rewrites, each applied in turn, then the filesystem;
//! 5. [`RewritePhase::AfterFiles`] rewrites: after each one that applies, the filesystem and
//!    dynamic routes are checked;
//! 6. dynamic routes, then [`RewritePhase::Fallback`] rewrites like `AfterFiles`.
//!
//! An internal rewrite gives the path and query the next steps see; an external one ends
//! routing with a URL to proxy to. With i18n, every step matches the path with the locale in
//! it ([`CustomRoutes::localized_path`]).
//!
//! The routes serialize (without regular expressions, built again when read) so the build
//! can write them into the manifest the server reads.

mod destination;
mod error;
mod has;
mod headers;
mod js_map;
mod load;
mod manifest;
mod matcher;
mod query;
mod redirect;
mod request;
mod rewrite;
mod routing;
mod source;
mod trailing_slash;
mod url_text;
mod validate;

#[cfg(test)]
mod tests;

use std::borrow::Cow;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use destination::DestinationError;
pub use error::{
    BrokenRoute, CustomRouteKind, CustomRoutesError, InvalidRoute, InvalidRoutes, ParseError,
    RouteProblem,
};
pub use query::Query;
pub use redirect::Redirect;
pub use request::RequestFacts;
pub use rewrite::{Rewrite, RewritePhase, RewriteRule};

use headers::HeaderRule;
use manifest::{Manifest, RewriteData, RewritesData};
use matcher::RouteMatcher;
use redirect::RedirectRule;
use routing::Routing;
use source::SourceOptions;

use crate::NextConfig;

/// The app's custom routes, compiled.
#[derive(Debug, Clone)]
pub struct CustomRoutes {
    routing: Routing,
    headers: Vec<HeaderRule>,
    redirects: Vec<RedirectRule>,
    before_files: Vec<RewriteRule>,
    after_files: Vec<RewriteRule>,
    fallback: Vec<RewriteRule>,
    warnings: Vec<String>,
}

impl CustomRoutes {
    /// Loads the routes of `config` (`raw.headers`, `raw.redirects`, `raw.rewrites`, the values
    /// their functions returned), with Next.js's checks and processing.
    pub fn load(config: &NextConfig) -> Result<CustomRoutes, CustomRoutesError> {
        let (manifest, warnings) = load::load(config)?;
        let mut routes = CustomRoutes::compile(manifest)?;
        routes.warnings = warnings;
        Ok(routes)
    }

    /// The warnings Next.js prints about these routes (too many of them, `Cache-Control` set
    /// on `/_next/` paths). Only known right after [`CustomRoutes::load`]; empty once read
    /// back from a manifest.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The path the routes are matched against for a request to `path` on `host` (the
    /// `Host` header, port included): with i18n, the default locale (of the host's domain,
    /// else the app's) inserted when the path names none, as Next.js's router does before
    /// anything else. Without i18n, `path` itself.
    pub fn localized_path<'a>(&self, path: &'a str, host: Option<&str>) -> Cow<'a, str> {
        let hostname = host.map(|host| host.split(':').next().unwrap_or_default().to_lowercase());
        self.routing.localized_path(path, hostname.as_deref())
    }

    /// The response headers the `headers()` routes that match `facts` set, in order; a name
    /// may repeat only for `Set-Cookie`. Headers the response gets later (from the page or
    /// the middleware) replace these.
    pub fn headers_for(
        &self,
        facts: &RequestFacts<'_>,
    ) -> Result<Vec<(String, String)>, DestinationError> {
        headers::headers_for(&self.headers, facts)
    }

    /// The redirect for `facts`: the first matching route of `redirects()`, after the
    /// trailing-slash redirects Next.js puts in front.
    pub fn redirect_for(
        &self,
        facts: &RequestFacts<'_>,
    ) -> Result<Option<Redirect>, DestinationError> {
        redirect::redirect_for(&self.redirects, facts)
    }

    /// The rewrites of `phase`, in order; apply each with [`RewriteRule::apply`].
    pub fn rewrites(&self, phase: RewritePhase) -> &[RewriteRule] {
        match phase {
            RewritePhase::BeforeFiles => &self.before_files,
            RewritePhase::AfterFiles => &self.after_files,
            RewritePhase::Fallback => &self.fallback,
        }
    }

    /// Whether the app has no route of its own (the trailing-slash redirects aside).
    pub fn is_empty(&self) -> bool {
        self.headers.is_empty()
            && self.redirects.iter().all(|rule| rule.data.internal)
            && self.before_files.is_empty()
            && self.after_files.is_empty()
            && self.fallback.is_empty()
    }

    /// Compiles every route of `manifest`.
    fn compile(manifest: Manifest) -> Result<CustomRoutes, CustomRoutesError> {
        let routing = manifest.routing;
        let options = SourceOptions {
            case_sensitive: routing.case_sensitive,
            internal: false,
            restricted: None,
        };
        let headers = manifest
            .headers
            .into_iter()
            .map(|data| {
                let matcher = RouteMatcher::new(
                    CustomRouteKind::Header,
                    &data.source,
                    &data.has,
                    &data.missing,
                    options,
                    &routing,
                )?;
                Ok(HeaderRule { data, matcher })
            })
            .collect::<Result<_, CustomRoutesError>>()?;
        let restricted = format!("{}/_next", routing.base_path);
        let redirects = manifest
            .redirects
            .into_iter()
            .map(|data| {
                let options = SourceOptions {
                    internal: data.internal,
                    restricted: Some(&restricted),
                    ..options
                };
                let matcher = RouteMatcher::new(
                    CustomRouteKind::Redirect,
                    &data.source,
                    &data.has,
                    &data.missing,
                    options,
                    &routing,
                )?;
                Ok(RedirectRule { data, matcher })
            })
            .collect::<Result<_, CustomRoutesError>>()?;
        let RewritesData {
            before_files,
            after_files,
            fallback,
        } = manifest.rewrites;
        let rewrites = |routes: Vec<RewriteData>, phase: RewritePhase| {
            // Next.js builds `beforeFiles` matchers without `caseSensitiveRoutes`.
            let options = SourceOptions {
                case_sensitive: phase != RewritePhase::BeforeFiles && routing.case_sensitive,
                ..options
            };
            routes
                .into_iter()
                .map(|data| {
                    let matcher = RouteMatcher::new(
                        CustomRouteKind::Rewrite,
                        &data.source,
                        &data.has,
                        &data.missing,
                        options,
                        &routing,
                    )?;
                    Ok(RewriteRule {
                        data,
                        phase,
                        matcher,
                    })
                })
                .collect::<Result<Vec<_>, CustomRoutesError>>()
        };
        let before_files = rewrites(before_files, RewritePhase::BeforeFiles)?;
        let after_files = rewrites(after_files, RewritePhase::AfterFiles)?;
        let fallback = rewrites(fallback, RewritePhase::Fallback)?;
        Ok(CustomRoutes {
            routing,
            headers,
            redirects,
            before_files,
            after_files,
            fallback,
            warnings: Vec::new(),
        })
    }

    /// What serializes: the routes without their compiled parts.
    fn manifest(&self) -> Manifest {
        let data = |rules: &[RewriteRule]| rules.iter().map(|rule| rule.data.clone()).collect();
        Manifest {
            routing: self.routing.clone(),
            headers: self.headers.iter().map(|rule| rule.data.clone()).collect(),
            redirects: self
                .redirects
                .iter()
                .map(|rule| rule.data.clone())
                .collect(),
            rewrites: RewritesData {
                before_files: data(&self.before_files),
                after_files: data(&self.after_files),
                fallback: data(&self.fallback),
            },
        }
    }
}

/// Two route sets are equal when they would be written alike (the regular expressions are
/// built from that).
impl PartialEq for CustomRoutes {
    fn eq(&self, other: &Self) -> bool {
        self.manifest() == other.manifest()
    }
}

impl Eq for CustomRoutes {}

impl Serialize for CustomRoutes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.manifest().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for CustomRoutes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let manifest = Manifest::deserialize(deserializer)?;
        CustomRoutes::compile(manifest).map_err(serde::de::Error::custom)
    }
}
