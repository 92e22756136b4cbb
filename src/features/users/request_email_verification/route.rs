use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi};

use super::{command::RequestEmailVerification, handler::request_email_verification};
use crate::http::{ApiTags, AppState, Authenticated, Problem, error_statuses};

#[derive(Default)]
pub(crate) struct RequestEmailVerificationRoute;

error_statuses!(RequestEmailVerificationErrors: 401, 404, 409, 429, 500, 503;
    409 => "The address is already confirmed (`/problems/email-already-verified`).",
    429 => "A rate limit was exceeded, including the per-account quota of confirmation e-mails (`RATE_LIMIT_VERIFICATION_EMAILS`); retry after `Retry-After` seconds.",
);

#[derive(ApiResponse)]
enum RequestEmailVerificationResponse {
    /// A confirmation e-mail with a fresh token is on its way.
    #[oai(status = 202)]
    Accepted,
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Users")]
impl RequestEmailVerificationRoute {
    /// Send me a new confirmation e-mail
    ///
    /// Mails a fresh single-use token to the caller's address. Earlier tokens stay valid
    /// until they expire.
    #[oai(
        path = "/users/email-verification",
        method = "post",
        operation_id = "requestEmailVerification"
    )]
    async fn request_email_verification(
        &self,
        caller: Authenticated,
        state: Data<&AppState>,
    ) -> Result<RequestEmailVerificationResponse, Problem<RequestEmailVerificationErrors>> {
        let command = RequestEmailVerification {
            account: caller.account,
        };
        request_email_verification(&state.db, &state.clock, &state.limits, command).await?;
        Ok(RequestEmailVerificationResponse::Accepted)
    }
}
