//! Proving an account owns its e-mail address, in one place: `request` a confirmation e-mail
//! (sign-up, address change) or `resend` one within a quota (on demand, or a login under
//! `REQUIRE_VERIFIED_EMAIL`), `issue` its
//! single-use token when the e-mail goes out, `claim` the token when it comes back. The
//! `email_verifications` table is read and written only here.

mod claim;
mod issue;
mod queue;
mod settings;

pub(crate) use claim::{ClaimError, TokenRefusal, claim};
pub(crate) use issue::issue;
pub(crate) use queue::{Queued, charge_quota, request, resend};
pub use settings::EmailVerificationSettings;
