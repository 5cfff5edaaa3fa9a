//! The one loop: a `tokio::select!` over terminal input, worker events, the worker's own
//! completion, and a render tick. Whatever is ready is drained and handled as a batch, then
//! the screen is drawn once: a burst of keys or progress costs one frame.

use std::time::Duration;

use color_eyre::eyre::{Result, WrapErr};
use crossterm::event::{Event, EventStream, MouseEventKind};
use futures::StreamExt;
use tokio::time::MissedTickBehavior;

use super::app::App;
use super::msg::{ClockTime, Command, Msg, WorkerCommand};
use super::terminal::Tui;
use super::view;
use super::worker::{WorkerHandle, panic_message};

/// How often the busy indicator moves (and the screen redraws while something runs).
const TICK: Duration = Duration::from_millis(250);
/// How long quitting waits for the worker to wind down cancelled jobs.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(5);

/// A terminal event as a message (`None` for what the app ignores: focus changes).
fn to_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) => Some(Msg::Key(key)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        // Moves and drags change nothing; passing them on would redraw on every mouse move.
        Event::Mouse(mouse)
            if matches!(mouse.kind, MouseEventKind::Moved | MouseEventKind::Drag(_)) =>
        {
            None
        }
        Event::Mouse(mouse) => Some(Msg::Mouse(mouse)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        Event::FocusGained | Event::FocusLost => None,
    }
}

/// Runs the app until it quits.
pub async fn run(terminal: &mut Tui, app: &mut App, worker: WorkerHandle) -> Result<()> {
    let WorkerHandle {
        commands,
        mut events,
        mut join,
    } = worker;
    let mut input = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut worker_running = true;
    // Transcripts being rendered and written (`w`).
    let mut transcripts = futures::stream::FuturesUnordered::new();

    // A test hook: the end-to-end panic test needs a real panic on the UI thread with the
    // terminal in raw mode and on the alternate screen, to prove the hook restores it.
    let mut forced_panic = std::env::var_os("DYNAMO_EXPLORER_TEST_PANIC").is_some();
    let mut pending = app.init();
    let mut dirty = true;
    let mut quit = false;
    while !quit {
        for command in pending.drain(..) {
            let to_worker = match command {
                Command::SaveHistory(line) => {
                    // File I/O: not on this thread (a slow or stalled home directory would
                    // freeze the screen). The runtime waits for it at exit.
                    tokio::task::spawn_blocking(move || super::history::append(&line));
                    continue;
                }
                Command::Copy(text) => {
                    copy_osc52(terminal, &text);
                    continue;
                }
                Command::WriteTranscript(session) => {
                    // Rendering every call in three forms can take a while: not on this thread.
                    transcripts.push(tokio::task::spawn_blocking(move || {
                        let text = session.render();
                        write_transcript(&text)
                            .map(|name| (name, text.len()))
                            .map_err(|e| e.to_string())
                    }));
                    continue;
                }
                other => other.into_worker(),
            };
            let Some(to_worker) = to_worker else {
                quit = true;
                continue;
            };
            // A dead worker was already reported by WorkerDied; the app refuses new jobs.
            if worker_running {
                let _ = commands.send(to_worker).await;
            }
        }
        if quit {
            break;
        }
        if dirty {
            terminal
                .draw(|frame| view::draw(frame, app))
                .wrap_err("cannot draw on the terminal")?;
            dirty = false;
            if std::mem::take(&mut forced_panic) {
                panic!("forced panic after the first frame (DYNAMO_EXPLORER_TEST_PANIC is set)");
            }
        }

        let mut batch: Vec<Msg> = Vec::new();
        tokio::select! {
            event = input.next() => match event {
                Some(Ok(event)) => batch.extend(to_msg(event)),
                Some(Err(e)) => return Err(e).wrap_err("cannot read terminal input"),
                // Input closed (the terminal went away): nothing more can be asked.
                None => break,
            },
            Some(event) = events.recv() => batch.push(Msg::Worker(Box::new(event))),
            Some(written) = transcripts.next(), if !transcripts.is_empty() => {
                let written = written.unwrap_or_else(|e: tokio::task::JoinError| {
                    Err(format!("writing it stopped: {e}"))
                });
                batch.push(Msg::TranscriptWritten(written));
            }
            result = &mut join, if worker_running => {
                worker_running = false;
                let why = match result {
                    Ok(()) => "it stopped unexpectedly".to_owned(),
                    Err(e) if e.is_panic() => panic_message(e.into_panic().as_ref()),
                    Err(e) => e.to_string(),
                };
                batch.push(Msg::WorkerDied(why));
            }
            _ = tick.tick() => {
                if app.busy() {
                    batch.push(Msg::Tick);
                }
                let now = ClockTime::now();
                if app.explore.items.expiry_due(now) {
                    batch.push(Msg::Clock(now));
                }
            }
        }
        // Drain whatever else is ready, so a burst becomes one frame. Polled inside this task
        // (not with `now_or_never`): crossterm remembers the waker of a pending poll, and a
        // no-op one would leave the next key unnoticed until the tick.
        loop {
            tokio::select! {
                biased;
                event = input.next() => match event {
                    Some(Ok(event)) => batch.extend(to_msg(event)),
                    Some(Err(e)) => return Err(e).wrap_err("cannot read terminal input"),
                    None => break,
                },
                () = std::future::ready(()) => break,
            }
        }
        while let Ok(event) = events.try_recv() {
            batch.push(Msg::Worker(Box::new(event)));
        }
        for msg in batch {
            dirty = true;
            pending.extend(app.update(msg));
        }
    }

    if worker_running {
        let _ = commands.send(WorkerCommand::Shutdown).await;
        drop(commands);
        // Let cancelled writes stop cleanly; never hang the exit on a stuck call.
        let _ = tokio::time::timeout(SHUTDOWN_WAIT, join).await;
    }
    Ok(())
}

/// Puts `text` on the terminal's clipboard: OSC 52, which the terminal (or tmux with
/// `set-clipboard on`, or an SSH client's terminal) carries out. Terminals that do not know
/// it ignore it.
fn copy_osc52(terminal: &mut Tui, text: &str) {
    use std::io::Write;
    let sequence = format!(
        "\x1b]52;c;{}\x07",
        aws_smithy_types::base64::encode(text.as_bytes())
    );
    let out = terminal.backend_mut();
    if let Err(e) = out
        .write_all(sequence.as_bytes())
        .and_then(|()| out.flush())
    {
        tracing::warn!("cannot write the clipboard sequence: {e}");
    }
}

/// Writes a transcript to a new `dynamo-explorer-<unix seconds>.md` in the current directory;
/// returns its name.
fn write_transcript(text: &str) -> std::io::Result<String> {
    use std::io::Write;
    let (mut file, path) =
        super::files::create_stamped(std::path::Path::new("."), "dynamo-explorer", "md")?;
    file.write_all(text.as_bytes())?;
    Ok(path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned()))
}
