use std::net::IpAddr;

use poem::http::HeaderMap;

use super::{ClientIpHeader, Proxies, ip_bucket};

const PROXIES: &[&str] = &["10.0.0.0/8"];

fn client(
    header: ClientIpHeader,
    peer: &str,
    headers: &[(&'static str, &str)],
    trusted: &[&str],
) -> IpAddr {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.append(*name, value.parse().unwrap());
    }
    let trusted: Vec<_> = trusted.iter().map(|t| t.parse().unwrap()).collect();
    Proxies::new(&trusted, header).resolve(peer.parse().unwrap(), &map)
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn untrusted_peers_cannot_spoof() {
    let all = [
        ("x-forwarded-for", "1.1.1.1"),
        ("forwarded", "for=2.2.2.2"),
        ("x-real-ip", "3.3.3.3"),
    ];
    for header in [
        ClientIpHeader::XForwardedFor,
        ClientIpHeader::Forwarded,
        ClientIpHeader::XRealIp,
    ] {
        assert_eq!(client(header, "203.0.113.9", &all, &[]), ip("203.0.113.9"));
        assert_eq!(
            client(header, "203.0.113.9", &all, PROXIES),
            ip("203.0.113.9")
        );
    }
}

#[test]
fn trusted_proxies_are_skipped_from_the_right() {
    let xff = [("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.0.0.2")];
    let by_xff =
        |headers: &[_]| client(ClientIpHeader::XForwardedFor, "10.0.0.1", headers, PROXIES);
    assert_eq!(by_xff(&xff), ip("198.51.100.7"));
    let split = [
        ("x-forwarded-for", "7.7.7.7"),
        ("x-forwarded-for", "10.0.0.9:80"),
    ];
    assert_eq!(by_xff(&split), ip("7.7.7.7"));
    assert_eq!(by_xff(&[]), ip("10.0.0.1"));
    let fwd = [("forwarded", r#"for="[2001:db8::1]:4711", for=10.0.0.3"#)];
    assert_eq!(
        client(ClientIpHeader::Forwarded, "10.0.0.1", &fwd, PROXIES),
        ip("2001:db8::1")
    );
}

#[test]
fn by_default_a_client_sent_forwarded_is_ignored() {
    // nginx appended the client's address to X-Forwarded-For and passed its Forwarded on.
    let headers = [
        ("forwarded", "for=1.2.3.4"),
        ("x-forwarded-for", "198.51.100.7"),
        ("x-real-ip", "5.6.7.8"),
    ];
    let default = ClientIpHeader::default();
    assert_eq!(
        client(default, "10.0.0.1", &headers, PROXIES),
        ip("198.51.100.7")
    );
    // Without X-Forwarded-For, the proxy itself, never the Forwarded address.
    let forwarded_only = [("forwarded", "for=1.2.3.4")];
    assert_eq!(
        client(default, "10.0.0.1", &forwarded_only, PROXIES),
        ip("10.0.0.1")
    );
}

#[test]
fn with_forwarded_x_forwarded_for_is_ignored() {
    let by_forwarded =
        |headers: &[_]| client(ClientIpHeader::Forwarded, "10.0.0.1", headers, PROXIES);
    assert_eq!(
        by_forwarded(&[("x-forwarded-for", "1.1.1.1")]),
        ip("10.0.0.1")
    );
    let both = [
        ("x-forwarded-for", "1.1.1.1"),
        ("forwarded", "for=198.51.100.7;proto=https"),
    ];
    assert_eq!(by_forwarded(&both), ip("198.51.100.7"));
}

#[test]
fn with_x_real_ip_both_list_headers_are_ignored() {
    let by_real_ip = |headers: &[_]| client(ClientIpHeader::XRealIp, "10.0.0.1", headers, PROXIES);
    let lists = [("x-forwarded-for", "1.1.1.1"), ("forwarded", "for=2.2.2.2")];
    assert_eq!(by_real_ip(&lists), ip("10.0.0.1"));
    let written = [lists[0], lists[1], ("x-real-ip", " 2001:db8::7 ")];
    assert_eq!(by_real_ip(&written), ip("2001:db8::7"));
    // Anything but one address: the peer.
    for odd in [
        &[("x-real-ip", "198.51.100.7, 198.51.100.8")][..],
        &[("x-real-ip", "198.51.100.7"), ("x-real-ip", "198.51.100.8")],
        &[("x-real-ip", "not-an-ip")],
        &[("x-real-ip", "198.51.100.7:80")],
    ] {
        assert_eq!(by_real_ip(odd), ip("10.0.0.1"), "{odd:?}");
    }
}

#[test]
fn the_header_is_named_in_any_case() {
    assert_eq!("X-Real-IP".parse(), Ok(ClientIpHeader::XRealIp));
    assert_eq!("Forwarded".parse(), Ok(ClientIpHeader::Forwarded));
    assert_eq!("x-forwarded-for".parse(), Ok(ClientIpHeader::XForwardedFor));
    assert!("true-client-ip".parse::<ClientIpHeader>().is_err());
}

#[test]
fn ipv6_clients_share_their_64() {
    assert_eq!(ip_bucket(ip("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
    assert_eq!(ip_bucket(ip("::ffff:192.0.2.1")), "192.0.2.1");
    assert_eq!(ip_bucket(ip("192.0.2.1")), "192.0.2.1");
}
