//! The `dynamo-explorer` binary: parse flags, run a command or open the TUI, and turn any
//! error into one line on stderr and a non-zero exit.

use std::process::ExitCode;

/// mimalloc instead of glibc malloc: the embedded engine allocates per item and per SQL
/// statement, and glibc's malloc/free was ~19% of its CPU under `perf`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use dynamo_explorer::cli::{Cli, run_command};

/// No transparent huge pages for this process. Its allocations come in bursts (a page of
/// 3,000 items, parsed twice: by the engine and by the SDK), and with THP each first touch of
/// fresh memory zeroes a whole 2 MB page: `perf` showed 41% of a 10,000-record query's CPU in
/// `clear_page_erms`. A/B on the embedded engine, 6 alternating runs of generate 10,000 then
/// query: the first query after the write took 95-166 ms (median 118) with THP, 90-128 ms
/// (median 100) without; the writes and later queries were unchanged (~19-20k items/s,
/// ~110 ms).
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE takes integer arguments and touches no memory of
    // ours; a failure (an old kernel) only leaves THP as it was.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() -> ExitCode {
    no_huge_pages();
    let cli = Cli::parse();
    // Held to the end of `main`: dropping it (on return, or while a panic unwinds) writes out
    // the log's last lines.
    let _log = dynamo_explorer::logging::init(cli.log_file.as_deref())
        .inspect_err(|e| {
            // Without a log we still run; say so once, before any screen is taken over.
            eprintln!("dynamo-explorer: warning: no log file: {e}");
        })
        .ok();
    tracing::info!(version = env!("CARGO_PKG_VERSION"), command = ?cli.command.as_ref().map(|c| format!("{c:?}")), "start");
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("dynamo-explorer: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match &cli.command {
            Some(command) => run_command(&cli, command).await,
            None => dynamo_explorer::tui::run(&cli).await,
        }
    });
    match result {
        Ok(()) => {
            tracing::info!("done");
            ExitCode::SUCCESS
        }
        Err(err) => {
            // One line: the chain of causes joined, no backtrace noise for a CLI user.
            let line = err
                .chain()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(": ")
                .replace('\n', " ");
            tracing::error!(error = %line, "failed");
            eprintln!("dynamo-explorer: {line}");
            // What the user typed, with a caret under the token, stays on lines of its own.
            if let Some(pointed) = err.downcast_ref::<dynamo_explorer::cli::Pointed>() {
                for l in pointed.excerpt.lines() {
                    eprintln!("  {l}");
                }
            }
            ExitCode::from(dynamo_explorer::cli::exit_code(&err))
        }
    }
}
