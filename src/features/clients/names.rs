//! A client's type and grant types as the document names them: enums of the domain's names,
//! kept equal to them by the test below.

use poem_openapi::Enum;

/// `public` (a single-page or mobile app: no secret, PKCE alone) or `confidential` (a server
/// that keeps a secret).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename = "ClientType", remote = "crate::domain::oauth::ClientType")]
pub(super) enum ClientTypeName {
    #[oai(rename = "public")]
    Public,
    #[oai(rename = "confidential")]
    Confidential,
}

/// A grant type, as RFC 6749 names it: `authorization_code` (with PKCE), `refresh_token`,
/// `password` (first-party clients only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename = "GrantType", remote = "crate::domain::oauth::GrantType")]
pub(super) enum GrantTypeName {
    #[oai(rename = "authorization_code")]
    AuthorizationCode,
    #[oai(rename = "refresh_token")]
    RefreshToken,
    #[oai(rename = "password")]
    Password,
}

#[cfg(test)]
mod tests {
    use poem_openapi::types::ToJSON;
    use strum::IntoEnumIterator;

    use super::{ClientTypeName, GrantTypeName};
    use crate::domain::oauth::{ClientType, GrantType};

    #[test]
    fn the_names_are_the_domain_ones() {
        for grant in GrantType::iter() {
            let name = GrantTypeName::from(grant);
            assert_eq!(name.to_json(), Some(grant.as_str().into()));
        }
        for client_type in [ClientType::Public, ClientType::Confidential] {
            let name = ClientTypeName::from(client_type);
            assert_eq!(name.to_json(), Some(client_type.as_str().into()));
        }
    }
}
