//! `Authenticated`: the guard of every operation that needs a caller. Declared as two
//! OpenAPI schemes over the same header (a plain bearer JWT, and the OAuth2 password flow
//! that Swagger UI's Authorize button uses), checked once, and limited per IP and per user.

use poem::{Request, RequestBody};
use poem_openapi::{
    ApiExtractor, ApiExtractorType, ExtractParamOptions, SecurityScheme, auth::Bearer,
    registry::Registry,
};
use sea_orm::{EntityTrait, QuerySelect};
use uuid::Uuid;

use super::{AppState, error::ApiError, limits::charge};
use crate::infra::db::entities::user;

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

/// The caller, proven by a valid token of an account that still exists, within the limits
/// per client IP and per user (charged together in one round trip). When the token fails,
/// the IP is charged alone, so guessing tokens is limited too.
pub(crate) struct Authenticated {
    user_id: Uuid,
}

impl Authenticated {
    pub(crate) fn user_id(&self) -> Uuid {
        self.user_id
    }
}

impl<'a> ApiExtractor<'a> for Authenticated {
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
        let verified = match BearerScheme::from_request(req, body, param_opts).await {
            Ok(BearerScheme(bearer)) => authenticate(req, &bearer.token).await,
            Err(_) => Err(ApiError::unauthorized("a bearer token is required")),
        };
        match verified {
            Ok(user_id) => {
                charge(req, Some(user_id)).await?;
                Ok(Self { user_id })
            }
            Err(refused) => {
                charge(req, None).await?;
                Err(refused.into())
            }
        }
    }
}

/// Verifies the JWT, then that its account still exists (so a deleted account's tokens
/// stop working at once).
async fn authenticate(req: &Request, token: &str) -> Result<Uuid, ApiError> {
    let state = AppState::of(req)?;
    let claims = state.tokens.verify(token, state.clock.now())?;
    let exists = user::Entity::find_by_id(claims.sub)
        .select_only()
        .column(user::Column::Id)
        .into_tuple::<Uuid>()
        .one(&state.db)
        .await?;
    exists.ok_or_else(|| ApiError::unauthorized("the account no longer exists"))
}
