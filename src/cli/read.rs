//! Evidence files read from disk: opened once, checked on the open handle,
//! and read within `--max-input-size`.
//!
//! A file is checked against the limit by the open handle's metadata before
//! a byte is read, and the read itself stops one byte past the limit, so a
//! file that grows while being read or a `/proc` file whose metadata says 0
//! cannot make the tool allocate without bound either. Parsing needs a few
//! times the file's size in memory; the default leaves room for the largest
//! real exports (tens of MiB) on an ordinary machine.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::error::{InputError, Location};
use crate::evidence::source::{Contents, EvidenceReader};
use sha2::{Digest, Sha256};

/// Reads evidence files from disk for the pipeline.
#[derive(Debug, Clone, Copy, Default)]
pub struct Files {
    pub limits: Limits,
}

impl EvidenceReader for Files {
    /// A listed file's key is its path, or its target's for an entry that
    /// was a symlink when listed (see `Walk`): a symlink found there now
    /// was put there since, and is refused.
    fn read(&self, shown: &str, key: &Path) -> Result<Vec<u8>, InputError> {
        read_checked(shown, key, &self.limits, false)
    }

    /// A file over the limit is not refused outright when its first bytes
    /// show it is no evidence (a client's screen recording in the evidence
    /// folder): it is skipped, its hash taken as it streams by, in constant
    /// memory. A file over the limit that may be evidence stays an error.
    fn contents(&self, shown: &str, key: &Path) -> Result<Contents, InputError> {
        let max = self.limits.max_input_size;
        let (file, size) = open_regular(key, false)
            .map_err(|r| InputError::new(shown, Location::File, r.message("")))?;
        if size <= max {
            return read_handle(shown, file, size, max).map(Contents::Bytes);
        }
        let cannot = |e: std::io::Error| {
            InputError::new(
                shown,
                Location::File,
                format!("cannot read: {}", io_reason(&e)),
            )
        };
        let mut head = Vec::with_capacity(HEAD_BYTES as usize);
        (&file)
            .take(HEAD_BYTES)
            .read_to_end(&mut head)
            .map_err(cannot)?;
        let Some(what) = crate::evidence::detect::not_evidence_by_head(&head) else {
            return Err(too_large(shown, Some(size), max));
        };
        let mut hasher = Sha256::new();
        hasher.update(&head);
        let rest = std::io::copy(&mut &file, &mut hasher).map_err(cannot)?;
        let mut sha256 = String::with_capacity(64);
        for b in hasher.finalize() {
            sha256.push_str(&format!("{b:02x}"));
        }
        Ok(Contents::Skipped {
            reason: format!("{what}, larger than `--max-input-size` (not read whole)"),
            sha256,
            bytes: head.len() as u64 + rest,
        })
    }
}

/// How much of a file over the size limit is read to tell whether it is
/// evidence.
const HEAD_BYTES: u64 = 4096;

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
/// larger than `limits.max_input_size`. A symlink at `path` is followed
/// (the user named it).
pub fn read_file(shown: &str, path: &Path, limits: &Limits) -> Result<Vec<u8>, InputError> {
    read_checked(shown, path, limits, true)
}

/// Opens `path` once and checks the open handle, never the path: checking
/// by path and then opening leaves a moment in which the file can be
/// swapped (for a FIFO, whose blocking open would hang the run, or a
/// symlink to another file). On unix the open is non-blocking (a FIFO or
/// device opens at once, and is then refused as not a regular file) and,
/// unless `follow`, refuses a symlink at the last component (`ELOOP`).
pub(super) fn open_regular(path: &Path, follow: bool) -> Result<(File, u64), Refused> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let nofollow = if follow { 0 } else { libc::O_NOFOLLOW };
        options.custom_flags(libc::O_NONBLOCK | nofollow);
    }
    #[cfg(not(unix))]
    let _ = follow;
    let file = options.open(path).map_err(Refused::Io)?;
    let meta = file.metadata().map_err(Refused::Io)?;
    // Only regular files are evidence: a FIFO may never end, nor a device.
    if !meta.is_file() {
        return Err(Refused::NotRegular(if meta.is_dir() {
            "a folder where a file was listed (it was replaced while the run read it)"
        } else {
            "not a regular file (a FIFO, socket or device); evidence files are exported files"
        }));
    }
    Ok((file, meta.len()))
}

/// Why [`open_regular`] refused a file.
pub(super) enum Refused {
    Io(std::io::Error),
    NotRegular(&'static str),
}

impl Refused {
    /// The message, `what` naming the file (`cannot read the waivers file: ...`).
    pub(super) fn message(&self, what: &str) -> String {
        match self {
            Refused::Io(e) => format!("cannot read{what}: {}", io_reason(e)),
            Refused::NotRegular(why) => (*why).to_string(),
        }
    }
}

/// Reads a file the user named that is not evidence (a waivers file, a
/// report, a policy or test file), opened once and checked on the handle as
/// evidence is, at most `max` bytes. `what` names it in messages (`the
/// waivers file`): `cannot read the waivers file: …`, `the waivers file is N
/// bytes; at most M are read`.
pub fn read_limited(shown: &str, path: &Path, max: u64, what: &str) -> Result<Vec<u8>, InputError> {
    let refused = |message: String| InputError::new(shown, Location::File, message);
    let (handle, size) =
        open_regular(path, true).map_err(|r| refused(r.message(&format!(" {what}"))))?;
    if size > max {
        return Err(refused(format!(
            "{what} is {size} bytes; at most {max} are read"
        )));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    handle
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| refused(Refused::Io(e).message(&format!(" {what}"))))?;
    if bytes.len() as u64 > max {
        return Err(refused(format!(
            "{what} holds more than {max} bytes; at most {max} are read"
        )));
    }
    Ok(bytes)
}

/// [`read_file`], following a symlink at `path` or not.
fn read_checked(
    shown: &str,
    path: &Path,
    limits: &Limits,
    follow: bool,
) -> Result<Vec<u8>, InputError> {
    let max = limits.max_input_size;
    let (file, size) = open_regular(path, follow)
        .map_err(|r| InputError::new(shown, Location::File, r.message("")))?;
    read_handle(shown, file, size, max)
}

/// Reads an open file whose handle says `size` bytes, within `max`.
fn read_handle(shown: &str, file: File, size: u64, max: u64) -> Result<Vec<u8>, InputError> {
    if size > max {
        return Err(too_large(shown, Some(size), max));
    }
    // The read stops one byte past the limit: a file that grows while it
    // is read cannot make the tool allocate without bound.
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| {
            InputError::new(
                shown,
                Location::File,
                format!("cannot read: {}", io_reason(&e)),
            )
        })?;
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

pub(super) fn io_reason(e: &std::io::Error) -> String {
    #[cfg(unix)]
    if e.raw_os_error() == Some(libc::ELOOP) {
        return "a symbolic link where a file was listed, or a loop of symbolic links (refused)"
            .into();
    }
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
