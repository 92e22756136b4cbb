//! Over generated headers (proptest): the client IP is the peer, or an address the header
//! names; an untrusted peer is always itself.

use std::net::IpAddr;

use poem::http::{HeaderMap, HeaderValue};
use proptest::prelude::*;

use super::{ClientIpHeader, Proxies};

/// One hop as a proxy may write it: an address (bare, with a port, bracketed or quoted), or
/// junk that cannot spell one (no digits, no hex letters, no colons).
#[derive(Clone, Debug)]
enum Hop {
    Address(IpAddr, u8),
    Junk(String),
}

impl Hop {
    fn text(&self) -> String {
        match self {
            Self::Address(ip @ IpAddr::V4(_), style) => match style % 3 {
                0 => ip.to_string(),
                1 => format!("{ip}:8080"),
                _ => format!("\"{ip}\""),
            },
            Self::Address(ip @ IpAddr::V6(_), style) => match style % 3 {
                0 => ip.to_string(),
                1 => format!("[{ip}]:8080"),
                _ => format!("\"[{ip}]\""),
            },
            Self::Junk(junk) => junk.clone(),
        }
    }
}

fn hop() -> impl Strategy<Value = Hop> {
    prop_oneof![
        3 => (any::<IpAddr>(), any::<u8>()).prop_map(|(ip, style)| Hop::Address(ip, style)),
        1 => "[g-zG-Z_ ;=\"\\[\\]]{0,10}".prop_map(Hop::Junk),
    ]
}

fn header_kind() -> impl Strategy<Value = ClientIpHeader> {
    prop_oneof![
        Just(ClientIpHeader::XForwardedFor),
        Just(ClientIpHeader::Forwarded),
        Just(ClientIpHeader::XRealIp),
    ]
}

/// The headers a request carries: every kind at once (only the believed one may count),
/// each hop list split over one or two header lines.
fn headers(hops: &[Hop], split: usize) -> HeaderMap {
    let mut map = HeaderMap::new();
    let texts: Vec<String> = hops.iter().map(Hop::text).collect();
    let (first, second) = texts.split_at(split.min(texts.len()));
    for part in [first, second].into_iter().filter(|p| !p.is_empty()) {
        let forwarded: Vec<String> = part.iter().map(|t| format!("for={t}")).collect();
        for (name, value) in [
            ("x-forwarded-for", part.join(", ")),
            ("forwarded", forwarded.join(", ")),
        ] {
            if let Ok(value) = HeaderValue::from_str(&value) {
                map.append(name, value);
            }
        }
    }
    if let Some(Ok(value)) = texts.first().map(|t| HeaderValue::from_str(t)) {
        map.append("x-real-ip", value);
    }
    map
}

proptest! {
    #[test]
    fn the_client_ip_is_the_peer_or_an_address_the_header_names(
        kind in header_kind(),
        hops in prop::collection::vec(hop(), 0..6),
        split in 0usize..6,
        peer in any::<IpAddr>(),
        trust_the_peer in any::<bool>(),
        trust_some_hops in any::<bool>(),
    ) {
        let mut trusted = Vec::new();
        if trust_the_peer {
            trusted.push(ipnet::IpNet::from(peer));
        }
        if trust_some_hops {
            trusted.extend(hops.iter().step_by(2).filter_map(|hop| match hop {
                Hop::Address(ip, _) => Some(ipnet::IpNet::from(*ip)),
                Hop::Junk(_) => None,
            }));
        }
        let named: Vec<IpAddr> = hops.iter().filter_map(|hop| match hop {
            Hop::Address(ip, _) => Some(*ip),
            Hop::Junk(_) => None,
        }).collect();
        let client = Proxies::new(&trusted, kind).resolve(peer, &headers(&hops, split));
        prop_assert!(client == peer || named.contains(&client), "{client} from {hops:?}");
        if !trust_the_peer && !trusted.iter().any(|net| net.contains(&peer)) {
            prop_assert_eq!(client, peer);
        }
    }

    #[test]
    fn any_header_text_resolves_without_a_panic_and_spoofs_nothing_untrusted(
        kind in header_kind(),
        values in prop::collection::vec(any::<String>(), 0..4),
        peer in any::<IpAddr>(),
    ) {
        let mut map = HeaderMap::new();
        let names = ["x-forwarded-for", "forwarded", "x-real-ip"];
        for (value, name) in values.iter().zip(names.iter().cycle()) {
            if let Ok(value) = HeaderValue::from_str(value) {
                map.append(*name, value);
            }
        }
        let everything: Vec<ipnet::IpNet> =
            vec!["0.0.0.0/0".parse().unwrap(), "::/0".parse().unwrap()];
        Proxies::new(&everything, kind).resolve(peer, &map);
        prop_assert_eq!(Proxies::new(&[], kind).resolve(peer, &map), peer);
    }
}
