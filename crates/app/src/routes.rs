//! The route table: `pages/` walked into routes, each parsed from its file name, sorted as
//! Next.js matches them, and looked up per request.

pub(crate) mod pages_dir;
pub(crate) mod parse;
pub(crate) mod route;
pub(crate) mod sort;
pub(crate) mod table;
