//! The layers point down only: `domain` <- `infra` <- `services` <- `http` <- `features` <-
//! `app`/`config` <- `main`/`bin`. A module never names a layer above its own (`crate::x` paths, `use
//! crate::{x, ...}` groups included), and `domain` uses no framework. See
//! docs/architecture.md.

use std::{fs, path::Path};

/// Each layer and the top-level modules it must not name.
const FORBIDDEN: [(&str, &[&str]); 5] = [
    (
        "domain",
        &["infra", "services", "http", "features", "app", "config"],
    ),
    ("infra", &["services", "http", "features", "app", "config"]),
    ("services", &["http", "features", "app", "config"]),
    ("http", &["features", "app", "config"]),
    ("features", &["app", "config"]),
];

#[test]
fn no_layer_names_a_layer_above_it() {
    let mut violations = Vec::new();
    for (layer, forbidden) in FORBIDDEN {
        for file in rust_files(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("src")
                .join(layer),
        ) {
            let source = fs::read_to_string(&file).expect("read a source file");
            for module in crate_modules(&source) {
                if forbidden.contains(&module.as_str()) {
                    violations.push(format!("{} names crate::{module}", file.display()));
                }
            }
            if layer == "domain" {
                for framework in ["poem", "sea_orm", "tokio", "rdkafka"] {
                    if source.contains(&format!("{framework}::")) {
                        violations.push(format!("{} uses {framework}", file.display()));
                    }
                }
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn the_check_sees_grouped_imports() {
    let source =
        "use crate::{\n    domain::Email,\n    features::{a, b},\n};\nfn f() { crate::app::x(); }";
    assert_eq!(crate_modules(source), ["domain", "features", "app"]);
}

/// The first segment of every path starting with `crate::`.
fn crate_modules(source: &str) -> Vec<String> {
    let mut modules = Vec::new();
    for (at, _) in source.match_indices("crate::") {
        let rest = &source[at + "crate::".len()..];
        match rest.strip_prefix('{') {
            Some(group) => modules.extend(group_heads(group)),
            None => modules.push(ident(rest)),
        }
    }
    modules
}

/// The first segment of each item of a `{a::b, c::{d, e}}` group (its opening brace gone).
fn group_heads(group: &str) -> Vec<String> {
    let (mut heads, mut depth, mut item_start) = (Vec::new(), 0, true);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => item_start = true,
            c if item_start && !c.is_whitespace() => {
                heads.push(ident(&group[i..]));
                item_start = false;
            }
            _ => {}
        }
    }
    heads
}

fn ident(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).expect("a layer folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}
