//! The terminal UI (issue 3): not built yet; the binary prints help instead.

use color_eyre::eyre::Result;

use crate::cli::Cli;

/// Opens the TUI on the backend `cli` picks.
pub async fn run(_cli: &Cli) -> Result<()> {
    use clap::CommandFactory;
    Cli::command().print_help()?;
    Ok(())
}
