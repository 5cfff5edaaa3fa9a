//! Entering and leaving the full-screen terminal: raw mode, the alternate screen, bracketed
//! paste and mouse capture on the way in; all of them undone on the way out, whether the app
//! quits, fails, or panics.

use std::io::{self, Stdout, stdout};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

/// The terminal the app draws on.
pub type Tui = Terminal<CrosstermBackend<Stdout>>;

/// Set while the terminal is in raw mode on the alternate screen.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Switches the terminal to full-screen mode.
pub fn init() -> io::Result<Tui> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let setup = execute!(
        stdout(),
        EnterAlternateScreen,
        EnableBracketedPaste,
        EnableMouseCapture
    )
    .and_then(|()| Terminal::new(CrosstermBackend::new(stdout())));
    match setup {
        Ok(terminal) => Ok(terminal),
        Err(e) => {
            restore();
            Err(e)
        }
    }
}

/// Puts the terminal back as it was. Safe to call twice (the panic hook and the normal exit
/// path may both get here); the second call does nothing.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    // Every step is tried even if one fails: a half-restored terminal is the worst outcome.
    let _ = execute!(
        stdout(),
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        Show
    );
    let _ = disable_raw_mode();
}

/// Restores the terminal before a panic on the UI thread is printed, then runs the hook that
/// was there before (color-eyre's). Panics on other threads are the worker's: they are caught
/// and shown in the app ("worker died: ..."), and printing them over the screen would garble
/// it, so while the app is on screen they are left to the app.
pub fn install_panic_hook() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Every panic, on any thread, goes to the log with a backtrace: the report
            // survives even when the screen cannot show it.
            let thread = std::thread::current().name().unwrap_or("unnamed").to_owned();
            tracing::error!(%thread, panic = %info, backtrace = %std::backtrace::Backtrace::force_capture(), "panic");
            let ui_thread = thread == "main";
            if ACTIVE.load(Ordering::SeqCst) && !ui_thread {
                return;
            }
            restore();
            previous(info);
            if let Some(log) = crate::logging::current_path() {
                eprintln!("dynamo-explorer: the panic and its backtrace are recorded in {}", log.display());
            }
        }));
    });
}
