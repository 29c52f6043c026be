//! Response compression as `next start` does it (`compress: true`, the default): gzip for
//! clients that accept it, for compressible types, bodies of 1 KB and more or of unknown
//! length, unless the response is already encoded or says `no-transform`. Streamed bodies
//! stay streamed: each chunk is flushed through the encoder as it arrives.

use std::io::Write;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;
use http::{HeaderMap, HeaderValue, Method, Response, StatusCode, header};
use http_body::{Body as _, Frame, SizeHint};
use switchyard_edge::StreamError;

use crate::body::Body;

/// Smaller bodies are sent as they are (the `compression` package's default threshold).
const THRESHOLD: u64 = 1024;

/// What the request allows: gzip (its `Accept-Encoding` takes it, a `q=0` refuses it) and a
/// body at all (not for `HEAD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted {
    gzip: bool,
}

/// Reads what the request accepts.
pub fn accepted(method: &Method, headers: &HeaderMap) -> Accepted {
    let gzip = method != Method::HEAD
        && headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .any(|coding| {
                let mut parts = coding.split(';');
                let name = parts.next().unwrap_or_default().trim();
                let refused = parts.any(|param| {
                    param
                        .trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_some_and(|q| q == 0.0)
                });
                (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
            });
    Accepted { gzip }
}

/// `response` as `next start`'s `compression` middleware leaves it: `Vary: Accept-Encoding`
/// on every compressible response, and the body gzipped when the request accepts it and
/// the body is large enough and not encoded already.
pub fn compress(mut response: Response<Body>, accepted: Accepted) -> Response<Body> {
    if !transformable(&response) {
        return response;
    }
    vary_on_accept_encoding(response.headers_mut());
    if !accepted.gzip || !worth_it(&response) {
        return response;
    }
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    headers.remove(header::CONTENT_LENGTH);
    response.map(|body| Body::Gzip(Box::new(GzipBody::new(body))))
}

/// A compressible type, and no `Cache-Control: no-transform`.
fn transformable(response: &Response<Body>) -> bool {
    let headers = response.headers();
    let compressible = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(is_compressible);
    let no_transform = || {
        headers
            .get_all(header::CACHE_CONTROL)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .any(|value| value.to_ascii_lowercase().contains("no-transform"))
    };
    compressible && !no_transform()
}

/// A body that may be compressed: of 1 KB or more (or of unknown length), not encoded yet.
fn worth_it(response: &Response<Body>) -> bool {
    let status = response.status();
    if status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED
        || status.is_informational()
    {
        return false;
    }
    let headers = response.headers();
    if headers.contains_key(header::CONTENT_ENCODING) {
        return false;
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
    let length = declared.or_else(|| response.body().size_hint().exact());
    length.is_none_or(|length| length >= THRESHOLD)
}

/// Whether a media type is worth compressing: text, JSON, JavaScript, XML and their kin (what
/// the `compressible` package says of the types web apps send).
fn is_compressible(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence.starts_with("text/")
        || essence.ends_with("+json")
        || essence.ends_with("+xml")
        || essence.ends_with("+text")
        || matches!(
            essence.as_str(),
            "application/json"
                | "application/javascript"
                | "application/x-javascript"
                | "application/ecmascript"
                | "application/xml"
                | "application/xhtml+xml"
                | "application/rss+xml"
                | "application/atom+xml"
                | "application/wasm"
                | "application/x-ndjson"
                | "application/graphql-response+json"
                | "image/svg+xml"
                | "image/x-icon"
                | "image/bmp"
                | "font/ttf"
                | "font/otf"
        )
}

fn vary_on_accept_encoding(headers: &mut HeaderMap) {
    let already = headers
        .get_all(header::VARY)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|name| {
            let name = name.trim();
            name == "*" || name.eq_ignore_ascii_case("accept-encoding")
        });
    if !already {
        headers.append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
}

/// A body gzipped as it streams.
pub struct GzipBody {
    inner: Body,
    encoder: Option<GzEncoder<Vec<u8>>>,
}

impl GzipBody {
    fn new(inner: Body) -> Self {
        Self {
            inner,
            encoder: Some(GzEncoder::new(Vec::new(), Compression::default())),
        }
    }

    /// Polls the gzipped body (see [`Body`]'s `poll_frame`).
    pub fn poll_frame(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, StreamError>>> {
        loop {
            let Some(encoder) = self.encoder.as_mut() else {
                return Poll::Ready(None);
            };
            match Pin::new(&mut self.inner).poll_frame(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(Some(Ok(frame))) => {
                    let Ok(data) = frame.into_data() else {
                        continue;
                    };
                    // A sync flush after every chunk keeps a streamed page streaming.
                    let written = encoder.write_all(&data).and_then(|()| encoder.flush());
                    if let Err(error) = written {
                        return Poll::Ready(Some(Err(gzip_failed(error))));
                    }
                    let out = std::mem::take(encoder.get_mut());
                    if !out.is_empty() {
                        return Poll::Ready(Some(Ok(Frame::data(Bytes::from(out)))));
                    }
                }
                Poll::Ready(None) => {
                    let encoder = self.encoder.take().expect("checked above");
                    return match encoder.finish() {
                        Ok(rest) if rest.is_empty() => Poll::Ready(None),
                        Ok(rest) => Poll::Ready(Some(Ok(Frame::data(Bytes::from(rest))))),
                        Err(error) => Poll::Ready(Some(Err(gzip_failed(error)))),
                    };
                }
            }
        }
    }

    /// Whether nothing is left to send.
    pub fn is_end_stream(&self) -> bool {
        self.encoder.is_none()
    }

    /// The length is unknown until the body is compressed.
    pub fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

fn gzip_failed(error: std::io::Error) -> StreamError {
    StreamError {
        page: "gzip".to_owned(),
        detail: format!("compressing the response failed: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use http_body_util::BodyExt;

    use super::*;

    fn response(content_type: &str, body: Body) -> Response<Body> {
        let mut response = Response::new(body);
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(content_type).unwrap(),
        );
        response
    }

    fn gunzip(bytes: &[u8]) -> String {
        let mut text = String::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_string(&mut text)
            .unwrap();
        text
    }

    const GZIP: Accepted = Accepted { gzip: true };

    #[test]
    fn accept_encoding_is_read_with_its_weights() {
        let gzip = |method: Method, value: Option<&str>| {
            let mut map = HeaderMap::new();
            if let Some(value) = value {
                map.insert(
                    header::ACCEPT_ENCODING,
                    HeaderValue::from_str(value).unwrap(),
                );
            }
            accepted(&method, &map).gzip
        };
        assert!(gzip(Method::GET, Some("gzip, deflate, br")));
        assert!(gzip(Method::GET, Some("br;q=1.0, GZIP;q=0.5")));
        assert!(gzip(Method::GET, Some("*")));
        assert!(!gzip(Method::GET, Some("gzip;q=0")));
        assert!(!gzip(Method::GET, Some("br, identity")));
        assert!(!gzip(Method::HEAD, Some("gzip")));
        assert!(!gzip(Method::GET, None));
    }

    #[test]
    fn compressible_responses_vary_on_accept_encoding_even_when_sent_plain() {
        let plain = compress(
            response("application/json", Body::full("{}")),
            Accepted { gzip: false },
        );
        assert_eq!(plain.headers()[header::VARY], "Accept-Encoding");
        assert!(!plain.headers().contains_key(header::CONTENT_ENCODING));
        let image = compress(response("image/png", Body::full("x")), GZIP);
        assert!(!image.headers().contains_key(header::VARY));
    }

    #[tokio::test]
    async fn large_text_is_gzipped_and_small_or_binary_is_not() {
        let html = "<p>hello</p>".repeat(200);
        let compressed = compress(
            response("text/html; charset=utf-8", Body::full(html.clone())),
            GZIP,
        );
        assert_eq!(compressed.headers()[header::CONTENT_ENCODING], "gzip");
        assert_eq!(compressed.headers()[header::VARY], "Accept-Encoding");
        let bytes = compressed.into_body().collect().await.unwrap().to_bytes();
        assert!(bytes.len() < html.len() / 4, "{}", bytes.len());
        assert_eq!(gunzip(&bytes), html);

        let small = compress(response("text/html", Body::full("<p>hi</p>")), GZIP);
        assert!(!small.headers().contains_key(header::CONTENT_ENCODING));
        let image = compress(response("image/png", Body::full(vec![0u8; 4096])), GZIP);
        assert!(!image.headers().contains_key(header::CONTENT_ENCODING));
        let mut encoded = response("text/plain", Body::full("x".repeat(4096)));
        encoded
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
        assert_eq!(
            compress(encoded, GZIP).headers()[header::CONTENT_ENCODING],
            "br"
        );
        let mut no_transform = response("text/plain", Body::full("x".repeat(4096)));
        no_transform.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-transform"),
        );
        assert!(
            !compress(no_transform, GZIP)
                .headers()
                .contains_key(header::CONTENT_ENCODING)
        );
    }

    #[tokio::test]
    async fn streamed_chunks_come_out_as_they_go_in() {
        let (sender, receiver) = tokio::sync::mpsc::channel(4);
        let mut body = compress(response("text/html", Body::Channel(receiver)), GZIP).into_body();
        sender
            .send(Ok(Bytes::from_static(b"<p>first</p>")))
            .await
            .unwrap();
        let first = body.frame().await.unwrap().unwrap().into_data().unwrap();
        // The first chunk can be read on its own before the stream ends.
        let mut decoder = flate2::write::GzDecoder::new(Vec::new());
        decoder.write_all(&first).unwrap();
        decoder.flush().unwrap();
        assert_eq!(decoder.get_ref().as_slice(), b"<p>first</p>");
        sender
            .send(Ok(Bytes::from_static(b"<p>second</p>")))
            .await
            .unwrap();
        drop(sender);
        let mut all = first.to_vec();
        while let Some(frame) = body.frame().await {
            all.extend_from_slice(&frame.unwrap().into_data().unwrap());
        }
        assert_eq!(gunzip(&all), "<p>first</p><p>second</p>");
    }
}
