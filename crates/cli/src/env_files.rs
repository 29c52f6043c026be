//! The app's `.env` files, applied to this process's environment before anything else runs,
//! as Next.js assigns them to `process.env`: next.config, the bundler (for `NEXT_PUBLIC_*`),
//! prerendering, the Edge runtime's `process.env` and the Node.js workers all read it.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::Path;
use std::sync::OnceLock;

use switchyard_app::{EnvMode, load_env_files};

/// The environment Switchyard was started with, before any `.env` file was applied.
static ORIGINAL: OnceLock<Vec<(OsString, OsString)>> = OnceLock::new();

/// Loads the `.env` files of `dir` for a `dev` (or other) command into the environment,
/// printing `- Environments: …` and a warning for each line that was skipped.
///
/// Must run before any thread is started: it sets environment variables.
pub fn apply(dir: &Path, dev: bool) -> anyhow::Result<()> {
    let original: Vec<(OsString, OsString)> = std::env::vars_os().collect();
    let process: HashMap<String, String> = original
        .iter()
        .filter_map(|(name, value)| Some((name.to_str()?.to_owned(), value.to_str()?.to_owned())))
        .collect();
    let _ = ORIGINAL.set(original);
    let mode = EnvMode::new(dev, process.get("NODE_ENV").map(String::as_str));
    let loaded = load_env_files(dir, mode, &process)?;
    for warning in &loaded.warnings {
        eprintln!("Warning: {warning}");
    }
    if let Some(summary) = loaded.summary() {
        println!("{summary}");
    }
    for (name, value) in &loaded.vars {
        // SAFETY: `main` calls this before it starts any thread (no runtime, no watcher, no
        // JavaScriptCore VM yet), so nothing can read the environment concurrently.
        unsafe { std::env::set_var(name, value) };
    }
    Ok(())
}

/// The environment from before [`apply`], for a restart that reads the files afresh.
pub fn original() -> Vec<(OsString, OsString)> {
    ORIGINAL
        .get()
        .cloned()
        .unwrap_or_else(|| std::env::vars_os().collect())
}
