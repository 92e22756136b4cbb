//! `Provenance`: where a request came from, as the audit trail records it.

use poem::{FromRequest, Request, RequestBody};

use super::{AppState, request_log::RequestId};

/// The client's IP (behind trusted proxies, the forwarded one) and the request id
/// (`X-Request-Id`); both absent for work no request caused (the CLI, background tasks).
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

impl<'a> FromRequest<'a> for Provenance {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        let state = AppState::of(req)?;
        Ok(Self {
            ip: state.proxies.client_ip(req).map(|ip| ip.to_string()),
            request_id: req.extensions().get::<RequestId>().map(|id| id.0.clone()),
        })
    }
}
