//! The client's IP: the socket peer, unless the peer is a trusted proxy, in which case the
//! forwarding headers are walked from the nearest hop outwards and the first address that
//! is not a trusted proxy wins. A client cannot spoof its way past the limits by sending
//! `X-Forwarded-For` itself: an untrusted peer's headers are ignored.

use std::net::{IpAddr, Ipv6Addr};

use ipnet::IpNet;
use poem::Request;

pub fn client_ip(req: &Request, trusted_proxies: &[IpNet]) -> Option<IpAddr> {
    let peer = req.remote_addr().as_socket_addr()?.ip();
    let trusted = |ip: &IpAddr| trusted_proxies.iter().any(|net| net.contains(ip));
    if !trusted(&peer) {
        return Some(peer);
    }
    let chain = forwarded_chain(req);
    chain
        .iter()
        .rev()
        .find(|ip| !trusted(ip))
        .or(chain.first())
        .copied()
        .or(Some(peer))
}

/// The bucket a client IP counts in: IPv4 per address, IPv6 per /64 (one subscriber).
pub fn ip_bucket(ip: IpAddr) -> String {
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
fn forwarded_chain(req: &Request) -> Vec<IpAddr> {
    let header = |name| {
        req.headers()
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

    use poem::{Request, web::RemoteAddr};

    use super::{client_ip, ip_bucket};

    fn request(peer: &str, headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder();
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let mut req = builder.finish();
        req.state_mut().remote_addr =
            RemoteAddr::from(peer.parse::<std::net::SocketAddr>().unwrap());
        req
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn untrusted_peers_cannot_spoof() {
        let req = request("203.0.113.9:5000", &[("x-forwarded-for", "1.1.1.1")]);
        assert_eq!(client_ip(&req, &[]), ip("203.0.113.9"));
        assert_eq!(
            client_ip(&req, &["10.0.0.0/8".parse().unwrap()]),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn trusted_proxies_are_skipped_from_the_right() {
        let trusted = ["10.0.0.0/8".parse().unwrap()];
        let req = request(
            "10.0.0.1:5000",
            &[("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.0.0.2")],
        );
        assert_eq!(client_ip(&req, &trusted), ip("198.51.100.7"));
        let req = request(
            "10.0.0.1:5000",
            &[("forwarded", r#"for="[2001:db8::1]:4711", for=10.0.0.3"#)],
        );
        assert_eq!(client_ip(&req, &trusted), ip("2001:db8::1"));
        let req = request("10.0.0.1:5000", &[]);
        assert_eq!(client_ip(&req, &trusted), ip("10.0.0.1"));
    }

    #[test]
    fn ipv6_clients_share_their_64() {
        assert_eq!(
            ip_bucket("2001:db8:1:2:aaaa::1".parse().unwrap()),
            "2001:db8:1:2::/64"
        );
        assert_eq!(ip_bucket("::ffff:192.0.2.1".parse().unwrap()), "192.0.2.1");
        assert_eq!(ip_bucket("192.0.2.1".parse().unwrap()), "192.0.2.1");
    }
}
