//! The real binary in a pseudo-terminal, for the end-to-end tests and the process benchmark:
//! start it at a given size, send keys, read the screen (parsed by vt100) and wait, with a
//! deadline, for text to appear. Nothing waits for a fixed time: every wait polls the screen.
//!
//! Shared by the tests (as `common::pty`) and the benches (by `#[path]`, beside `spawn.rs`).

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, PtySize, native_pty_system};

use super::spawn::{BIN, ScrubAws};

/// A terminal size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    /// Lines.
    pub rows: u16,
    /// Columns.
    pub cols: u16,
}

impl Size {
    /// 120 columns by 40 lines: the size the end-to-end tests and benches use.
    pub const LARGE: Size = Size {
        rows: 40,
        cols: 120,
    };
    /// 80 by 24: the classic smallest terminal.
    pub const SMALL: Size = Size { rows: 24, cols: 80 };
}

/// How often a wait looks at the screen again: fine enough for the start-up benchmark.
const POLL: Duration = Duration::from_millis(1);

/// What the pty has printed: parsed into a screen, and the raw bytes.
struct Output {
    parser: vt100::Parser,
    raw: Vec<u8>,
    /// The reader met the end: the app exited and everything it printed has been read.
    closed: bool,
}

/// The binary's command line for a pty: `AWS_*` scrubbed, a colour terminal declared.
/// Add variables (`cmd.env(..)`) before [`Pty::spawn_command`].
pub fn command<S: AsRef<OsStr>>(args: impl IntoIterator<Item = S>) -> CommandBuilder {
    let mut cmd = CommandBuilder::new(BIN);
    cmd.args(args);
    cmd.scrub_aws();
    cmd.env("TERM", "xterm-256color");
    cmd
}

/// The app running in a pseudo-terminal. Dropping it kills the app if it still runs.
pub struct Pty {
    output: Arc<Mutex<Output>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    /// When set, a wait returns the screen only once it has stayed the same this long, so a
    /// frame read half drawn is never what a test checks. Zero (the default) for timing.
    pub settle: Duration,
}

impl Pty {
    /// Starts the binary with `args` in a terminal of `size`.
    pub fn spawn<S: AsRef<OsStr>>(args: impl IntoIterator<Item = S>, size: Size) -> Pty {
        Pty::spawn_command(command(args), size)
    }

    /// Starts `cmd` (see [`command`]) in a terminal of `size`.
    pub fn spawn_command(cmd: CommandBuilder, size: Size) -> Pty {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: size.rows,
                cols: size.cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pty");
        let child = pty.slave.spawn_command(cmd).expect("binary starts");
        // Only the child holds the slave now: when it exits, reads end.
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let writer = pty.master.take_writer().expect("pty writer");
        let output = Arc::new(Mutex::new(Output {
            parser: vt100::Parser::new(
                NonZeroU16::new(size.rows).expect("rows"),
                NonZeroU16::new(size.cols).expect("cols"),
                0,
            ),
            raw: Vec::new(),
            closed: false,
        }));
        let sink = Arc::clone(&output);
        std::thread::spawn(move || {
            // Keeps the master alive as long as the reader needs it.
            let _master = pty.master;
            let mut buf = [0u8; 65536];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let mut out = lock(&sink);
                        out.parser.process(&buf[..n]);
                        out.raw.extend_from_slice(&buf[..n]);
                    }
                }
            }
            lock(&sink).closed = true;
        });
        Pty {
            settle: Duration::ZERO,
            output,
            writer,
            child,
        }
    }

    /// Types `keys` (bytes as a terminal sends them: "\r" Enter, "\x1b" Esc, "\x7f" Backspace).
    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("keys sent");
        self.writer.flush().expect("keys flushed");
    }

    /// The screen's text now, lines joined by newlines.
    pub fn screen_text(&self) -> String {
        lock(&self.output).parser.screen().contents()
    }

    /// Looks at the parsed screen now: modes (alternate screen, cursor, paste, mouse), cells.
    pub fn with_screen<T>(&self, f: impl FnOnce(&vt100::Screen) -> T) -> T {
        f(lock(&self.output).parser.screen())
    }

    /// Bytes printed so far: an offset for [`Pty::raw_since`].
    pub fn raw_len(&self) -> usize {
        lock(&self.output).raw.len()
    }

    /// The raw bytes printed since `offset` (escape sequences included).
    pub fn raw_since(&self, offset: usize) -> Vec<u8> {
        let out = lock(&self.output);
        out.raw[offset.min(out.raw.len())..].to_vec()
    }

    /// Waits until the screen shows `text`; returns the screen. Panics, showing the screen,
    /// after `timeout` or if the app exits first.
    pub fn wait_for(&mut self, text: &str, timeout: Duration) -> String {
        self.wait_until(text, timeout, |s| s.contains(text))
    }

    /// Waits until the screen satisfies `ok` (`what` names it in the panic message).
    pub fn wait_until(
        &mut self,
        what: &str,
        timeout: Duration,
        ok: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let screen = self.screen_text();
            if ok(&screen) {
                if self.settle.is_zero() {
                    return screen;
                }
                // A frame can be read half drawn: return it once it has stopped changing, so
                // the rest of what that frame shows is there for the caller to check.
                let mut settled = screen;
                loop {
                    std::thread::sleep(self.settle);
                    let again = self.screen_text();
                    if again == settled || Instant::now() > deadline {
                        return again;
                    }
                    settled = again;
                }
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the app exited ({status:?}) while waiting for {what}; screen:\n{screen}");
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(POLL);
        }
    }

    /// Waits for the app to exit; panics after `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("child status") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the app did not exit within {timeout:?}; screen:\n{}",
                self.screen_text()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// After the app exited: waits until everything it printed has been read (the pty
    /// reached its end), for at most `timeout`. Returns whether it did.
    pub fn wait_drained(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while !lock(&self.output).closed {
            if Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        true
    }

    /// The app's process id.
    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("the app has a pid")
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        // A failed test must not leave the app running.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The output, even if a reader panicked holding it (the panic is the report then).
fn lock(output: &Mutex<Output>) -> MutexGuard<'_, Output> {
    output.lock().unwrap_or_else(|p| p.into_inner())
}
