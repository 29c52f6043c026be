//! Positions in source text and file names as diagnostics show them.

use std::path::{Component, Path, PathBuf};

/// Start offsets of the lines of one text, to turn byte offsets into lines and columns.
pub(crate) struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    /// Indexes the lines of `text`.
    pub(crate) fn new(text: &'t str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        Self { text, starts }
    }

    /// 0-based line and 0-based UTF-16 column of byte `offset`.
    ///
    /// Columns count UTF-16 units because source maps and editors do.
    pub(crate) fn position(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let column: usize = self.text[self.starts[line]..offset]
            .chars()
            .map(char::len_utf16)
            .sum();
        (to_u32(line), to_u32(column))
    }

    /// 1-based line and 1-based UTF-16 column of byte `offset`, as diagnostics show them.
    pub(crate) fn line_column(&self, offset: usize) -> (u32, u32) {
        let (line, column) = self.position(offset);
        (line + 1, column + 1)
    }

    /// Byte offset of 0-based `line` and 0-based UTF-16 `column`.
    pub(crate) fn offset(&self, line: u32, column: u32) -> Option<usize> {
        let start = *self.starts.get(line as usize)?;
        let end = self
            .starts
            .get(line as usize + 1)
            .copied()
            .unwrap_or(self.text.len());
        let mut units = 0;
        for (at, c) in self.text[start..end].char_indices() {
            if units >= column as usize {
                return Some(start + at);
            }
            units += c.len_utf16();
        }
        Some(end)
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// How a diagnostic names `file`: `./pages/api/x.js` inside the app (as Next.js names
/// modules), otherwise the path itself.
pub(crate) fn display_path(root: &Path, file: &Path) -> PathBuf {
    match file.strip_prefix(root) {
        Ok(relative) => Path::new(".").join(relative),
        Err(_) => file.to_path_buf(),
    }
}

/// `path` with `.` and `..` components resolved without touching the file system.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !normal.pop() {
                    normal.push("..");
                }
            }
            other => normal.push(other),
        }
    }
    normal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_utf16_columns() {
        let text = "ab\n\u{1F600}x\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(0), (0, 0));
        assert_eq!(index.position(3), (1, 0));
        // The emoji is 4 bytes and 2 UTF-16 units.
        assert_eq!(index.position(7), (1, 2));
        assert_eq!(index.line_column(7), (2, 3));
        assert_eq!(index.offset(1, 2), Some(7));
        assert_eq!(index.offset(9, 0), None);
    }

    #[test]
    fn display_paths_are_relative_inside_the_app() {
        let root = Path::new("/app");
        assert_eq!(
            display_path(root, Path::new("/app/pages/api/x.js")),
            PathBuf::from("./pages/api/x.js")
        );
        assert_eq!(
            display_path(root, Path::new("/elsewhere/y.js")),
            PathBuf::from("/elsewhere/y.js")
        );
    }

    #[test]
    fn normalizes_dots() {
        assert_eq!(
            normalize(Path::new("/a/b/../c/./d.js")),
            PathBuf::from("/a/c/d.js")
        );
    }
}
