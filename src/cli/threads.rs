//! The command line's executor: scoped threads, one per task.
//!
//! The work is always a handful of coarse tasks (the accounts of an
//! organization, the files of a snapshot, two shares of a snapshot's
//! requests), which needs no work-stealing pool.

use crate::exec::{Executor, Task};

/// Runs up to `width` tasks at once, each on a thread of its own (the first
/// on the calling thread).
#[derive(Debug, Clone, Copy)]
pub struct Threads {
    pub width: usize,
}

impl Threads {
    /// `jobs` at once, or one per core.
    pub fn new(jobs: Option<usize>) -> Threads {
        let width = jobs.unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(usize::from)
                .unwrap_or(1)
        });
        Threads {
            width: width.max(1),
        }
    }
}

impl Executor for Threads {
    fn width(&self) -> usize {
        self.width
    }

    fn run_all<'a>(&self, tasks: Vec<Task<'a>>) {
        let mut tasks = tasks.into_iter();
        let Some(first) = tasks.next() else { return };
        std::thread::scope(|scope| {
            let others: Vec<_> = tasks.map(|task| scope.spawn(task)).collect();
            first();
            for handle in others {
                // A panic in a task is a bug: it goes on here (release
                // builds abort at the panic itself).
                if let Err(panic) = handle.join() {
                    std::panic::resume_unwind(panic);
                }
            }
        });
    }

    fn detach(&self, task: Task<'static>) {
        // Should no thread be available, `spawn` drops the task, and with it
        // what it would have dropped, here.
        let _ = std::thread::Builder::new().name("drop".into()).spawn(task);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_run_on_several_threads_and_all_finish() {
        let threads = Threads { width: 3 };
        let ids = std::sync::Mutex::new(std::collections::HashSet::new());
        let tasks: Vec<Task<'_>> = (0..3)
            .map(|_| -> Task<'_> {
                Box::new(|| {
                    if let Ok(mut ids) = ids.lock() {
                        ids.insert(std::thread::current().id());
                    }
                })
            })
            .collect();
        threads.run_all(tasks);
        assert_eq!(ids.lock().map(|ids| ids.len()).unwrap_or(0), 3);
        let items: Vec<u32> = (0..100).collect();
        assert_eq!(crate::exec::map(&threads, &items, 3, |n| n + 1)[99], 100);
    }
}
