//! Small apps written to temporary directories, for end-to-end tests of `build`.

use std::fs;
use std::path::{Path, PathBuf};

use switchyard_app::{Diagnostic, Route};
use tempfile::TempDir;

use crate::{BuildError, BuildOptions, BuildOutput, build};

/// An app in a temporary directory.
pub(crate) struct TestApp {
    dir: TempDir,
}

impl TestApp {
    /// An app with `files` (path relative to the app, text).
    pub(crate) fn new(files: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        Self { dir }
    }

    pub(crate) fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Builds `routes` with the default options.
    pub(crate) fn build(&self, routes: &[Route]) -> Result<BuildOutput, BuildError> {
        build(self.root(), routes, &BuildOptions::new(self.root()))
    }

    /// The bundle file of `page`.
    pub(crate) fn bundle_path(&self, output: &BuildOutput, page: &str) -> PathBuf {
        let entry = output
            .manifest
            .routes
            .iter()
            .find(|entry| entry.route.page == page)
            .unwrap();
        let relative = entry.bundle.as_ref().expect("the route has a bundle");
        self.root().join(".switchyard").join(relative)
    }

    /// The bundle of `page`.
    pub(crate) fn bundle(&self, output: &BuildOutput, page: &str) -> String {
        fs::read_to_string(self.bundle_path(output, page)).unwrap()
    }
}

/// The errors and warnings of a build that must have failed.
pub(crate) fn failed(
    result: Result<BuildOutput, BuildError>,
) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    match result {
        Err(BuildError::Failed { errors, warnings }) => (errors, warnings),
        other => panic!("expected a failed build, got {other:?}"),
    }
}
