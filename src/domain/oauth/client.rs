//! What a registered client is: its type and the grants it may use.

/// RFC 6749 §2.1: a confidential client holds a secret; a public one (an SPA, a mobile app)
/// cannot keep one and proves itself with PKCE alone.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantNames,
)]
#[strum(serialize_all = "snake_case")]
pub enum ClientType {
    Public,
    Confidential,
}

/// A grant type a client may be allowed, named as RFC 6749 names it.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
    strum::VariantNames,
)]
#[strum(serialize_all = "snake_case")]
pub enum GrantType {
    /// The authorization code flow with PKCE: the one a new frontend should use.
    AuthorizationCode,
    /// Refresh tokens (with `offline_access`, or for first-party clients).
    RefreshToken,
    /// The resource owner password grant (OAuth 2.1 removes it): first-party clients only.
    Password,
}

impl GrantType {
    /// Every grant type's name, in declaration order.
    pub const NAMES: &'static [&'static str] = <Self as strum::VariantNames>::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl ClientType {
    /// Every client type's name.
    pub const NAMES: &'static [&'static str] = <Self as strum::VariantNames>::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[cfg(test)]
mod tests {
    use super::{ClientType, GrantType};

    #[test]
    fn names_are_rfc_6749s() {
        assert_eq!(
            GrantType::NAMES,
            ["authorization_code", "refresh_token", "password"]
        );
        assert_eq!(ClientType::NAMES, ["public", "confidential"]);
        assert_eq!("refresh_token".parse(), Ok(GrantType::RefreshToken));
        assert!("implicit".parse::<GrantType>().is_err());
        assert!("Public".parse::<ClientType>().is_err());
    }
}
