//! `Origin`: the scheme and host a client used to reach us (`https://accounts.example.com`),
//! for documents that must name our URLs absolutely (the RFC 8414 metadata). It is the
//! request's own `Host` (or HTTP/2 `:authority`) and connection scheme; when the socket peer
//! is a trusted proxy (`TRUSTED_PROXIES`), `Forwarded` (`proto=`, `host=`) when
//! `CLIENT_IP_HEADER=forwarded`, else `X-Forwarded-Proto` / `X-Forwarded-Host`, each read
//! from its first (client-facing) entry.
//! A host that is not a plain `host[:port]` and a scheme other than `http`/`https` are
//! ignored, so a client cannot make us write any other shape of URL.

use poem::{
    FromRequest, Request, RequestBody,
    http::{HeaderMap, header::HOST, uri::Authority},
};

use super::{AppState, ClientIpHeader};

/// `scheme://host[:port]`, without a trailing slash.
pub(crate) struct Origin(String);

impl Origin {
    /// The absolute URL of `path` (which starts with `/`) on this origin.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }

    /// Whether the client reached us over https (so a cookie may be `Secure`).
    pub(crate) fn is_https(&self) -> bool {
        self.0.starts_with("https://")
    }
}

impl<'a> FromRequest<'a> for Origin {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        let state = AppState::of(req)?;
        Ok(Self(origin(req, state.proxies.believed_header(req))))
    }
}

/// `believed`: the header a trusted proxy writes, `None` when the peer is not one.
fn origin(req: &Request, believed: Option<ClientIpHeader>) -> String {
    let forwarded = believed
        .map(|header| forwarded(req.headers(), header))
        .unwrap_or_default();
    let scheme = forwarded
        .proto
        .map(|proto| proto.to_ascii_lowercase())
        .filter(|proto| proto == "http" || proto == "https")
        .unwrap_or_else(|| req.scheme().as_str().to_owned());
    let own_host = req
        .headers()
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| req.uri().authority().map(ToString::to_string));
    let host = [forwarded.host, own_host]
        .into_iter()
        .flatten()
        .find(|host| plain_host(host))
        .or_else(|| req.local_addr().as_socket_addr().map(ToString::to_string))
        .unwrap_or_else(|| "localhost".to_owned());
    format!("{scheme}://{host}")
}

/// `host[:port]` with nothing else an authority may hold (user info).
fn plain_host(raw: &str) -> bool {
    !raw.contains('@')
        && raw
            .parse::<Authority>()
            .is_ok_and(|authority| !authority.host().is_empty())
}

/// What a trusted proxy says the client asked for.
#[derive(Default)]
struct Forwarded {
    proto: Option<String>,
    host: Option<String>,
}

/// The first element of `Forwarded` (RFC 7239) when that is the header believed, else the
/// first `X-Forwarded-*` values (behind a proxy that writes `X-Real-IP` too).
fn forwarded(headers: &HeaderMap, believed: ClientIpHeader) -> Forwarded {
    let first = |name: &str| {
        let value = headers.get(name)?.to_str().ok()?;
        let first = value.split(',').next()?.trim();
        (!first.is_empty()).then(|| first.to_owned())
    };
    if believed == ClientIpHeader::Forwarded {
        let Some(element) = first("forwarded") else {
            return Forwarded::default();
        };
        let param = |wanted: &str| {
            element.split(';').find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                name.eq_ignore_ascii_case(wanted)
                    .then(|| value.trim().trim_matches('"').to_owned())
            })
        };
        return Forwarded {
            proto: param("proto"),
            host: param("host"),
        };
    }
    Forwarded {
        proto: first("x-forwarded-proto"),
        host: first("x-forwarded-host"),
    }
}

#[cfg(test)]
mod tests {
    use poem::Request;

    use super::{ClientIpHeader, origin};

    const XFF: Option<ClientIpHeader> = Some(ClientIpHeader::XForwardedFor);

    fn request(headers: &[(&'static str, &str)]) -> Request {
        headers
            .iter()
            .fold(Request::builder(), |req, (name, value)| {
                req.header(*name, *value)
            })
            .finish()
    }

    #[test]
    fn the_host_header_and_the_connection_scheme_by_default() {
        let req = request(&[("host", "api.example.com:8443")]);
        assert_eq!(origin(&req, None), "http://api.example.com:8443");
        let absolute = Request::builder().uri_str("http://[::1]:8080/x").finish();
        assert_eq!(origin(&absolute, None), "http://[::1]:8080");
    }

    #[test]
    fn forwarding_headers_count_only_from_a_trusted_proxy() {
        let headers = [
            ("host", "10.0.0.5:8080"),
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "accounts.example.com, inner.local"),
        ];
        assert_eq!(origin(&request(&headers), None), "http://10.0.0.5:8080");
        assert_eq!(
            origin(&request(&headers), XFF),
            "https://accounts.example.com"
        );
        let rfc7239 = [
            ("host", "10.0.0.5"),
            (
                "forwarded",
                r#"for=1.2.3.4;proto=HTTPS;host="id.example.org", for=10.0.0.1"#,
            ),
            ("x-forwarded-host", "ignored.example.com"),
        ];
        let rfc7239_proxy = Some(ClientIpHeader::Forwarded);
        assert_eq!(
            origin(&request(&rfc7239), rfc7239_proxy),
            "https://id.example.org"
        );
        // Behind an X-Forwarded-* proxy, a client's own Forwarded is ignored.
        assert_eq!(
            origin(&request(&rfc7239), XFF),
            "http://ignored.example.com"
        );
    }

    #[test]
    fn odd_hosts_and_schemes_are_ignored() {
        let headers = [
            ("host", "api.example.com"),
            ("x-forwarded-proto", "javascript"),
            ("x-forwarded-host", "evil.example@api.example.com"),
        ];
        assert_eq!(origin(&request(&headers), XFF), "http://api.example.com");
        // No usable host at all: the address the request came in on (none here).
        let path_in_host = [("host", "a.example/b?c")];
        assert_eq!(origin(&request(&path_in_host), None), "http://localhost");
    }
}
