//! Stage 3: the middleware, when one of its matchers matches.

mod matcher;
mod response;
mod run;

pub use matcher::LoadedMiddleware;
pub use run::run;
