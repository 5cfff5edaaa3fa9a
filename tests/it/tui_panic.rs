//! A panic on the UI thread, in a real pseudo-terminal: the terminal is restored (raw mode
//! off, main screen back, cursor shown, paste and mouse modes off), the panic is printed
//! after that, and the message says where the full report is.

use std::time::Duration;

use crate::common::pty::{self, Pty, Size};

#[test]
fn a_panic_restores_the_terminal_and_says_where_the_report_is() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("panic.log");
    let mut cmd = pty::command(["--memory".as_ref(), "--log-file".as_ref(), log.as_os_str()]);
    cmd.env("DYNAMO_EXPLORER_TEST_PANIC", "1");
    cmd.env("RUST_BACKTRACE", "0");
    let mut app = Pty::spawn_command(cmd, Size::LARGE);
    let status = app.wait_exit(Duration::from_secs(30));
    assert!(
        app.wait_drained(Duration::from_secs(10)),
        "the pty reached its end after the exit"
    );
    let raw = app.raw_since(0);
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
    app.with_screen(|screen| {
        assert!(!screen.alternate_screen(), "back on the main screen");
        assert!(!screen.hide_cursor(), "cursor visible");
        assert!(!screen.bracketed_paste(), "bracketed paste off");
        assert_eq!(
            screen.mouse_protocol_mode(),
            vt100::MouseProtocolMode::None,
            "mouse capture off"
        );
    });

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
