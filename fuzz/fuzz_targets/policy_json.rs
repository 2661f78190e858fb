#![no_main]
//! `cargo +nightly fuzz run policy_json`: see README.md, "Fuzzing".

use libfuzzer_sys::fuzz_target;
use trustlint::harness::{run, Target};

fuzz_target!(|data: &[u8]| run(Target::PolicyJson, data));
