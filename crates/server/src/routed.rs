//! A request on its way through the stages, and what a stage returns.

use http::request::Parts;
use http::{HeaderMap, HeaderName, HeaderValue, Response, Uri, header};

use crate::body::Body;
use crate::runtimes::route_body::RouteBody;

/// A request between stages: its head as the stages so far left it, and its body.
pub struct Routed {
    /// Method, URL (rewritten by the stages that rewrite) and headers.
    pub head: Parts,
    /// The body: still streaming, or read already (middleware reads it).
    pub body: RouteBody,
    /// How many times this server already proxied the request to itself.
    pub hops: u32,
    /// The path the client asked for, once a next.config rewrite changed it: the route still
    /// sees this path (with the rewritten query), as under Next.
    pub client_path: Option<String>,
}

/// What a stage decided.
pub enum Outcome {
    /// Go on to the next stage with this request (its URL possibly rewritten).
    Continue(Routed),
    /// This is the answer.
    Respond(Response<Body>),
    /// Send the request to another origin and stream its answer back.
    Proxy { target: Uri, routed: Routed },
}

/// Headers the stages add to whatever response the request gets.
#[derive(Default)]
pub struct AddedHeaders {
    /// next.config `headers()`: set unless the response sets the header itself, as Next sets
    /// them before the route runs.
    defaults: Vec<(HeaderName, HeaderValue)>,
    /// The middleware's response headers: they win over the route's (cookies add up).
    overrides: Option<HeaderMap>,
}

impl AddedHeaders {
    /// Adds a header the response keeps unless it sets its own.
    pub fn add_default(&mut self, name: HeaderName, value: HeaderValue) {
        self.defaults.push((name, value));
    }

    /// Adds headers that replace the response's own.
    pub fn add_overrides(&mut self, headers: HeaderMap) {
        match &mut self.overrides {
            Some(existing) => existing.extend(headers),
            None => self.overrides = Some(headers),
        }
    }

    /// Puts the headers on `response`.
    pub fn apply(self, mut response: Response<Body>) -> Response<Body> {
        let headers = response.headers_mut();
        if let Some(overrides) = self.overrides {
            let mut last = None;
            for (name, value) in overrides {
                let name = name.or(last.clone());
                let Some(name) = name else { continue };
                if name == header::SET_COOKIE {
                    headers.append(name.clone(), value);
                } else {
                    headers.insert(name.clone(), value);
                }
                last = Some(name);
            }
        }
        // Later rules win over earlier ones for the same name, as Next applies them in order.
        for (name, value) in self.defaults.into_iter().rev() {
            if !headers.contains_key(&name) {
                headers.insert(name, value);
            }
        }
        response
    }

    /// Whether there is nothing to add (the common case: no config headers, no middleware).
    pub fn is_empty(&self) -> bool {
        self.defaults.is_empty() && self.overrides.is_none()
    }
}
