//! IAM's evaluation of a role trust policy for one web-identity request, three-valued.
//!
//! A statement applies when its principal, its action and every one of its conditions match
//! (conditions: AND across operators and keys, OR across the values of one key). A matching
//! `Deny` wins over everything; otherwise a matching `Allow` grants; otherwise the request is
//! implicitly denied (IAM User Guide, "Policy evaluation logic",
//! https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html, and
//! "IAM JSON policy elements: Condition",
//! https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html). Where trustlint cannot decide a part (an operator it
//! does not evaluate, a key AWS sets that the request does not give…) the part is `Unknown`,
//! and an `Unknown` that could change the decision makes the decision `Unknown`: never a guess.

pub use super::condition::aws_always_sets;
use super::{allows_action, condition};
use crate::policy::{
    ConditionBlock, ConditionEntry, Effect, Principal, PrincipalKind, Statement, TrustPolicy,
};

/// The action of every web-identity assume.
pub const ASSUME_ROLE_WITH_WEB_IDENTITY: &str = "sts:AssumeRoleWithWebIdentity";

/// The simulated `AssumeRole…` call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    /// The Federated principal the caller's token comes from (an OIDC provider ARN, or a name
    /// such as `accounts.google.com`); `None`: "a token from the provider the statement names".
    pub principal: Option<String>,
    pub action: String,
    /// Fully-qualified condition key -> value; a key repeated is a multivalued key.
    pub claims: Vec<(String, String)>,
}

impl Request {
    /// An `sts:AssumeRoleWithWebIdentity` request.
    pub fn web_identity(principal: Option<String>, claims: Vec<(String, String)>) -> Self {
        Request {
            principal,
            action: ASSUME_ROLE_WITH_WEB_IDENTITY.to_string(),
            claims,
        }
    }

    /// The request's values of a key (key names are case-insensitive), in the order given.
    pub fn values(&self, key: &str) -> Vec<&str> {
        self.claims
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Truth {
    True,
    False,
    Unknown,
}

impl Truth {
    /// Kleene AND: false wins, then unknown.
    pub fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::False, _) | (_, Truth::False) => Truth::False,
            (Truth::Unknown, _) | (_, Truth::Unknown) => Truth::Unknown,
            _ => Truth::True,
        }
    }

    /// Kleene OR: true wins, then unknown.
    pub fn or(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::True, _) | (_, Truth::True) => Truth::True,
            (Truth::Unknown, _) | (_, Truth::Unknown) => Truth::Unknown,
            _ => Truth::False,
        }
    }

    /// AND of all (true for none).
    pub fn all(items: impl IntoIterator<Item = Truth>) -> Truth {
        items.into_iter().fold(Truth::True, Truth::and)
    }

    /// OR of all (false for none).
    pub fn any(items: impl IntoIterator<Item = Truth>) -> Truth {
        items.into_iter().fold(Truth::False, Truth::or)
    }

    /// `"true"`, `"false"` or `"unknown"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Truth::True => "true",
            Truth::False => "false",
            Truth::Unknown => "unknown",
        }
    }
}

impl From<bool> for Truth {
    fn from(b: bool) -> Self {
        if b {
            Truth::True
        } else {
            Truth::False
        }
    }
}

impl std::ops::Not for Truth {
    type Output = Truth;
    fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Decision {
    Allow,
    Deny,
    Unknown,
}

impl Decision {
    /// `"allow"`, `"deny"` or `"unknown"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::Deny => "deny",
            Decision::Unknown => "unknown",
        }
    }
}

/// One condition (one key under one operator) of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionOutcome {
    /// Index into `Statement::conditions`.
    pub block: usize,
    /// Index into `ConditionBlock::entries`.
    pub entry: usize,
    pub truth: Truth,
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementOutcome {
    /// The statement's `Statement::index` (its position in the policy's `Statement` list).
    pub index: usize,
    pub effect: Effect,
    pub principal: Truth,
    pub action: Truth,
    /// Every condition in source order (block by block, entry by entry).
    pub conditions: Vec<ConditionOutcome>,
    /// principal AND action AND every condition.
    pub matched: Truth,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub decision: Decision,
    /// The `Statement::index` of the statement that decided: the matching Deny, the matching
    /// Allow, or for `Unknown` the statement that could not be decided; `None` for an implicit
    /// deny.
    pub statement: Option<usize>,
    pub reason: String,
    /// One per statement of the model, in order.
    pub statements: Vec<StatementOutcome>,
}

/// Evaluates the whole policy for `request`.
pub fn evaluate(policy: &TrustPolicy, request: &Request) -> Evaluation {
    let expand = policy.expands_variables();
    let mut outcomes = Vec::with_capacity(policy.statements.len());
    let mut whys = Vec::with_capacity(policy.statements.len());
    for statement in &policy.statements {
        let (principal, principal_why) = principal_outcome(statement, request);
        let (action, action_why) = action_outcome(statement, request);
        let conditions = statement_conditions(statement, request, expand);
        let matched = Truth::all(
            [principal, action]
                .into_iter()
                .chain(conditions.iter().map(|c| c.truth)),
        );
        outcomes.push(StatementOutcome {
            index: statement.index,
            effect: statement.effect.value,
            principal,
            action,
            conditions,
            matched,
        });
        whys.push(Whys {
            principal: principal_why,
            action: action_why,
        });
    }
    decide(policy, outcomes, &whys)
}

/// Evaluates one condition. `block` and `entry` of the result are 0: this function does not
/// know where the condition sits; [`evaluate`] fills them in.
pub fn evaluate_condition(
    block: &ConditionBlock,
    entry: &ConditionEntry,
    request: &Request,
    expand_variables: bool,
) -> ConditionOutcome {
    let (truth, explanation) = if let Some(value) = entry.unresolved.first() {
        // A value trustlint could not resolve (a template parameter without a default) may
        // match or not: say so rather than guess.
        (
            Truth::Unknown,
            format!(
                "{} {} depends on the unresolved value {}",
                block.operator, entry.key.value, value.value
            ),
        )
    } else {
        condition::evaluate(&block.operator, entry, request, expand_variables)
    };
    ConditionOutcome {
        block: 0,
        entry: 0,
        truth,
        explanation,
    }
}

/// Every condition of a statement, with its block and entry indices.
pub fn statement_conditions(
    statement: &Statement,
    request: &Request,
    expand_variables: bool,
) -> Vec<ConditionOutcome> {
    let mut out = Vec::new();
    for (b, block) in statement.conditions.iter().enumerate() {
        for (e, entry) in block.entries.iter().enumerate() {
            let mut outcome = evaluate_condition(block, entry, request, expand_variables);
            outcome.block = b;
            outcome.entry = e;
            out.push(outcome);
        }
    }
    out
}

/// Whether the statement's `Principal`/`NotPrincipal` covers the request's principal, and why.
pub fn principal_outcome(statement: &Statement, request: &Request) -> (Truth, String) {
    let (truth, why) = resolved_principal_outcome(statement, request);
    let clause = statement.principal.as_ref();
    let negated = clause.is_some_and(|c| c.negated);
    match clause.and_then(|c| c.unresolved.first()) {
        // An unresolved value may add a principal (or, under NotPrincipal, exclude one).
        Some(value) if negated || truth != Truth::True => (
            Truth::Unknown,
            format!("its principal {} is unresolved", value.value),
        ),
        _ => (truth, why),
    }
}

fn resolved_principal_outcome(statement: &Statement, request: &Request) -> (Truth, String) {
    let Some(clause) = &statement.principal else {
        return (Truth::False, "it has no Principal".into());
    };
    let entries = match &clause.value {
        Principal::Wildcard(_) if clause.negated => {
            return (
                Truth::False,
                "its NotPrincipal \"*\" excludes every principal".into(),
            )
        }
        Principal::Wildcard(_) => {
            return (
                Truth::True,
                "its Principal is \"*\": it trusts anyone".into(),
            )
        }
        Principal::Entries(entries) => entries,
    };
    let federated: Vec<&str> = entries
        .iter()
        .filter(|e| e.kind.value == PrincipalKind::Federated)
        .flat_map(|e| e.values.iter().map(|v| v.value.as_str()))
        .collect();
    let aws_star = entries
        .iter()
        .any(|e| e.kind.value == PrincipalKind::Aws && e.values.iter().any(|v| v.value == "*"));
    let listed = describe_principals(entries);
    const AWS_STAR: &str =
        "{\"AWS\": \"*\"}, and whether that covers a web-identity caller is not documented";

    if clause.negated {
        let Some(p) = &request.principal else {
            return (
                Truth::Unknown,
                "it uses NotPrincipal, and the simulated request names no principal (pass --principal)"
                    .into(),
            );
        };
        if federated.contains(&p.as_str()) {
            return (Truth::False, format!("its NotPrincipal excludes {p}"));
        }
        if aws_star {
            return (Truth::Unknown, format!("its NotPrincipal has {AWS_STAR}"));
        }
        return (
            Truth::True,
            format!("its NotPrincipal ({listed}) does not exclude {p}"),
        );
    }

    match &request.principal {
        Some(p) if federated.contains(&p.as_str()) => (Truth::True, format!("it trusts {p}")),
        None if !federated.is_empty() => (
            Truth::True,
            format!(
                "it trusts Federated {} (the simulated token comes from the provider it names)",
                super::value::quote_list(federated.iter().copied())
            ),
        ),
        _ if aws_star => (Truth::Unknown, format!("its Principal is {AWS_STAR}")),
        Some(p) => (
            Truth::False,
            format!("it does not trust {p}: its Principal is {listed}"),
        ),
        None => (
            Truth::False,
            format!("its Principal ({listed}) names no Federated identity provider"),
        ),
    }
}

fn describe_principals(entries: &[crate::policy::PrincipalEntry]) -> String {
    if entries.is_empty() {
        return "empty".into();
    }
    entries
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e.kind.value.name(),
                super::value::quote_list(e.values.iter().map(|v| v.value.as_str()))
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether the statement's `Action`/`NotAction` covers the request's action, and why.
pub fn action_outcome(statement: &Statement, request: &Request) -> (Truth, String) {
    let Some(clause) = &statement.action else {
        return (Truth::False, "it has no Action".into());
    };
    let list = super::value::quote_list(clause.values.iter().map(|v| v.value.as_str()));
    let covered = allows_action(clause, &request.action);
    let why = match (clause.negated, covered) {
        (false, true) => format!("its Action {list} covers {}", request.action),
        (false, false) => format!("its Action {list} does not cover {}", request.action),
        (true, true) => format!("its NotAction {list} does not exclude {}", request.action),
        (true, false) => format!("its NotAction {list} excludes {}", request.action),
    };
    (Truth::from(covered), why)
}

struct Whys {
    principal: String,
    action: String,
}

fn decide(policy: &TrustPolicy, outcomes: Vec<StatementOutcome>, whys: &[Whys]) -> Evaluation {
    let find = |effect: Effect, truth: Truth| {
        outcomes
            .iter()
            .position(|o| o.effect == effect && o.matched == truth)
    };
    let label = |i: usize| policy.statements[i].label();
    let result = |decision, at: Option<usize>, reason: String| (decision, at, reason);

    let (decision, at, reason) = if let Some(d) = find(Effect::Deny, Truth::True) {
        result(
            Decision::Deny,
            Some(d),
            format!(
                "{} denies the request: {}",
                label(d),
                summary(&outcomes[d], &whys[d])
            ),
        )
    } else {
        let deny_unknown = find(Effect::Deny, Truth::Unknown);
        let allow_true = find(Effect::Allow, Truth::True);
        let allow_unknown = find(Effect::Allow, Truth::Unknown);
        match (deny_unknown, allow_true.or(allow_unknown)) {
            (Some(d), Some(a)) => result(
                Decision::Unknown,
                Some(d),
                format!(
                    "{} is a Deny that trustlint cannot decide ({}); if it matches it overrides {}",
                    label(d),
                    first_unknown(&outcomes[d], &whys[d]),
                    label(a)
                ),
            ),
            (Some(d), None) => result(
                Decision::Deny,
                None,
                format!(
                    "{} (the Deny in {} cannot be decided, but nothing allows the request either way)",
                    implicit_deny(policy, &outcomes, whys),
                    label(d)
                ),
            ),
            (None, _) => match (allow_true, allow_unknown) {
                (Some(a), _) => result(
                    Decision::Allow,
                    Some(a),
                    format!("{} allows the request: {}", label(a), summary(&outcomes[a], &whys[a])),
                ),
                (None, Some(a)) => result(
                    Decision::Unknown,
                    Some(a),
                    format!(
                        "{} may allow the request, but trustlint cannot decide: {}",
                        label(a),
                        first_unknown(&outcomes[a], &whys[a])
                    ),
                ),
                (None, None) => result(
                    Decision::Deny,
                    None,
                    implicit_deny(policy, &outcomes, whys),
                ),
            },
        }
    };
    Evaluation {
        decision,
        statement: at.map(|i| outcomes[i].index),
        reason,
        statements: outcomes,
    }
}

/// Why a matching statement matches.
fn summary(outcome: &StatementOutcome, whys: &Whys) -> String {
    let conditions = match outcome.conditions.len() {
        0 => "it has no Condition at all".to_string(),
        1 => "its only condition holds".to_string(),
        n => format!("all {n} of its conditions hold"),
    };
    format!("{}; {}; {conditions}", whys.principal, whys.action)
}

fn first_unknown(outcome: &StatementOutcome, whys: &Whys) -> String {
    if outcome.principal == Truth::Unknown {
        return whys.principal.clone();
    }
    outcome
        .conditions
        .iter()
        .find(|c| c.truth == Truth::Unknown)
        .map(|c| c.explanation.clone())
        .unwrap_or_else(|| "a part of it is unknown".into())
}

/// The position (in `outcomes`) of the Allow statement closest to matching: its principal
/// matches, then its action, then it has the fewest false conditions; the first on a tie.
/// `None` when there is no Allow statement.
pub fn closest_allow(outcomes: &[StatementOutcome]) -> Option<usize> {
    outcomes
        .iter()
        .enumerate()
        .filter(|(_, o)| o.effect == Effect::Allow)
        .max_by_key(|(i, o)| {
            let false_conditions = o
                .conditions
                .iter()
                .filter(|c| c.truth == Truth::False)
                .count();
            (
                o.principal != Truth::False,
                o.action != Truth::False,
                std::cmp::Reverse(false_conditions),
                std::cmp::Reverse(*i),
            )
        })
        .map(|(i, _)| i)
}

/// "No statement allows the request" and why the closest Allow statement fails.
fn implicit_deny(policy: &TrustPolicy, outcomes: &[StatementOutcome], whys: &[Whys]) -> String {
    let Some((i, o)) = closest_allow(outcomes).map(|i| (i, &outcomes[i])) else {
        return if outcomes.is_empty() {
            "no statement allows the request: the policy has no statement".into()
        } else {
            "no statement allows the request: the policy has no Allow statement".into()
        };
    };
    let label = policy.statements[i].label();
    let why = if o.principal == Truth::False {
        whys[i].principal.clone()
    } else if o.action == Truth::False {
        whys[i].action.clone()
    } else {
        let failed: Vec<&ConditionOutcome> = o
            .conditions
            .iter()
            .filter(|c| c.truth == Truth::False)
            .collect();
        match failed.as_slice() {
            [] => "it does not match".into(),
            [only] => format!("its condition is false: {}", only.explanation),
            [first, rest @ ..] => format!(
                "its condition is false: {} (and {} more false condition{})",
                first.explanation,
                rest.len(),
                if rest.len() == 1 { "" } else { "s" }
            ),
        }
    };
    let closest = if outcomes
        .iter()
        .filter(|o| o.effect == Effect::Allow)
        .count()
        == 1
    {
        format!("the only Allow, {label}")
    } else {
        format!("the closest, {label}")
    };
    format!("no statement allows the request; {closest}, fails: {why}")
}
