//! `switchyard start`: serve a built app until SIGINT or SIGTERM.

use std::path::Path;
use std::process::ExitCode;

use switchyard_server::{Server, shutdown_signal};

use super::ServeArgs;

/// Serves the build in `dir/.switchyard`.
pub fn run(dir: &Path, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let options = args.options(dir, false)?;
    runtime()?.block_on(async {
        let server = Server::bind(options).await?;
        announce(&server)?;
        server.run(shutdown_signal()).await?;
        Ok(ExitCode::SUCCESS)
    })
}

/// The multi-threaded runtime the HTTP front runs on.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// Prints the line tests and people wait for.
pub fn announce(server: &Server) -> anyhow::Result<()> {
    let address = server.local_addr()?;
    println!("▲ Ready on http://{address}");
    Ok(())
}
