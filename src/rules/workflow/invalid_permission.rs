//! `invalid-permission`: a `permissions:` block GitHub rejects — `id-token: read`, an unknown
//! scope, a level a scope does not take, or a value that is not a permission set at all.

use crate::rules::spelling::is_near;
use crate::rules::{Finding, Rule, WorkflowContext};
use crate::source::{Node, NodeKind};
use crate::workflow::{Permissions, PermissionsKind, WorkflowProblemKind};

crate::declare_rule!(InvalidPermission, "invalid-permission", High);

const RWN: &[&str] = &["read", "write", "none"];
const RN: &[&str] = &["read", "none"];
const WN: &[&str] = &["write", "none"];

/// Every `GITHUB_TOKEN` scope of the workflow schema and the levels it takes
/// (workflow-permissions.md, "Permissions").
pub const SCOPES: &[(&str, &[&str])] = &[
    ("actions", RWN),
    ("artifact-metadata", RWN),
    ("attestations", RWN),
    ("checks", RWN),
    ("code-quality", RWN),
    ("contents", RWN),
    ("copilot-requests", WN),
    ("deployments", RWN),
    ("discussions", RWN),
    ("drives", RWN),
    ("id-token", WN),
    ("issues", RWN),
    ("models", RN),
    ("packages", RWN),
    ("pages", RWN),
    ("pull-requests", RWN),
    ("repository-projects", RWN),
    ("security-events", RWN),
    ("statuses", RWN),
    ("vulnerability-alerts", RN),
];

/// The levels a scope takes; `None` for an unknown scope.
pub fn levels(scope: &str) -> Option<&'static [&'static str]> {
    SCOPES.iter().find(|(s, _)| *s == scope).map(|(_, l)| *l)
}

/// The known scope an unknown one was probably meant to be: same letters in another case or
/// with `_` for `-`, or a small typo.
pub fn nearest_scope(scope: &str) -> Option<&'static str> {
    let normal = |s: &str| s.to_ascii_lowercase().replace(['_', ' '], "-");
    let squash = |s: &str| normal(s).replace('-', "");
    let wanted = normal(scope);
    SCOPES
        .iter()
        .map(|(s, _)| *s)
        .find(|s| *s == wanted || squash(s) == squash(scope))
        .or_else(|| {
            // A singular/plural slip (`pull-request`, `issue`, `content`).
            SCOPES
                .iter()
                .map(|(s, _)| *s)
                .find(|s| s.strip_suffix('s') == Some(wanted.as_str()) || format!("{s}s") == wanted)
        })
        .or_else(|| SCOPES.iter().map(|(s, _)| *s).find(|s| is_near(&wanted, s)))
}

/// The shorthand a wrong whole-block value was probably meant to be.
fn nearest_shorthand(value: &str) -> Option<&'static str> {
    let v = value.trim().to_ascii_lowercase().replace(['_', ' '], "-");
    match v.as_str() {
        "read-all" | "readall" | "read" | "read-only" | "readonly" => Some("read-all"),
        "write-all" | "writeall" | "write" => Some("write-all"),
        "none" | "none-all" | "{}" => Some("{}"),
        _ => None,
    }
}

impl Rule for InvalidPermission {
    fn check_workflow(&self, ctx: &WorkflowContext<'_>, out: &mut Vec<Finding>) {
        let mut blocks: Vec<(String, &Permissions)> = Vec::new();
        if let Some(p) = &ctx.workflow.permissions {
            blocks.push(("the workflow-level permissions".to_string(), p));
        }
        for job in &ctx.workflow.jobs {
            if let Some(p) = &job.permissions {
                blocks.push((format!("job `{}`'s permissions", job.id.value), p));
            }
        }
        // Shapes the model could not read: a whole block that is not a permission set, or a
        // level that is not a scalar.
        for problem in ctx
            .problems
            .iter()
            .filter(|p| p.kind == WorkflowProblemKind::InvalidPermissions)
        {
            let whole = blocks.iter().find_map(|(where_, b)| match &b.kind {
                PermissionsKind::Invalid(node) if b.span == problem.span => {
                    Some((where_, *b, node))
                }
                _ => None,
            });
            let finding = match whole {
                Some((where_, block, node)) => whole_block(ctx, where_, block, node),
                None => ctx
                    .finding(
                        &Self::META,
                        problem.span,
                        format!("{}: GitHub rejects the workflow", problem.message),
                    )
                    .help("write the level as a plain word: read, write or none")
                    .route(format!("permissions/shape@{}", problem.span.start)),
            };
            out.push(finding);
        }
        for (where_, block) in &blocks {
            let PermissionsKind::Map(entries) = &block.kind else {
                continue;
            };
            let route = |what: &str| format!("permissions@{where_}/{what}");
            for entry in entries {
                let scope = entry.scope.value.as_str();
                let level = entry.level.value.as_str();
                let Some(allowed) = levels(scope) else {
                    let (message, help) = unknown_scope(scope, where_);
                    out.push(
                        ctx.finding(&Self::META, entry.scope.span, message)
                            .help(help)
                            .route(route(scope)),
                    );
                    continue;
                };
                if allowed.contains(&level) {
                    continue;
                }
                let (message, help) = bad_level(scope, level, allowed, where_);
                out.push(
                    ctx.finding(&Self::META, entry.level.span, message)
                        .help(help)
                        .route(route(scope)),
                );
            }
        }
    }
}

fn whole_block(
    ctx: &WorkflowContext<'_>,
    where_: &str,
    block: &Permissions,
    node: &Node,
) -> Finding {
    let found = match &node.kind {
        NodeKind::Null => "nothing (null)".to_string(),
        NodeKind::String(s) => format!("\"{s}\""),
        NodeKind::Number(n) => n.clone(),
        NodeKind::Bool(b) => b.to_string(),
        _ => node.type_name().to_string(),
    };
    let message = format!(
        "{where_} are {found}, which is not a permission set: GitHub accepts only read-all, write-all, {{}} or a mapping of scopes to levels, and rejects the workflow"
    );
    let shorthand = crate::workflow::scalar_text(node)
        .as_deref()
        .and_then(nearest_shorthand);
    let help = match (shorthand, &node.kind) {
        (_, NodeKind::Null) => "write `permissions: {}` to give no permissions, or list the scopes the jobs need, e.g. `permissions: {contents: read}`".to_string(),
        (Some("write-all"), _) => "did you mean `write-all`? Better, list the scopes the jobs need (`permissions: {contents: read}`; `id-token: write` only in jobs that request an OIDC token): write-all grants every scope, id-token included".to_string(),
        (Some(s), _) => format!("did you mean `{s}`? Or list the scopes, e.g. `permissions: {{contents: read}}`"),
        (None, _) => "list the scopes as a mapping, e.g. `permissions: {contents: read, id-token: write}`".to_string(),
    };
    ctx.finding(&InvalidPermission::META, block.span, message)
        .help(help)
        .route(format!("permissions@{where_}/shape"))
}

fn unknown_scope(scope: &str, where_: &str) -> (String, String) {
    let message = format!(
        "`{scope}` in {where_} is not a permission scope: GitHub rejects the workflow (Unexpected value '{scope}')"
    );
    let help = match nearest_scope(scope) {
        Some(known) if known.eq_ignore_ascii_case(scope) => {
            format!("scope names are lowercase: write `{known}`")
        }
        Some(known) => format!("did you mean `{known}`?"),
        None => format!(
            "use one of the scopes GitHub knows: {}",
            SCOPES
                .iter()
                .map(|(s, _)| *s)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    (message, help)
}

fn bad_level(scope: &str, level: &str, allowed: &[&str], where_: &str) -> (String, String) {
    let choices = match allowed {
        [first @ .., last] if !first.is_empty() => format!("{} or {last}", first.join(", ")),
        _ => allowed.join(" or "),
    };
    let rejects = format!("GitHub rejects the workflow (Unexpected value '{level}')");
    if scope == "id-token" && level == "read" {
        return (
            format!(
                "`id-token: read` in {where_} is not a level GitHub accepts: id-token has no read level, and {rejects}"
            ),
            "write `id-token: write` in the jobs that request an OIDC token (configure-aws-credentials, attestations…) and leave it out (none) everywhere else".to_string(),
        );
    }
    if allowed.iter().any(|a| a.eq_ignore_ascii_case(level.trim())) {
        return (
            format!("`{scope}: {level}` in {where_}: levels are lowercase, and {rejects}"),
            format!("write `{scope}: {}`", level.trim().to_ascii_lowercase()),
        );
    }
    let known = ["read", "write", "none"].contains(&level);
    let message = if known {
        format!("`{scope}` takes only {choices}, not {level}, in {where_}: {rejects}")
    } else {
        format!("`{level}` is not a permission level (`{scope}` takes {choices}) in {where_}: {rejects}")
    };
    (message, format!("write `{scope}: {}`", allowed[0]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_scopes() {
        assert_eq!(nearest_scope("ID-Token"), Some("id-token"));
        assert_eq!(nearest_scope("id_token"), Some("id-token"));
        assert_eq!(nearest_scope("idtoken"), Some("id-token"));
        assert_eq!(nearest_scope("pull-request"), Some("pull-requests"));
        assert_eq!(nearest_scope("pull_requests"), Some("pull-requests"));
        assert_eq!(nearest_scope("content"), Some("contents"));
        assert_eq!(nearest_scope("contnets"), Some("contents"));
        assert_eq!(nearest_scope("attestation"), Some("attestations"));
        assert_eq!(nearest_scope("admin"), None);
        assert_eq!(nearest_scope(""), None);
        assert_eq!(nearest_scope(&"x".repeat(10_000)), None);
    }

    #[test]
    fn scope_levels() {
        assert_eq!(levels("id-token"), Some(WN));
        assert_eq!(levels("copilot-requests"), Some(WN));
        assert_eq!(levels("models"), Some(RN));
        assert_eq!(levels("vulnerability-alerts"), Some(RN));
        assert_eq!(levels("contents"), Some(RWN));
        assert_eq!(levels("Contents"), None);
        assert_eq!(SCOPES.len(), 20);
    }

    #[test]
    fn level_messages() {
        let (m, h) = bad_level("id-token", "read", WN, "job `a`'s permissions");
        assert!(m.contains("id-token has no read level"), "{m}");
        assert!(m.contains("Unexpected value 'read'"), "{m}");
        assert!(h.contains("id-token: write"), "{h}");
        let (m, h) = bad_level("contents", "Read", RWN, "x");
        assert!(m.contains("lowercase"), "{m}");
        assert_eq!(h, "write `contents: read`");
        let (m, _) = bad_level("models", "write", RN, "x");
        assert!(m.contains("takes only read or none, not write"), "{m}");
        let (m, _) = bad_level("contents", "admin", RWN, "x");
        assert!(m.contains("`admin` is not a permission level"), "{m}");
    }

    #[test]
    fn shorthands() {
        assert_eq!(nearest_shorthand("read"), Some("read-all"));
        assert_eq!(nearest_shorthand("Read_All"), Some("read-all"));
        assert_eq!(nearest_shorthand("write"), Some("write-all"));
        assert_eq!(nearest_shorthand("none"), Some("{}"));
        assert_eq!(nearest_shorthand("all"), None);
    }
}
