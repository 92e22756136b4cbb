//! The bodies of the coverage-guided fuzz targets in `fuzz/` (cargo-fuzz, libFuzzer, built
//! with `--cfg fuzzing`): each feeds the fuzzer's bytes to one parser or endpoint and asserts
//! the invariant it must keep, not only "no panic". The tests replay every committed seed
//! and past finding (`fuzz/seeds/<target>/`) through the same functions.

mod fields;
mod http;
mod jwt;
#[cfg(test)]
mod seeds;
mod templates;

pub use fields::{client_ip, cursor, email, password, username};
pub use http::{json_body, token_form};
pub use jwt::jwt;
pub use templates::{UserValues, renders_inert, template};

/// A target's body: the fuzzer's bytes in, a panic when an invariant breaks.
pub type Target = fn(&[u8]);

/// The targets by name, as `fuzz/fuzz_targets/` and `fuzz/seeds/` name them.
pub const TARGETS: [(&str, Target); 9] = [
    ("email", email),
    ("username", username),
    ("password", password),
    ("cursor", cursor),
    ("client_ip", client_ip),
    ("jwt", jwt),
    ("token_form", token_form),
    ("json_body", json_body),
    ("template", template),
];
