use poem_openapi::Object;

use crate::{
    features::clients::dto::{GrantTypes, NameRules, RedirectUris, Scopes},
    http::{OptionalBool, OptionalList, OptionalString},
};

/// The changes to make; at least one. A field given replaces the stored value, and the
/// client must still pass every check of a registration. The type cannot change.
#[derive(Object)]
pub(super) struct UpdateClientRequest {
    /// The name the consent page shows: 1 to 100 characters (trimmed), no control
    /// characters.
    pub name: OptionalString<NameRules>,
    /// Where the authorization endpoint may send the browser back, matched exactly (the
    /// rules of `createClient`).
    pub redirect_uris: OptionalList<RedirectUris>,
    /// Where RP-initiated logout may send the browser back.
    pub post_logout_redirect_uris: OptionalList<RedirectUris>,
    /// The scopes the client may ask for.
    pub allowed_scopes: OptionalList<Scopes>,
    /// The grants the client may use, at least one; `password` only for a first-party
    /// client.
    pub grant_types: OptionalList<GrantTypes>,
    /// One of the team's own applications (no consent page; it may use the `password`
    /// grant).
    pub first_party: OptionalBool,
}
