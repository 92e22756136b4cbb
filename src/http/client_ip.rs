//! The client's IP: the socket peer, unless the peer is a trusted proxy, in which case the
//! forwarding headers are walked from the nearest hop outwards and the first address that
//! is not a trusted proxy wins. A client cannot spoof its way past the limits by sending
//! `X-Forwarded-For` itself: an untrusted peer's headers are ignored.

use std::net::{IpAddr, Ipv6Addr};

use ipnet::IpNet;
use poem::{FromRequest, Request, RequestBody, http::HeaderMap};

use super::AppState;

/// The client's rate-limit bucket (see `ip_bucket`), for a handler that charges a limit of
/// its own per client together with others in one step.
pub(crate) struct IpBucket(pub String);

impl<'a> FromRequest<'a> for IpBucket {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        let state = AppState::of(req)?;
        Ok(Self(bucket(req, &state.trusted_proxies)))
    }
}

/// The request's client bucket; `unknown` when the peer address is not an IP.
pub(super) fn bucket(req: &Request, trusted_proxies: &[IpNet]) -> String {
    client_ip(req, trusted_proxies).map_or_else(|| "unknown".to_owned(), ip_bucket)
}

pub(super) fn client_ip(req: &Request, trusted_proxies: &[IpNet]) -> Option<IpAddr> {
    let peer = req.remote_addr().as_socket_addr()?.ip();
    Some(resolve(peer, req.headers(), trusted_proxies))
}

/// Whether the socket peer is one of `trusted_proxies`, whose forwarding headers count.
pub(super) fn peer_is_trusted(req: &Request, trusted_proxies: &[IpNet]) -> bool {
    req.remote_addr()
        .as_socket_addr()
        .is_some_and(|peer| trusted_proxies.iter().any(|net| net.contains(&peer.ip())))
}

fn resolve(peer: IpAddr, headers: &HeaderMap, trusted_proxies: &[IpNet]) -> IpAddr {
    let trusted = |ip: &IpAddr| trusted_proxies.iter().any(|net| net.contains(ip));
    if !trusted(&peer) {
        return peer;
    }
    let chain = forwarded_chain(headers);
    let client = chain.iter().rev().find(|ip| !trusted(ip)).or(chain.first());
    client.copied().unwrap_or(peer)
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

/// Addresses from `Forwarded` (RFC 7239) or else `X-Forwarded-For`, client first.
fn forwarded_chain(headers: &HeaderMap) -> Vec<IpAddr> {
    let header = |name| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",")
    };
    let forwarded = header("forwarded");
    if !forwarded.is_empty() {
        return forwarded
            .split(',')
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (name, value) = pair.trim().split_once('=')?;
                    name.eq_ignore_ascii_case("for")
                        .then(|| parse_node(value))?
                })
            })
            .collect();
    }
    header("x-forwarded-for")
        .split(',')
        .filter_map(parse_node)
        .collect()
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
mod tests {
    use std::net::IpAddr;

    use poem::http::HeaderMap;

    use super::{ip_bucket, resolve};

    fn client(peer: &str, headers: &[(&'static str, &str)], trusted: &[&str]) -> IpAddr {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(*name, value.parse().unwrap());
        }
        let trusted: Vec<_> = trusted.iter().map(|t| t.parse().unwrap()).collect();
        resolve(peer.parse().unwrap(), &map, &trusted)
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn untrusted_peers_cannot_spoof() {
        let xff = [("x-forwarded-for", "1.1.1.1")];
        assert_eq!(client("203.0.113.9", &xff, &[]), ip("203.0.113.9"));
        assert_eq!(
            client("203.0.113.9", &xff, &["10.0.0.0/8"]),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn trusted_proxies_are_skipped_from_the_right() {
        let xff = [("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.0.0.2")];
        assert_eq!(
            client("10.0.0.1", &xff, &["10.0.0.0/8"]),
            ip("198.51.100.7")
        );
        let fwd = [("forwarded", r#"for="[2001:db8::1]:4711", for=10.0.0.3"#)];
        assert_eq!(client("10.0.0.1", &fwd, &["10.0.0.0/8"]), ip("2001:db8::1"));
        let split = [
            ("x-forwarded-for", "7.7.7.7"),
            ("x-forwarded-for", "10.0.0.9:80"),
        ];
        assert_eq!(client("10.0.0.1", &split, &["10.0.0.0/8"]), ip("7.7.7.7"));
        assert_eq!(client("10.0.0.1", &[], &["10.0.0.0/8"]), ip("10.0.0.1"));
    }

    #[test]
    fn ipv6_clients_share_their_64() {
        assert_eq!(ip_bucket(ip("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
        assert_eq!(ip_bucket(ip("::ffff:192.0.2.1")), "192.0.2.1");
        assert_eq!(ip_bucket(ip("192.0.2.1")), "192.0.2.1");
    }
}
