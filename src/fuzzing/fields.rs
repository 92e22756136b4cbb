//! The parsers of single values from outside: e-mail address, username, password, keyset
//! cursor, client IP from forwarding headers. Each asserts what the rest of the service
//! relies on when the parser accepts, and that it refuses the rest without a panic.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use chrono::DateTime;
use ipnet::IpNet;
use poem::http::{HeaderMap, HeaderName, HeaderValue};
use uuid::Uuid;

use crate::{
    domain::{Email, Password, Username, is_bare_addr_spec},
    http::{ClientIpHeader, Cursor, Proxies},
};

/// What `Email::parse` accepts is a bare addr-spec that can be written into an SMTP command
/// or a header line as it is, and parses back to itself.
pub fn email(data: &[u8]) {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(email) = Email::parse(raw) else { return };
    let text = email.as_str();
    assert!(text.len() <= Email::MAX_LEN, "{text:?}");
    assert!(
        !text.chars().any(|c| c.is_whitespace() || c.is_control()),
        "{text:?}"
    );
    let delimiters = ['<', '>', '"', '(', ')', ',', ';', ':', '\\'];
    assert!(!text.contains(delimiters), "{text:?}");
    assert_eq!(text.matches('@').count(), 1, "{text:?}");
    assert!(is_bare_addr_spec(text), "{text:?}");
    assert_eq!(Email::parse(text), Ok(email.clone()));
}

/// `Username::parse` accepts exactly 3-32 characters of `[A-Za-z0-9_.-]`, unchanged.
pub fn username(data: &[u8]) {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    let in_alphabet = raw
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    let in_bounds = (Username::MIN_LEN..=Username::MAX_LEN).contains(&raw.chars().count());
    match Username::parse(raw) {
        Ok(name) => {
            assert!(in_alphabet && in_bounds, "{raw:?}");
            assert_eq!(name.into_inner(), raw);
        }
        Err(_) => assert!(!(in_alphabet && in_bounds), "{raw:?} refused"),
    }
}

/// `Password::parse` accepts exactly 8-72 bytes without NUL (bcrypt's limits), unchanged,
/// and never shows it.
pub fn password(data: &[u8]) {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    let fits = (Password::MIN_BYTES..=Password::MAX_BYTES).contains(&raw.len());
    let accepted = fits && !raw.contains('\0');
    match Password::parse(raw.to_owned()) {
        Ok(password) => {
            assert!(accepted, "{raw:?}");
            assert_eq!(password.expose(), raw);
            assert_eq!(format!("{password:?}"), "Password(***)");
        }
        Err(_) => assert!(!accepted, "{raw:?} refused"),
    }
}

/// Any text is a cursor this service handed out, which re-encodes to one that decodes to the
/// same row, or a refusal on the `cursor` field. The first 24 bytes, as a timestamp and an
/// id, round-trip through `encode` and `decode`.
pub fn cursor(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        match Cursor::decode(text) {
            Ok(cursor) => assert_eq!(Cursor::decode(&cursor.encode()), Ok(cursor)),
            Err(refusal) => assert_eq!(refusal.field, "cursor"),
        }
    }
    if let (Some(nanos), Some(id)) = (data.get(..8), data.get(8..24)) {
        let at = DateTime::from_timestamp_nanos(i64::from_le_bytes(nanos.try_into().unwrap()));
        let cursor = Cursor::new(at, Uuid::from_slice(id).unwrap());
        assert_eq!(Cursor::decode(&cursor.encode()), Ok(cursor));
    }
}

/// The client IP is the peer or an address written in the forwarding headers, and an
/// untrusted peer is always itself. `data`: a flags byte (header believed, whether the peer,
/// every address, or every other address in the headers is trusted; IPv4 or IPv6 peer), the
/// peer's 16 bytes, then header values, one per line, under `X-Forwarded-For`, `Forwarded`
/// and `X-Real-IP` in turn.
pub fn client_ip(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Some((peer, text)) = rest.split_at_checked(16) else {
        return;
    };
    let peer_v6: [u8; 16] = peer.try_into().unwrap();
    let peer = match flags & 0x10 {
        0 => IpAddr::V4(Ipv4Addr::new(
            peer_v6[0], peer_v6[1], peer_v6[2], peer_v6[3],
        )),
        _ => IpAddr::V6(Ipv6Addr::from(peer_v6)),
    };
    let mut headers = HeaderMap::new();
    let names = ["x-forwarded-for", "forwarded", "x-real-ip"];
    for (line, name) in text.split(|&b| b == b'\n').zip(names.iter().cycle()) {
        if let Ok(value) = HeaderValue::from_bytes(line) {
            headers.append(HeaderName::from_static(name), value);
        }
    }
    let written = written_addresses(&headers);
    let mut trusted = Vec::new();
    if flags & 0x04 != 0 {
        trusted.push(IpNet::from(peer));
    }
    if flags & 0x08 != 0 {
        trusted.extend(["0.0.0.0/0", "::/0"].map(|net| net.parse::<IpNet>().unwrap()));
    }
    if flags & 0x20 != 0 {
        trusted.extend(written.iter().step_by(2).map(|ip| IpNet::from(*ip)));
    }
    let header = match flags % 4 {
        0 => ClientIpHeader::XForwardedFor,
        1 => ClientIpHeader::Forwarded,
        _ => ClientIpHeader::XRealIp,
    };
    let client = Proxies::new(&trusted, header).resolve(peer, &headers);
    assert!(
        client == peer || written.contains(&client),
        "{client} from {headers:?}"
    );
    if !trusted.iter().any(|net| net.contains(&peer)) {
        assert_eq!(client, peer);
    }
}

/// Every address written in the headers, found independently of the parser under test: each
/// run of the characters an address is spelt with, whole or without a `:port` suffix.
fn written_addresses(headers: &HeaderMap) -> Vec<IpAddr> {
    let spelling = |c: char| c.is_ascii_hexdigit() || c == '.' || c == ':';
    let texts = headers.values().filter_map(|v| v.to_str().ok());
    texts
        .flat_map(|text| text.split(|c: char| !spelling(c)).map(str::to_owned))
        .flat_map(|run| {
            let host = run.rsplit_once(':').map(|(host, _)| host.to_owned());
            [Some(run), host]
        })
        .flatten()
        .filter_map(|candidate| candidate.parse().ok())
        .collect()
}
