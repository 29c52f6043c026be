//! The two server runtimes a route can run on.

use serde::{Deserialize, Serialize};

/// Where a route's server code runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Runtime {
    /// The built-in JavaScriptCore Edge runtime (`'edge'` or `'experimental-edge'`).
    Edge,
    /// Supervised Node.js worker processes (`'nodejs'`, the default).
    Nodejs,
}

impl Runtime {
    /// The value `process.env.NEXT_RUNTIME` has on this runtime.
    pub fn next_runtime(self) -> &'static str {
        match self {
            Runtime::Edge => "edge",
            Runtime::Nodejs => "nodejs",
        }
    }
}
