use std::{
    sync::{Arc, mpsc},
    time::Duration,
};

use super::HashGate;
use crate::infra::security::HashError;

/// A wait bound no test reaches unless it moves the clock.
const LONG: Duration = Duration::from_secs(60);

/// A call of `gate.run` that has started its work, which answers 1 once `release` says so.
async fn running_until_released(
    gate: &Arc<HashGate>,
) -> (
    tokio::task::JoinHandle<Result<i32, HashError>>,
    mpsc::Sender<()>,
) {
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
    (running, release)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn work_beyond_the_slots_waits_and_beyond_the_queue_is_refused() {
    let gate = Arc::new(HashGate::new(1, 1, LONG));
    let (running, release) = running_until_released(&gate).await;
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
async fn a_caller_that_waited_its_longest_is_refused_and_leaves_the_queue() {
    let max_wait = Duration::from_millis(50);
    let gate = HashGate::new(1, 4, max_wait);
    let permit = gate.running.clone().try_acquire_owned().unwrap();
    let started = std::time::Instant::now();
    assert!(matches!(gate.run(|| ()).await, Err(HashError::Busy)));
    // Never before the bound; how long after it depends on the machine.
    assert!(started.elapsed() >= max_wait);
    assert_eq!(gate.waiting.load(std::sync::atomic::Ordering::Acquire), 0);
    drop(permit);
    gate.run(|| ()).await.unwrap();
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn hashes_run_in_the_idle_scheduling_class() {
    let gate = HashGate::new(1, 1, LONG);
    // SAFETY: sched_getscheduler reads no memory of ours; pid 0 is the calling thread.
    let policy = || unsafe { libc::sched_getscheduler(0) };
    assert_eq!(policy(), libc::SCHED_OTHER, "the caller is not lowered");
    assert_eq!(gate.run(policy).await.unwrap(), libc::SCHED_IDLE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_that_goes_away_keeps_the_slot_until_its_hash_is_done() {
    let gate = Arc::new(HashGate::new(1, 1, LONG));
    let (caller, release) = running_until_released(&gate).await;
    caller.abort();
    assert!(caller.await.unwrap_err().is_cancelled());
    assert_eq!(gate.running.available_permits(), 0, "the hash still runs");
    release.send(()).unwrap();
    assert_eq!(gate.run(|| 5).await.unwrap(), 5);
}

#[tokio::test]
async fn a_caller_that_gives_up_while_waiting_frees_its_place() {
    let gate = HashGate::new(1, 1, LONG);
    let permit = gate.running.clone().try_acquire_owned().unwrap();
    let waiting = gate.run(|| ());
    // Polled once, it queues; dropped, it leaves the queue.
    let mut waiting = Box::pin(waiting);
    assert!(futures_poll_once(waiting.as_mut()).await.is_none());
    assert_eq!(gate.waiting.load(std::sync::atomic::Ordering::Acquire), 1);
    drop(waiting);
    assert_eq!(gate.waiting.load(std::sync::atomic::Ordering::Acquire), 0);
    drop(permit);
}

#[tokio::test]
async fn a_turn_in_line_holds_no_slot_until_it_asks_for_one() {
    let gate = HashGate::new(1, 1, LONG);
    let turn = gate.turn().unwrap();
    // While its holder does other work (a login's account lookup), other hashes run...
    assert_eq!(gate.running.available_permits(), 1);
    assert_eq!(gate.run(|| 1).await.unwrap(), 1);
    // ...yet its place in the queue counts.
    assert_eq!(gate.waiting.load(std::sync::atomic::Ordering::Acquire), 1);
    let slot = turn.slot().await.unwrap();
    assert_eq!(gate.waiting.load(std::sync::atomic::Ordering::Acquire), 0);
    assert_eq!(slot.run(|| 2).await.unwrap(), 2);
    assert_eq!(gate.running.available_permits(), 1);
}

#[tokio::test]
async fn with_no_room_in_the_queue_a_turn_takes_a_free_slot_or_is_refused() {
    let gate = HashGate::new(1, 0, LONG);
    let first = gate.turn().unwrap();
    assert_eq!(
        gate.running.available_permits(),
        0,
        "the free slot is taken at once"
    );
    assert!(matches!(gate.turn(), Err(HashError::Busy)));
    assert_eq!(first.slot().await.unwrap().run(|| 3).await.unwrap(), 3);
    assert!(gate.turn().is_ok());
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
