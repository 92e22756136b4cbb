//! Value objects, rules and events: what a user may submit and what happens to an account.
//! No I/O and no framework here.

mod audit;
mod email;
mod events;
mod field_error;
mod locale;
pub mod oauth;
mod password;
mod password_strength;
mod permission;
#[cfg(test)]
mod properties;
mod sign_in_device;
mod username;

pub use audit::AuditAction;
pub(crate) use email::{Email, is_bare_addr_spec, mask_address};
pub use events::{EventEnvelope, EventType, SignInNotice, UserEventData};
pub(crate) use field_error::{FieldError, Validator};
pub use locale::Locale;
pub(crate) use password::Password;
pub(crate) use password_strength::assess;
pub use password_strength::{MinScore, PasswordContext};
pub use permission::Permission;
pub use sign_in_device::SignInDevice;
pub(crate) use username::Username;
