mod documentation;

use super::{AppEnv, ClientIpHeader, LogFormat, MetricsAddr, Settings};

fn settings(vars: &[(&str, &str)]) -> Result<Settings, String> {
    let vars = vars.iter().map(|(k, v)| (k.to_string(), v.to_string()));
    Settings::from_vars(vars).map_err(|e| e.to_string())
}

#[test]
fn nothing_set_gives_the_embedded_defaults() {
    let s = settings(&[]).unwrap();
    assert_eq!((s.app.host.as_str(), s.app.port), ("127.0.0.1", 8080));
    assert_eq!(s.database.url(), super::DEFAULT_DATABASE_URL);
    assert_eq!(
        (s.app.env, s.log_format()),
        (AppEnv::Development, LogFormat::Pretty)
    );
    assert_eq!(s.jwt.access_token_ttl.as_secs(), 900);
    assert_eq!(s.password_reset.token_ttl.as_secs(), 3600);
    assert_eq!(s.password_reset.url, None);
    assert_eq!(s.server.metrics_addr, MetricsAddr::ProcessDefault);
    assert_eq!(s.server.client_ip_header, ClientIpHeader::XForwardedFor);
}

#[test]
fn the_metrics_listener_is_an_address_or_off() {
    let addr = |value| settings(&[("METRICS_ADDR", value)]).map(|s| s.server.metrics_addr);
    assert_eq!(
        addr("0.0.0.0:9464"),
        Ok(MetricsAddr::At("0.0.0.0:9464".into()))
    );
    assert_eq!(addr("[::1]:9100"), Ok(MetricsAddr::At("[::1]:9100".into())));
    assert_eq!(addr("off"), Ok(MetricsAddr::Off));
    // Empty means the default, as for every variable.
    assert_eq!(addr(""), Ok(MetricsAddr::ProcessDefault));
    for bad in ["9100", "localhost", ":9100", "host:99999"] {
        assert!(addr(bad).unwrap_err().contains("METRICS_ADDR"), "{bad:?}");
    }
}

#[test]
fn reads_the_password_reset_settings() {
    let s = settings(&[
        ("PASSWORD_RESET_TOKEN_TTL", "30m"),
        ("PASSWORD_RESET_URL", "https://app.example/reset"),
        ("RATE_LIMIT_PASSWORD_RESETS_PER_IP", "3/10m"),
        ("RATE_LIMIT_PASSWORD_RESET_EMAILS", "2/1h"),
    ])
    .unwrap();
    assert_eq!(s.password_reset.token_ttl.as_secs(), 1800);
    assert_eq!(
        s.password_reset.url.as_deref(),
        Some("https://app.example/reset")
    );
    assert_eq!(s.rate_limit.password_resets_per_ip.to_string(), "3/10m");
    assert_eq!(s.rate_limit.password_reset_emails.to_string(), "2/1h");
}

#[test]
fn reads_values_and_lists() {
    let s = settings(&[
        ("APP_PORT", "9000"),
        ("CORS_ORIGINS", "http://a.test, http://b.test,"),
        ("PASSWORD_HASH_COST", "10"),
        ("LOG_FORMAT", "JSON"),
    ])
    .unwrap();
    assert_eq!(s.app.port, 9000);
    assert_eq!(s.server.cors_origins, ["http://a.test", "http://b.test"]);
    assert_eq!(
        (s.server.password_hash_cost, s.log_format()),
        (10, LogFormat::Json)
    );
    let s = settings(&[
        ("TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1"),
        ("CLIENT_IP_HEADER", "X-Real-IP"),
        ("RATE_LIMIT_PER_USER", "5/2s"),
    ])
    .unwrap();
    assert_eq!(s.server.trusted_proxies.len(), 2);
    assert_eq!(s.server.client_ip_header, ClientIpHeader::XRealIp);
    assert_eq!(s.rate_limit.per_user.to_string(), "5/2s");
}

#[test]
fn numbers_stay_strings_and_durations_take_a_unit() {
    let s = settings(&[
        ("JWT_AUDIENCE", "123"),
        ("JWT_ACCESS_TOKEN_TTL_SECONDS", "15m"),
        ("OUTBOX_POLL_INTERVAL_MS", "250"),
        ("APP_HOST", "  0.0.0.0 "),
        ("APP_PORT", ""),
    ])
    .unwrap();
    assert_eq!(s.jwt.audience, "123");
    assert_eq!(s.jwt.access_token_ttl.as_secs(), 900);
    assert_eq!(s.outbox.poll_interval.as_millis(), 250);
    assert_eq!((s.app.host.as_str(), s.app.port), ("0.0.0.0", 8080));
}

#[test]
fn a_bad_value_names_its_variable() {
    for (var, value) in [
        ("APP_PORT", "eighty"),
        ("APP_ENV", "staging"),
        ("PASSWORD_HASH_COST", "3"),
        ("JWT_ACCESS_TOKEN_TTL_SECONDS", "0"),
        ("JWT_ISSUER", "accounts-api"),
        ("JWT_ALGORITHM", "RS512"),
        ("LOG_FORMAT", "xml"),
        ("RATE_LIMIT_PER_IP", "100"),
        ("RATE_LIMIT_FAIL_CLOSED", "maybe"),
        ("TRUSTED_PROXIES", "10.0.0.0/8, not-an-ip"),
        ("CLIENT_IP_HEADER", "true-client-ip"),
        ("SMTP_ALLOW_PLAINTEXT_AUTH", "localhost"),
        ("EMAIL_VERIFIER_ENABLED", "yes please"),
        ("EMAIL_VERIFICATION_TOKEN_TTL_SECONDS", "0"),
        ("REQUIRE_VERIFIED_EMAIL", "sometimes"),
        ("EMAIL_VERIFICATION_URL", "app.example/confirm"),
        ("PASSWORD_RESET_TOKEN_TTL", "0"),
        ("PASSWORD_RESET_URL", "app.example/reset"),
        ("RATE_LIMIT_PASSWORD_RESET_EMAILS", "5"),
        ("RATE_LIMIT_PASSWORD_RESETS_PER_IP", "twenty/1h"),
        ("PASSWORD_MIN_SCORE", "5"),
        ("PASSWORD_MIN_SCORE", "strong"),
        ("PWNED_PASSWORDS_URL", "api.pwnedpasswords.com"),
        ("PWNED_PASSWORDS_TIMEOUT_MS", "0"),
    ] {
        let err = settings(&[(var, value)]).unwrap_err();
        assert!(err.contains(var), "{err}");
    }
}

#[test]
fn the_culprit_is_named_among_good_values_and_its_value_is_not_echoed() {
    let err = settings(&[
        ("SMTP_HOST", "mail.test"),
        ("SMTP_PORT", "s3cr3t-port"),
        ("SMTP_PASSWORD", "hunter2"),
        ("SMTP_TLS", "starttls"),
    ])
    .unwrap_err();
    assert!(err.starts_with("invalid setting SMTP_PORT: "), "{err}");
    assert!(!err.contains("s3cr3t") && !err.contains("hunter2"), "{err}");
}

#[test]
fn the_reputation_check_needs_a_key_and_hides_it() {
    let err = settings(&[("EMAIL_VERIFIER_ENABLED", "true")]).unwrap_err();
    assert!(err.contains("EMAIL_VERIFIER_API_KEY"), "{err}");
    let s = settings(&[
        ("EMAIL_VERIFIER_ENABLED", "true"),
        ("EMAIL_VERIFIER_API_KEY", "k-123"),
    ])
    .unwrap();
    let verifier = s.email_verifier.expect("enabled");
    assert_eq!(verifier.timeout.as_millis(), 5000);
    assert!(!format!("{verifier:?}").contains("k-123"));
    assert!(
        settings(&[("EMAIL_VERIFIER_API_KEY", "k")])
            .unwrap()
            .email_verifier
            .is_none()
    );
    for (var, value) in [
        ("EMAIL_VERIFIER_API_URL", "emailreputation.example/v1"),
        ("EMAIL_VERIFIER_TIMEOUT_MS", "0"),
        ("EMAIL_VERIFIER_CACHE_TTL_SECONDS", "0"),
    ] {
        let enabled = [
            ("EMAIL_VERIFIER_ENABLED", "true"),
            ("EMAIL_VERIFIER_API_KEY", "k"),
            (var, value),
        ];
        let err = settings(&enabled).unwrap_err();
        assert!(err.contains(var), "{err}");
    }
}

#[test]
fn the_password_policy_defaults_to_score_3_without_a_breach_lookup() {
    let s = settings(&[]).unwrap();
    assert_eq!(s.server.password_min_score.get(), 3);
    assert!(s.pwned_passwords.is_none());
    let s = settings(&[
        ("PASSWORD_MIN_SCORE", "4"),
        ("PWNED_PASSWORDS_URL", "https://api.pwnedpasswords.com"),
    ])
    .unwrap();
    assert_eq!(s.server.password_min_score.get(), 4);
    let pwned = s.pwned_passwords.expect("on with a URL");
    assert_eq!(
        (pwned.url.as_str(), pwned.timeout.as_millis()),
        ("https://api.pwnedpasswords.com", 3000)
    );
}

#[test]
fn production_requires_an_explicit_database() {
    let err = settings(&[("APP_ENV", "production")]).unwrap_err();
    assert!(err.contains("DATABASE_URL"), "{err}");
    let s = settings(&[
        ("APP_ENV", "production"),
        ("DATABASE_URL", "postgres://u:pw-42@db/x"),
    ])
    .unwrap();
    assert_eq!(s.log_format(), LogFormat::Json);
    assert!(
        !format!("{s:?}").contains("pw-42"),
        "the password is redacted"
    );
}

#[test]
fn reads_the_new_sign_in_notice() {
    let url = "https://app.example/sessions";
    let s = settings(&[
        ("NEW_SIGNIN_NOTICE", "false"),
        ("NEW_SIGNIN_LOOKBACK", "30d"),
        ("NEW_SIGNIN_SESSIONS_URL", url),
    ])
    .unwrap();
    assert!(!s.new_sign_in.notice);
    assert_eq!(s.new_sign_in.lookback.as_secs(), 30 * 86_400);
    assert_eq!(s.new_sign_in.sessions_url.as_deref(), Some(url));
    let defaults = settings(&[]).unwrap().new_sign_in;
    assert!(defaults.notice && defaults.sessions_url.is_none());
    assert_eq!(defaults.lookback.as_secs(), 90 * 86_400);
    let bad = settings(&[("NEW_SIGNIN_SESSIONS_URL", "javascript:alert(1)")]).unwrap_err();
    assert!(bad.contains("NEW_SIGNIN_SESSIONS_URL"), "{bad}");
}
