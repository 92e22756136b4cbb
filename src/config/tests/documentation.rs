//! The configuration's documentation: `.env.example` loads, and it and README's table list
//! exactly the variables the settings read.

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;

use crate::config::{
    ConfigError, Settings,
    load::{Source, load, variables},
};

#[test]
fn the_example_env_file_loads() {
    let vars = include_str!("../../../.env.example")
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .map(|(var, value)| (var.to_owned(), value.to_owned()));
    let s = Settings::from_vars(vars).unwrap();
    assert_eq!(s.rate_limit.login_failures.to_string(), "10/15m");
    assert!(s.kafka.is_none() && s.smtp.is_none() && s.email_verifier.is_none());
}

/// Records the variables each section reads instead of reading any.
#[derive(Default)]
struct Recorder(Vec<String>);

impl Source for Recorder {
    fn section<T: DeserializeOwned + Default>(
        &mut self,
        prefix: &'static str,
    ) -> Result<T, ConfigError> {
        self.0.extend(variables::<T>(prefix));
        Ok(T::default())
    }
}

/// Read by tracing's filter, not by `Settings`, yet documented with them.
const NOT_IN_SETTINGS: [&str; 1] = ["RUST_LOG"];

#[test]
fn the_readme_and_env_example_list_exactly_the_variables_the_settings_read() {
    let mut recorder = Recorder::default();
    load(&mut recorder).expect("the defaults load");
    let mut read: BTreeSet<String> = recorder.0.iter().cloned().collect();
    assert_eq!(read.len(), recorder.0.len(), "a variable is read twice");
    read.extend(NOT_IN_SETTINGS.map(String::from));

    let readme = include_str!("../../../README.md");
    let table = readme
        .split("\n## Configuration\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("README.md has a Configuration section");
    let documented: BTreeSet<String> = table
        .lines()
        .filter_map(|row| row.strip_prefix('|')?.split('|').next())
        .flat_map(|cell| cell.split('`').skip(1).step_by(2))
        .filter(|name| !name.is_empty() && name.chars().all(is_name_char))
        .map(String::from)
        .collect();
    assert_same(&documented, &read, "README.md's configuration table");

    let example: BTreeSet<String> = include_str!("../../../.env.example")
        .lines()
        .filter_map(|line| {
            let line = line.trim_start_matches('#').trim_start();
            let (name, _) = line.split_once('=')?;
            (!name.is_empty() && name.chars().all(is_name_char)).then(|| name.to_owned())
        })
        .collect();
    assert_same(&example, &read, ".env.example");
}

fn assert_same(listed: &BTreeSet<String>, read: &BTreeSet<String>, what: &str) {
    let missing: Vec<_> = read.difference(listed).collect();
    let unknown: Vec<_> = listed.difference(read).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "{what}: missing {missing:?}; not read by the settings {unknown:?}"
    );
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'
}
