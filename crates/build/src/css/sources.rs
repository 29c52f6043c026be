//! The files one stylesheet is made of: the stylesheet and everything it `@import`s, directly
//! or not, each preprocessed, and where each import leads. They are gathered before
//! lightningcss bundles them, so that its bundler only reads what is already here.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lightningcss::bundler::{ResolveResult, SourceProvider};
use lightningcss::css_modules::Config;
use lightningcss::rules::CssRule;
use lightningcss::stylesheet::{ParserOptions, StyleSheet};

use super::class_names::is_css_module;
use super::error::{CssError, CssWarning};
use super::preprocess::Preprocessor;
use super::resolve::{NotFound, Reference, resolve_import};

/// Where an `@import` leads.
#[derive(Debug, Clone)]
enum Import {
    File(PathBuf),
    /// Kept for the browser (another origin).
    External(String),
}

/// The files of one stylesheet, ready for the bundler.
#[derive(Debug, Default)]
pub(super) struct Sources {
    texts: HashMap<PathBuf, Arc<str>>,
    imports: HashMap<(PathBuf, String), Import>,
    /// Files a tool rewrote: positions lightningcss gives in them are not the file's.
    transformed: HashSet<PathBuf>,
    /// What the tools said, for every file.
    pub warnings: Vec<CssWarning>,
}

impl Sources {
    /// Gathers `entry` (absolute) and its imports.
    pub(super) fn gather(entry: &Path, preprocessor: &Preprocessor) -> Result<Self, CssError> {
        let mut sources = Sources::default();
        let mut pending = vec![entry.to_path_buf()];
        while let Some(file) = pending.pop() {
            if sources.texts.contains_key(&file) {
                continue;
            }
            let preprocessed = preprocessor.read(&file).map_err(|error| match error.file {
                Some(_) => error,
                None if file != entry => error.in_file(&file),
                None => error,
            })?;
            if preprocessed.transformed {
                sources.transformed.insert(file.clone());
            }
            sources
                .warnings
                .extend(preprocessed.warnings.into_iter().map(|mut warning| {
                    if warning.file.as_deref() == Some(entry) {
                        warning.file = None;
                    } else if warning.file.is_none() && file != entry {
                        warning.file = Some(file.clone());
                    }
                    warning
                }));
            for (specifier, line) in imports_of(&file, &preprocessed.code) {
                let import = match resolve_import(&specifier, &file) {
                    Ok(Reference::File { path, .. }) => {
                        pending.push(path.clone());
                        Import::File(path)
                    }
                    Ok(Reference::Kept) => Import::External(specifier.clone()),
                    Err(not_found) => {
                        let exact = !preprocessed.transformed;
                        return Err(CssError {
                            message: format!("{not_found}."),
                            file: (file != entry).then(|| file.clone()),
                            line: exact.then_some(line),
                            column: None,
                        });
                    }
                };
                sources.imports.insert((file.clone(), specifier), import);
            }
            sources.texts.insert(file, preprocessed.code);
        }
        Ok(sources)
    }

    /// Whether lightningcss's positions in `file` are the file's own.
    pub(super) fn is_exact(&self, file: &Path) -> bool {
        !self.transformed.contains(file)
    }
}

/// The `@import`s of the stylesheet `file` with the text `code`: specifier and 1-based line.
fn imports_of(file: &Path, code: &str) -> Vec<(String, u32)> {
    let options = ParserOptions {
        filename: file.to_string_lossy().into_owned(),
        css_modules: is_css_module(&file.to_string_lossy()).then(Config::default),
        // Only the imports matter here; the bundler reports what does not parse.
        error_recovery: true,
        ..ParserOptions::default()
    };
    let Ok(sheet) = StyleSheet::parse(code, options) else {
        return Vec::new();
    };
    sheet
        .rules
        .0
        .iter()
        .filter_map(|rule| match rule {
            CssRule::Import(import) => Some((import.url.to_string(), import.loc.line + 1)),
            _ => None,
        })
        .collect()
}

impl SourceProvider for Sources {
    type Error = NotFound;

    fn read<'a>(&'a self, file: &Path) -> Result<&'a str, Self::Error> {
        self.texts
            .get(file)
            .map(|text| &**text)
            .ok_or_else(|| NotFound(file.display().to_string()))
    }

    fn resolve(&self, specifier: &str, from: &Path) -> Result<ResolveResult, Self::Error> {
        match self
            .imports
            .get(&(from.to_path_buf(), specifier.to_string()))
        {
            Some(Import::File(path)) => Ok(ResolveResult::File(path.clone())),
            Some(Import::External(url)) => Ok(ResolveResult::External(url.clone())),
            None => Err(NotFound(specifier.to_string())),
        }
    }
}
