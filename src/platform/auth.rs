//! Bearer-token authentication, declared as two OpenAPI schemes over the same header:
//! a plain bearer JWT, and the OAuth2 password flow that Swagger UI's Authorize button uses.

use poem::Request;
use poem_openapi::{SecurityScheme, auth::Bearer};
use sea_orm::{EntityTrait, QuerySelect};
use uuid::Uuid;

use crate::{
    app::AppState, error::ApiError, features::AppError, infra::db::entities::user,
    platform::rate_limit::limit_user,
};

/// The caller, proven by a valid token of an account that still exists.
pub struct CurrentUser {
    pub id: Uuid,
}

#[derive(SecurityScheme)]
#[oai(
    rename = "bearerAuth",
    ty = "bearer",
    bearer_format = "JWT",
    checker = "authenticate"
)]
pub struct BearerAuth(CurrentUser);

#[derive(SecurityScheme)]
#[oai(
    rename = "oauth2",
    ty = "oauth2",
    flows(password(token_url = "/api/v1/token/access")),
    checker = "authenticate"
)]
pub struct OAuth2Auth(CurrentUser);

/// Either scheme; both read `Authorization: Bearer <jwt>`.
#[derive(SecurityScheme)]
pub enum Auth {
    Bearer(BearerAuth),
    OAuth2(OAuth2Auth),
}

impl Auth {
    pub fn user_id(&self) -> Uuid {
        match self {
            Self::Bearer(BearerAuth(user)) | Self::OAuth2(OAuth2Auth(user)) => user.id,
        }
    }
}

/// Verifies the JWT, then that its account still exists (so a deleted account's tokens
/// stop working at once), then the per-user rate limit.
async fn authenticate(req: &Request, bearer: Bearer) -> poem::Result<CurrentUser> {
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
        return Err(ApiError::Unauthorized("the account no longer exists".into()).into());
    };
    limit_user(req, state, id).await?;
    Ok(CurrentUser { id })
}
