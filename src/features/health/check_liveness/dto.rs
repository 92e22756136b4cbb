use poem_openapi::Object;

use crate::features::health::status::CheckStatus;

/// The process is up; `status` is always `ok`.
#[derive(Object)]
pub(super) struct Liveness {
    pub status: CheckStatus,
}
