//! Registration and the caller's own account.

mod account;
mod change_password;
mod confirm_email_verification;
mod confirm_password_reset;
mod create_user;
mod delete_current_user;
mod dto;
mod get_current_user;
mod request_email_verification;
mod request_password_reset;
mod update_current_user;

/// This area's slices, in document order.
pub(super) type Slices = (
    create_user::CreateUserRoute,
    get_current_user::GetCurrentUserRoute,
    update_current_user::UpdateCurrentUserRoute,
    delete_current_user::DeleteCurrentUserRoute,
    request_email_verification::RequestEmailVerificationRoute,
    confirm_email_verification::ConfirmEmailVerificationRoute,
    change_password::ChangePasswordRoute,
    request_password_reset::RequestPasswordResetRoute,
    confirm_password_reset::ConfirmPasswordResetRoute,
);
