//! Mapping positions in a bundle back to the source files through its source map.

use std::path::{Path, PathBuf};

use rolldown_sourcemap::SourceMap;

use crate::diagnostics::location::{LineIndex, normalize};

/// Where a position in the bundle came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OriginalPosition {
    /// The absolute source file.
    pub file: PathBuf,
    /// The source file's text, as the bundler read it.
    pub source: Option<String>,
    /// 0-based line in the source file.
    pub line: u32,
    /// 0-based UTF-16 column in the source file.
    pub column: u32,
}

/// Looks up bundle positions in one bundle's source map.
pub(crate) struct OriginalPositions<'m> {
    map: &'m SourceMap,
    /// Directory the map's relative `sources` are relative to.
    sources_dir: PathBuf,
}

impl<'m> OriginalPositions<'m> {
    /// A lookup for `map`, whose relative `sources` are relative to `sources_dir`.
    pub(crate) fn new(map: &'m SourceMap, sources_dir: &Path) -> Self {
        Self {
            map,
            sources_dir: sources_dir.to_path_buf(),
        }
    }

    /// The origin of each byte offset in `code` (the bundle `map` describes), `None` where
    /// the map has no mapping.
    pub(crate) fn lookup(&self, code: &str, offsets: &[usize]) -> Vec<Option<OriginalPosition>> {
        let table = self.map.generate_lookup_table();
        let lines = LineIndex::new(code);
        offsets
            .iter()
            .map(|&offset| {
                let (line, column) = lines.position(offset);
                let token = self.map.lookup_token(&table, line, column)?;
                let source_id = token.get_source_id()?;
                let source = self.map.get_source(source_id)?;
                Some(OriginalPosition {
                    file: normalize(&self.sources_dir.join(source)),
                    source: self.map.get_source_content(source_id).map(str::to_string),
                    line: token.get_src_line(),
                    column: token.get_src_col(),
                })
            })
            .collect()
    }
}
