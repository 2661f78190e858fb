//! Regression mode of the fuzz targets, on stable Rust: every input committed under
//! `fuzz/corpus/<target>/` goes through the same harness as `cargo fuzz run <target>`, which runs
//! the whole check, renders every output format and asserts the output promises.

use std::path::Path;
use trustlint::harness::{run, Target};

#[test]
fn every_committed_corpus_input_keeps_the_output_promises() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut replayed = 0;
    for target in Target::ALL {
        let dir = corpus.join(target.name());
        let mut inputs: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        inputs.sort();
        assert!(!inputs.is_empty(), "no seed for {}", target.name());
        for input in inputs {
            let data = std::fs::read(&input).unwrap();
            let result = std::panic::catch_unwind(|| run(target, &data));
            assert!(result.is_ok(), "{} broke a promise", input.display());
            replayed += 1;
        }
    }
    assert!(replayed >= Target::ALL.len());
}

#[test]
fn every_target_has_a_corpus_directory_and_a_fuzz_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    for target in Target::ALL {
        assert_eq!(Target::from_name(target.name()), Some(target));
        assert!(root.join("corpus").join(target.name()).is_dir());
        assert!(root
            .join("fuzz_targets")
            .join(format!("{}.rs", target.name()))
            .is_file());
    }
}

#[test]
fn the_harness_catches_a_forged_command_or_a_raw_control() {
    use trustlint::harness::check;
    for bad in [
        "ok\n::error::forged",
        "  ::stop-commands::x",
        "a\u{1b}]0;t\u{7}",
        "x\u{202e}y",
    ] {
        assert!(
            std::panic::catch_unwind(|| check(bad, false)).is_err(),
            "{bad:?}"
        );
    }
    check("::error file=a.json,line=1,col=1::m\n", true);
}
