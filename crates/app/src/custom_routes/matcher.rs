//! Whether a route applies to a request, and with which parameters: its source against the
//! path, then its `has` and `missing` conditions (whose parameters override the source's).

use super::error::{CustomRouteKind, CustomRoutesError};
use super::has::Conditions;
use super::request::RequestFacts;
use super::routing::Routing;
use super::source::{Params, SourceMatcher, SourceOptions, source_regexp};
use crate::RouteHas;

/// A route's source and conditions, compiled.
#[derive(Debug, Clone)]
pub(crate) struct RouteMatcher {
    source: SourceMatcher,
    conditions: Conditions,
    /// For a route Next.js adds itself with i18n: the layout to take the default locale out
    /// of the path with before matching.
    internal_i18n: Option<Box<Routing>>,
}

impl RouteMatcher {
    /// Compiles a route of `kind` whose (processed) source is `source`.
    pub(crate) fn new(
        kind: CustomRouteKind,
        source: &str,
        has: &[RouteHas],
        missing: &[RouteHas],
        options: SourceOptions<'_>,
        routing: &Routing,
    ) -> Result<RouteMatcher, CustomRoutesError> {
        let unsupported = |pattern: String, reason: String| CustomRoutesError::UnsupportedPattern {
            kind,
            source_path: source.to_owned(),
            pattern,
            reason,
        };
        let compiled = SourceMatcher::new(source, options).map_err(|reason| {
            let pattern = source_regexp(source, options).unwrap_or_else(|_| source.to_owned());
            unsupported(pattern, reason)
        })?;
        let conditions = Conditions::new(has, missing)
            .map_err(|(pattern, reason)| unsupported(pattern, reason))?;
        Ok(RouteMatcher {
            source: compiled,
            conditions,
            internal_i18n: (options.internal && routing.i18n.is_some())
                .then(|| Box::new(routing.clone())),
        })
    }

    /// The parameters when the route applies to `facts`.
    pub(crate) fn params(&self, facts: &RequestFacts<'_>) -> Option<Params> {
        let path = match &self.internal_i18n {
            Some(routing) => routing.internal_path(facts.path, facts.hostname().as_deref()),
            None => std::borrow::Cow::Borrowed(facts.path),
        };
        let mut params = self.source.matches(&path)?;
        if !self.conditions.is_empty() {
            for (name, value) in self.conditions.check(facts)?.iter() {
                params.insert(name.to_owned(), value.clone());
            }
        }
        Some(params)
    }
}
