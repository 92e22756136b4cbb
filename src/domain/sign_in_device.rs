//! A sign-in's device as the new-sign-in notice tells devices apart: the browser family and
//! operating system read from the `User-Agent`, and the client's network (/24 for IPv4, /48
//! for IPv6). A browser update or a new address from the same provider is the same device; a
//! new browser, system or network is not. Approximate on purpose: a `User-Agent` is the
//! client's word, so this tells an owner what happened, it proves nothing.

use std::net::{IpAddr, Ipv6Addr};

/// Browser families by a marker in the `User-Agent`, the first match winning (Edge and Opera
/// also say `Chrome`, Chrome also says `Safari`).
const BROWSERS: [(&str, &str); 10] = [
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
    ("python-requests/", "Python requests"),
];

/// Operating systems by a marker, the first match winning (Android also says `Linux`, iOS
/// also says `Mac OS X`).
const SYSTEMS: [(&str, &str); 8] = [
    ("Windows", "Windows"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
];

/// A sign-in's device, coarse enough to stay the same across updates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignInDevice {
    pub browser: &'static str,
    pub os: &'static str,
    /// `203.0.113.0/24`, `2001:db8:1::/48`; `None` when the client IP is unknown.
    pub network: Option<String>,
}

impl SignInDevice {
    /// The device of a login with this `User-Agent` from this client IP.
    pub fn of(user_agent: Option<&str>, ip: Option<&str>) -> Self {
        let ua = user_agent.unwrap_or_default();
        let first = |table: &[(&str, &'static str)], unknown| {
            table
                .iter()
                .find(|(marker, _)| ua.contains(marker))
                .map_or(unknown, |(_, name)| *name)
        };
        Self {
            browser: first(&BROWSERS, "an unknown browser"),
            os: first(&SYSTEMS, "an unknown system"),
            network: ip.and_then(|ip| ip.parse().ok()).map(network_of),
        }
    }

    /// In words, for the e-mail: `Firefox on Linux`.
    pub fn describe(&self) -> String {
        format!("{} on {}", self.browser, self.os)
    }

    /// What identifies it (stored only as a hash).
    pub fn key(&self) -> String {
        let network = self.network.as_deref().unwrap_or("unknown network");
        format!("{}|{}|{network}", self.browser, self.os)
    }
}

/// The network an address belongs to: its /24 (IPv4, including IPv4 mapped into IPv6) or
/// its /48 (IPv6).
fn network_of(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            format!("{a}.{b}.{c}.0/24")
        }
        IpAddr::V6(v6) => {
            let [a, b, c, ..] = v6.segments();
            format!("{}/48", Ipv6Addr::new(a, b, c, 0, 0, 0, 0, 0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SignInDevice;

    const FIREFOX_LINUX: &str =
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    const CHROME_ANDROID: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 \
        (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
    const EDGE_WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
        (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";
    const SAFARI_IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) \
        AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

    fn described(ua: &str) -> String {
        SignInDevice::of(Some(ua), None).describe()
    }

    #[test]
    fn browsers_and_systems_that_claim_each_other_are_told_apart() {
        assert_eq!(described(FIREFOX_LINUX), "Firefox on Linux");
        assert_eq!(described(CHROME_ANDROID), "Chrome on Android");
        assert_eq!(described(EDGE_WINDOWS), "Edge on Windows");
        assert_eq!(described(SAFARI_IPHONE), "Safari on iOS");
        assert_eq!(described("curl/8.5.0"), "curl on an unknown system");
        assert_eq!(
            SignInDevice::of(None, None).describe(),
            "an unknown browser on an unknown system"
        );
    }

    #[test]
    fn the_network_is_the_addresses_slash_24_or_slash_48() {
        let network = |ip| SignInDevice::of(None, Some(ip)).network;
        assert_eq!(network("203.0.113.77").as_deref(), Some("203.0.113.0/24"));
        assert_eq!(
            network("::ffff:203.0.113.9").as_deref(),
            Some("203.0.113.0/24")
        );
        assert_eq!(
            network("2001:db8:1:2::5").as_deref(),
            Some("2001:db8:1::/48")
        );
        assert_eq!(network("not an ip"), None);
    }

    #[test]
    fn an_update_or_a_neighbouring_address_is_the_same_device_a_new_browser_is_not() {
        let key = |ua, ip| SignInDevice::of(Some(ua), Some(ip)).key();
        let updated = FIREFOX_LINUX.replace("133.0", "134.0");
        assert_eq!(
            key(FIREFOX_LINUX, "198.51.100.7"),
            key(&updated, "198.51.100.200")
        );
        assert_ne!(
            key(FIREFOX_LINUX, "198.51.100.7"),
            key(CHROME_ANDROID, "198.51.100.7")
        );
        assert_ne!(
            key(FIREFOX_LINUX, "198.51.100.7"),
            key(FIREFOX_LINUX, "198.51.101.7")
        );
    }
}
