use poem::{error::ResponseError, http::StatusCode, web::Data};
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::{
    command::CreateAccessToken,
    dto::{AccessTokenResponse, TokenRequest, TokenType},
    error::MFA_REQUIRED,
    handler::{Grants, password_grant, refresh_grant},
    passkey_grant::passkey_grant,
    second_step::mfa_grant,
};
use crate::{
    http::{ApiError, ApiTags, AppState, PerIp, Problem, error_statuses},
    infra::telemetry::metrics::{self, LoginOutcome},
    services::{
        audit::Provenance,
        sessions::{Device, SessionTokens},
    },
};

#[derive(Default)]
pub(crate) struct CreateAccessTokenRoute;

error_statuses!(CreateAccessTokenErrors: 400, 401, 403, 413, 415, 422, 429, 500, 503;
    401 => "Password grant: wrong login or password (`/problems/invalid-credentials`), or the right ones for an account with two-step sign-in (`/problems/mfa-required`, with `mfa_token` and `methods`: send them back with a code as `grant_type` `urn:accounts-api:params:oauth:grant-type:mfa`). Second step: the `mfa_token` is unknown, used, expired or spent by 5 wrong codes (`/problems/invalid-mfa-token`), the code is wrong (`/problems/invalid-mfa-code`), or the `assertion` is refused (`/problems/invalid-passkey`). Passkey grant: the `assertion` answers no open passkey sign-in (unknown, used or expired), names no registered passkey, or WebAuthn refused it (origin, RP ID, signature, user verification, a signature counter that went back) (`/problems/invalid-passkey`). Refresh-token grant: the token is unknown, already used, or its session has ended (`/problems/invalid-refresh-token`); a used token replayed after `REFRESH_TOKEN_REUSE_GRACE` also ends its session.",
    403 => "The credentials are right but an administrator disabled the account (`/problems/account-disabled`; a wrong password is still 401), or its e-mail address is not confirmed and `REQUIRE_VERIFIED_EMAIL` is on (`/problems/email-not-verified`; a new confirmation e-mail is sent).",
);

#[derive(ApiResponse)]
enum CreateAccessTokenResponse {
    /// The token was issued.
    #[oai(status = 200)]
    Ok(
        Json<AccessTokenResponse>,
        /// Always `no-store`: tokens must not be cached.
        #[oai(header = "Cache-Control")]
        String,
    ),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Auth")]
impl CreateAccessTokenRoute {
    /// Issue an access token
    ///
    /// As `application/x-www-form-urlencoded` or JSON. The OAuth2 password grant
    /// (`username` or e-mail, and `password`) opens a session; the refresh-token grant
    /// (`refresh_token`) continues one. Either answers an access token and a new
    /// single-use refresh token. For an account with two-step sign-in, the password grant
    /// answers 401 `/problems/mfa-required` with an `mfa_token`; the second step
    /// (`grant_type` `urn:accounts-api:params:oauth:grant-type:mfa`, `mfa_token`, and `otp`,
    /// `recovery_code` or a passkey's `assertion`) then answers what the password grant
    /// answers. The passkey grant (`urn:accounts-api:params:oauth:grant-type:passkey`,
    /// `assertion`) signs in with a passkey alone (`startPasskeyAuthentication` first). Swagger UI's
    /// Authorize button cannot take that second step: authorize there with an account
    /// without a second factor, or paste a token obtained in two steps.
    #[oai(
        path = "/token/access",
        method = "post",
        operation_id = "createAccessToken"
    )]
    async fn create_access_token(
        &self,
        _limit: PerIp,
        state: Data<&AppState>,
        device: Device,
        provenance: Provenance,
        body: TokenRequest,
    ) -> Result<CreateAccessTokenResponse, Problem<CreateAccessTokenErrors>> {
        let command =
            CreateAccessToken::try_from(body.into_body()).map_err(ApiError::validation)?;
        let grants = Grants {
            db: &state.db,
            single_statement_db: &state.single_statement_db,
            clock: &state.clock,
            hasher: &state.hasher,
            limits: &state.limits,
            tokens: &state.tokens,
            sessions: &state.sessions,
            new_sign_in: &state.new_sign_in,
            totp: &state.totp,
            passkeys: &state.passkeys,
            require_verified_email: state.require_verified_email,
        };
        let issued = match command {
            CreateAccessToken::Password { login, password } => {
                let granted = password_grant(&grants, login, password, device, &provenance).await;
                metrics::login(login_outcome(&granted));
                granted?
            }
            CreateAccessToken::RefreshToken { refresh_token } => {
                refresh_grant(&grants, &refresh_token, &provenance).await?
            }
            CreateAccessToken::SecondFactor { mfa_token, proof } => {
                let granted = mfa_grant(&grants, &mfa_token, proof, device, &provenance).await;
                metrics::login(login_outcome(&granted));
                granted?
            }
            CreateAccessToken::Passkey { assertion } => {
                let granted = passkey_grant(&grants, assertion, device, &provenance).await;
                metrics::login(login_outcome(&granted));
                granted?
            }
        };
        let body = AccessTokenResponse {
            access_token: issued.access.token,
            token_type: TokenType::Bearer,
            expires_in: issued.access.expires_in,
            refresh_token: issued.refresh_token,
        };
        Ok(CreateAccessTokenResponse::Ok(Json(body), "no-store".into()))
    }
}

/// How a password grant or a second step counts in `accounts_logins_total`: refused when the
/// service turned it away before judging it (rate limit, saturated hasher, an outage),
/// `mfa_required` when a right password awaits its second step, failed when it judged it.
fn login_outcome(granted: &Result<SessionTokens, ApiError>) -> LoginOutcome {
    match granted {
        Ok(_) => LoginOutcome::Succeeded,
        Err(err) if err.is(&MFA_REQUIRED) => LoginOutcome::MfaRequired,
        Err(err)
            if matches!(
                err.status(),
                StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
            ) =>
        {
            LoginOutcome::Refused
        }
        Err(_) => LoginOutcome::Failed,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::login_outcome;
    use crate::{
        domain::Permission,
        features::auth::create_access_token::error::Refusal,
        http::ApiError,
        infra::{
            rate_limit::Decision,
            security::{AccessToken, HashError},
            telemetry::metrics::LoginOutcome,
        },
        services::sessions::SessionTokens,
    };

    fn outcome_of(err: ApiError) -> LoginOutcome {
        login_outcome(&Err(err))
    }

    #[test]
    fn issued_tokens_are_a_successful_login() {
        let access = AccessToken {
            token: "jwt".into(),
            expires_in: 900,
        };
        let tokens = SessionTokens {
            access,
            refresh_token: "r".into(),
        };
        assert!(matches!(
            login_outcome(&Ok(tokens)),
            LoginOutcome::Succeeded
        ));
    }

    #[test]
    fn a_rate_limit_or_an_outage_is_a_refused_login() {
        let decision = Decision {
            allowed: false,
            limit: 5,
            remaining: 0,
            reset: Duration::from_secs(30),
        };
        for err in [
            ApiError::too_many_requests(&decision),
            ApiError::unavailable("the database is unavailable", Duration::from_secs(5)),
            ApiError::from(HashError::Busy),
        ] {
            assert!(matches!(outcome_of(err), LoginOutcome::Refused));
        }
    }

    #[test]
    fn refused_credentials_or_accounts_are_a_failed_login() {
        for err in [
            ApiError::from(Refusal::InvalidCredentials),
            ApiError::unauthorized("the token has expired"),
            ApiError::from(Refusal::AccountDisabled),
            ApiError::from(Refusal::EmailNotVerified),
            ApiError::missing_permission(Permission::UsersRead),
        ] {
            assert!(matches!(outcome_of(err), LoginOutcome::Failed));
        }
    }
}
