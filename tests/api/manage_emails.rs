//! `manage emails preview`: the e-mails rendered with sample data into files, with the
//! server's settings and overrides, run as a real process.

use std::{fs, process::Command};

use tempfile::TempDir;

/// Runs `manage emails preview` with `args` and `EMAIL_TEMPLATES_DIR` = `templates`.
fn preview(args: &[&str], templates: Option<&TempDir>) -> (bool, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_manage"));
    command
        .args(["emails", "preview"])
        .args(args)
        .env("APP_ENV", "test")
        .env("EMAIL_PRODUCT_NAME", "Acme ID");
    if let Some(dir) = templates {
        command.env("EMAIL_TEMPLATES_DIR", dir.path());
    }
    let output = command.output().expect("run the manage binary");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), printed)
}

#[test]
fn every_kind_in_every_locale_lands_in_files_with_an_index() {
    let out = TempDir::new().unwrap();
    let (ok, printed) = preview(&["--out", out.path().to_str().unwrap()], None);
    assert!(ok, "{printed}");
    assert!(printed.contains("rendered 30 e-mail(s)"), "{printed}");
    let index = fs::read_to_string(out.path().join("index.html")).unwrap();
    for locale in ["en", "de"] {
        let html = fs::read_to_string(out.path().join(locale).join("new_sign_in.html")).unwrap();
        assert!(html.contains(&format!("lang=\"{locale}\"")) && html.contains("Acme ID"));
        let text = fs::read_to_string(out.path().join(locale).join("new_sign_in.txt")).unwrap();
        assert!(text.starts_with("Subject: "), "{text}");
        assert!(
            index.contains(&format!("{locale}/new_sign_in.html")),
            "{index}"
        );
    }
}

#[test]
fn one_kind_in_one_locale_with_the_operators_override() {
    let (out, templates) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    fs::create_dir(templates.path().join("fr")).unwrap();
    let subject = "Réinitialisez votre mot de passe {{ product.name }}";
    let override_file = templates
        .path()
        .join("fr/password_reset_requested.subject.txt");
    fs::write(override_file, subject).unwrap();
    let args = ["password_reset_requested", "--locale", "fr", "--out"];
    let (ok, printed) = preview(
        &[&args[..], &[out.path().to_str().unwrap()]].concat(),
        Some(&templates),
    );
    assert!(ok, "{printed}");
    assert!(printed.contains("rendered 1 e-mail(s)"), "{printed}");
    let text = fs::read_to_string(out.path().join("fr/password_reset_requested.txt")).unwrap();
    assert!(
        text.starts_with("Subject: Réinitialisez votre mot de passe Acme ID\n"),
        "{text}"
    );
    // The body falls back to English.
    assert!(text.contains("Hello, ada!"), "{text}");
}

#[test]
fn an_unknown_kind_or_a_broken_override_fails_saying_why() {
    let out = TempDir::new().unwrap();
    let out = out.path().to_str().unwrap();
    let (ok, printed) = preview(&["--locale", "../up", "--out", out], None);
    assert!(!ok && printed.contains("--locale"), "{printed}");
    let (ok, printed) = preview(&["user_craeted", "--out", out], None);
    assert!(
        !ok && printed.contains("unknown kind user_craeted"),
        "{printed}"
    );
    assert!(
        printed.contains("user_created"),
        "the known kinds are listed: {printed}"
    );

    let templates = TempDir::new().unwrap();
    fs::write(
        templates.path().join("user_deleted.txt"),
        "Bye\n{% endif %}\n",
    )
    .unwrap();
    let (ok, printed) = preview(&["--out", out], Some(&templates));
    assert!(!ok, "{printed}");
    assert!(printed.contains("user_deleted.txt:2:"), "{printed}");
}
