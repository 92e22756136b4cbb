use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, payload::Json};

use crate::http::{ApiError, ApiTags, AppState, Problem, error_statuses};

/// The documents change only with a deployment; caches may keep them this long.
const CACHE_CONTROL: &str = "public, max-age=300";

#[derive(Default)]
pub(crate) struct GetAppleAppSiteAssociationRoute;

error_statuses!(GetAppleAppSiteAssociationErrors: 404, 429, 500;
    404 => "No iOS app is configured (`WEBAUTHN_APPLE_APP_IDS` is unset).",
);

/// The apps of one service.
#[derive(Object)]
struct AppList {
    /// `TEAMID.bundle.id` of each app.
    apps: Vec<String>,
}

/// Apple's app-site association, with the `webcredentials` service only.
#[derive(Object)]
struct AppleAppSiteAssociation {
    webcredentials: AppList,
}

#[derive(ApiResponse)]
enum AppleAppSiteAssociationResponse {
    #[oai(status = 200)]
    Ok(
        Json<AppleAppSiteAssociation>,
        /// `public, max-age=300`.
        #[oai(header = "Cache-Control")]
        String,
    ),
}

#[OpenApi(tag = "ApiTags::Passkeys")]
impl GetAppleAppSiteAssociationRoute {
    /// The iOS apps' association
    ///
    /// Lets the iOS apps named by `WEBAUTHN_APPLE_APP_IDS` create and use this domain's
    /// passkeys (`webcredentials`).
    #[oai(
        path = "/.well-known/apple-app-site-association",
        method = "get",
        operation_id = "getAppleAppSiteAssociation"
    )]
    async fn get_apple_app_site_association(
        &self,
        state: Data<&AppState>,
    ) -> Result<AppleAppSiteAssociationResponse, Problem<GetAppleAppSiteAssociationErrors>> {
        let apps = &state.passkeys.apple_app_ids;
        if apps.is_empty() {
            return Err(ApiError::not_found("no iOS app is configured").into());
        }
        let body = AppleAppSiteAssociation {
            webcredentials: AppList {
                apps: apps.to_vec(),
            },
        };
        Ok(AppleAppSiteAssociationResponse::Ok(
            Json(body),
            CACHE_CONTROL.into(),
        ))
    }
}
