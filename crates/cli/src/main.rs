//! `switchyard`: serve Next.js pages-router apps with Edge and Node.js runtimes.

mod commands;
mod env_files;
mod logging;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Serve Next.js pages-router apps on a built-in Edge runtime and supervised Node.js.
#[derive(Parser)]
#[command(name = "switchyard", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the app into DIR/.switchyard and print the route table.
    Build {
        /// The app's folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Serve a built app.
    Start {
        /// The app's folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[command(flatten)]
        serve: commands::ServeArgs,
    },
    /// Build, serve, and rebuild when a file changes.
    Dev {
        /// The app's folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[command(flatten)]
        serve: commands::ServeArgs,
    },
    /// Print the route table without building.
    Routes {
        /// The app's folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Run a script in the Edge runtime's global scope.
    Run {
        /// The script (a classic script: no import statements).
        file: PathBuf,
    },
}

fn main() -> ExitCode {
    logging::init();
    let cli = Cli::parse();
    // `.env` files first, while the process has one thread: everything after reads them.
    let app_dir = match &cli.command {
        Command::Build { dir } | Command::Routes { dir } => Some((dir, false)),
        Command::Start { dir, .. } => Some((dir, false)),
        Command::Dev { dir, .. } => Some((dir, true)),
        Command::Run { .. } => None,
    };
    if let Some((dir, dev)) = app_dir
        && let Err(error) = env_files::apply(dir, dev)
    {
        eprintln!("Error: {error:#}");
        return ExitCode::FAILURE;
    }
    let outcome = match cli.command {
        Command::Build { dir } => commands::build::run(&dir),
        Command::Start { dir, serve } => commands::start::run(&dir, &serve),
        Command::Dev { dir, serve } => commands::dev::run(&dir, &serve),
        Command::Routes { dir } => commands::routes::run(&dir),
        Command::Run { file } => commands::run::run(&file),
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("Error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
