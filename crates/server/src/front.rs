//! Before any stage reads a request: internal headers a client wrote are dropped, the URL is
//! made canonical (or the request refused), and the `x-forwarded-*` headers are added.

pub mod forwarded_headers;
pub mod internal_headers;
pub mod request_url;

use http::{Request, Response, StatusCode};
use hyper::body::Incoming;

use crate::body::Body;
use crate::options::ServerOptions;
use crate::response::text;
use crate::routed::Routed;
use crate::runtimes::route_body::RouteBody;
use forwarded_headers::ConnectionAddresses;

/// The request as the stages take it, or the 400 to send instead.
pub fn prepare(
    request: Request<Incoming>,
    options: &ServerOptions,
) -> Result<Routed, Box<Response<Body>>> {
    let (mut head, body) = request.into_parts();
    let hops = internal_headers::strip(&mut head.headers);
    if let Err(error) =
        request_url::canonicalize(&mut head.uri, &mut head.headers, &options.authority)
    {
        tracing::debug!("{error} It was answered with 400.");
        return Err(Box::new(text(
            StatusCode::BAD_REQUEST,
            format!("Bad Request: {error}\n"),
        )));
    }
    let addresses = head.extensions.get::<ConnectionAddresses>().copied();
    forwarded_headers::add(&mut head.headers, addresses.as_ref());
    Ok(Routed {
        head,
        body: RouteBody::Stream(body),
        hops,
        client_path: None,
    })
}
