//! `switchyard build`: the project model, then the bundles, then the route table.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use switchyard_app::{Diagnostic, Project, Severity};
use switchyard_build::{BuildError, BuildOptions, Manifest, route_table};

/// Builds the app in `dir`; exit code 1 when it has errors.
pub fn run(dir: &Path) -> anyhow::Result<ExitCode> {
    let root = app_root(dir)?;
    println!("Building {}", root.display());
    match build(&root, std::io::stderr().is_terminal())? {
        Some(manifest) => {
            println!("\n{}", route_table(&manifest));
            Ok(ExitCode::SUCCESS)
        }
        None => Ok(ExitCode::FAILURE),
    }
}

/// Builds and reports; `None` when the app has errors (already printed).
pub fn build(root: &Path, progress: bool) -> anyhow::Result<Option<Manifest>> {
    let project = Project::load(root)?;
    print_diagnostics(&project.diagnostics);
    if project
        .diagnostics
        .iter()
        .any(|diagnostic| diagnostic.severity == Severity::Error)
    {
        eprintln!("\nThe build failed: fix the errors above and run it again.");
        return Ok(None);
    }
    let mut options = BuildOptions::new(root);
    options.progress = progress;
    match switchyard_build::build_project(&project, &options) {
        Ok(output) => {
            print_diagnostics(&output.warnings);
            Ok(Some(output.manifest))
        }
        Err(BuildError::Failed { errors, warnings }) => {
            print_diagnostics(&warnings);
            print_diagnostics(&errors);
            let count = errors.len();
            let (noun, pronoun) = if count == 1 {
                ("error", "it")
            } else {
                ("errors", "them")
            };
            eprintln!(
                "\nThe build failed with {count} {noun}: fix {pronoun} and run the build again."
            );
            Ok(None)
        }
        Err(other) => Err(other.into()),
    }
}

/// Prints diagnostics to stderr, a blank line between them.
pub fn print_diagnostics(diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        eprintln!("\n{diagnostic}");
    }
}

/// The app folder, made absolute.
pub fn app_root(dir: &Path) -> anyhow::Result<PathBuf> {
    dir.canonicalize()
        .with_context(|| format!("The app folder {} cannot be read", dir.display()))
}
