//! `HashGate`: bounds the password hashes running at once and those waiting, so a storm of
//! logins queues among itself instead of taking every core from every other request, and is
//! refused (`HashError::Busy`, a 503 with `Retry-After`) once the queue is full.

use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{Semaphore, SemaphorePermit};

use super::password::HashError;

pub(crate) struct HashGate {
    running: Semaphore,
    waiting: AtomicUsize,
    max_waiting: usize,
}

impl HashGate {
    /// At most `concurrency` hashes at once (at least one) and `max_waiting` waiting.
    pub(crate) fn new(concurrency: usize, max_waiting: usize) -> Self {
        Self {
            running: Semaphore::new(concurrency.max(1)),
            waiting: AtomicUsize::new(0),
            max_waiting,
        }
    }

    /// Runs `work` on the blocking pool once a slot is free; `Busy` at once when the queue is
    /// full. A caller that goes away while waiting gives its place up.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let slot = self.slot().await?;
        Self::run_in(slot, work).await
    }

    /// A slot, once one is free; `Busy` at once when the queue is full. Taking it before
    /// other work (a login's account lookup) makes a refusal cost nothing but this.
    pub(crate) async fn slot(&self) -> Result<HashSlot<'_>, HashError> {
        if let Ok(permit) = self.running.try_acquire() {
            return Ok(HashSlot(permit));
        }
        let _place = self.queue()?;
        let permit = self.running.acquire().await.map_err(|_| HashError::Busy)?;
        Ok(HashSlot(permit))
    }

    /// Runs `work` on the blocking pool in `slot`, which is given back when it is done.
    pub(crate) async fn run_in<T: Send + 'static>(
        slot: HashSlot<'_>,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let done = tokio::task::spawn_blocking(work).await?;
        drop(slot);
        Ok(done)
    }

    /// A place in the queue, given back when dropped (served or cancelled).
    fn queue(&self) -> Result<Place<'_>, HashError> {
        let taken = self
            .waiting
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max_waiting).then_some(n + 1)
            });
        match taken {
            Ok(_) => Ok(Place(&self.waiting)),
            Err(_) => Err(HashError::Busy),
        }
    }
}

/// A hashing slot held: at most `concurrency` exist at once.
pub(crate) struct HashSlot<'a>(#[allow(dead_code, reason = "held, not read")] SemaphorePermit<'a>);

struct Place<'a>(&'a AtomicUsize);

impl Drop for Place<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, mpsc};

    use super::HashGate;
    use crate::infra::security::HashError;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn work_beyond_the_slots_waits_and_beyond_the_queue_is_refused() {
        let gate = Arc::new(HashGate::new(1, 1));
        let (release, blocked) = mpsc::channel::<()>();
        let (started, has_started) = tokio::sync::oneshot::channel();
        let running = tokio::spawn({
            let gate = gate.clone();
            async move {
                gate.run(move || {
                    started.send(()).ok();
                    blocked.recv().ok();
                    1
                })
                .await
            }
        });
        has_started.await.unwrap();
        // The one slot is taken: the next call waits in the one queue place...
        let queued = tokio::spawn({
            let gate = gate.clone();
            async move { gate.run(|| 2).await }
        });
        while gate.waiting.load(std::sync::atomic::Ordering::Acquire) == 0 {
            tokio::task::yield_now().await;
        }
        // ...and the one after it is refused at once.
        assert!(matches!(gate.run(|| 3).await, Err(HashError::Busy)));
        release.send(()).unwrap();
        assert_eq!(running.await.unwrap().unwrap(), 1);
        assert_eq!(queued.await.unwrap().unwrap(), 2);
        // Everything is given back.
        assert_eq!(gate.run(|| 4).await.unwrap(), 4);
        assert_eq!(gate.waiting.load(std::sync::atomic::Ordering::Acquire), 0);
    }

    #[tokio::test]
    async fn a_caller_that_gives_up_while_waiting_frees_its_place() {
        let gate = HashGate::new(1, 1);
        let permit = gate.running.try_acquire().unwrap();
        let waiting = gate.run(|| ());
        // Polled once, it queues; dropped, it leaves the queue.
        let mut waiting = Box::pin(waiting);
        assert!(futures_poll_once(waiting.as_mut()).await.is_none());
        assert_eq!(gate.waiting.load(std::sync::atomic::Ordering::Acquire), 1);
        drop(waiting);
        assert_eq!(gate.waiting.load(std::sync::atomic::Ordering::Acquire), 0);
        drop(permit);
    }

    /// Polls `future` once: its output if it was ready.
    async fn futures_poll_once<F: std::future::Future + Unpin>(future: F) -> Option<F::Output> {
        let mut future = future;
        std::future::poll_fn(|cx| {
            std::task::Poll::Ready(match std::pin::Pin::new(&mut future).poll(cx) {
                std::task::Poll::Ready(output) => Some(output),
                std::task::Poll::Pending => None,
            })
        })
        .await
    }
}
