//! Value objects, rules and events: what a user may submit and what happens to an account.
//! No I/O and no framework here.

mod email;
mod events;
mod field_error;
mod password;
mod username;

pub use email::Email;
pub use events::{EventEnvelope, EventType, UserEventData};
pub use field_error::{FieldError, Validator};
pub use password::Password;
pub use username::Username;
