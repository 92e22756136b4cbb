//! `GET /.well-known/apple-app-site-association`: the iOS apps that share this service's
//! passkeys (`WEBAUTHN_APPLE_APP_IDS`).

mod route;

pub(crate) use route::GetAppleAppSiteAssociationRoute;
