//! Files from a folder: the app's `public/`, and the build's browser files served under
//! `/_next/static/`, with content types and ETag revalidation.
//!
//! The folder is listed once when a build is loaded, as `next start` does, so a request for
//! a path that is no file there costs a set lookup rather than a file-system call.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::time::UNIX_EPOCH;

use http::{HeaderMap, HeaderValue, Method, Response, StatusCode, header};

use crate::body::Body;

/// `Cache-Control` of public files: revalidate every time, as Next.js serves them.
pub const PUBLIC_CACHE_CONTROL: &str = "public, max-age=0";

/// `Cache-Control` of content-hashed build files: they never change.
pub const IMMUTABLE_CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

/// A folder served as is.
pub struct PublicDir {
    root: PathBuf,
    /// Every file's path relative to the root, `/`-separated, as listed at load.
    files: HashSet<String>,
    cache_control: &'static str,
}

impl PublicDir {
    /// Lists the files below `root` (which need not exist); they are sent with `cache_control`.
    pub fn new(root: PathBuf, cache_control: &'static str) -> Self {
        let mut files = HashSet::new();
        list_files(&root, &root, &mut files);
        Self {
            root,
            files,
            cache_control,
        }
    }

    /// The response for `path` if a file of that name exists, else `None`.
    pub async fn respond(
        &self,
        method: &Method,
        path: &str,
        request_headers: &HeaderMap,
    ) -> Option<Response<Body>> {
        if method != Method::GET && method != Method::HEAD {
            return None;
        }
        let file = self.resolve(path)?;
        let metadata = tokio::fs::metadata(&file).await.ok()?;
        if !metadata.is_file() {
            return None;
        }
        let modified = metadata.modified().ok();
        let etag = entity_tag(metadata.len(), modified);
        let mut builder = Response::builder()
            .header(header::ETAG, &etag)
            .header(header::CACHE_CONTROL, self.cache_control);
        if let Some(modified) = modified {
            builder = builder.header(header::LAST_MODIFIED, httpdate::fmt_http_date(modified));
        }
        if matches_etag(request_headers.get(header::IF_NONE_MATCH), &etag) {
            return builder
                .status(StatusCode::NOT_MODIFIED)
                .body(Body::Empty)
                .ok();
        }
        let content_type = mime_guess::from_path(&file).first_or_octet_stream();
        builder = builder.header(header::CONTENT_TYPE, content_type.as_ref());
        if method == Method::HEAD {
            return builder
                .header(header::CONTENT_LENGTH, metadata.len())
                .body(Body::Empty)
                .ok();
        }
        let bytes = tokio::fs::read(&file).await.ok()?;
        builder.body(Body::full(bytes)).ok()
    }

    /// Maps a URL path to a file below the root, refusing anything that would leave it.
    fn resolve(&self, path: &str) -> Option<PathBuf> {
        let decoded = percent_decode(path)?;
        let relative = Path::new(decoded.trim_start_matches('/'));
        if relative.as_os_str().is_empty()
            || relative
                .components()
                .any(|part| !matches!(part, Component::Normal(_)))
            || !self.files.contains(relative.to_str()?)
        {
            return None;
        }
        Some(self.root.join(relative))
    }
}

fn list_files(root: &Path, dir: &Path, files: &mut HashSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => list_files(root, &path, files),
            Ok(_) => {
                let relative = path.strip_prefix(root).ok().and_then(Path::to_str);
                if let Some(relative) = relative {
                    files.insert(relative.replace(std::path::MAIN_SEPARATOR, "/"));
                }
            }
            Err(_) => {}
        }
    }
}

fn entity_tag(len: u64, modified: Option<std::time::SystemTime>) -> String {
    let nanos = modified
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |elapsed| elapsed.as_nanos());
    format!("W/\"{len:x}-{nanos:x}\"")
}

fn matches_etag(header: Option<&HeaderValue>, etag: &str) -> bool {
    let Some(value) = header.and_then(|value| value.to_str().ok()) else {
        return false;
    };
    let bare = etag.trim_start_matches("W/");
    value
        .split(',')
        .map(str::trim)
        .any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == bare)
}

/// Percent-decodes a URL path; invalid UTF-8 is no file at all.
fn percent_decode(path: &str) -> Option<String> {
    percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()
        .map(|decoded| decoded.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_that_leave_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a")).unwrap();
        std::fs::write(dir.path().join("a/b.txt"), "b").unwrap();
        let public = PublicDir::new(dir.path().to_path_buf(), PUBLIC_CACHE_CONTROL);
        assert_eq!(public.resolve("/a/b.txt"), Some(dir.path().join("a/b.txt")));
        assert_eq!(
            public.resolve("/a/%62.txt"),
            Some(dir.path().join("a/b.txt"))
        );
        assert_eq!(public.resolve("/a/c.txt"), None);
        assert_eq!(public.resolve("/../secret"), None);
        assert_eq!(public.resolve("/a/%2e%2e/%2e%2e/secret"), None);
        assert_eq!(public.resolve("/"), None);
        assert_eq!(public.resolve("/%zz"), None);
        assert_eq!(public.resolve("/%ff"), None);
    }

    #[test]
    fn weak_and_strong_etags_both_match() {
        let tag = "W/\"a-b\"";
        assert!(matches_etag(
            Some(&HeaderValue::from_static("W/\"a-b\"")),
            tag
        ));
        assert!(matches_etag(
            Some(&HeaderValue::from_static("\"x\", \"a-b\"")),
            tag
        ));
        assert!(!matches_etag(
            Some(&HeaderValue::from_static("\"other\"")),
            tag
        ));
        assert!(!matches_etag(None, tag));
    }
}
