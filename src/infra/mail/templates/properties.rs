//! Over generated values (proptest): whatever a user put in their username, address,
//! device or passkey name renders inert in every e-mail (the invariant is asserted in
//! `crate::fuzzing`, which the `template` fuzz target shares).

use proptest::prelude::*;

/// Text meant to break out: tags, quotes, entities, line breaks, header names.
fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z<>\"'&;=/ \r\n]{0,24}",
        Just("\"><script>alert(1)</script>".to_owned()),
        Just("x\r\nBcc: eve@example.com".to_owned()),
        any::<String>(),
    ]
}

proptest! {
    #[test]
    fn what_a_user_wrote_renders_inert_in_every_email(
        username in hostile(), email in hostile(), new_email in hostile(),
        device in hostile(), passkey_name in hostile(),
    ) {
        crate::fuzzing::renders_inert([&username, &email, &new_email, &device, &passkey_name]);
    }
}
