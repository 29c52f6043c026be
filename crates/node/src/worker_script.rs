//! The worker script the binary carries (`js/node/worker.js`) and the protocol file it reads.

use std::io;
use std::path::{Path, PathBuf};

const WORKER: &str = include_str!("../../../js/node/worker.js");
const PROTOCOL: &str = include_str!("../../../js/protocol.json");

/// Writes the worker script into `dir` as it sits in the repository (`node/worker.js` beside
/// `protocol.json`), so its `require('../protocol.json')` finds the same file in both places.
/// Returns the script's path.
pub(crate) fn write(dir: &Path) -> io::Result<PathBuf> {
    let script = dir.join("node").join("worker.js");
    std::fs::create_dir_all(dir.join("node"))?;
    std::fs::write(dir.join("protocol.json"), PROTOCOL)?;
    std::fs::write(&script, WORKER)?;
    Ok(script)
}
