//! A panic on the UI thread, in a real pseudo-terminal: the terminal is restored (raw mode
//! off, main screen back, cursor shown, paste and mouse modes off), the panic is printed
//! after that, and the message says where the full report is.

use std::io::Read;
use std::num::NonZeroU16;
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

#[test]
fn a_panic_restores_the_terminal_and_says_where_the_report_is() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("panic.log");
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_dynamo-explorer"));
    cmd.args(["--memory", "--log-file"]);
    cmd.arg(&log);
    cmd.env("TERM", "xterm-256color");
    cmd.env("DYNAMO_EXPLORER_TEST_PANIC", "1");
    cmd.env("RUST_BACKTRACE", "0");
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().unwrap();
    let collector = std::thread::spawn(move || {
        let mut raw = Vec::new();
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            raw.extend_from_slice(&buf[..n]);
        }
        raw
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the app did not exit after its panic"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(pty.master);
    let raw = collector.join().unwrap();
    let text = String::from_utf8_lossy(&raw);
    assert!(!status.success(), "a panic is a failure exit");

    // The app was on the alternate screen, then left it, and only then printed the panic.
    let entered = text
        .find("\x1b[?1049h")
        .expect("the app entered the alternate screen");
    let left = text
        .rfind("\x1b[?1049l")
        .expect("the panic hook left the alternate screen");
    let message = text
        .find("forced panic after the first frame")
        .expect("the panic is printed");
    assert!(
        entered < left && left < message,
        "restore happens before the panic is printed"
    );
    assert!(
        text[left..].contains("\x1b[?25h") || text[..left].rfind("\x1b[?25h") > Some(entered),
        "cursor shown"
    );
    let mut screen = vt100::Parser::new(
        NonZeroU16::new(40).unwrap(),
        NonZeroU16::new(120).unwrap(),
        0,
    );
    screen.process(&raw);
    assert!(
        !screen.screen().alternate_screen(),
        "back on the main screen"
    );
    assert!(!screen.screen().hide_cursor(), "cursor visible");
    assert!(!screen.screen().bracketed_paste(), "bracketed paste off");
    assert_eq!(
        screen.screen().mouse_protocol_mode(),
        vt100::MouseProtocolMode::None,
        "mouse capture off"
    );

    // It says where the report is, and the report is there.
    assert!(
        text.contains(&format!("recorded in {}", log.display())),
        "{text}"
    );
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains("forced panic after the first frame") && logged.contains("backtrace"),
        "{logged}"
    );
}
