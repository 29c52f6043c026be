//! `switchyard dev`: build, serve, and rebuild and reload when a source file changes.

use std::path::{Component, Path};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};
use switchyard_server::{Reloader, Server, shutdown_signal};

use super::ServeArgs;
use super::build::{app_root, build};
use super::start::{announce, runtime};

/// Changes closer together than this become one rebuild.
const DEBOUNCE: Duration = Duration::from_millis(100);

/// Builds and serves `dir`, rebuilding on change, until SIGINT or SIGTERM.
pub fn run(dir: &Path, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let root = app_root(dir)?;
    if build(&root, true)?.is_none() {
        eprintln!("Fix the errors above; Switchyard will start once the app builds.");
        wait_for_good_build(&root)?;
    }
    let options = args.options(&root, true)?;
    runtime()?.block_on(async {
        let server = Server::bind(options).await?;
        announce(&server)?;
        let reloader = server.reloader();
        let watch_root = root.clone();
        let handle = tokio::runtime::Handle::current();
        std::thread::Builder::new()
            .name("dev-watch".into())
            .spawn(move || watch(&watch_root, &reloader, &handle))?;
        server.run(shutdown_signal()).await?;
        Ok(ExitCode::SUCCESS)
    })
}

fn wait_for_good_build(root: &Path) -> anyhow::Result<()> {
    let (_watcher, changes) = watcher(root)?;
    loop {
        next_change(&changes);
        if build(root, true)?.is_some() {
            return Ok(());
        }
    }
}

fn watch(root: &Path, reloader: &Reloader, handle: &tokio::runtime::Handle) {
    let (_watcher, changes) = match watcher(root) {
        Ok(watching) => watching,
        Err(error) => {
            tracing::error!("Could not watch {} for changes: {error}", root.display());
            return;
        }
    };
    loop {
        next_change(&changes);
        println!("Change detected: rebuilding…");
        match build(root, true) {
            Ok(Some(_)) => match handle.block_on(reloader.reload()) {
                Ok(()) => println!("Rebuilt and reloaded."),
                Err(error) => tracing::error!("The new build could not be loaded: {error}"),
            },
            Ok(None) => eprintln!("Still serving the last good build."),
            Err(error) => tracing::error!("The rebuild failed: {error:#}"),
        }
    }
}

type Changes = mpsc::Receiver<notify::Result<notify::Event>>;

fn watcher(root: &Path) -> anyhow::Result<(notify::RecommendedWatcher, Changes)> {
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx)?;
    watcher.watch(root, RecursiveMode::Recursive)?;
    Ok((watcher, rx))
}

/// Blocks until a relevant file changes, then swallows the burst that follows.
fn next_change(changes: &Changes) {
    loop {
        match changes.recv() {
            Ok(Ok(event)) if is_edit(&event) && event.paths.iter().any(|path| is_source(path)) => {
                tracing::debug!("changed: {:?}", event.paths);
                break;
            }
            Ok(_) => continue,
            Err(_) => std::thread::park(),
        }
    }
    while changes.recv_timeout(DEBOUNCE).is_ok() {}
}

/// Whether the event changed something; reads (which the build itself does) do not count.
fn is_edit(event: &notify::Event) -> bool {
    matches!(
        event.kind,
        notify::EventKind::Create(_) | notify::EventKind::Modify(_) | notify::EventKind::Remove(_)
    ) && !matches!(
        event.kind,
        notify::EventKind::Modify(notify::event::ModifyKind::Metadata(_))
    )
}

/// Whether a change to `path` calls for a rebuild: not our output, not installed packages.
fn is_source(path: &Path) -> bool {
    !path.components().any(|part| {
        matches!(part, Component::Normal(name)
            if name == ".switchyard" || name == "node_modules" || name == ".git" || name == ".next")
    })
}
