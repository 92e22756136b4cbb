//! The client's IP: the socket peer, unless the peer is a trusted proxy (`TRUSTED_PROXIES`),
//! in which case the one header `CLIENT_IP_HEADER` names is read and the others ignored. The
//! list headers are walked from the nearest hop outwards and the first address that is not a
//! trusted proxy wins. An untrusted peer's headers are ignored, and a trusted proxy's are
//! believed only in the header it writes: a proxy that appends to `X-Forwarded-For` passes a
//! client's own `Forwarded` through, so reading that would let the client pick its address.

use std::{
    net::{IpAddr, Ipv6Addr},
    str::FromStr,
    sync::Arc,
};

use ipnet::IpNet;
use poem::{FromRequest, Request, RequestBody, http::HeaderMap};

use super::AppState;
use crate::infra::setting::deserialize_from_str;

/// `CLIENT_IP_HEADER`: the one header a trusted proxy's client address is read from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ClientIpHeader {
    /// `X-Forwarded-For`, as nginx's `$proxy_add_x_forwarded_for` and most load balancers
    /// append it.
    #[default]
    XForwardedFor,
    /// `Forwarded` (RFC 7239) `for=`: only behind a proxy that strips the client's own.
    Forwarded,
    /// `X-Real-IP`: one address, which the proxy overwrites.
    XRealIp,
}

impl FromStr for ClientIpHeader {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "x-forwarded-for" => Ok(Self::XForwardedFor),
            "forwarded" => Ok(Self::Forwarded),
            "x-real-ip" => Ok(Self::XRealIp),
            _ => Err("expected x-forwarded-for, forwarded or x-real-ip".into()),
        }
    }
}

deserialize_from_str!(ClientIpHeader);

/// The trusted proxies and the header believed from them: the one place that decides where
/// a request came from (rate-limit buckets, sessions, the audit trail, absolute URLs).
#[derive(Clone, Debug, Default)]
pub struct Proxies {
    trusted: Arc<[IpNet]>,
    header: ClientIpHeader,
}

impl Proxies {
    pub fn new(trusted: &[IpNet], header: ClientIpHeader) -> Self {
        Self {
            trusted: trusted.into(),
            header,
        }
    }

    /// The client's IP; `None` when the peer address is not an IP.
    pub(super) fn client_ip(&self, req: &Request) -> Option<IpAddr> {
        let peer = req.remote_addr().as_socket_addr()?.ip();
        Some(self.resolve(peer, req.headers()))
    }

    /// The request's client bucket; `unknown` when the peer address is not an IP.
    pub(super) fn bucket(&self, req: &Request) -> String {
        self.client_ip(req)
            .map_or_else(|| "unknown".to_owned(), ip_bucket)
    }

    /// The header to read forwarding details from: `None` when the peer is not trusted.
    pub(super) fn believed_header(&self, req: &Request) -> Option<ClientIpHeader> {
        let peer = req.remote_addr().as_socket_addr()?.ip();
        self.trusts(&peer).then_some(self.header)
    }

    fn trusts(&self, ip: &IpAddr) -> bool {
        self.trusted.iter().any(|net| net.contains(ip))
    }

    /// The client IP of a request from `peer` carrying `headers`.
    pub(crate) fn resolve(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(&peer) {
            return peer;
        }
        let chain = match self.header {
            ClientIpHeader::XRealIp => return real_ip(headers).unwrap_or(peer),
            ClientIpHeader::XForwardedFor => x_forwarded_for(headers),
            ClientIpHeader::Forwarded => forwarded_for(headers),
        };
        let client = chain.iter().rev().find(|ip| !self.trusts(ip));
        client.or(chain.first()).copied().unwrap_or(peer)
    }
}

/// The client's rate-limit bucket (see `ip_bucket`), for a handler that charges a limit of
/// its own per client together with others in one step.
pub(crate) struct IpBucket(pub String);

impl<'a> FromRequest<'a> for IpBucket {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        Ok(Self(AppState::of(req)?.proxies.bucket(req)))
    }
}

/// The bucket a client IP counts in: IPv4 per address, IPv6 per /64 (one subscriber).
fn ip_bucket(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{}/64", Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// Every value of `name`, joined as one comma-separated list.
fn joined(headers: &HeaderMap, name: &str) -> String {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",")
}

/// `X-Forwarded-For`'s addresses, client first.
fn x_forwarded_for(headers: &HeaderMap) -> Vec<IpAddr> {
    joined(headers, "x-forwarded-for")
        .split(',')
        .filter_map(parse_node)
        .collect()
}

/// `Forwarded`'s (RFC 7239) `for=` addresses, client first.
fn forwarded_for(headers: &HeaderMap) -> Vec<IpAddr> {
    joined(headers, "forwarded")
        .split(',')
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                name.eq_ignore_ascii_case("for")
                    .then(|| parse_node(value))?
            })
        })
        .collect()
}

/// `X-Real-IP`: exactly one value holding one address, else nothing.
fn real_ip(headers: &HeaderMap) -> Option<IpAddr> {
    let mut values = headers.get_all("x-real-ip").iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return None;
    };
    value.to_str().ok()?.trim().parse().ok()
}

/// `1.2.3.4`, `1.2.3.4:80`, `"[2001:db8::1]:4711"`, `2001:db8::1`.
fn parse_node(raw: &str) -> Option<IpAddr> {
    let node = raw.trim().trim_matches('"');
    if let Ok(ip) = node.parse() {
        return Some(ip);
    }
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    node.rsplit_once(':')
        .and_then(|(host, _port)| host.parse().ok())
}

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
