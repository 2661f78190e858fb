//! IAM's evaluation of a trust policy for one assume request.

mod condition;
mod eval;
mod value;
pub mod wildcard;

#[cfg(test)]
mod eval_tests;

pub use eval::*;

use crate::policy::ActionClause;

/// True when the clause covers `action` (IAM action names are case-insensitive and take `*`/`?`).
pub fn allows_action(clause: &ActionClause, action: &str) -> bool {
    let action = action.to_ascii_lowercase();
    let listed = clause
        .values
        .iter()
        .any(|v| wildcard::like_match(&v.value.to_ascii_lowercase(), &action));
    listed != clause.negated
}
