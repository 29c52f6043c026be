//! Files a stylesheet's `url()`s name (fonts, images): copied into the build's static output
//! under content-hashed names, `static/media/<name>.<hash>.<ext>`, and the URLs rewritten to
//! `/_next/static/media/...`, as Next.js emits them.

use std::path::{Path, PathBuf};

use lightningcss::dependencies::Dependency;

use super::error::CssError;
use super::resolve::{Reference, resolve_url};
use crate::build_id::BuildIdHasher;
use switchyard_output::STATIC_DIR;

/// Where media go under the static directory.
const MEDIA_DIR: &str = "media";

/// A file to copy into the output.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct MediaFile {
    /// Where it goes, relative to the output directory: `static/media/font.1a2b3c4d.woff2`.
    pub output: String,
    /// The file to copy, absolute.
    pub source: PathBuf,
}

/// The URLs of `code` (lightningcss's output, each `url()` a quoted placeholder listed in
/// `dependencies`) put back: files copied as media, other URLs as they were written. Errors
/// give lines only in files where `is_exact` says lightningcss's lines are the file's.
pub(super) fn rewrite_urls(
    mut code: String,
    dependencies: Vec<Dependency>,
    media: &mut Vec<MediaFile>,
    is_exact: impl Fn(&Path) -> bool,
) -> Result<String, CssError> {
    for dependency in dependencies {
        let (url, placeholder, location) = match dependency {
            Dependency::Url(url) => (url.url, url.placeholder, url.loc),
            // External `@import`s the bundler kept; files were inlined already.
            Dependency::Import(import) => (import.url, import.placeholder, import.loc),
        };
        let from = Path::new(&location.file_path);
        let exact = is_exact(from);
        let located = |error: String| CssError {
            message: format!("{error}."),
            file: Some(from.to_path_buf()),
            line: exact.then_some(location.start.line),
            column: exact.then_some(location.start.column),
        };
        let replacement =
            match resolve_url(&url, from).map_err(|error| located(error.to_string()))? {
                Reference::Kept => url,
                Reference::File { path, suffix } => {
                    let file = media_file(&path).map_err(|error| {
                        located(format!(
                            "The file {} could not be read: {error}",
                            path.display()
                        ))
                    })?;
                    let public = format!("/_next/{}{suffix}", file.output);
                    if !media.contains(&file) {
                        media.push(file);
                    }
                    public
                }
            };
        code = code.replace(&placeholder, &escape_quoted(&replacement));
    }
    Ok(code)
}

/// `text` as it may stand inside a double-quoted CSS string.
fn escape_quoted(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for char in text.chars() {
        match char {
            '"' | '\\' => {
                escaped.push('\\');
                escaped.push(char);
            }
            '\n' => escaped.push_str("\\a "),
            _ => escaped.push(char),
        }
    }
    escaped
}

/// The output of the file at `path`: its name, the first 8 hex digits of its content's hash,
/// its extension.
fn media_file(path: &Path) -> std::io::Result<MediaFile> {
    let bytes = std::fs::read(path)?;
    Ok(media_file_of(path, &bytes))
}

/// [`media_file`] of the file at `path` whose content, already read, is `bytes` (images
/// imported from JavaScript are named the same way).
pub(crate) fn media_file_of(path: &Path, bytes: &[u8]) -> MediaFile {
    let mut hasher = BuildIdHasher::new();
    hasher.add(bytes);
    let hash = &hasher.finish()[..8];
    let stem = path
        .file_stem()
        .map(|stem| safe_name(&stem.to_string_lossy()))
        .unwrap_or_default();
    let name = match path.extension() {
        Some(extension) => format!("{stem}.{hash}.{}", safe_name(&extension.to_string_lossy())),
        None => format!("{stem}.{hash}"),
    };
    MediaFile {
        output: format!("{STATIC_DIR}/{MEDIA_DIR}/{name}"),
        source: path.to_path_buf(),
    }
}

/// `name` with only characters that need no escaping in a URL or a CSS string.
fn safe_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_are_named_by_content() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("my font.woff2");
        let b = dir.path().join("copy.woff2");
        std::fs::write(&a, b"font bytes").unwrap();
        std::fs::write(&b, b"font bytes").unwrap();
        let file = media_file(&a).unwrap();
        assert!(
            file.output.starts_with("static/media/my_font.") && file.output.ends_with(".woff2"),
            "{}",
            file.output
        );
        assert_eq!(
            file.output.len(),
            "static/media/my_font.12345678.woff2".len()
        );
        let copy = media_file(&b).unwrap();
        assert_eq!(
            file.output.rsplit('.').nth(1),
            copy.output.rsplit('.').nth(1),
            "same bytes, same hash"
        );
    }

    #[test]
    fn strings_are_escaped() {
        assert_eq!(escape_quoted(r#"a"b\c"#), r#"a\"b\\c"#);
    }
}
