//! `Provenance`: where a change came from, as the audit trail records it.

/// The client's IP (behind trusted proxies, the forwarded one) and the request id
/// (`X-Request-Id`); both absent for work no request caused (the CLI, background tasks).
/// The HTTP boundary reads it from a request (`http::provenance`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Provenance {
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

impl Provenance {
    /// Work started by no request.
    pub(crate) fn none() -> Self {
        Self::default()
    }
}
