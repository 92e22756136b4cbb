//! `Authenticated`: the guard of every operation that needs a caller. Declared as two
//! OpenAPI schemes over the same header (a plain bearer JWT, and the OAuth2 password flow
//! that Swagger UI's Authorize button uses), checked once, and limited per IP and per user.

use poem::{Request, RequestBody};
use poem_openapi::{
    ApiExtractor, ApiExtractorType, ExtractParamOptions, SecurityScheme, auth::Bearer,
    registry::Registry,
};
use uuid::Uuid;

use super::{AppState, error::ApiError, limits::charge};
use crate::{domain::Permission, infra::db::entities::user, services::sessions};

#[derive(SecurityScheme)]
#[oai(rename = "bearerAuth", ty = "bearer", bearer_format = "JWT")]
struct BearerScheme(Bearer);

/// The name of the OAuth2 scheme, whose requirements carry an operation's permissions.
pub(super) const OAUTH2_SCHEME: &str = "oauth2";

/// The OAuth2 password flow, as Swagger UI's Authorize button uses it. It cannot take the
/// second step of an account with two-step sign-in (the flow knows only the password
/// grant): authorize with an account without one, or obtain a token in two steps through
/// `createAccessToken` and paste it into `bearerAuth`.
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

/// The caller, proven by a valid token whose session is still live and whose account is not
/// disabled, within the limits per client IP and per user (charged together in one round
/// trip). When the token fails, the IP is charged alone, so guessing tokens is limited too.
/// It carries the account and its permissions as read with the session, so a handler does
/// not read them again, and a revoked permission counts from the next request.
pub(crate) struct Authenticated {
    pub account: user::Model,
    pub session_id: Uuid,
    pub permissions: Vec<Permission>,
}

impl Authenticated {
    pub(crate) fn user_id(&self) -> Uuid {
        self.account.id
    }

    pub(crate) fn may(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
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
            Ok(caller) => {
                charge(req, Some(caller.user_id())).await?;
                Ok(caller)
            }
            Err(refused) => {
                charge(req, None).await?;
                Err(refused.into())
            }
        }
    }
}

/// Verifies the JWT, then reads its live session's account and the account's permissions
/// (`sessions::caller`). The permissions signed into the token are for other services; this
/// one trusts the database.
async fn authenticate(req: &Request, token: &str) -> Result<Authenticated, ApiError> {
    let state = AppState::of(req)?;
    let now = state.clock.now();
    let claims = state.tokens.verify(token, now)?;
    let idle_timeout = state.sessions.idle_timeout;
    let caller = sessions::caller(
        &state.single_statement_db,
        claims.sub,
        claims.sid,
        now,
        idle_timeout,
    )
    .await?
    .ok_or_else(|| ApiError::unauthorized("the session has ended"))?;
    Ok(Authenticated {
        account: caller.account,
        session_id: claims.sid,
        permissions: caller.permissions,
    })
}
