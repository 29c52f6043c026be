//! Next.js's default error page as a finished HTML document, for the errors no page of the
//! app can render: unknown URLs in an app without pages, and a middleware that failed.
//!
//! The markup is what `next/error` (js/next/error.js) renders and `next start` sends, so a
//! 404 or 500 looks the same whichever path produced it; it needs no React, which an app of
//! API routes alone may not have installed.

use bytes::Bytes;
use http::{Response, StatusCode};

use crate::body::Body;

const STYLE_ERROR: &str = "font-family:system-ui,&quot;Segoe UI&quot;,Roboto,Helvetica,Arial,sans-serif,&quot;Apple Color Emoji&quot;,&quot;Segoe UI Emoji&quot;;height:100vh;text-align:center;display:flex;flex-direction:column;align-items:center;justify-content:center";
const STYLE_H1: &str = "display:inline-block;margin:0 20px 0 0;padding-right:23px;font-size:24px;font-weight:500;vertical-align:top";
const STYLE_H2: &str = "font-size:14px;font-weight:400;line-height:28px";
const CSS: &str = "body{color:#000;background:#fff;margin:0}.next-error-h1{border-right:1px solid rgba(0,0,0,.3)}@media (prefers-color-scheme:dark){body{color:#fff;background:#000}.next-error-h1{border-right:1px solid rgba(255,255,255,.3)}}";

/// The text Next's error page shows for a status.
fn title(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "Bad Request",
        404 => "This page could not be found",
        405 => "Method Not Allowed",
        500 => "Internal Server Error",
        _ => "An unexpected error has occurred",
    }
}

/// The page's HTML for `status`.
pub fn html(status: StatusCode) -> String {
    let code = status.as_u16();
    let title = title(status);
    format!(
        "<!DOCTYPE html><html><head><meta charSet=\"utf-8\"/>\
         <meta name=\"viewport\" content=\"width=device-width\"/>\
         <title>{code}: {title}</title></head><body><div id=\"__next\">\
         <div style=\"{STYLE_ERROR}\"><div style=\"line-height:48px\"><style>{CSS}</style>\
         <h1 class=\"next-error-h1\" style=\"{STYLE_H1}\">{code}</h1>\
         <div style=\"display:inline-block\"><h2 style=\"{STYLE_H2}\">{title}<!-- -->.</h2></div>\
         </div></div></div></body></html>"
    )
}

/// The error page as a response with `status`.
pub fn response(status: StatusCode) -> Response<Body> {
    let page = crate::runtimes::pages::html_response(status, &Bytes::from(html(status)));
    crate::runtimes::pages::no_store(page)
}

#[cfg(test)]
mod tests {
    use http::header;

    use super::*;

    #[test]
    fn the_page_names_the_status_as_next_does() {
        let page = html(StatusCode::NOT_FOUND);
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.contains("<title>404: This page could not be found</title>"));
        assert!(page.contains("This page could not be found<!-- -->.</h2>"));
        let page = html(StatusCode::INTERNAL_SERVER_ERROR);
        assert!(page.contains("<title>500: Internal Server Error</title>"));
        assert!(page.contains(">500</h1>"));
    }

    #[test]
    fn responses_are_html_with_the_status() {
        let response = response(StatusCode::NOT_FOUND);
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/html; charset=utf-8"
        );
    }
}
