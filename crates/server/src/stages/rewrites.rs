//! Stages 4, 6 and 8: next.config `rewrites()`. The router tries the rules of each phase in
//! order; one that matches points the request at its destination (a path of this app, or
//! another origin).

use http::{Response, StatusCode, Uri};
use switchyard_app::{CustomRoutes, Rewrite, RewriteRule};

use crate::body::Body;
use crate::front::request_url;
use crate::options::ServerOptions;
use crate::response::text;
use crate::routed::Routed;
use crate::stages::route_view::RouteView;

/// What one rule did to a request.
pub enum Rewritten {
    /// It does not match; the request is as it was.
    No,
    /// The request now names another path of this app.
    Internal,
    /// The request goes to this URL on another origin.
    External(Uri),
    /// The rule could not be applied; this is the answer.
    Failed(Response<Body>),
}

/// Applies `rule` to `routed`.
pub fn apply(
    routes: &CustomRoutes,
    rule: &RewriteRule,
    routed: &mut Routed,
    options: &ServerOptions,
) -> Rewritten {
    let rewrite = {
        let view = RouteView::new(routes, &routed.head, options);
        rule.apply(&view.facts())
    };
    let failed = |detail: String| {
        tracing::error!(
            "The rewrite of {} to {} in next.config could not be applied: {detail}",
            rule.source(),
            rule.destination()
        );
        Rewritten::Failed(text(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal Server Error",
        ))
    };
    match rewrite {
        Ok(None) => Rewritten::No,
        Ok(Some(Rewrite::External { url })) => match url.parse::<Uri>() {
            Ok(uri) => Rewritten::External(uri),
            Err(error) => failed(format!("{url:?} is not a URL ({error})")),
        },
        Ok(Some(Rewrite::Internal { path, query })) => {
            let query = query.to_query_string();
            let target = if query.is_empty() {
                path
            } else {
                format!("{path}?{query}")
            };
            let uri = target.parse::<Uri>().map_err(|error| error.to_string());
            match uri.and_then(|uri| {
                request_url::canonical_target(&uri).map_err(|error| error.to_string())
            }) {
                Ok(target) => {
                    if routed.client_path.is_none() {
                        routed.client_path = Some(routed.head.uri.path().to_owned());
                    }
                    routed.head.uri = Uri::from(target);
                    Rewritten::Internal
                }
                Err(error) => failed(format!("{target:?}: {error}")),
            }
        }
        Err(error) => failed(error.to_string()),
    }
}
