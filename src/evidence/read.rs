//! Reading evidence files within a size limit.
//!
//! A file is checked against `--max-input-size` by its metadata before a byte
//! is read, and the read itself stops one byte past the limit, so a file that
//! grows while being read, a FIFO or a `/proc` file whose metadata says 0
//! cannot make the tool allocate without bound either. Parsing needs a few
//! times the file's size in memory; the default leaves room for the largest
//! real exports (tens of MiB) on an ordinary machine.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::error::{InputError, Location};

/// The default of `--max-input-size`: 512 MiB per file.
pub const DEFAULT_MAX_INPUT_SIZE: u64 = 512 * 1024 * 1024;

/// Limits on what a run reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest evidence file read, in bytes.
    pub max_input_size: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_size: DEFAULT_MAX_INPUT_SIZE,
        }
    }
}

/// Reads the file at `path` (shown as `shown` in messages), refusing one
/// larger than `limits.max_input_size`.
pub fn read_file(shown: &str, path: &Path, limits: &Limits) -> Result<Vec<u8>, InputError> {
    let max = limits.max_input_size;
    let cannot = |e: std::io::Error| {
        InputError::new(
            shown,
            Location::File,
            format!("cannot read: {}", io_reason(&e)),
        )
    };
    // Opening a FIFO blocks until someone writes to it, and a device never
    // ends: only regular files are evidence.
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if !meta.is_file() {
        return Err(InputError::new(
            shown,
            Location::File,
            "not a regular file (a FIFO, socket or device); evidence files are exported files",
        ));
    }
    if meta.len() > max {
        return Err(too_large(shown, Some(meta.len()), max));
    }
    let file = File::open(path).map_err(cannot)?;
    let size = file.metadata().map_err(cannot)?.len();
    if size > max {
        return Err(too_large(shown, Some(size), max));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > max {
        return Err(too_large(shown, None, max));
    }
    Ok(bytes)
}

fn too_large(shown: &str, size: Option<u64>, max: u64) -> InputError {
    let message = match size {
        Some(s) => {
            format!("the file holds {s} bytes, more than the input limit of {max} bytes allows")
        }
        None => format!("the file holds more than the input limit of {max} bytes allows"),
    };
    InputError::new(shown, Location::File, message).with_help(
        "no AWS IAM export of a real account comes near this size; if the file is genuine, \
         raise the limit with `--max-input-size BYTES`",
    )
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_file_over_the_limit_and_reads_one_at_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, [b'x'; 100]).unwrap();
        let at = Limits {
            max_input_size: 100,
        };
        assert_eq!(read_file("f", &path, &at).unwrap().len(), 100);
        let under = Limits { max_input_size: 99 };
        let e = read_file("f", &path, &under).unwrap_err();
        assert_eq!(
            e.message,
            "the file holds 100 bytes, more than the input limit of 99 bytes allows"
        );
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_fifo_instead_of_blocking_on_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&path).status();
        if !made.is_ok_and(|s| s.success()) {
            return; // no mkfifo here: nothing to test
        }
        let e = read_file("fifo", &path, &Limits::default()).unwrap_err();
        assert!(e.message.starts_with("not a regular file"), "{}", e.message);
    }
}
