//! Writing a command's output: to stdout (stopping quietly on a closed
//! pipe, as `head` expects), or to a file, atomically and safely.
//!
//! A file is written to an exclusive temporary file beside it (created new
//! under an unpredictable name, never through an existing name or symlink
//! another user planted), flushed to the disk (`fsync`), then renamed over
//! the target, so an interrupted run or a crash of the machine never leaves
//! half a report and the target keeps its permissions. A run stopped by
//! SIGINT, SIGTERM or SIGHUP removes its temporary file before it exits.

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
    // Until the rename, a stopped run removes the file (see [`cleanup`]).
    let (tmp, file, registered) = temporary_beside(path).map_err(failed)?;
    let result = (|| {
        if let Some(meta) = &existing {
            file.set_permissions(meta.permissions())?;
        }
        let mut out = BufWriter::new(file);
        write(&mut out)?;
        let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        // On the disk before it takes the target's name: a crash after the
        // rename must not leave an empty or partial report under it.
        file.sync_all()?;
        fs::rename(&tmp, path)?;
        sync_folder(&tmp);
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    drop(registered);
    result.map_err(failed)
}

/// Makes a rename in the folder of `path` durable (best effort: not every
/// system lets a folder be opened for it).
fn sync_folder(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// A new file beside `path`, created exclusively (`O_EXCL`: an existing
/// file or symlink of that name is never opened), under a name no one can
/// guess ahead of the run (64 random bits), so names planted in a shared
/// folder neither redirect the report nor stop the run.
///
/// The name is registered for removal on a stop signal before the file is
/// created, so no signal finds the file unregistered.
fn temporary_beside(path: &Path) -> io::Result<(PathBuf, File, cleanup::Registered)> {
    use std::hash::{BuildHasher, Hasher};
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut last = None;
    for attempt in 0..100u32 {
        // The standard library seeds each `RandomState` from the system's
        // random source: no crate needed for 64 unpredictable bits.
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u32(attempt);
        let tmp = dir.join(format!(".{name}.{:016x}.tmp", hasher.finish()));
        let registered = cleanup::Registered::new(&tmp);
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(file) => return Ok((tmp, file, registered)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no temporary name is free")))
}

/// The temporary files a stop signal must remove, and the handler that
/// removes them. The handler (the `ctrlc` crate's thread) is installed with
/// the first temporary file; it removes every registered file and exits
/// with code 130, as a shell reports a run stopped by SIGINT.
pub mod cleanup {
    use std::path::{Path, PathBuf};
    use std::sync::{Mutex, Once};

    /// Files to remove when the run is stopped.
    pub struct Registry(Mutex<Vec<PathBuf>>);

    impl Registry {
        pub const fn new() -> Registry {
            Registry(Mutex::new(Vec::new()))
        }

        fn files(&self) -> std::sync::MutexGuard<'_, Vec<PathBuf>> {
            // A writer that panicked while holding the lock left the list
            // as it was: it is still the list of files to remove.
            self.0.lock().unwrap_or_else(|e| e.into_inner())
        }

        pub fn add(&self, path: &Path) {
            self.files().push(path.to_path_buf());
        }

        pub fn forget(&self, path: &Path) {
            self.files().retain(|f| f != path);
        }

        /// Removes every registered file; what a stop signal does.
        pub fn remove_all(&self) {
            for f in self.files().drain(..) {
                let _ = std::fs::remove_file(f);
            }
        }

        pub fn contains(&self, path: &Path) -> bool {
            self.files().iter().any(|f| f == path)
        }
    }

    impl Default for Registry {
        fn default() -> Self {
            Registry::new()
        }
    }

    /// The run's registry, which the stop handler empties.
    static FILES: Registry = Registry::new();
    static HANDLER: Once = Once::new();

    /// A temporary file registered for removal on a stop signal until this
    /// value is dropped (after the rename, or after the file was removed).
    pub struct Registered(PathBuf);

    impl Registered {
        pub fn new(path: &Path) -> Registered {
            HANDLER.call_once(|| {
                // Without a handler (another one is installed, or the
                // system refuses) a stop leaves the file, as before. A
                // WebAssembly build has no signals (and no such files).
                #[cfg(not(target_arch = "wasm32"))]
                let _ = ctrlc::set_handler(|| {
                    FILES.remove_all();
                    std::process::exit(130);
                });
            });
            FILES.add(path);
            Registered(path.to_path_buf())
        }
    }

    impl Drop for Registered {
        fn drop(&mut self) {
            FILES.forget(&self.0);
        }
    }
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
    fn planted_names_are_never_followed_and_the_name_is_not_guessable() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let victim = dir.path().join("victim");
        fs::write(&victim, "precious").expect("writes");
        let target = dir.path().join("out.txt");
        // The names of earlier versions (pid and attempt), all planted.
        for attempt in 0..100 {
            let planted = dir
                .path()
                .join(format!(".out.txt.{}.{attempt}.tmp", std::process::id()));
            std::os::unix::fs::symlink(&victim, &planted).expect("symlink");
        }
        write(&Output::Text("report".into()), Some(&target)).expect("writes");
        assert_eq!(fs::read_to_string(&victim).expect("reads"), "precious");
        assert_eq!(fs::read_to_string(&target).expect("reads"), "report");
        // Two temporary names for one target differ.
        let (a, _, _) = temporary_beside(&target).expect("a temporary file");
        let (b, _, _) = temporary_beside(&target).expect("a temporary file");
        assert_ne!(a, b);
        assert!(a
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(".out.txt."));
    }

    #[test]
    fn a_stop_removes_the_registered_temporary_files_and_only_those() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let (tmp, _file, _registered) =
            temporary_beside(&dir.path().join("r.json")).expect("a file");
        let kept = dir.path().join("kept.json");
        fs::write(&kept, "x").expect("writes");
        let registry = cleanup::Registry::new();
        registry.add(&kept);
        registry.forget(&kept);
        registry.add(&tmp);
        assert!(registry.contains(&tmp) && !registry.contains(&kept));
        registry.remove_all();
        assert!(!tmp.exists(), "the temporary file is removed");
        assert!(kept.exists(), "a file no longer registered stays");
        assert!(!registry.contains(&tmp));
        // The run's own registration ends with the write.
        let target = dir.path().join("out.json");
        write(&Output::Text("x".into()), Some(&target)).expect("writes");
        let left: Vec<_> = fs::read_dir(dir.path())
            .expect("lists")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with(".out.json"))
            .collect();
        assert!(left.is_empty());
    }
}
