//! Errors that cross the engine boundary.

/// A JavaScript exception (or engine condition) seen from Rust.
#[derive(Debug, Clone, thiserror::Error)]
pub enum JsError {
    /// User code threw; the fields are read from the thrown value.
    #[error("{name}: {message}")]
    Thrown {
        /// The error's `name` (`TypeError`, …) or `Uncaught` for non-Error values.
        name: String,
        /// The error's `message`, or the thrown value converted to a string.
        message: String,
        /// The error's `stack`, when it had one.
        stack: Option<String>,
    },
    /// The execution time limit stopped the script.
    #[error("The script ran longer than its CPU time limit and was terminated.")]
    Terminated,
    /// The memory limit stopped the script: the VM's heap stayed over it after a collection.
    #[error("The script used more memory than its limit and was terminated.")]
    OutOfMemory,
    /// A value did not have the type a Rust caller asked for.
    #[error("Expected {expected}, got {got}.")]
    Type {
        /// What the caller wanted.
        expected: &'static str,
        /// What the value was.
        got: &'static str,
    },
}

impl JsError {
    /// The stack trace if there is one, else the one-line description.
    pub fn detail(&self) -> String {
        match self {
            JsError::Thrown {
                name,
                message,
                stack: Some(stack),
            } if !stack.is_empty() => format!("{name}: {message}\n{}", indent(stack)),
            other => other.to_string(),
        }
    }
}

fn indent(stack: &str) -> String {
    stack
        .lines()
        .map(|line| format!("    at {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}
