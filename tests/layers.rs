//! The layers of ARCHITECTURE.md, enforced: a module of `src/` may use (`crate::…`) modules of its
//! own layer and of the layers below it, never one above, except for the exceptions listed in
//! [`ALLOWED`], each with its reason. ARCHITECTURE.md's drawing must name every module on the
//! line of its layer, and every top-level module of `src/` must have a layer.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The layers, lowest first, with their top-level modules (`src/<module>/` or `src/<module>.rs`).
const LAYERS: &[(&str, &[&str])] = &[
    ("source", &["source", "escape"]),
    ("models", &["policy", "workflow", "sources"]),
    ("engines", &["iam", "subject", "predict"]),
    ("facts", &["config", "repo"]),
    ("rules", &["rules"]),
    ("findings", &["report", "suppress", "baseline"]),
    ("scan", &["scan"]),
    ("cli", &["cli", "harness"]),
];

/// Imports of a higher layer that are allowed: (file, module it uses, why).
const ALLOWED: &[(&str, &str, &str)] = &[
    // The configuration names rules (`select`, `ignore`, per-rule severities), checks those ids
    // against the registry and builds the `Settings` rules honour: it must know the rules.
    (
        "src/config.rs",
        "rules",
        "rule ids, severities and settings",
    ),
    // A `[roles]` policy file that was not part of the scan is read with the scan's own loader,
    // so that it is parsed exactly as a scanned policy would be (and read only inside the
    // directory of the trustlint.toml that names it).
    ("src/rules/crosscheck/lookup.rs", "scan", "load_role_policy"),
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS
        .iter()
        .position(|(_, modules)| modules.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file of `src/` belongs to (`None` for the crate root and `main.rs`).
fn module_of(relative: &str) -> Option<String> {
    let rest = relative.strip_prefix("src/")?;
    if rest == "lib.rs" || rest == "main.rs" {
        return None;
    }
    let first = rest.split('/').next()?;
    Some(first.trim_end_matches(".rs").to_string())
}

/// The top-level modules a line of code names through `crate::` (`use crate::a::…`,
/// `crate::a::f()`, `use crate::{a::X, b::Y}`); macros (`crate::m!`) are not modules.
fn crate_paths(line: &str) -> Vec<String> {
    let code = line.split("//").next().unwrap_or("");
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != "self" {
                    out.push(name);
                }
            }
        } else {
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && !after[name.len()..].starts_with('!') {
                out.push(name);
            }
        }
        rest = after;
    }
    out
}

#[test]
fn every_module_has_a_layer() {
    let mut modules = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("src")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == "lib.rs" || name == "main.rs" {
            continue;
        }
        if path.is_dir() || name.ends_with(".rs") {
            modules.insert(name.trim_end_matches(".rs").to_string());
        }
    }
    for module in &modules {
        assert!(
            layer_of(module).is_some(),
            "src/{module}: no layer in tests/layers.rs (and ARCHITECTURE.md)"
        );
    }
    for (_, layer_modules) in LAYERS {
        for module in *layer_modules {
            assert!(
                modules.contains(*module),
                "{module}: no such module in src/"
            );
        }
    }
}

#[test]
fn architecture_md_draws_the_same_layers() {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    for (layer, modules) in LAYERS {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(layer))
            .unwrap_or_else(|| panic!("ARCHITECTURE.md: no line for the layer `{layer}`"));
        for module in *modules {
            assert!(
                line.contains(&format!("`{module}`")),
                "ARCHITECTURE.md: the `{layer}` line does not name `{module}`: {line}"
            );
        }
    }
}

#[test]
fn no_module_uses_a_higher_layer() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    files.sort();
    let mut violations = Vec::new();
    let mut used_exceptions = BTreeSet::new();
    for file in &files {
        let relative = file
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let Some(module) = module_of(&relative) else {
            continue;
        };
        let own = layer_of(&module).expect("every module has a layer");
        let text = std::fs::read_to_string(file).unwrap();
        for (number, line) in text.lines().enumerate() {
            for target in crate_paths(line) {
                let Some(theirs) = layer_of(&target) else {
                    continue;
                };
                if theirs <= own {
                    continue;
                }
                if let Some(allowed) = ALLOWED
                    .iter()
                    .find(|(f, m, _)| *f == relative && *m == target)
                {
                    used_exceptions.insert(allowed.0.to_string() + " -> " + allowed.1);
                    continue;
                }
                violations.push(format!(
                    "{relative}:{}: `{module}` ({}) uses `{target}` ({}): {}",
                    number + 1,
                    LAYERS[own].0,
                    LAYERS[theirs].0,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "imports of a higher layer (see ARCHITECTURE.md):\n{}",
        violations.join("\n")
    );
    for (file, module, _) in ALLOWED {
        assert!(
            used_exceptions.contains(&format!("{file} -> {module}")),
            "stale exception in ALLOWED: {file} no longer uses `{module}`"
        );
    }
}

#[test]
fn crate_paths_reads_uses_groups_and_calls() {
    assert_eq!(crate_paths("use crate::policy::{A, B};"), ["policy"]);
    assert_eq!(
        crate_paths("use crate::{source::Span, iam::Truth};"),
        ["source", "iam"]
    );
    assert_eq!(
        crate_paths("    let x = crate::scan::load(p) + crate::repo::f();"),
        ["scan", "repo"]
    );
    assert!(crate_paths("crate::declare_rule!(X, \"x\", High);").is_empty());
    assert!(crate_paths("// see crate::cli").is_empty());
}
