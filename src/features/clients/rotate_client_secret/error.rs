use crate::{
    features::clients::no_such_client,
    http::{ApiError, problem_kinds},
    services::oauth_clients::SecretError,
};

problem_kinds! {
    const PUBLIC_CLIENT = 409, "public-client", "Public client",
        "a public client has no secret";
}

/// Why no secret was made, as it reads over HTTP.
pub(super) fn refused(err: SecretError) -> ApiError {
    match err {
        SecretError::NotFound => no_such_client(),
        SecretError::PublicClient => ApiError::new(&PUBLIC_CLIENT),
        SecretError::Db(err) => err.into(),
    }
}
