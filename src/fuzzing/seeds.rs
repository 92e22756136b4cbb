//! Every committed seed and past finding of every fuzz target, replayed by `cargo test`:
//! a finding fixed once stays fixed without a fuzzer.

use std::path::Path;

use super::TARGETS;

#[test]
fn every_seed_keeps_its_targets_invariant() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    for (target, run) in TARGETS {
        let dir = seeds.join(target);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no seed for {target}");
        for file in files {
            let data = std::fs::read(&file).unwrap();
            let replay = std::panic::catch_unwind(|| run(&data));
            assert!(
                replay.is_ok(),
                "{target}: {} broke its invariant",
                file.display()
            );
        }
    }
}
