//! GitHub OIDC subject grammar and pattern analysis.
