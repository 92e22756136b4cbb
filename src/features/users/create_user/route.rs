use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, param::Header, payload::Json};

use super::{command::CreateUser, dto::CreateUserRequest, handler::create_user};
use crate::{
    features::users::dto::User,
    http::{ApiError, ApiTags, AppState, PerIp, Problem, error_statuses, preferred_locale},
    services::audit::Provenance,
};

#[derive(Default)]
pub(crate) struct CreateUserRoute;

error_statuses!(CreateUserErrors: 400, 409, 413, 415, 422, 429, 500, 503;
    422 => "One or more fields are invalid, the password is too easy to guess or appears in a known data breach, or the address failed the e-mail reputation check; `errors` lists each.",
);

#[derive(ApiResponse)]
enum CreateUserResponse {
    /// The account was created.
    #[oai(status = 201)]
    Created(Json<User>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Users")]
impl CreateUserRoute {
    /// Register an account
    ///
    /// Creates an account with a username, an e-mail address, a password and optionally a
    /// language (`locale`; else the one `Accept-Language` prefers, when well-formed). When the
    /// reputation check is on, an address that fails it is refused (422, naming the check);
    /// a confirmation e-mail with a single-use token goes to the address.
    #[oai(path = "/users", method = "post", operation_id = "createUser")]
    async fn create_user(
        &self,
        _limit: PerIp,
        state: Data<&AppState>,
        provenance: Provenance,
        /// The languages the client prefers (RFC 9110): the account's `locale` when the body
        /// names none, its most preferred well-formed tag. A malformed value is ignored.
        #[oai(name = "Accept-Language")]
        accept_language: Header<Option<String>>,
        body: Json<CreateUserRequest>,
    ) -> Result<CreateUserResponse, Problem<CreateUserErrors>> {
        let accepted = preferred_locale(accept_language.0.as_deref());
        let command = CreateUser::parse(body.0, accepted).map_err(ApiError::validation)?;
        let user = create_user(
            &state.db,
            &state.clock,
            &state.hasher,
            &state.verifier,
            &state.password_policy(),
            &provenance,
            command,
        )
        .await?;
        Ok(CreateUserResponse::Created(Json(user.into())))
    }
}
