//! Where `console.*` output of Edge code goes.

use std::io::Write;
use std::rc::Rc;

use crate::web::ConsoleSink;

/// A console sink that writes to the server's stdout (stderr for warnings and errors),
/// each line prefixed with `prefix` when there is one.
pub fn sink(prefix: Option<String>) -> ConsoleSink {
    Rc::new(move |level, text| {
        let line = match &prefix {
            Some(prefix) => text
                .lines()
                .map(|line| format!("[{prefix}] {line}\n"))
                .collect::<String>(),
            None => format!("{text}\n"),
        };
        // A closed stdout must not take the server down, so write errors are ignored.
        if level.is_stderr() {
            let _ = std::io::stderr().lock().write_all(line.as_bytes());
        } else {
            let _ = std::io::stdout().lock().write_all(line.as_bytes());
        }
    })
}
