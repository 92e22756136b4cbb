use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, payload::Json};

use crate::{
    http::{ApiError, ApiTags, AppState, Problem, error_statuses},
    services::passkeys::AndroidApp,
};

/// The documents change only with a deployment; caches may keep them this long.
const CACHE_CONTROL: &str = "public, max-age=300";

#[derive(Default)]
pub(crate) struct GetAssetLinksRoute;

error_statuses!(GetAssetLinksErrors: 404, 429, 500;
    404 => "No Android app is configured (`WEBAUTHN_ANDROID_APPS` is unset).",
);

/// The app a statement is about.
#[derive(Object)]
struct AndroidTarget {
    /// Always `android_app`.
    namespace: String,
    package_name: String,
    /// SHA-256 fingerprints of its signing certificates.
    sha256_cert_fingerprints: Vec<String>,
}

/// One Digital Asset Links statement: the app may use this domain's sign-in credentials.
#[derive(Object)]
struct AssetLink {
    /// `delegate_permission/common.handle_all_urls` and
    /// `delegate_permission/common.get_login_creds`.
    relation: Vec<String>,
    target: AndroidTarget,
}

#[derive(ApiResponse)]
enum AssetLinksResponse {
    #[oai(status = 200)]
    Ok(
        Json<Vec<AssetLink>>,
        /// `public, max-age=300`.
        #[oai(header = "Cache-Control")]
        String,
    ),
}

impl From<&AndroidApp> for AssetLink {
    fn from(app: &AndroidApp) -> Self {
        Self {
            relation: vec![
                "delegate_permission/common.handle_all_urls".into(),
                "delegate_permission/common.get_login_creds".into(),
            ],
            target: AndroidTarget {
                namespace: "android_app".into(),
                package_name: app.package_name.clone(),
                sha256_cert_fingerprints: app.fingerprints.clone(),
            },
        }
    }
}

#[OpenApi(tag = "ApiTags::Passkeys")]
impl GetAssetLinksRoute {
    /// The Android apps' asset links
    ///
    /// Digital Asset Links statements letting the Android apps named by
    /// `WEBAUTHN_ANDROID_APPS` use this domain's passkeys.
    #[oai(
        path = "/.well-known/assetlinks.json",
        method = "get",
        operation_id = "getAssetLinks"
    )]
    async fn get_asset_links(
        &self,
        state: Data<&AppState>,
    ) -> Result<AssetLinksResponse, Problem<GetAssetLinksErrors>> {
        let apps = &state.passkeys.android_apps;
        if apps.is_empty() {
            return Err(ApiError::not_found("no Android app is configured").into());
        }
        let links = apps.iter().map(AssetLink::from).collect();
        Ok(AssetLinksResponse::Ok(Json(links), CACHE_CONTROL.into()))
    }
}
