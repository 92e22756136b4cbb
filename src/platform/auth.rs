//! Bearer-token authentication, declared as two OpenAPI schemes over the same header:
//! a plain bearer JWT, and the OAuth2 password flow that Swagger UI's Authorize button uses.

use poem::{Request, RequestBody};
use poem_openapi::{
    ApiExtractor, ApiExtractorType, ExtractParamOptions, SecurityScheme, auth::Bearer,
    registry::Registry,
};
use sea_orm::{EntityTrait, QuerySelect};
use uuid::Uuid;

use crate::{
    app::AppState, error::ApiError, features::AppError, infra::db::entities::user,
    platform::rate_limit::limit_user,
};

#[derive(SecurityScheme)]
#[oai(rename = "bearerAuth", ty = "bearer", bearer_format = "JWT")]
struct BearerScheme(Bearer);

#[derive(SecurityScheme)]
#[oai(
    rename = "oauth2",
    ty = "oauth2",
    flows(password(token_url = "/api/v1/token/access"))
)]
#[expect(
    dead_code,
    reason = "declared for the document; the header is read through BearerScheme"
)]
struct OAuth2Scheme(Bearer);

/// The caller, proven by a valid token of an account that still exists. Declared as
/// either scheme in the document; both read the same header, so the token is checked once
/// (an enum of the two schemes would check a failing token twice).
pub struct Auth {
    user_id: Uuid,
}

impl Auth {
    pub fn user_id(&self) -> Uuid {
        self.user_id
    }
}

impl<'a> ApiExtractor<'a> for Auth {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::SecurityScheme];
    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut Registry) {
        BearerScheme::register(registry);
        OAuth2Scheme::register(registry);
    }

    fn security_schemes() -> Vec<&'static str> {
        [
            BearerScheme::security_schemes(),
            OAuth2Scheme::security_schemes(),
        ]
        .concat()
    }

    async fn from_request(
        req: &'a Request,
        body: &mut RequestBody,
        param_opts: ExtractParamOptions<()>,
    ) -> poem::Result<Self> {
        let BearerScheme(bearer) = BearerScheme::from_request(req, body, param_opts).await?;
        let user_id = authenticate(req, bearer).await?;
        Ok(Self { user_id })
    }
}

/// Verifies the JWT, then that its account still exists (so a deleted account's tokens
/// stop working at once), then the per-user rate limit.
async fn authenticate(req: &Request, bearer: Bearer) -> Result<Uuid, ApiError> {
    let state = req.data::<AppState>().ok_or(ApiError::Internal)?;
    let claims = state
        .tokens
        .verify(&bearer.token)
        .map_err(|e| ApiError::from(AppError::from(e)))?;
    let exists = user::Entity::find_by_id(claims.sub)
        .select_only()
        .column(user::Column::Id)
        .into_tuple::<Uuid>()
        .one(&state.db)
        .await
        .map_err(|e| ApiError::from(AppError::from(e)))?;
    let Some(id) = exists else {
        return Err(ApiError::Unauthorized(
            "the account no longer exists".into(),
        ));
    };
    limit_user(req, state, id).await?;
    Ok(id)
}
