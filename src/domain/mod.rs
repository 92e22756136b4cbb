//! Entities and value objects: parsing rules for what a user may submit. No I/O here.

mod email;
mod field_error;
mod password;
mod username;

pub use email::Email;
pub use field_error::{FieldError, Validator};
pub use password::Password;
pub use username::Username;
