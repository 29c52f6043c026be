//! What a stylesheet's `@import` and `url()` name, resolved as Next.js's `css-loader` resolves
//! them: relative to the stylesheet first (`url(a.png)` is `./a.png`), then as a package
//! (`some-pkg/dist/style.css`, or webpack's `~some-pkg/...`), with the `style` condition and
//! `style` field that CSS packages publish.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use oxc_resolver::{ResolveOptions, Resolver};

/// What a reference in a stylesheet stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Reference {
    /// A file, absolute; `suffix` is the URL's `?query` and `#fragment`, kept in the output.
    File { path: PathBuf, suffix: String },
    /// Left as it is: another origin, a data URL, a path on this site (`/img.png`, served
    /// from `public/`), a fragment (`#clip`).
    Kept,
}

/// Why a reference names nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Module not found: Can't resolve '{0}'")]
pub(super) struct NotFound(pub String);

/// Whether `url` is left for the browser rather than bundled.
fn is_kept(url: &str) -> bool {
    url.is_empty() || url.starts_with('/') || url.starts_with('#') || has_scheme(url)
}

/// `data:`, `https:`, ...: a scheme of letters, digits, `+`, `-` and `.`, then `:`.
fn has_scheme(url: &str) -> bool {
    url.split_once(':').is_some_and(|(scheme, _)| {
        scheme.len() > 1
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// The resolver for `@import`s: `.css` may be left out, as `css-loader` allows.
fn import_resolver() -> &'static Resolver {
    static RESOLVER: OnceLock<Resolver> = OnceLock::new();
    RESOLVER.get_or_init(|| resolver(&[".css"]))
}

/// The resolver for `url()`s: files named in full.
fn url_resolver() -> &'static Resolver {
    static RESOLVER: OnceLock<Resolver> = OnceLock::new();
    RESOLVER.get_or_init(|| resolver(&[]))
}

fn resolver(extensions: &[&str]) -> Resolver {
    let strings = |items: &[&str]| items.iter().map(|item| item.to_string()).collect();
    Resolver::new(ResolveOptions {
        condition_names: strings(&["style", "browser", "import", "require", "default"]),
        main_fields: strings(&["css", "style", "main"]),
        main_files: strings(&["index"]),
        extensions: strings(extensions),
        prefer_relative: true,
        ..ResolveOptions::default()
    })
}

/// Resolves the `@import` of `specifier` in the stylesheet `from`.
pub(super) fn resolve_import(specifier: &str, from: &Path) -> Result<Reference, NotFound> {
    resolve(import_resolver(), specifier, from)
}

/// Resolves `url(url)` in the stylesheet `from`.
pub(super) fn resolve_url(url: &str, from: &Path) -> Result<Reference, NotFound> {
    resolve(url_resolver(), url, from)
}

fn resolve(resolver: &Resolver, specifier: &str, from: &Path) -> Result<Reference, NotFound> {
    if is_kept(specifier) {
        return Ok(Reference::Kept);
    }
    let split = specifier.find(['?', '#']).unwrap_or(specifier.len());
    let (request, suffix) = specifier.split_at(split);
    let request = request.strip_prefix('~').unwrap_or(request);
    let dir = from.parent().unwrap_or(from);
    let not_found = || NotFound(specifier.to_string());
    let request = percent_decoded(request).ok_or_else(not_found)?;
    let resolution = resolver.resolve(dir, &request).map_err(|_| not_found())?;
    Ok(Reference::File {
        path: resolution.into_path_buf(),
        suffix: suffix.to_string(),
    })
}

/// `request` with `%XX` escapes decoded (`url(my%20font.woff2)` names `my font.woff2`);
/// `None` when they do not decode to UTF-8.
fn percent_decoded(request: &str) -> Option<String> {
    if !request.contains('%') {
        return Some(request.to_string());
    }
    let bytes = request.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = bytes
            .get(at + 1..at + 3)
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (bytes[at], hex) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                at += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8(decoded).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path.canonicalize().unwrap()
    }

    #[test]
    fn other_origins_data_and_site_paths_are_kept() {
        let from = Path::new("/app/styles/a.css");
        for url in [
            "https://fonts.example/a.css",
            "//cdn.example/x.png",
            "data:image/png;base64,AAAA",
            "/images/bg.png",
            "#clip",
            "",
        ] {
            assert_eq!(resolve_url(url, from), Ok(Reference::Kept), "{url}");
        }
    }

    #[test]
    fn relative_first_then_packages() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let css = write(root, "styles/a.css", "");
        let image = write(root, "styles/img/bg.png", "png");
        let package_css = write(root, "node_modules/ui/dist/style.css", "");
        write(
            root,
            "node_modules/ui/package.json",
            r#"{ "name": "ui", "style": "dist/style.css" }"#,
        );
        let font = write(root, "node_modules/ui/fonts/a b.woff2", "font");

        assert_eq!(
            resolve_url("img/bg.png?v=2#x", &css),
            Ok(Reference::File {
                path: image,
                suffix: "?v=2#x".into()
            })
        );
        assert_eq!(
            resolve_import("ui/dist/style.css", &css),
            Ok(Reference::File {
                path: package_css.clone(),
                suffix: String::new()
            })
        );
        assert_eq!(
            resolve_import("~ui", &css),
            Ok(Reference::File {
                path: package_css.clone(),
                suffix: String::new()
            })
        );
        assert_eq!(
            resolve_url("ui/fonts/a%20b.woff2", &css),
            Ok(Reference::File {
                path: font,
                suffix: String::new()
            })
        );
        assert_eq!(
            resolve_import("./missing.css", &css),
            Err(NotFound("./missing.css".into()))
        );
    }

    #[test]
    fn imports_may_leave_out_the_extension() {
        let dir = tempfile::tempdir().unwrap();
        let css = write(dir.path(), "a.css", "");
        let other = write(dir.path(), "b.css", "");
        assert_eq!(
            resolve_import("./b", &css),
            Ok(Reference::File {
                path: other,
                suffix: String::new()
            })
        );
    }
}
