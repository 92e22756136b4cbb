//! A request's `Provenance`, for the audit trail.

use poem::{FromRequest, Request, RequestBody};

use super::{AppState, request_log::RequestId};
use crate::services::audit::Provenance;

impl<'a> FromRequest<'a> for Provenance {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        let state = AppState::of(req)?;
        Ok(Self {
            ip: state.proxies.client_ip(req).map(|ip| ip.to_string()),
            request_id: req.extensions().get::<RequestId>().map(|id| id.0.clone()),
        })
    }
}
