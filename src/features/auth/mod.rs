//! Access tokens.

mod create_access_token;

/// This area's slices, in document order (a tuple once there are two).
pub(super) type Slices = create_access_token::CreateAccessTokenRoute;
