//! The embedded engine's database file and the disk it lives on, for a way out of a full
//! disk.
//!
//! SQLite needs free space to delete, too: in WAL mode a delete first appends the changed
//! pages to the `-wal` file. So on a full disk the records a user deletes to make room cannot
//! be deleted either. The way out: space kept in reserve. A file `<db>.reserve` of
//! [`RESERVE_BYTES`] is made when the database is opened on a disk with room to spare; the
//! first delete that finds "database or disk is full" releases it and tries again. Writes do
//! not release it: a generate that did would leave its writes still in flight to fill it. It comes
//! back at the next start once there is room again (after deletes and `compact`).

use std::path::{Path, PathBuf};

/// Space kept in reserve for deletes. Deletes in WAL mode need about the WAL's size between
/// two checkpoints (SQLite checkpoints every 1,000 pages, 4 MB with 4 KB pages): twice that.
pub const RESERVE_BYTES: u64 = 8 * 1024 * 1024;

/// The reserve is only made with at least this much free besides: never push a nearly full
/// disk over the edge by ourselves.
const RESERVE_HEADROOM: u64 = 4 * RESERVE_BYTES;

/// An embedded database file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbFile {
    path: PathBuf,
}

impl DbFile {
    /// The database at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        DbFile { path: path.into() }
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The database file and its `-wal` and `-shm` companions, in bytes.
    pub fn bytes_on_disk(&self) -> u64 {
        self.with_companions()
            .iter()
            .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
            .sum()
    }

    /// The file and its SQLite companions (`-wal`, `-shm`).
    pub fn with_companions(&self) -> [PathBuf; 3] {
        let with = |suffix: &str| {
            let mut p = self.path.as_os_str().to_owned();
            p.push(suffix);
            PathBuf::from(p)
        };
        [self.path.clone(), with("-wal"), with("-shm")]
    }

    /// `<db>.reserve`.
    pub fn reserve_path(&self) -> PathBuf {
        let mut name = self.path.as_os_str().to_owned();
        name.push(".reserve");
        PathBuf::from(name)
    }

    /// Free bytes on the database's file system for an unprivileged writer, if known.
    pub fn free_bytes(&self) -> Option<u64> {
        let dir = match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        free_bytes(dir)
    }

    /// Makes the reserve if it is missing and the disk has room for it; true if it is there.
    pub fn ensure_reserve(&self) -> bool {
        let reserve = self.reserve_path();
        if self.has_reserve() {
            return true;
        }
        if self
            .free_bytes()
            .is_none_or(|free| free < RESERVE_BYTES + RESERVE_HEADROOM)
        {
            return false;
        }
        // Written, not just sized: a sparse file would keep nothing in reserve.
        let zeros = vec![0u8; RESERVE_BYTES as usize];
        match std::fs::write(&reserve, zeros) {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(path = %reserve.display(), error = %e, "cannot make the disk reserve");
                let _ = std::fs::remove_file(&reserve);
                false
            }
        }
    }

    /// The reserve is there, whole.
    pub fn has_reserve(&self) -> bool {
        std::fs::metadata(self.reserve_path()).is_ok_and(|m| m.len() >= RESERVE_BYTES)
    }

    /// Gives the reserve back to the disk; the bytes released (0 if there was none).
    pub fn release_reserve(&self) -> u64 {
        let reserve = self.reserve_path();
        let len = std::fs::metadata(&reserve).map_or(0, |m| m.len());
        if len > 0 && std::fs::remove_file(&reserve).is_ok() {
            tracing::warn!(path = %reserve.display(), bytes = len, "disk full: reserve released for deletes");
            len
        } else {
            0
        }
    }

    /// What to say when the database is opened without a reserve: its disk had too little
    /// room to keep one, so a full disk could leave deletes unable to run.
    pub fn no_reserve_warning(&self) -> String {
        let free = self
            .free_bytes()
            .map_or_else(|| "unknown".to_owned(), human_bytes);
        format!(
            "{} is on a disk with {free} free, too little to keep the {} reserve that lets deletes \
             run once the disk is full; if it fills up, `dynamo-explorer --db {} reset` removes the \
             database",
            self.path.display(),
            human_bytes(RESERVE_BYTES),
            self.path.display()
        )
    }

    /// What to say when the disk is full: the file, the space left, the reserve kept for
    /// deletes if there is one, and what to do.
    pub fn full_disk_hint(&self) -> String {
        let free = self
            .free_bytes()
            .map_or_else(|| "unknown".to_owned(), human_bytes);
        let reserved = std::fs::metadata(self.reserve_path()).map_or(0, |m| m.len());
        let reserve = if reserved > 0 {
            format!(
                "; {} is kept in reserve, and the first delete releases it so that deletes can run",
                human_bytes(reserved)
            )
        } else {
            String::new()
        };
        // Without a reserve a delete may find no room either: then removing the file is the
        // way out that needs none.
        let way_out = if reserved > 0 {
            String::new()
        } else {
            format!(
                ". If a delete fails for want of space too, `dynamo-explorer --db {} reset` \
                 removes the database (after asking)",
                self.path.display()
            )
        };
        format!(
            "{} is on a full disk ({free} free{reserve}). Delete records (`dynamo-explorer delete \
             REQUEST_ID`, or D in the TUI) or free space on that disk; `dynamo-explorer compact` \
             then gives the space of deleted records back{way_out}",
            self.path.display()
        )
    }
}

/// `12.5 MB`, `640 KB`, `0 B`.
pub fn human_bytes(n: u64) -> String {
    const KB: f64 = 1024.0;
    let f = n as f64;
    if f >= KB * KB * KB {
        format!("{:.1} GB", f / (KB * KB * KB))
    } else if f >= KB * KB {
        format!("{:.1} MB", f / (KB * KB))
    } else if f >= KB {
        format!("{:.0} KB", f / KB)
    } else {
        format!("{n} B")
    }
}

#[cfg(unix)]
fn free_bytes(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    let mut st = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `c` is a valid NUL-terminated path and `st` is written by statvfs on success.
    let rc = unsafe { libc::statvfs(c.as_ptr(), st.as_mut_ptr()) };
    if rc != 0 {
        return None;
    }
    // SAFETY: statvfs returned 0, so it filled `st`.
    let st = unsafe { st.assume_init() };
    // The field types differ between platforms (u32 on macOS).
    #[allow(clippy::useless_conversion)]
    Some(u64::from(st.f_bavail).saturating_mul(u64::from(st.f_frsize)))
}

#[cfg(not(unix))]
fn free_bytes(_dir: &Path) -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_read_as_a_person_would_say_them() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(640 * 1024), "640 KB");
        assert_eq!(human_bytes(12 * 1024 * 1024 + 512 * 1024), "12.5 MB");
    }

    #[test]
    fn the_reserve_is_made_once_and_released_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = DbFile::new(dir.path().join("x.db"));
        assert!(db.free_bytes().is_some_and(|f| f > 0));
        assert!(db.ensure_reserve(), "a temp dir has room for 8 MB");
        assert_eq!(
            std::fs::metadata(db.reserve_path()).map(|m| m.len()).ok(),
            Some(RESERVE_BYTES)
        );
        assert!(db.ensure_reserve(), "already there");
        let hint = db.full_disk_hint();
        assert!(hint.contains("8.0 MB is kept in reserve"), "{hint}");
        assert!(!hint.contains("reset"), "a reserve needs no reset: {hint}");
        assert!(db.has_reserve(), "saying so releases nothing");
        assert_eq!(db.release_reserve(), RESERVE_BYTES);
        assert_eq!(db.release_reserve(), 0, "nothing left to release");
        let hint = db.full_disk_hint();
        assert!(hint.contains("x.db is on a full disk"), "{hint}");
        assert!(!hint.contains("reserve"), "{hint}");
        assert!(hint.contains("reset"), "without a reserve, reset: {hint}");
    }
}
