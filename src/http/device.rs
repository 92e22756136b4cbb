//! A login request's `Device`, recorded on the session it opens.

use poem::{FromRequest, Request, RequestBody, http::header::USER_AGENT};

use super::AppState;
use crate::services::sessions::Device;

/// Longest `User-Agent` kept; longer ones are cut (on a character boundary).
const MAX_USER_AGENT_CHARS: usize = 512;

impl<'a> FromRequest<'a> for Device {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        let state = AppState::of(req)?;
        let user_agent = req
            .headers()
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(MAX_USER_AGENT_CHARS).collect::<String>())
            .filter(|ua| !ua.is_empty());
        Ok(Self {
            ip: state.proxies.client_ip(req).map(|ip| ip.to_string()),
            user_agent,
        })
    }
}
