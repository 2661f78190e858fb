//! Every rule, registered once.

use super::Rule;

static RULES: &[&dyn Rule] = &[];

pub fn all_rules() -> &'static [&'static dyn Rule] {
    RULES
}

pub fn find_rule(id: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().id == id)
}
