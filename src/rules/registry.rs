//! Every rule, registered once, in the order `trustlint rules` lists them.

use super::*;

static RULES: &[&dyn Rule] = &[&duplicate_key::DuplicateKey, &invalid_policy::InvalidPolicy];

pub fn all_rules() -> &'static [&'static dyn Rule] {
    RULES
}

pub fn find_rule(id: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().id == id)
}
