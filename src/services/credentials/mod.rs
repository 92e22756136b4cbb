//! The account's password as a credential, in one place: `confirm_password` before a
//! sensitive change (password, e-mail address, deletion, second factors), charged and audited
//! like a login, with the second-factor `code` when the account has one, and the same
//! refusals everywhere; and `password_changed`,
//! everything that follows a new password (change, reset, and whatever sets one later).

mod changed;
mod confirm;

pub(crate) use changed::password_changed;
pub(crate) use confirm::{ConfirmError, Confirming, CredentialCheck, confirm_password};
