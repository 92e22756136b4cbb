//! Redirect URIs: what a client may register, and how a request's URI is compared with it.
//! Exact string comparison (RFC 9700 §4.1.1: no wildcards, no normalisation), with the one
//! exception RFC 8252 §7.3 makes for native apps: any port on a loopback IP literal.

use url::Url;

/// A registered redirect URI: absolute, no fragment, no user information, no wildcard;
/// `https`, `http` on a loopback host (127.0.0.1, [::1] or localhost), or a native app's
/// private-use scheme named after a domain it owns (RFC 8252 §7.1: `com.example.app:/cb`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedirectUri(String);

impl RedirectUri {
    pub const MAX_LEN: usize = 2000;

    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.len() > Self::MAX_LEN {
            return Err(format!("must be at most {} characters", Self::MAX_LEN));
        }
        if raw.contains('*') {
            return Err("must not hold a wildcard (*): redirect URIs match exactly".into());
        }
        if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("must not hold spaces or control characters".into());
        }
        let url = Url::parse(raw).map_err(|_| "must be an absolute URI".to_owned())?;
        if url.fragment().is_some() {
            return Err("must not have a fragment (#...)".into());
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("must not hold user information (user@host)".into());
        }
        match url.scheme() {
            "https" if url.host().is_some() => Ok(Self(raw.to_owned())),
            "http" if is_loopback_host(&url) => Ok(Self(raw.to_owned())),
            "http" => {
                Err("http is allowed only on 127.0.0.1, [::1] or localhost; use https".into())
            }
            scheme if scheme.contains('.') && !url.has_host() => Ok(Self(raw.to_owned())),
            _ => Err(
                "must be https, http on a loopback host, or a private-use scheme named after \
                 a domain (com.example.app:/callback)"
                    .into(),
            ),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether a request's `redirect_uri` is this one: the same string, byte for byte, or for
    /// an `http` loopback IP literal the same but for the port (native apps listen on an
    /// ephemeral one).
    pub fn matches(&self, requested: &str) -> bool {
        if self.0 == requested {
            return true;
        }
        match (loopback_ip_parts(&self.0), loopback_ip_parts(requested)) {
            (Some((host, rest)), Some((requested_host, requested_rest))) => {
                host == requested_host && rest == requested_rest
            }
            _ => false,
        }
    }
}

fn is_loopback_host(url: &Url) -> bool {
    matches!(url.host_str(), Some("127.0.0.1" | "[::1]" | "localhost"))
}

/// `http://127.0.0.1[:port]rest` or `http://[::1][:port]rest` split into the host and what
/// follows the port; `None` for anything else, or a port that is not 1 to 5 digits.
fn loopback_ip_parts(uri: &str) -> Option<(&str, &str)> {
    let after_scheme = uri.strip_prefix("http://")?;
    let host = ["127.0.0.1", "[::1]"]
        .into_iter()
        .find(|host| after_scheme.starts_with(host))?;
    let after_host = &after_scheme[host.len()..];
    let rest = match after_host.strip_prefix(':') {
        Some(port_and_rest) => {
            let digits = port_and_rest.bytes().take_while(u8::is_ascii_digit).count();
            if !(1..=5).contains(&digits) {
                return None;
            }
            &port_and_rest[digits..]
        }
        None => after_host,
    };
    match rest.chars().next() {
        None | Some('/' | '?') => Some((host, rest)),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::RedirectUri;

    fn uri(raw: &str) -> RedirectUri {
        RedirectUri::parse(raw).unwrap_or_else(|err| panic!("{raw}: {err}"))
    }

    #[test]
    fn registers_https_loopback_http_and_private_use_schemes() {
        for raw in [
            "https://app.example.com/callback",
            "https://app.example.com/callback?tenant=1",
            "http://127.0.0.1/callback",
            "http://[::1]:8400/cb",
            "http://localhost:3000/callback",
            "com.example.app:/oauth2redirect",
        ] {
            uri(raw);
        }
    }

    #[test]
    fn refuses_what_could_redirect_elsewhere() {
        for raw in [
            "https://*.example.com/callback",
            "https://app.example.com/callback#x",
            "https://user@app.example.com/callback",
            "http://app.example.com/callback",
            "http://127.0.0.1.evil.com/callback",
            "javascript:alert(1)",
            "data:text/html,hi",
            "file:///etc/passwd",
            "/relative/callback",
            "https://app.example.com/call back",
            "https://app.example.com/\ncallback",
        ] {
            assert!(RedirectUri::parse(raw).is_err(), "{raw} was accepted");
        }
        assert!(RedirectUri::parse(&format!("https://a.example/{}", "x".repeat(2000))).is_err());
    }

    #[test]
    fn matches_exactly() {
        let registered = uri("https://app.example.com/callback");
        assert!(registered.matches("https://app.example.com/callback"));
        for requested in [
            "https://app.example.com/callback/",
            "https://app.example.com/callback/../evil",
            "https://app.example.com/callbackx",
            "https://app.example.com/callback?next=https://evil.com",
            "https://app.example.com/callback#",
            "https://APP.example.com/callback",
            "https://app.example.com:443/callback",
            "https://app.example.com%2F@evil.com/callback",
            "https://app.example.com@evil.com/callback",
            "https://evil.com/callback",
            "https://app.example.com/%63allback",
            "http://app.example.com/callback",
        ] {
            assert!(!registered.matches(requested), "{requested} matched");
        }
    }

    #[test]
    fn loopback_ip_literals_match_any_port() {
        let registered = uri("http://127.0.0.1/callback");
        assert!(registered.matches("http://127.0.0.1:51004/callback"));
        assert!(registered.matches("http://127.0.0.1/callback"));
        for requested in [
            "http://127.0.0.1:51004/callback/x",
            "http://127.0.0.1:51004/other",
            "http://127.0.0.1:/callback",
            "http://127.0.0.1:123456/callback",
            "http://127.0.0.1:80@evil.com/callback",
            "http://127.0.0.1.evil.com/callback",
            "http://[::1]:51004/callback",
            "https://127.0.0.1:51004/callback",
        ] {
            assert!(!registered.matches(requested), "{requested} matched");
        }
        let ipv6 = uri("http://[::1]:8400/cb?x=1");
        assert!(ipv6.matches("http://[::1]:9/cb?x=1"));
        assert!(!ipv6.matches("http://[::1]:9/cb?x=2"));
        let localhost = uri("http://localhost:3000/callback");
        assert!(!localhost.matches("http://localhost:3001/callback"));
    }
}
