//! Where each template's text comes from: the built-in files (`templates/email/<locale>/`,
//! embedded at compile time), each replaced by a file of the same name in
//! `EMAIL_TEMPLATES_DIR` (`<name>` for English, `<locale>/<name>` for a language), and the
//! fallback from a locale to its language and then to English.

use std::{
    collections::HashMap,
    fmt, fs,
    path::{Path, PathBuf},
};

use super::{KINDS, TemplateError};
use crate::domain::Locale;

/// The language every e-mail falls back to.
pub(super) const DEFAULT_LOCALE: &str = "en";
/// The parts of each kind of e-mail.
pub(super) const PARTS: [&str; 3] = ["subject.txt", "txt", "html"];
/// The files every kind shares.
const SHARED: [&str; 4] = ["layout.html", "layout.txt", "macros.html", "macros.txt"];

/// A template's text and where it was read from (for errors).
pub(super) struct Source {
    pub text: String,
    pub origin: Origin,
}

#[derive(Clone)]
pub(super) enum Origin {
    BuiltIn(String),
    File(PathBuf),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BuiltIn(name) => write!(f, "templates/email/{name} (built in)"),
            Self::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// Every template by `<locale>/<file>` (locale in lower case).
pub(super) struct Sources(HashMap<String, Source>);

impl Sources {
    /// The built-in templates, then the overrides in `dir`.
    pub(super) fn load(dir: Option<&Path>) -> Result<Self, TemplateError> {
        let mut sources = Self(
            built_in()
                .map(|(name, text)| {
                    let origin = Origin::BuiltIn(name.to_owned());
                    (
                        name.to_owned(),
                        Source {
                            text: text.to_owned(),
                            origin,
                        },
                    )
                })
                .collect(),
        );
        if let Some(dir) = dir {
            sources.read_overrides(dir)?;
        }
        Ok(sources)
    }

    /// `dir/<file>` replaces the English one, `dir/<locale>/<file>` that locale's.
    fn read_overrides(&mut self, dir: &Path) -> Result<(), TemplateError> {
        for path in entries(dir)? {
            if !path.is_dir() {
                self.add_override(&path, DEFAULT_LOCALE)?;
                continue;
            }
            let locale = folder_locale(&path)?;
            for path in entries(&path)? {
                if path.is_dir() {
                    return Err(TemplateError::Unknown { path });
                }
                self.add_override(&path, &locale)?;
            }
        }
        Ok(())
    }

    fn add_override(&mut self, path: &Path, locale: &str) -> Result<(), TemplateError> {
        let file = path
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or_default();
        if !is_template_name(file) {
            return Err(TemplateError::Unknown {
                path: path.to_owned(),
            });
        }
        let text = fs::read_to_string(path).map_err(|source| TemplateError::Read {
            path: path.to_owned(),
            source,
        })?;
        let origin = Origin::File(path.to_owned());
        self.0
            .insert(format!("{locale}/{file}"), Source { text, origin });
        Ok(())
    }

    /// The template `<locale>/<file>` stands for: that locale's, else its language's, else
    /// the English one.
    pub(super) fn resolve(&self, name: &str) -> Option<&Source> {
        let (locale, file) = name.split_once('/')?;
        fallbacks(locale).find_map(|locale| self.0.get(&format!("{locale}/{file}")))
    }

    /// The template `file` for an account in `locale`: `<locale>/<file>` of the first of
    /// its fallbacks that has the file. Always a name that exists, so an account's locale
    /// never adds templates to the engine's cache.
    pub(super) fn find(&self, locale: Option<&str>, file: &str) -> String {
        fallbacks(locale.unwrap_or(DEFAULT_LOCALE))
            .map(|locale| format!("{locale}/{file}"))
            .find(|name| self.0.contains_key(name))
            .unwrap_or_else(|| format!("{DEFAULT_LOCALE}/{file}"))
    }

    /// Every template's name, sorted.
    pub(super) fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.0.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    /// The locales with templates of their own, sorted (`en` among them).
    pub(super) fn locales(&self) -> Vec<String> {
        let mut locales: Vec<String> = (self.0.keys())
            .filter_map(|name| Some(name.split_once('/')?.0.to_owned()))
            .collect();
        locales.sort_unstable();
        locales.dedup();
        locales
    }
}

/// `de-AT` → `de-at`, `de`, `en` (lower case); English alone for what is no locale.
fn fallbacks(locale: &str) -> impl Iterator<Item = String> {
    let locale = Locale::parse(locale).ok();
    let own = locale
        .iter()
        .flat_map(|l| l.fallbacks())
        .map(str::to_ascii_lowercase);
    own.collect::<Vec<_>>()
        .into_iter()
        .chain([DEFAULT_LOCALE.to_owned()])
}

/// Whether `file` is the name of a built-in template (shared, or a kind's part).
fn is_template_name(file: &str) -> bool {
    SHARED.contains(&file)
        || KINDS.iter().any(|(_, kind)| {
            PARTS
                .iter()
                .any(|part| file.strip_prefix(kind).and_then(|p| p.strip_prefix('.')) == Some(part))
        })
}

/// A locale folder's name (a BCP 47 tag), in lower case.
fn folder_locale(path: &Path) -> Result<String, TemplateError> {
    let name = path
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or_default();
    match Locale::parse(name) {
        Ok(locale) => Ok(locale.as_str().to_ascii_lowercase()),
        Err(_) => Err(TemplateError::Unknown {
            path: path.to_owned(),
        }),
    }
}

/// The entries of `dir` but hidden ones, sorted.
fn entries(dir: &Path) -> Result<Vec<PathBuf>, TemplateError> {
    let read = |source| TemplateError::Read {
        path: dir.to_owned(),
        source,
    };
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(read)? {
        let path = entry.map_err(read)?.path();
        if !path
            .file_name()
            .is_some_and(|f| f.to_string_lossy().starts_with('.'))
        {
            entries.push(path);
        }
    }
    entries.sort();
    Ok(entries)
}

/// One built-in file: `<locale>/<file>` and its text.
macro_rules! embed {
    ($locale:literal, $file:expr) => {
        (
            concat!($locale, "/", $file),
            include_str!(concat!("../../../../templates/email/", $locale, "/", $file)),
        )
    };
}

/// A locale's built-in files: the shared ones and every kind's parts (the kinds of `KINDS`).
macro_rules! locale {
    ($locale:literal) => {
        locale!($locale; "user_created", "user_updated", "user_deleted",
            "email_verification_requested", "email_changed", "password_changed",
            "password_reset_requested", "new_sign_in", "mfa_enabled", "mfa_disabled", "mfa_reset",
            "recovery_code_used", "passkey_added", "passkey_removed", "passkey_sign_in_refused")
    };
    ($locale:literal; $($kind:literal),+) => {
        [
            embed!($locale, "layout.html"),
            embed!($locale, "layout.txt"),
            embed!($locale, "macros.html"),
            embed!($locale, "macros.txt"),
            $(
                embed!($locale, concat!($kind, ".subject.txt")),
                embed!($locale, concat!($kind, ".txt")),
                embed!($locale, concat!($kind, ".html")),
            )+
        ]
    };
}

/// The built-in templates of every shipped locale.
fn built_in() -> impl Iterator<Item = (&'static str, &'static str)> {
    locale!("en").into_iter().chain(locale!("de"))
}
