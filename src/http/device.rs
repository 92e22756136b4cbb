//! `Device`: who is logging in from where, recorded on the session a login opens.

use poem::{FromRequest, Request, RequestBody, http::header::USER_AGENT};

use super::AppState;

/// Longest `User-Agent` kept; longer ones are cut (on a character boundary).
const MAX_USER_AGENT_CHARS: usize = 512;

/// The client's IP (behind trusted proxies, the forwarded one) and its `User-Agent`.
pub(crate) struct Device {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

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
