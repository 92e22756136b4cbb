//! Setting values read from their environment text, for `#[serde(deserialize_with)]` on the
//! adapters' settings structs: durations (a bare number in the variable's unit, or a
//! humantime string such as `15m`), comma lists and absolute http(s) URLs. Each error says
//! what was expected; the loader adds the variable's name.

use std::{fmt::Display, str::FromStr, time::Duration};

use serde::{Deserialize, Deserializer, de::Error};

/// Implements `Deserialize` for setting types through their `FromStr`, whose error says
/// what was expected: `deserialize_from_str!(SmtpTls, LogFormat);`.
macro_rules! deserialize_from_str {
    ($($ty:ty),+ $(,)?) => {$(
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                raw.parse().map_err(serde::de::Error::custom)
            }
        }
    )+};
}
pub(crate) use deserialize_from_str;

/// A whole number of seconds, or a humantime duration (`90s`, `15m`, `1h 30m`).
pub(crate) fn seconds<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    read(d, |raw| duration(raw, Duration::from_secs))
}

/// Like [`seconds`], more than zero.
pub(crate) fn positive_seconds<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    read(d, |raw| positive(duration(raw, Duration::from_secs)?))
}

/// A whole number of milliseconds, or a humantime duration (`250ms`, `2s`).
pub(crate) fn millis<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    read(d, |raw| duration(raw, Duration::from_millis))
}

/// Like [`millis`], more than zero.
pub(crate) fn positive_millis<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    read(d, |raw| positive(duration(raw, Duration::from_millis)?))
}

/// A comma-separated list, each item trimmed, empty items dropped.
pub(crate) fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
    T::Err: Display,
{
    read(d, |raw| {
        items(raw)
            .map(|item| item.parse().map_err(|e: T::Err| e.to_string()))
            .collect()
    })
}

/// An absolute `http://` or `https://` URL (as a `String`, or `Some` of one).
pub(crate) fn http_url<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: From<String>,
{
    read(d, |raw| {
        if raw.starts_with("https://") || raw.starts_with("http://") {
            Ok(T::from(raw.to_owned()))
        } else {
            Err("must be an absolute http:// or https:// URL".into())
        }
    })
}

/// An issuer identifier (RFC 8414 §2, OpenID Connect Discovery §3), kept as written since
/// clients compare it byte for byte (as a `String`, or `Some` of one).
pub(crate) fn issuer_url<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: From<String>,
{
    read(d, |raw| issuer(raw).map(|()| T::from(raw.to_owned())))
}

/// An absolute `http(s)` URL with a host, without user information, query or fragment.
fn issuer(raw: &str) -> Result<(), String> {
    let url = url::Url::parse(raw).map_err(|e| format!("must be an absolute URL ({e})"))?;
    let refuse = |why: &str| Err(format!("must be an issuer URL: {why}"));
    if !matches!(url.scheme(), "http" | "https") {
        return refuse("http:// or https://");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return refuse("no user information");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return refuse("no query and no fragment");
    }
    Ok(())
}

/// The trimmed, non-empty items of a comma-separated list.
pub(crate) fn items(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

/// A bare number in `unit`, or a humantime duration.
pub(crate) fn duration(raw: &str, unit: fn(u64) -> Duration) -> Result<Duration, String> {
    let raw = raw.trim();
    if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
        return raw.parse::<u64>().map(unit).map_err(|e| e.to_string());
    }
    humantime::parse_duration(raw)
        .map_err(|e| format!("expected a number or a duration such as 90s or 15m ({e})"))
}

fn positive(duration: Duration) -> Result<Duration, String> {
    if duration.is_zero() {
        Err("must be positive".into())
    } else {
        Ok(duration)
    }
}

fn read<'de, D, T>(d: D, parse: impl FnOnce(&str) -> Result<T, String>) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let raw = String::deserialize(d)?;
    parse(raw.trim()).map_err(D::Error::custom)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{duration, issuer};

    #[test]
    fn durations_are_a_bare_number_in_their_unit_or_humantime() {
        let secs = |raw| duration(raw, Duration::from_secs);
        assert_eq!(secs("900"), Ok(Duration::from_secs(900)));
        assert_eq!(secs("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(secs("1h 30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(
            duration("250", Duration::from_millis),
            Ok(Duration::from_millis(250))
        );
        for bad in ["", "-1", "soon", "15 parsecs", "1.5"] {
            assert!(secs(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn an_issuer_is_an_http_url_without_query_fragment_or_user() {
        for good in [
            "https://accounts.example.com",
            "https://example.com/accounts",
            "http://localhost:8080",
        ] {
            assert_eq!(issuer(good), Ok(()), "{good}");
        }
        for bad in [
            "accounts-api",
            "ftp://example.com",
            "https://user@example.com",
            "https://example.com/?tenant=a",
            "https://example.com/#top",
            "https://",
        ] {
            assert!(issuer(bad).is_err(), "{bad}");
        }
    }
}
