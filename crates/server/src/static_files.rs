//! Files from a folder: the app's `public/`, and the build's browser files served under
//! `/_next/static/`, with content types and ETag revalidation.
//!
//! The folder is listed once when a build is loaded, as `next start` does, so a request for
//! a path that is no file there costs a map lookup rather than a file-system call.
//!
//! A symbolic link is served only when it resolves to a file inside the folder's confine
//! (the app for `public/`, the build for `/_next/static/`): a link to `/etc/passwd` or to the
//! app's `../.env` is a leak, not a public file.

use std::collections::HashMap;
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
    /// Every file's path relative to the root, `/`-separated, as listed at load, and the
    /// file to read for it (a symbolic link's resolved target).
    files: HashMap<String, PathBuf>,
    cache_control: &'static str,
}

impl PublicDir {
    /// Lists the files below `root` (which need not exist) that resolve inside `confine`;
    /// they are sent with `cache_control`.
    pub fn new(root: PathBuf, confine: &Path, cache_control: &'static str) -> Self {
        let mut files = HashMap::new();
        let confine = confine
            .canonicalize()
            .unwrap_or_else(|_| confine.to_path_buf());
        match root.canonicalize() {
            Ok(real) if real.starts_with(&confine) => {
                list_files(&root, &root, &confine, &mut files);
            }
            Ok(real) => tracing::warn!(
                "{} is a symbolic link to {}, outside {}; none of its files are served.",
                root.display(),
                real.display(),
                confine.display()
            ),
            Err(_) => {}
        }
        Self {
            files,
            cache_control,
        }
    }

    /// Whether `path` names a file listed here.
    pub fn has(&self, path: &str) -> bool {
        self.resolve(path).is_some()
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
        let (name, file) = self.resolve(path)?;
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
        // The name asked for, not a link's target, says what the file is.
        let content_type = mime_guess::from_path(name).first_or_octet_stream();
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

    /// Maps a URL path to its name below the root and the file to read, refusing anything
    /// that would leave the root.
    fn resolve(&self, path: &str) -> Option<(String, PathBuf)> {
        let decoded = percent_decode(path)?;
        let relative = Path::new(decoded.trim_start_matches('/'));
        if relative.as_os_str().is_empty()
            || relative
                .components()
                .any(|part| !matches!(part, Component::Normal(_)))
        {
            return None;
        }
        let file = self.files.get(relative.to_str()?)?.clone();
        Some((decoded, file))
    }
}

fn list_files(root: &Path, dir: &Path, confine: &Path, files: &mut HashMap<String, PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let file = match entry.file_type() {
            Ok(kind) if kind.is_dir() => {
                list_files(root, &path, confine, files);
                continue;
            }
            Ok(kind) if kind.is_symlink() => match linked_file(&path, confine) {
                Some(target) => target,
                None => continue,
            },
            Ok(_) => path.clone(),
            Err(_) => continue,
        };
        let relative = path.strip_prefix(root).ok().and_then(Path::to_str);
        if let Some(relative) = relative {
            files.insert(relative.replace(std::path::MAIN_SEPARATOR, "/"), file);
        }
    }
}

/// The file a symbolic link resolves to, when that is a file inside `confine`.
fn linked_file(link: &Path, confine: &Path) -> Option<PathBuf> {
    // A dangling link is no file, as it was before links were checked.
    let target = link.canonicalize().ok()?;
    if !target.starts_with(confine) {
        tracing::warn!(
            "{} is a symbolic link to {}, outside {}; it is not served.",
            link.display(),
            target.display(),
            confine.display()
        );
        return None;
    }
    target.is_file().then_some(target)
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

    fn file(public: &PublicDir, path: &str) -> Option<PathBuf> {
        public.resolve(path).map(|(_, file)| file)
    }

    #[test]
    fn refuses_paths_that_leave_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a")).unwrap();
        std::fs::write(dir.path().join("a/b.txt"), "b").unwrap();
        let public = PublicDir::new(dir.path().to_path_buf(), dir.path(), PUBLIC_CACHE_CONTROL);
        assert_eq!(file(&public, "/a/b.txt"), Some(dir.path().join("a/b.txt")));
        assert_eq!(
            file(&public, "/a/%62.txt"),
            Some(dir.path().join("a/b.txt"))
        );
        assert_eq!(file(&public, "/a/c.txt"), None);
        assert_eq!(file(&public, "/../secret"), None);
        assert_eq!(file(&public, "/a/%2e%2e/%2e%2e/secret"), None);
        assert_eq!(file(&public, "/"), None);
        assert_eq!(file(&public, "/%zz"), None);
        assert_eq!(file(&public, "/%ff"), None);
    }

    #[test]
    fn serves_symbolic_links_only_to_files_inside_the_confine() {
        let app = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let app_dir = app.path().canonicalize().unwrap();
        std::fs::create_dir_all(app_dir.join("public")).unwrap();
        std::fs::create_dir_all(app_dir.join("data")).unwrap();
        std::fs::write(app_dir.join("data/inside.json"), "{}").unwrap();
        std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
        let link = |target: &Path, name: &str| {
            std::os::unix::fs::symlink(target, app_dir.join("public").join(name)).unwrap()
        };
        link(Path::new("../data/inside.json"), "inside.txt");
        link(&outside.path().join("secret.txt"), "outside.txt");
        link(outside.path(), "outside-dir");
        link(Path::new("../data"), "inside-dir");
        link(Path::new("missing.txt"), "dangling.txt");
        let public = PublicDir::new(app_dir.join("public"), &app_dir, PUBLIC_CACHE_CONTROL);
        assert_eq!(
            public.resolve("/inside.txt"),
            Some(("/inside.txt".into(), app_dir.join("data/inside.json")))
        );
        assert_eq!(file(&public, "/outside.txt"), None);
        assert_eq!(file(&public, "/outside-dir/secret.txt"), None);
        assert_eq!(file(&public, "/inside-dir/inside.json"), None);
        assert_eq!(file(&public, "/dangling.txt"), None);

        // A public folder that is itself a link out of the app serves nothing.
        std::fs::create_dir_all(app_dir.join("other")).unwrap();
        std::os::unix::fs::symlink(outside.path(), app_dir.join("other/public")).unwrap();
        let linked = PublicDir::new(app_dir.join("other/public"), &app_dir, PUBLIC_CACHE_CONTROL);
        assert_eq!(file(&linked, "/secret.txt"), None);
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
