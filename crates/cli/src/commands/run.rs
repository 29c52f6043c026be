//! `switchyard run FILE.js`: a script in the Edge runtime's global scope.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

/// Runs the script; exits 1 on an uncaught error or an unhandled rejection.
pub fn run(file: &Path) -> anyhow::Result<ExitCode> {
    let source = std::fs::read_to_string(file)
        .with_context(|| format!("Could not read the script {}", file.display()))?;
    let name = file.display().to_string();
    match switchyard_edge::run_script(&source, &name, std::env::vars().collect()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(switchyard_edge::ScriptError::Uncaught(errors)) => {
            for error in errors {
                eprintln!("{error}");
            }
            Ok(ExitCode::FAILURE)
        }
        Err(error) => Err(error.into()),
    }
}
