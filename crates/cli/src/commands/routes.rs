//! `switchyard routes`: the route table from the project model alone, nothing written.

use std::path::Path;
use std::process::ExitCode;

use switchyard_app::{Project, Severity};
use switchyard_build::{Manifest, ManifestRoute, route_table};

use super::build::{app_root, print_diagnostics};

/// Prints the route table of the app in `dir`; exit code 1 when the app has errors.
pub fn run(dir: &Path) -> anyhow::Result<ExitCode> {
    let project = Project::load(&app_root(dir)?)?;
    print_diagnostics(&project.diagnostics);
    let manifest = Manifest {
        build_id: String::new(),
        base_path: project.config.base_path.clone(),
        compress: project.config.compress,
        custom_routes: None,
        images: None,
        routes: project
            .routes
            .iter()
            .map(|route| ManifestRoute::new(route.clone()))
            .collect(),
        middleware: None,
        not_found: None,
    };
    println!("{}", route_table(&manifest));
    let failed = project
        .diagnostics
        .iter()
        .any(|diagnostic| diagnostic.severity == Severity::Error);
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
