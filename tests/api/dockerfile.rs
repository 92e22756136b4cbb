//! The Dockerfile against the tree, without building it (scripts/check-image.sh builds and
//! runs it, too slowly for every change): the image ships every binary in `src/bin`, and the
//! build stage copies every file the build reads.

use std::{
    collections::BTreeSet,
    fs,
    path::{Component, Path, PathBuf},
};

use regex::Regex;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn dockerfile() -> String {
    fs::read_to_string(root().join("Dockerfile")).expect("read the Dockerfile")
}

/// The instructions, with `\`-continued lines joined.
fn instructions(dockerfile: &str) -> Vec<String> {
    dockerfile
        .replace("\\\n", " ")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// The sources of the build stage's `COPY`s (the stage before the last `FROM`).
fn build_stage_copies(dockerfile: &str) -> Vec<String> {
    let lines = instructions(dockerfile);
    let runtime = lines.iter().rposition(|l| l.starts_with("FROM ")).unwrap();
    lines[..runtime]
        .iter()
        .filter_map(|l| l.strip_prefix("COPY "))
        .filter(|args| !args.starts_with("--from"))
        .flat_map(|args| {
            let words: Vec<&str> = args.split_whitespace().collect();
            words[..words.len() - 1]
                .iter()
                .map(|w| w.trim_end_matches('/').to_owned())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `a/b/../c` as `a/c`, relative to the repository.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => assert!(out.pop(), "{} leaves the repository", path.display()),
            Component::Normal(p) => out.push(p),
            _ => {}
        }
    }
    out
}

/// The sources a release build compiles: not the unit tests' `tests` modules.
fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap().map(Result::unwrap) {
        let path = entry.path();
        if path.file_stem().is_some_and(|stem| stem == "tests") {
            continue;
        }
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// Every path the build reads: the manifests, build script, crates, declared benches, and
/// what `include_str!` / `include_bytes!` name (a `concat!` prefix stands for its folder).
fn read_by_the_build() -> BTreeSet<String> {
    let mut paths: BTreeSet<String> = ["Cargo.toml", "Cargo.lock", "build.rs", "src", "migration"]
        .map(str::to_owned)
        .into();
    let manifest = fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let bench = Regex::new(r#"\[\[bench\]\]\s*name\s*=\s*"([^"]+)""#).unwrap();
    for name in bench.captures_iter(&manifest) {
        paths.insert(format!("benches/{}.rs", &name[1]));
    }
    let include = Regex::new(r#"include_(?:str|bytes)!\(\s*(?:concat!\(\s*)?"([^"]+)""#).unwrap();
    let mut sources = Vec::new();
    rust_files(&root().join("src"), &mut sources);
    rust_files(&root().join("migration/src"), &mut sources);
    for file in sources {
        let source = fs::read_to_string(&file).unwrap();
        let dir = file.parent().unwrap().strip_prefix(root()).unwrap();
        for target in include.captures_iter(&source) {
            let path = normalise(&dir.join(&target[1]));
            paths.insert(path.to_string_lossy().trim_end_matches('/').to_owned());
        }
    }
    paths
}

#[test]
fn the_build_stage_copies_every_file_the_build_reads() {
    let copies = build_stage_copies(&dockerfile());
    let covered = |path: &str| {
        copies
            .iter()
            .any(|c| c == "." || path == c || path.starts_with(&format!("{c}/")))
    };
    let missing: Vec<String> = read_by_the_build()
        .into_iter()
        .filter(|path| !covered(path))
        .collect();
    assert!(
        missing.is_empty(),
        "the Dockerfile does not COPY {missing:?}"
    );
    // The dependency layer builds before the sources are copied: each declared bench needs a stub.
    for bench in read_by_the_build()
        .iter()
        .filter(|p| p.starts_with("benches/"))
    {
        let stubbed = instructions(&dockerfile())
            .iter()
            .any(|l| l.starts_with("RUN ") && l.contains(bench.as_str()));
        assert!(stubbed, "the dependency layer has no stub for {bench}");
    }
}

#[test]
fn the_image_ships_every_binary_in_src_bin() {
    let lines = instructions(&dockerfile());
    let shipped: BTreeSet<String> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("COPY --from=build "))
        .flat_map(|args| {
            args.split_whitespace()
                .filter_map(|w| w.rsplit_once("/release/"))
        })
        .map(|(_, bin)| bin.to_owned())
        .collect();
    let mut wanted = BTreeSet::from(["accounts-api".to_owned()]);
    for entry in fs::read_dir(root().join("src/bin"))
        .unwrap()
        .map(Result::unwrap)
    {
        let path = entry.path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        wanted.insert(name);
    }
    assert_eq!(shipped, wanted, "the binaries the runtime stage copies");
}

#[test]
fn the_checks_read_what_they_should() {
    let copies =
        build_stage_copies("FROM a AS build\nCOPY x y/ ./\nCOPY --from=z q r\nFROM b\nCOPY s t\n");
    assert_eq!(copies, ["x", "y"]);
    assert!(read_by_the_build().contains("templates/email"));
    assert!(read_by_the_build().contains("benches/password_strength.rs"));
}
