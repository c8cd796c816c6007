//! How the pipeline's parallel parts run: through an [`Executor`] the face
//! provides.
//!
//! The library never starts a thread itself. The command line gives it a
//! pool of scoped threads (`cli::threads`); a browser, which has none, gives
//! it [`Sequential`], and every result is the same: the helpers here keep
//! outcomes in the input's order, so nothing the user sees depends on how
//! many tasks ran at once.

use std::sync::atomic::{AtomicUsize, Ordering};

/// A task borrowed from the caller's stack.
pub type Task<'a> = Box<dyn FnOnce() + Send + 'a>;

/// Runs tasks, at most [`Executor::width`] at a time.
pub trait Executor: Sync {
    /// How many tasks may run at once; 1 runs them one after the other.
    fn width(&self) -> usize;
    /// Runs every task and returns when all are done. A task that panics is a
    /// bug, and the panic goes on in the caller.
    fn run_all<'a>(&self, tasks: Vec<Task<'a>>);
    /// Runs `task` aside, not waiting for it (freeing a large structure while
    /// the work goes on); the default runs it now.
    fn detach(&self, task: Task<'static>) {
        task();
    }
}

/// Every task in turn, on the calling thread.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sequential;

impl Executor for Sequential {
    fn width(&self) -> usize {
        1
    }
    fn run_all<'a>(&self, tasks: Vec<Task<'a>>) {
        for task in tasks {
            task();
        }
    }
}

/// Runs `work` on every item with up to `jobs` tasks pulling from a shared
/// queue (an atomic index), and returns the outcomes in the items' order.
pub fn map<T: Sync, R: Send>(
    exec: &dyn Executor,
    items: &[T],
    jobs: usize,
    work: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let workers = jobs.min(exec.width()).min(items.len());
    if workers <= 1 {
        return items.iter().map(work).collect();
    }
    let next = AtomicUsize::new(0);
    let mut shares: Vec<Vec<(usize, R)>> = (0..workers).map(|_| Vec::new()).collect();
    let (next, work) = (&next, &work);
    let tasks: Vec<Task<'_>> = shares
        .iter_mut()
        .map(|mine| -> Task<'_> {
            Box::new(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                mine.push((i, work(item)));
            })
        })
        .collect();
    exec.run_all(tasks);
    let mut done: Vec<(usize, R)> = shares.into_iter().flatten().collect();
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// Runs `a` and `b` side by side when `parallel` and the executor allows it;
/// else one after the other.
pub fn both<A: Send, B: Send>(
    exec: &dyn Executor,
    parallel: bool,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    if !parallel || exec.width() < 2 {
        let a = a();
        return (a, b());
    }
    let (mut ra, mut rb) = (None, None);
    {
        let (sa, sb) = (&mut ra, &mut rb);
        exec.run_all(vec![
            Box::new(move || *sb = Some(b())),
            Box::new(move || *sa = Some(a())),
        ]);
    }
    match (ra, rb) {
        (Some(a), Some(b)) => (a, b),
        // `run_all` returns only once every task has run.
        _ => unreachable!("an executor returned before running every task"),
    }
}

/// Drops `value` aside when `parallel` and the executor can, so that freeing
/// a large structure (a snapshot's evidence or Cedar store: millions of
/// allocations) overlaps with the work that follows instead of delaying it.
/// Else the value is dropped here: for the small snapshots of an
/// organization a thread costs more than it saves.
pub fn drop_aside<T: Send + 'static>(exec: &dyn Executor, parallel: bool, value: T) {
    if parallel && exec.width() > 1 {
        exec.detach(Box::new(move || drop(value)));
    } else {
        drop(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the tasks in reverse, to show that order does not leak out.
    struct Backwards;
    impl Executor for Backwards {
        fn width(&self) -> usize {
            4
        }
        fn run_all<'a>(&self, tasks: Vec<Task<'a>>) {
            for task in tasks.into_iter().rev() {
                task();
            }
        }
    }

    #[test]
    fn results_keep_the_input_order_whatever_runs_first() {
        let items: Vec<u64> = (0..200).collect();
        for jobs in [1, 2, 7] {
            for exec in [&Sequential as &dyn Executor, &Backwards] {
                let out = map(exec, &items, jobs, |n| n * n);
                assert_eq!(out, items.iter().map(|n| n * n).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn both_runs_both() {
        for parallel in [false, true] {
            for exec in [&Sequential as &dyn Executor, &Backwards] {
                assert_eq!(both(exec, parallel, || 1, || "b"), (1, "b"));
            }
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
        drop_aside(&Backwards, true, Signal(tx));
        assert!(rx.try_recv().is_ok());
    }
}
