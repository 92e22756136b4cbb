//! The deadline of the request being served (`REQUEST_TIMEOUT_MS`), readable by the work
//! under it. It is wall-clock time, never the app's `Clock`: it bounds the network, and a
//! statement compares it with the database server's own clock.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::clock::later;

tokio::task_local! {
    static DEADLINE: DateTime<Utc>;
}

/// The deadline of work run outside a request (a test calling a service directly).
const OUTSIDE_A_REQUEST: Duration = Duration::from_secs(8);

/// `work` given at most `budget`; `None` past it (the work is dropped).
pub(crate) async fn within<F: Future>(budget: Duration, work: F) -> Option<F::Output> {
    let deadline = later(Utc::now(), budget);
    DEADLINE
        .scope(deadline, tokio::time::timeout(budget, work))
        .await
        .ok()
}

/// When the current work stops mattering to whoever asked for it: a write reaching the
/// database after this (held by a partition) must not take effect.
pub(crate) fn not_after() -> DateTime<Utc> {
    DEADLINE
        .try_with(|deadline| *deadline)
        .unwrap_or_else(|_| later(Utc::now(), OUTSIDE_A_REQUEST))
}
