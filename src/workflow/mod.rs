//! GitHub Actions workflows: `uses:` references and `${{ … }}` context references.

mod expr;
mod uses;

pub use expr::{condition_refs, expression_refs, has_expression, ExprRef, CONTEXTS};
pub use uses::{UsesKind, UsesRef};
