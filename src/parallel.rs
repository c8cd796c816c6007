//! Work spread over a few threads, with results in the input's order, so
//! that nothing the user sees depends on how many threads ran.
//!
//! Plain scoped threads: the work is always a handful of coarse tasks (the
//! accounts of an organization, the files of a snapshot, two shares of a
//! snapshot's requests), which needs no work-stealing pool.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs `work` on every item with up to `jobs` threads pulling from a shared
/// queue (an atomic index), and returns the outcomes in the items' order.
pub fn map<T: Sync, R: Send>(items: &[T], jobs: usize, work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    if jobs <= 1 || items.len() <= 1 {
        return items.iter().map(work).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..jobs.min(items.len()))
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, work(item)));
                    }
                    mine
                })
            })
            .collect();
        workers.into_iter().flat_map(join).collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// Runs `a` on a second thread and `b` on this one, when `parallel`; else
/// one after the other.
pub fn both<A: Send, B>(
    parallel: bool,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B,
) -> (A, B) {
    if !parallel {
        let a = a();
        return (a, b());
    }
    std::thread::scope(|scope| {
        let first = scope.spawn(a);
        let second = b();
        (join(first), second)
    })
}

/// A worker's result; a panic in a worker is a bug, so it surfaces as one
/// (release builds abort at the panic itself: see `panic` in Cargo.toml).
fn join<R>(handle: std::thread::ScopedJoinHandle<'_, R>) -> R {
    match handle.join() {
        Ok(r) => r,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// Drops `value` on a thread of its own when `parallel`, so that freeing a
/// large structure (a snapshot's evidence or Cedar store: millions of
/// allocations) overlaps with the work that follows instead of delaying it.
/// Else, or should no thread be available, the value is dropped here: for
/// the small snapshots of an organization a thread costs more than it saves.
pub fn drop_aside<T: Send + 'static>(parallel: bool, value: T) {
    if !parallel {
        drop(value);
        return;
    }
    // On failure `spawn` drops the closure, and with it the value, here.
    let _ = std::thread::Builder::new()
        .name("drop".into())
        .spawn(move || drop(value));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_input_order() {
        let items: Vec<u64> = (0..200).collect();
        for jobs in [1, 2, 7] {
            let out = map(&items, jobs, |n| n * n);
            assert_eq!(out, items.iter().map(|n| n * n).collect::<Vec<_>>());
        }
    }

    #[test]
    fn both_runs_both() {
        for parallel in [false, true] {
            assert_eq!(both(parallel, || 1, || "b"), (1, "b"));
        }
    }

    #[test]
    fn a_value_dropped_aside_is_dropped() {
        struct Signal(std::sync::mpsc::Sender<()>);
        impl Drop for Signal {
            fn drop(&mut self) {
                let _ = self.0.send(());
            }
        }
        let (tx, rx) = std::sync::mpsc::channel();
        drop_aside(true, Signal(tx));
        assert!(rx.recv_timeout(std::time::Duration::from_secs(10)).is_ok());
    }
}
