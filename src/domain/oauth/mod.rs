//! OAuth 2.0 / OpenID Connect vocabulary: clients, their redirect URIs, grant types and
//! scopes. Rules only; the registry and the endpoints live in `features`.

mod client;
mod redirect_uri;
mod scope;

pub use client::{ClientType, GrantType};
pub use redirect_uri::RedirectUri;
pub use scope::{Scope, parse_scopes};
