//! The caller's view of its sessions: list them, end one, end the rest. The lifecycle they
//! read and end is `services::sessions`.

mod delete_current_session;
mod delete_other_sessions;
mod delete_session;
pub(super) mod dto;
mod list_sessions;

/// This area's slices, in document order.
pub(super) type Slices = (
    list_sessions::ListSessionsRoute,
    delete_other_sessions::DeleteOtherSessionsRoute,
    delete_current_session::DeleteCurrentSessionRoute,
    delete_session::DeleteSessionRoute,
);
