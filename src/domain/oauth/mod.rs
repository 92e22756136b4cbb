//! OAuth 2.0 / OpenID Connect vocabulary: clients, their redirect URIs, grant types and
//! scopes, PKCE, the authorization request's rules and the error codes. Rules only; the
//! registry and the endpoints live in `services` and `features`.

mod authorize_request;
mod client;
mod error;
mod pkce;
mod redirect_uri;
mod scope;

pub use authorize_request::{
    AuthorizeRequest, MAX_PARAM_LEN, Prompt, RawAuthorizeParams, check_params, check_redirect_uri,
    error_url, response_url,
};
pub use client::{ClientType, GrantType};
pub use error::{OAuthError, OAuthErrorCode};
pub use pkce::{CodeChallenge, challenge_of, well_formed_verifier};
pub use redirect_uri::RedirectUri;
pub use scope::{Scope, parse_scopes};
