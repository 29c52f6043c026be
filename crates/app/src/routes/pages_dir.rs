//! The pages folder: where it is, which of its files are entries, and which are `_app`,
//! `_document` and `_error`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::LoadError;
use crate::routes::parse::page_from_file;
use crate::{Diagnostic, Severity};

/// Folders deeper than this are not walked (a symlink loop would otherwise never end).
const MAX_DEPTH: usize = 64;

/// `pages/_app`, `pages/_document` and `pages/_error`: not routes, but bundled with pages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialFiles {
    /// `pages/_app.*`, relative to the app root.
    pub app: Option<PathBuf>,
    /// `pages/_document.*`, relative to the app root.
    pub document: Option<PathBuf>,
    /// `pages/_error.*`, relative to the app root.
    pub error: Option<PathBuf>,
}

/// One entry file and the page it serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PageFile {
    /// `/blog/[slug]`.
    pub page: String,
    /// Relative to the app root.
    pub file: PathBuf,
    /// Absolute.
    pub path: PathBuf,
}

/// What the pages folder holds.
#[derive(Debug, Default)]
pub(crate) struct PageFiles {
    /// Entries, one per page, in file order.
    pub entries: Vec<PageFile>,
    pub special: SpecialFiles,
    /// `pages/**/_middleware.*`: Next.js 12.0's nested middleware, not routes but errors.
    pub nested_middleware: Vec<PageFile>,
    /// Duplicate pages.
    pub diagnostics: Vec<Diagnostic>,
}

/// `pages/` or else `src/pages/` under `root`, as Next.js looks for them.
pub(crate) fn find_pages_dir(root: &Path) -> Result<PathBuf, LoadError> {
    ["pages", "src/pages"]
        .iter()
        .map(|candidate| root.join(candidate))
        .find(|dir| dir.is_dir())
        .ok_or_else(|| LoadError::NoPagesDir {
            root: root.to_path_buf(),
        })
}

/// Walks `pages_dir` for files ending in one of `extensions`.
pub(crate) fn collect(
    root: &Path,
    pages_dir: &Path,
    extensions: &[String],
) -> Result<PageFiles, LoadError> {
    let mut found = Vec::new();
    walk(pages_dir, pages_dir, extensions, 0, &mut found)?;

    let mut files = PageFiles::default();
    let mut by_page: BTreeMap<String, Vec<PageFile>> = BTreeMap::new();
    for (page, path) in found {
        let file = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        let slot = match page.as_str() {
            "/_app" => Some(&mut files.special.app),
            "/_document" => Some(&mut files.special.document),
            "/_error" => Some(&mut files.special.error),
            _ => None,
        };
        match slot {
            Some(slot) => {
                slot.get_or_insert(file);
            }
            // Next.js's `/[\\/]_middleware$/` on the page name.
            None if page.ends_with("/_middleware") => {
                files.nested_middleware.push(PageFile { page, file, path });
            }
            None => by_page
                .entry(page.clone())
                .or_default()
                .push(PageFile { page, file, path }),
        }
    }

    for (page, mut candidates) in by_page {
        // `a.js` is kept over `a/index.js`, and extensions in `pageExtensions` order.
        candidates.sort_by_key(|candidate| {
            (
                candidate.file.components().count(),
                extension_rank(&candidate.file, extensions),
                candidate.file.clone(),
            )
        });
        let mut candidates = candidates.into_iter();
        let Some(kept) = candidates.next() else {
            continue;
        };
        for other in candidates {
            files.diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                file: other.file.clone(),
                line: None,
                column: None,
                message: format!(
                    "Duplicate page detected. {} and {} resolve to {page}. Only {} is used; remove the other file.",
                    kept.file.display(),
                    other.file.display(),
                    kept.file.display(),
                ),
            });
        }
        files.entries.push(kept);
    }
    files.entries.sort_by(|a, b| a.file.cmp(&b.file));
    files.nested_middleware.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(files)
}

fn extension_rank(file: &Path, extensions: &[String]) -> usize {
    let name = file.to_string_lossy();
    extensions
        .iter()
        .position(|ext| name.ends_with(&format!(".{ext}")))
        .unwrap_or(usize::MAX)
}

fn walk(
    pages_dir: &Path,
    dir: &Path,
    extensions: &[String],
    depth: usize,
    found: &mut Vec<(String, PathBuf)>,
) -> Result<(), LoadError> {
    let io = |source| LoadError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort();
    for path in entries {
        // Follows symlinks; a dangling one is not a page.
        let Ok(metadata) = std::fs::metadata(&path) else {
            continue;
        };
        if metadata.is_dir() {
            if depth < MAX_DEPTH {
                walk(pages_dir, &path, extensions, depth + 1, found)?;
            }
            continue;
        }
        let is_declaration = path
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| name.ends_with(".d.ts"));
        if is_declaration {
            continue;
        }
        let relative = path.strip_prefix(pages_dir).unwrap_or(&path);
        if let Some(page) = page_from_file(relative, extensions) {
            found.push((page, path));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::{collect, find_pages_dir};
    use crate::error::LoadError;
    use crate::{DEFAULT_PAGE_EXTENSIONS, Severity};

    fn app(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for name in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "export default function P() {}").unwrap();
        }
        dir
    }

    fn extensions() -> Vec<String> {
        DEFAULT_PAGE_EXTENSIONS.map(String::from).to_vec()
    }

    #[test]
    fn pages_wins_over_src_pages() {
        let dir = app(&["pages/a.js", "src/pages/b.js"]);
        assert_eq!(
            find_pages_dir(dir.path()).unwrap(),
            dir.path().join("pages")
        );
        let dir = app(&["src/pages/b.js"]);
        assert_eq!(
            find_pages_dir(dir.path()).unwrap(),
            dir.path().join("src/pages")
        );
    }

    #[test]
    fn a_missing_pages_dir_names_the_root_and_both_places() {
        let dir = app(&["README.md"]);
        let error = find_pages_dir(dir.path()).unwrap_err();
        assert!(matches!(error, LoadError::NoPagesDir { .. }));
        let text = error.to_string();
        let root = dir.path().display().to_string();
        assert!(text.contains(&format!("{root}/pages")), "{text}");
        assert!(text.contains(&format!("{root}/src/pages")), "{text}");
    }

    #[test]
    fn entries_exclude_special_files_declarations_and_other_extensions() {
        let dir = app(&[
            "pages/_app.tsx",
            "pages/_document.js",
            "pages/_error.jsx",
            "pages/index.js",
            "pages/api/hello.ts",
            "pages/api/_app.js",
            "pages/types.d.ts",
            "pages/styles.css",
            "pages/blog/[slug].mjs",
        ]);
        let root = dir.path();
        let files = collect(root, &root.join("pages"), &extensions()).unwrap();
        let pages: Vec<(&str, &Path)> = files
            .entries
            .iter()
            .map(|entry| (entry.page.as_str(), entry.file.as_path()))
            .collect();
        assert_eq!(
            pages,
            [
                ("/api/_app", Path::new("pages/api/_app.js")),
                ("/api/hello", Path::new("pages/api/hello.ts")),
                ("/blog/[slug]", Path::new("pages/blog/[slug].mjs")),
                ("/", Path::new("pages/index.js")),
            ]
        );
        assert_eq!(files.special.app, Some(PathBuf::from("pages/_app.tsx")));
        assert_eq!(
            files.special.document,
            Some(PathBuf::from("pages/_document.js"))
        );
        assert_eq!(files.special.error, Some(PathBuf::from("pages/_error.jsx")));
        assert!(files.diagnostics.is_empty());
    }

    #[test]
    fn nested_middleware_files_are_set_apart() {
        let dir = app(&[
            "pages/index.js",
            "pages/_middleware.js",
            "pages/about/_middleware.ts",
            "pages/about/index.js",
        ]);
        let root = dir.path();
        let files = collect(root, &root.join("pages"), &extensions()).unwrap();
        let pages: Vec<&str> = files.entries.iter().map(|e| e.page.as_str()).collect();
        assert_eq!(pages, ["/about", "/"]);
        let nested: Vec<&str> = files
            .nested_middleware
            .iter()
            .map(|e| e.page.as_str())
            .collect();
        assert_eq!(nested, ["/_middleware", "/about/_middleware"]);
    }

    #[test]
    fn page_extensions_from_the_config_are_honoured() {
        let dir = app(&[
            "pages/index.page.tsx",
            "pages/helper.tsx",
            "pages/about.page.tsx",
        ]);
        let root = dir.path();
        let files = collect(root, &root.join("pages"), &["page.tsx".to_owned()]).unwrap();
        let pages: Vec<&str> = files
            .entries
            .iter()
            .map(|entry| entry.page.as_str())
            .collect();
        assert_eq!(pages, ["/about", "/"]);
    }

    #[test]
    fn duplicate_pages_warn_with_next_wording_and_keep_one() {
        let dir = app(&["pages/a.js", "pages/a/index.js", "pages/b.ts", "pages/b.js"]);
        let root = dir.path();
        let files = collect(root, &root.join("pages"), &extensions()).unwrap();
        let kept: Vec<&Path> = files
            .entries
            .iter()
            .map(|entry| entry.file.as_path())
            .collect();
        assert_eq!(kept, [Path::new("pages/a.js"), Path::new("pages/b.ts")]);
        assert_eq!(files.diagnostics.len(), 2);
        let first = &files.diagnostics[0];
        assert_eq!(first.severity, Severity::Warning);
        assert_eq!(first.file, Path::new("pages/a/index.js"));
        assert!(
            first.message.starts_with(
                "Duplicate page detected. pages/a.js and pages/a/index.js resolve to /a."
            ),
            "{}",
            first.message
        );
        assert!(
            files.diagnostics[1]
                .message
                .contains("pages/b.ts and pages/b.js resolve to /b")
        );
    }
}
