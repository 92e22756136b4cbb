use poem_openapi::Object;

use crate::{
    domain::oauth::ClientType,
    features::clients::dto::{Client, GrantTypes, NameRules, RedirectUris, Scopes},
    http::{JsonList, JsonString, OptionalBool, OptionalList, StringRules},
};

/// A client's type: one of the names the domain gives.
pub(super) struct ClientTypeRules;

impl StringRules for ClientTypeRules {
    const ONE_OF: &'static [&'static str] = ClientType::NAMES;
}

/// A client to register.
#[derive(Object)]
pub(super) struct NewClient {
    /// The name the consent page shows: 1 to 100 characters (trimmed), no control
    /// characters.
    pub name: JsonString<NameRules>,
    /// `public` (a single-page or mobile app: no secret, PKCE alone) or `confidential` (a
    /// server that keeps a secret). It cannot change later.
    pub client_type: JsonString<ClientTypeRules>,
    /// Where the authorization endpoint may send the browser back, matched exactly: at
    /// most 20, each `https`, `http` on 127.0.0.1, [::1] or localhost, or a private-use
    /// scheme named after a domain (`com.example.app:/callback`); no wildcard, fragment or
    /// user information. The `authorization_code` grant needs at least one.
    pub redirect_uris: JsonList<RedirectUris>,
    /// Where RP-initiated logout may send the browser back, by the same rules; default
    /// none.
    pub post_logout_redirect_uris: OptionalList<RedirectUris>,
    /// The scopes the client may ask for; default `openid`, `profile`, `email`.
    pub allowed_scopes: OptionalList<Scopes>,
    /// The grants the client may use, at least one; default `authorization_code`,
    /// `refresh_token`. `password` only for a first-party client.
    pub grant_types: OptionalList<GrantTypes>,
    /// One of the team's own applications (no consent page; it may use the `password`
    /// grant); default `false`.
    pub first_party: OptionalBool,
}

/// The registered client and, for a confidential one, its secret.
// No doc comment on `client`: poem-openapi would wrap its `$ref` in an `allOf`.
#[derive(Object)]
pub(super) struct CreatedClient {
    pub client: Client,
    /// A confidential client's secret (43 characters), shown this once: only its hash is
    /// kept, so a lost secret is replaced (`rotateClientSecret`), not read back. `null` for
    /// a public client.
    #[oai(nullable)]
    pub client_secret: Option<String>,
}
