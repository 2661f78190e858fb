//! The README's rule table is generated from the registry; this test keeps the two in step.

use trustlint::rules::all_rules;

fn rule_table() -> String {
    let mut table = String::from("| rule | severity | what it reports |\n| --- | --- | --- |\n");
    for rule in all_rules() {
        let meta = rule.meta();
        table.push_str(&format!(
            "| [`{}`](rules/{}.md) | {} | {} |\n",
            meta.id,
            meta.id,
            meta.severity,
            meta.summary()
                .trim_start_matches("Reports ")
                .replace('|', "\\|")
        ));
    }
    table
}

#[test]
fn readme_rule_table_matches_the_registry() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let (start, end) = ("<!-- rules:start -->\n", "<!-- rules:end -->");
    let from = readme.find(start).expect("rules:start marker") + start.len();
    let to = readme.find(end).expect("rules:end marker");
    let expected = rule_table();
    if readme[from..to] != expected {
        if std::env::var_os("TRUSTLINT_UPDATE_README").is_some() {
            let updated = format!("{}{}{}", &readme[..from], expected, &readme[to..]);
            std::fs::write(path, updated).unwrap();
        } else {
            panic!(
                "README.md's rule table is out of date; run `TRUSTLINT_UPDATE_README=1 cargo test --test readme`.\nExpected:\n{expected}"
            );
        }
    }
}
