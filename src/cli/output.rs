//! Writing a command's output: to stdout (stopping quietly on a closed
//! pipe, as `head` expects), or to a file, atomically and safely.
//!
//! A file is written to an exclusive temporary file beside it (created new,
//! never through an existing name or symlink another user planted), then
//! renamed over the target, so an interrupted run never leaves half a report
//! and the target keeps its permissions.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::commands::Output;
use crate::error::Error;
use crate::report;

/// Writes `output` to `destination`, or to stdout.
pub fn write(output: &Output, destination: Option<&Path>) -> Result<(), Error> {
    write_with(destination, |w| match output {
        Output::Text(text) => w.write_all(text.as_bytes()),
        Output::Report {
            report,
            format,
            style,
        } => report::write(report, *format, *style, w),
    })
}

/// Writes whatever `write` produces to `destination`, or to stdout.
pub fn write_with(
    destination: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Error> {
    let Some(path) = destination else {
        let mut out = BufWriter::new(io::stdout().lock());
        return match write(&mut out).and_then(|_| out.flush()) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            Err(e) => Err(Error::Output {
                path: "stdout".into(),
                source: e,
            }),
            Ok(()) => Ok(()),
        };
    };
    let failed = |source| Error::Output {
        path: path.display().to_string(),
        source,
    };
    // `/dev/null`, a FIFO or a terminal cannot be replaced by a rename (and
    // must not be): write to them directly.
    let existing = fs::metadata(path).ok();
    if existing.as_ref().is_some_and(|m| !m.is_file()) {
        let mut out = File::create(path).map(BufWriter::new).map_err(failed)?;
        return write(&mut out).and_then(|_| out.flush()).map_err(failed);
    }
    let (tmp, file) = temporary_beside(path).map_err(failed)?;
    let result = (|| {
        if let Some(meta) = &existing {
            file.set_permissions(meta.permissions())?;
        }
        let mut out = BufWriter::new(file);
        write(&mut out)?;
        out.flush()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(failed)
}

/// A new file beside `path`, created exclusively (`O_EXCL`: an existing
/// file or symlink of that name is never opened), under a name no other
/// run uses at the same time.
fn temporary_beside(path: &Path) -> io::Result<(PathBuf, File)> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let pid = std::process::id();
    let mut last = None;
    for attempt in 0..100u32 {
        let tmp = dir.join(format!(".{name}.{pid}.{attempt}.tmp"));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no temporary name is free")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_a_file_atomically_and_keeps_its_mode() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let target = dir.path().join("report.json");
        fs::write(&target, "old").expect("writes");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&target, fs::Permissions::from_mode(0o600)).expect("chmod");
        }
        write(&Output::Text("new".into()), Some(&target)).expect("writes the output");
        assert_eq!(fs::read_to_string(&target).expect("reads"), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&target).expect("stat").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let left: Vec<_> = fs::read_dir(dir.path()).expect("lists").collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_symlink_at_the_temporary_name_is_never_followed() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let victim = dir.path().join("victim");
        fs::write(&victim, "precious").expect("writes");
        let target = dir.path().join("out.txt");
        let planted = dir
            .path()
            .join(format!(".out.txt.{}.0.tmp", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).expect("symlink");
        write(&Output::Text("report".into()), Some(&target)).expect("writes");
        assert_eq!(fs::read_to_string(&victim).expect("reads"), "precious");
        assert_eq!(fs::read_to_string(&target).expect("reads"), "report");
    }
}
