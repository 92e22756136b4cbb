use poem_openapi::Object;
use serde::{Deserialize, Deserializer};

/// A token request (RFC 6749 §4.1.3, §6), as a form.
#[derive(Default, Object)]
pub(super) struct OauthTokenForm {
    /// `authorization_code` or `refresh_token`.
    pub grant_type: Option<String>,
    /// Authorization code grant: the code.
    #[oai(write_only)]
    pub code: Option<String>,
    /// Authorization code grant: the redirect URI of the authorization request, exactly.
    pub redirect_uri: Option<String>,
    /// Authorization code grant: the PKCE verifier (43 to 128 characters).
    #[oai(write_only)]
    pub code_verifier: Option<String>,
    /// Refresh token grant: the refresh token; it is spent.
    #[oai(write_only)]
    pub refresh_token: Option<String>,
    /// A public client, or `client_secret_post`: the client's id.
    pub client_id: Option<String>,
    /// `client_secret_post`: the client's secret (or send it with HTTP Basic).
    #[oai(write_only)]
    pub client_secret: Option<String>,
    /// The parameters the form gives more than once, which RFC 6749 §3.2 forbids.
    #[oai(skip)]
    pub repeated: Vec<String>,
}

/// Read as name-value pairs, so that a parameter given twice is the `invalid_request` the
/// client can read rather than a form that failed to parse (problem+json, which OAuth
/// clients do not read). Unknown parameters are ignored (RFC 6749 §3.2).
impl<'de> Deserialize<'de> for OauthTokenForm {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut form = Self::default();
        for (name, value) in Vec::<(String, String)>::deserialize(deserializer)? {
            let slot = match name.as_str() {
                "grant_type" => &mut form.grant_type,
                "code" => &mut form.code,
                "redirect_uri" => &mut form.redirect_uri,
                "code_verifier" => &mut form.code_verifier,
                "refresh_token" => &mut form.refresh_token,
                "client_id" => &mut form.client_id,
                "client_secret" => &mut form.client_secret,
                _ => continue,
            };
            if slot.replace(value).is_some() {
                form.repeated.push(name);
            }
        }
        Ok(form)
    }
}

/// Issued tokens (RFC 6749 §5.1, OpenID Connect Core §3.1.3.3).
#[derive(Object)]
pub(super) struct OauthTokenResponse {
    /// A JWT (`JWT_ALGORITHM`), accepted as `Authorization: Bearer` by this service.
    pub access_token: String,
    /// `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// With `offline_access`, or for a first-party client: single use.
    #[oai(skip_serializing_if_is_none)]
    pub refresh_token: Option<String>,
    /// With `openid`: the id_token (`JWT_ALGORITHM`, the JWKS's key).
    #[oai(skip_serializing_if_is_none)]
    pub id_token: Option<String>,
    /// The granted scopes, space-separated.
    pub scope: String,
}

/// An OAuth error (RFC 6749 §5.2): not problem+json, which OAuth clients do not read.
#[derive(Object)]
pub(super) struct OauthErrorBody {
    /// `invalid_request`, `invalid_client`, `invalid_grant`, `unauthorized_client`,
    /// `unsupported_grant_type`.
    pub error: String,
    /// For the client's developer.
    pub error_description: String,
}
