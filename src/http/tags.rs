//! The document's tags: the groups Swagger UI and Redoc show the operations in. Each slice's
//! route names its area's tag; the slice list decides the order within a tag.

use poem_openapi::Tags;

#[derive(Tags)]
pub(crate) enum ApiTags {
    /// Registration and the caller's own account.
    Users,
    /// Access and refresh tokens (OAuth2), their revocation, and the keys and metadata
    /// that describe them.
    Auth,
    /// The caller's sessions (one per login and device).
    Sessions,
    /// The third-party clients the caller consented to, and withdrawing that consent.
    Consents,
    /// The caller's second factors: TOTP (an authenticator app) and recovery codes.
    Mfa,
    /// The caller's passkeys (WebAuthn), the options of a passkey sign-in, and the documents
    /// that let the mobile apps use them.
    Passkeys,
    /// Administration of every account, its permissions and sessions, and the audit trail;
    /// each operation needs the permission its security requirement names.
    Admin,
    /// The OAuth 2.0 / OpenID Connect clients registered with this service: registering,
    /// changing and deleting them and making their secrets; each operation needs
    /// `clients:write`.
    Clients,
    /// OpenID Connect: the authorization endpoint and its hosted sign-in and consent
    /// pages (HTML), the OAuth token endpoint (RFC 6749's JSON errors, not problem+json),
    /// userinfo and discovery.
    Oidc,
    /// Service health.
    Health,
}
