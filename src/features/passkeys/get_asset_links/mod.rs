//! `GET /.well-known/assetlinks.json`: the Android apps that share this service's passkeys
//! (`WEBAUTHN_ANDROID_APPS`).

mod route;

pub(crate) use route::GetAssetLinksRoute;
