//! `switchyard dev`: build, serve, and rebuild and reload when a source file changes.

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::path::{Component, Path};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};
use switchyard_app::is_env_file;
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
        let port = server.local_addr()?.port();
        let reloader = server.reloader();
        let watch_root = root.clone();
        let handle = tokio::runtime::Handle::current();
        std::thread::Builder::new()
            .name("dev-watch".into())
            .spawn(move || watch(&watch_root, &reloader, &handle, port))?;
        server.run(shutdown_signal()).await?;
        Ok(ExitCode::SUCCESS)
    })
}

fn wait_for_good_build(root: &Path) -> anyhow::Result<()> {
    let (_watcher, changes) = watcher(root)?;
    loop {
        if next_change(root, &changes) {
            // Nothing is served yet: the next build runs in a process that reads them afresh.
            restart(0);
            continue;
        }
        if build(root, true)?.is_some() {
            return Ok(());
        }
    }
}

fn watch(root: &Path, reloader: &Reloader, handle: &tokio::runtime::Handle, port: u16) {
    let (_watcher, changes) = match watcher(root) {
        Ok(watching) => watching,
        Err(error) => {
            tracing::error!("Could not watch {} for changes: {error}", root.display());
            return;
        }
    };
    loop {
        if next_change(root, &changes) {
            restart(port);
            continue;
        }
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

/// Blocks until a relevant file changes, then swallows the burst that follows; whether an
/// `.env` file of the app was among the changes.
fn next_change(root: &Path, changes: &Changes) -> bool {
    let mut env_changed;
    loop {
        match changes.recv() {
            Ok(Ok(event)) if is_edit(&event) && event.paths.iter().any(|path| is_source(path)) => {
                tracing::debug!("changed: {:?}", event.paths);
                env_changed = touches_env_file(root, &event);
                break;
            }
            Ok(_) => continue,
            Err(_) => std::thread::park(),
        }
    }
    while let Ok(event) = changes.recv_timeout(DEBOUNCE) {
        if let Ok(event) = event {
            env_changed |= is_edit(&event) && touches_env_file(root, &event);
        }
    }
    env_changed
}

/// Whether `event` changed one of the `.env` files in the app's root.
fn touches_env_file(root: &Path, event: &notify::Event) -> bool {
    event.paths.iter().any(|path| {
        path.parent() == Some(root)
            && path
                .file_name()
                .and_then(|name| name.to_str())
                .is_some_and(is_env_file)
    })
}

/// Runs `switchyard dev` again in this process (same pid, same output) on `port`, to load
/// changed `.env` files.
///
/// The environment is applied to the process once, before any thread starts, and read from
/// there by next.config, the bundler, the Edge runtime and every Node.js worker; changing it
/// under running threads is not sound, so a fresh process image replaces this one instead.
/// The listening socket and the Node.js workers' lifelines close on exec, so the workers exit
/// and the new image binds the port again. Returns only when the exec failed.
fn restart(port: u16) {
    println!("Environment files changed: restarting to load them…");
    let args = with_port(std::env::args_os().skip(1), port);
    let error = match std::env::current_exe() {
        Ok(exe) => std::process::Command::new(exe)
            .args(args)
            .env_clear()
            .envs(crate::env_files::original())
            .exec(),
        Err(error) => error,
    };
    tracing::error!(
        "Could not restart to load the changed .env files: {error}. Restart `switchyard dev` yourself."
    );
}

/// The command line with `--port` set to `port` (the one bound, when `--port 0` picked it),
/// or left alone when `port` is 0.
fn with_port(args: impl Iterator<Item = OsString>, port: u16) -> Vec<OsString> {
    if port == 0 {
        return args.collect();
    }
    let mut out = Vec::new();
    let mut skip_value = false;
    for arg in args {
        if std::mem::take(&mut skip_value) {
            continue;
        }
        match arg.to_str() {
            Some("--port" | "-p") => skip_value = true,
            Some(flag) if flag.starts_with("--port=") || flag.starts_with("-p") => {}
            _ => out.push(arg),
        }
    }
    out.extend(["--port".into(), port.to_string().into()]);
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_bound_port_replaces_the_requested_one() {
        for given in [
            &["dev", "app", "--port", "0"][..],
            &["dev", "--port=0", "app"],
            &["dev", "-p", "0", "app"],
            &["dev", "app"],
        ] {
            let mut got = with_port(args(given).into_iter(), 4321);
            got.retain(|arg| arg != "app");
            assert_eq!(got, args(&["dev", "--port", "4321"]), "{given:?}");
        }
        assert_eq!(
            with_port(args(&["dev", "-p", "0"]).into_iter(), 0),
            args(&["dev", "-p", "0"])
        );
    }
}
