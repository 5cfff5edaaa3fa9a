//! New files the TUI writes in the current directory (`e`/`E` exports, `w` transcripts):
//! named after the time, never over an existing file.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// Creates `<stem>-<unix seconds>.<ext>` in `dir`, or `<stem>-<unix seconds>-<n>.<ext>` when
/// that exists (two exports in one second): the file and its path.
pub fn create_stamped(dir: &Path, stem: &str, ext: &str) -> io::Result<(File, PathBuf)> {
    let secs = crate::ttl::now_epoch();
    for n in 0..100 {
        let name = if n == 0 {
            format!("{stem}-{secs}.{ext}")
        } else {
            format!("{stem}-{secs}-{n}.{ext}")
        };
        let path = dir.join(name);
        match File::options().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((file, path)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!(
        "100 files named {stem}-{secs}… already"
    )))
}

/// A table's name made safe for a file name.
pub fn safe_stem(table: &str) -> String {
    table
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_file_in_the_same_second_gets_a_number() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (_, a) = create_stamped(dir.path(), "t", "jsonl").expect("first");
        let (_, b) = create_stamped(dir.path(), "t", "jsonl").expect("second");
        assert_ne!(a, b);
        assert!(a.exists() && b.exists());
        assert_eq!(safe_stem("a/b c"), "a_b_c");
    }
}
