//! The caller's consents: the third-party clients it let sign in with this account and the
//! scopes each may use; listing them and withdrawing one. Granting is the consent page's
//! (`oidc::submit_consent`); the records are `services::oidc`'s.

mod delete_consent;
mod list_consents;

/// This area's slices, in document order.
pub(super) type Slices = (
    list_consents::ListConsentsRoute,
    delete_consent::DeleteConsentRoute,
);
