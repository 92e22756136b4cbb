//! `manage emails preview`: the e-mails rendered with sample data into files an operator
//! opens in a browser, with the server's settings and `EMAIL_TEMPLATES_DIR`.

use std::{fmt::Write as _, fs, path::PathBuf};

use clap::{Args, Subcommand};

use crate::{
    config::Settings,
    domain::Locale,
    infra::mail::{KINDS, Templates, sample},
};

#[derive(Debug, Subcommand)]
pub(super) enum EmailsCommand {
    /// Render every kind of e-mail, or one, in every locale with templates, or one, to
    /// `<out>/<locale>/<kind>.html` and `.txt` (the subject on the text's first line), and
    /// an `index.html` listing them.
    ///
    /// The templates are loaded and checked as the server loads them: a broken override
    /// is reported with its file and line (exit status 1).
    Preview(Preview),
}

#[derive(Debug, Args)]
pub(super) struct Preview {
    /// One kind, e.g. user_created or password_reset_requested; every kind when left out.
    kind: Option<String>,
    /// One locale, e.g. de; every locale with templates of its own when left out.
    #[arg(long)]
    locale: Option<String>,
    /// The folder the files go to (created if missing).
    #[arg(long, default_value = "email-preview")]
    out: PathBuf,
}

impl EmailsCommand {
    /// Runs the command; `Err` is the one-line message for stderr.
    pub(super) fn run(self, settings: &Settings) -> Result<String, String> {
        let Self::Preview(preview) = self;
        let templates =
            Templates::load(&settings.email, &settings.sender()).map_err(|e| e.to_string())?;
        let kinds: Vec<_> = match &preview.kind {
            None => KINDS.to_vec(),
            Some(name) => vec![*KINDS.iter().find(|(_, kind)| kind == name).ok_or_else(|| {
                let known: Vec<&str> = KINDS.iter().map(|(_, kind)| *kind).collect();
                format!("unknown kind {name}; one of: {}", known.join(", "))
            })?],
        };
        // A locale names a folder: a BCP 47 tag, never a path.
        let locales = match preview.locale {
            None => templates.locales(),
            Some(locale) => {
                let locale = Locale::parse(&locale).map_err(|e| format!("--locale: {e}"))?;
                vec![locale.into_inner()]
            }
        };
        let mut index = String::from(
            "<!doctype html>\n<meta charset=\"utf-8\"><title>E-mail preview</title>\n<ul>\n",
        );
        let mut written = 0;
        for locale in &locales {
            let folder = preview.out.join(locale);
            fs::create_dir_all(&folder)
                .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
            for (kind, name) in &kinds {
                let (mut event, link) = sample(*kind, true);
                event.data.locale = Some(locale.clone());
                let email = templates
                    .render(&event, link.as_ref())
                    .map_err(|e| format!("{locale}/{name}: {e}"))?;
                let text = format!("Subject: {}\n\n{}", email.subject, email.text);
                for (extension, body) in [("html", &email.html), ("txt", &text)] {
                    let path = folder.join(format!("{name}.{extension}"));
                    fs::write(&path, body)
                        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                }
                let subject = minijinja::HtmlEscape(&email.subject).to_string();
                let _ = writeln!(
                    index,
                    "<li>{locale} <a href=\"{locale}/{name}.html\">{name}</a> \
                     (<a href=\"{locale}/{name}.txt\">text</a>): {subject}</li>"
                );
                written += 1;
            }
        }
        index.push_str("</ul>\n");
        let path = preview.out.join("index.html");
        fs::write(&path, index).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(format!(
            "rendered {written} e-mail(s) into {}; open {}",
            preview.out.display(),
            path.display()
        ))
    }
}
