use chrono::TimeDelta;

use super::*;

fn stored(used: bool, expired: bool) -> StoredToken {
    let now = Utc::now();
    StoredToken {
        user_id: Uuid::nil(),
        email: "a@example.com".into(),
        expires_at: if expired {
            now - TimeDelta::seconds(1)
        } else {
            now + TimeDelta::hours(1)
        },
        used_at: used.then_some(now),
    }
}

#[test]
fn a_reset_token_is_bound_to_its_address_before_anything_else() {
    let now = Utc::now();
    for (used, expired) in [(false, false), (true, false), (false, true)] {
        let token = stored(used, expired);
        assert_eq!(
            refusal(Purpose::PasswordReset, &token, false, now),
            Refusal::Unknown
        );
    }
    assert_eq!(
        refusal(Purpose::PasswordReset, &stored(true, false), true, now),
        Refusal::Used
    );
    assert_eq!(
        refusal(Purpose::PasswordReset, &stored(false, true), true, now),
        Refusal::Expired
    );
}

#[test]
fn a_confirmation_token_reads_used_or_expired_before_address_changed() {
    let now = Utc::now();
    let confirm = Purpose::EmailConfirmation;
    assert_eq!(
        refusal(confirm, &stored(true, false), false, now),
        Refusal::Used
    );
    assert_eq!(
        refusal(confirm, &stored(false, true), false, now),
        Refusal::Expired
    );
    assert_eq!(
        refusal(confirm, &stored(false, false), false, now),
        Refusal::AddressChanged
    );
    assert_eq!(
        refusal(confirm, &stored(false, false), true, now),
        Refusal::Used
    );
}

#[test]
fn each_purpose_has_its_own_table() {
    assert_eq!(Purpose::EmailConfirmation.table(), "email_verifications");
    assert_eq!(Purpose::PasswordReset.table(), "password_resets");
}
