//! `trustlint simulate POLICY --claim sub=… --claim aud=…`: evaluates a trust policy for one
//! `sts:AssumeRoleWithWebIdentity` call the way IAM would, and shows which statement and which
//! condition decided.
//!
//! Exit status: 0 allow, 1 deny, 2 unknown or error.

use std::io::IsTerminal;
use std::path::PathBuf;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};
use serde_json::{json, Map, Value};

use crate::escape::{emit, Commands};
use crate::iam::{
    action_outcome, aws_always_sets, closest_allow, evaluate, principal_outcome, Decision,
    Evaluation, Request, StatementOutcome, Truth,
};
use crate::policy::{
    build_policy, parse_oidc_provider_arn, Effect, ProblemKind, Statement, TrustPolicy,
};
use crate::source::{neutralize, parse_json, read_text, SourceFile, Span};

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SimFormat {
    Human,
    Json,
}

/// Evaluate a trust policy for one web-identity token, as IAM would.
#[derive(clap::Args, Debug)]
pub struct SimulateArgs {
    /// The trust policy document (JSON).
    pub policy: PathBuf,
    /// A claim of the token, KEY=VALUE (split at the first `=`; repeat for more claims or for a
    /// multivalued key). A KEY without `:` (`sub`, `aud`, `job_workflow_ref`…) is prefixed with
    /// the issuer of the principal, e.g. token.actions.githubusercontent.com:sub.
    #[arg(long = "claim", value_name = "KEY=VALUE")]
    pub claims: Vec<String>,
    /// The Federated principal that issued the token (an OIDC provider ARN). Default: the one
    /// the policy trusts, when it trusts exactly one.
    #[arg(long)]
    pub principal: Option<String>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: SimFormat,
}

pub fn run(args: &SimulateArgs) -> i32 {
    match simulate(args) {
        Ok(output) => {
            for warning in &output.warnings {
                eprintln!("{}", emit(&neutralize(warning), Commands::None));
            }
            print!("{}", emit(&output.stdout, Commands::None));
            output.code
        }
        Err(message) => {
            eprintln!("{}", emit(&message, Commands::None));
            2
        }
    }
}

struct Output {
    stdout: String,
    warnings: Vec<String>,
    code: i32,
}

/// Everything `simulate` would write (stdout, then the stderr lines) before the last pass
/// through [`emit`]; for the fuzz harness, which checks the output invariants on it.
#[doc(hidden)]
pub fn unemitted(args: &SimulateArgs) -> String {
    match simulate(args) {
        Ok(output) => {
            let mut out = output.stdout;
            for warning in &output.warnings {
                out.push_str(&neutralize(warning));
                out.push('\n');
            }
            out
        }
        Err(message) => message,
    }
}

fn simulate(args: &SimulateArgs) -> Result<Output, String> {
    let (file, policy, warnings) = load(&args.policy)?;
    let request = build_request(args, &policy)?;
    let evaluation = evaluate(&policy, &request);
    let stdout = match args.format {
        SimFormat::Json => render_json(&file, &policy, &request, &evaluation),
        SimFormat::Human => render_human(&file, &policy, &request, &evaluation),
    };
    let code = match evaluation.decision {
        Decision::Allow => 0,
        Decision::Deny => 1,
        Decision::Unknown => 2,
    };
    Ok(Output {
        stdout,
        warnings,
        code,
    })
}

/// Reads and parses the policy; problems that leave a usable model come back as warnings.
fn load(path: &std::path::Path) -> Result<(SourceFile, TrustPolicy, Vec<String>), String> {
    let shown = neutralize(&crate::source::display_path(path));
    let text = read_text(path)
        .map_err(|skipped| format!("{shown}: error: cannot read the policy: {}", skipped.reason))?;
    let file = SourceFile::new(path, text);
    let at = |span: Span| {
        let lc = file.line_col(span.start);
        format!(
            "{}:{}:{}",
            neutralize(&file.display_path),
            lc.line,
            lc.column
        )
    };
    let root = parse_json(&file.text).map_err(|e| {
        format!(
            "{}: error: invalid JSON: {}",
            at(e.span),
            neutralize(&e.message)
        )
    })?;
    let (policy, problems) = build_policy(&root);
    let describe = |severity: &str| {
        problems
            .iter()
            .map(|p| {
                let kind = match p.kind {
                    ProblemKind::DuplicateKey => " (duplicate key)",
                    ProblemKind::Invalid => "",
                };
                format!(
                    "{}: {severity}{kind}: {}",
                    at(p.span),
                    neutralize(&p.message)
                )
            })
            .collect::<Vec<_>>()
    };
    match policy {
        Some(policy) => {
            let warnings = describe("warning");
            Ok((file, policy, warnings))
        }
        None => {
            let mut errors = describe("error");
            if errors.is_empty() {
                errors.push(format!(
                    "{}: error: not a trust policy",
                    neutralize(&file.display_path)
                ));
            }
            Err(errors.join("\n"))
        }
    }
}

/// The Federated web-identity providers the policy names (OIDC provider ARNs, and provider names
/// such as `accounts.google.com`), in order of appearance.
fn web_identity_providers(policy: &TrustPolicy) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for statement in &policy.statements {
        for value in statement.federated() {
            if key_prefix(&value.value).is_some() && !out.contains(&value.value) {
                out.push(value.value.clone());
            }
        }
    }
    out
}

/// The condition-key prefix of a web-identity principal: the issuer of an OIDC provider ARN
/// (`token.actions.githubusercontent.com`, `ghe.example.com/_services/token`, `gitlab.com`), or
/// a provider given by name (`accounts.google.com`, `cognito-identity.amazonaws.com`).
fn key_prefix(principal: &str) -> Option<String> {
    if let Some(arn) = parse_oidc_provider_arn(principal) {
        return Some(arn.issuer);
    }
    if principal.starts_with("arn:") || principal.is_empty() || principal.contains('*') {
        return None;
    }
    Some(principal.to_string())
}

fn build_request(args: &SimulateArgs, policy: &TrustPolicy) -> Result<Request, String> {
    let mut parsed = Vec::new();
    for raw in &args.claims {
        let Some((key, value)) = raw.split_once('=') else {
            return Err(format!(
                "error: --claim {raw:?} is not KEY=VALUE (for example --claim sub=repo:octo-org/app:ref:refs/heads/main)"
            ));
        };
        if key.is_empty() {
            return Err(format!("error: --claim {raw:?} has an empty key"));
        }
        parsed.push((key.to_string(), value.to_string()));
    }

    let providers = web_identity_providers(policy);
    let principal = match &args.principal {
        Some(p) => Some(p.clone()),
        None if providers.len() == 1 => Some(providers[0].clone()),
        None => None,
    };

    let short: Vec<&str> = parsed
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| !k.contains(':'))
        .collect();
    let shown = |s: &str| neutralize(s);
    let prefix = match (short.first(), &principal) {
        (None, _) => None,
        (Some(_), Some(p)) => Some(key_prefix(p).ok_or_else(|| {
            format!(
                "error: cannot qualify claim \"{}\": the principal {} is not an OIDC identity provider; write the full condition key (ISSUER:{})",
                shown(short[0]), shown(p), shown(short[0])
            )
        })?),
        (Some(k), None) if providers.len() > 1 => {
            let list: Vec<String> = providers
                .iter()
                .map(|p| format!("  --principal {}", shown(p)))
                .collect();
            return Err(format!(
                "error: claim \"{}\" has no issuer prefix, and the policy trusts {} identity providers; say which one issued the token:\n{}",
                shown(k),
                providers.len(),
                list.join("\n")
            ));
        }
        (Some(k), None) => {
            return Err(format!(
                "error: claim \"{}\" has no issuer prefix, and the policy names no OIDC identity provider to take it from; write the full condition key (ISSUER:{}) or pass --principal",
                shown(k),
                shown(k)
            ));
        }
    };
    let claims = parsed
        .into_iter()
        .map(|(k, v)| match &prefix {
            Some(prefix) if !k.contains(':') => (format!("{prefix}:{k}"), v),
            _ => (k, v),
        })
        .collect();
    Ok(Request::web_identity(principal, claims))
}

fn statement_at(policy: &TrustPolicy, index: usize) -> &Statement {
    policy
        .statements
        .iter()
        .find(|s| s.index == index)
        .expect("every outcome comes from a statement of the policy")
}

fn effect_name(effect: Effect) -> &'static str {
    match effect {
        Effect::Allow => "Allow",
        Effect::Deny => "Deny",
    }
}

/// The claims as a JSON object: a string per key, a list for a key given more than once.
fn claims_json(request: &Request) -> Map<String, Value> {
    let mut map = Map::new();
    for (key, value) in &request.claims {
        match map.get_mut(key) {
            None => {
                map.insert(key.clone(), Value::String(value.clone()));
            }
            Some(Value::Array(items)) => items.push(Value::String(value.clone())),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, Value::String(value.clone())]);
            }
        }
    }
    map
}

fn render_json(
    file: &SourceFile,
    policy: &TrustPolicy,
    request: &Request,
    evaluation: &Evaluation,
) -> String {
    let statements: Vec<Value> = evaluation
        .statements
        .iter()
        .map(|outcome| {
            let statement = statement_at(policy, outcome.index);
            let conditions: Vec<Value> = outcome
                .conditions
                .iter()
                .map(|c| {
                    let block = &statement.conditions[c.block];
                    let entry = &block.entries[c.entry];
                    let lc = file.line_col(entry.key.span.start);
                    json!({
                        "operator": block.operator.to_string(),
                        "key": entry.key.value,
                        "result": c.truth.as_str(),
                        "explanation": c.explanation,
                        "line": lc.line,
                        "column": lc.column,
                    })
                })
                .collect();
            json!({
                "index": outcome.index,
                "sid": statement.sid.as_ref().map(|s| s.value.clone()),
                "effect": effect_name(outcome.effect),
                "matched": outcome.matched.as_str(),
                "conditions": conditions,
            })
        })
        .collect();
    let document = json!({
        "decision": evaluation.decision.as_str(),
        "statement": evaluation.statement,
        "reason": evaluation.reason,
        "principal": request.principal,
        "claims": claims_json(request),
        "statements": statements,
    });
    let text = serde_json::to_string_pretty(&document).expect("a JSON value serializes");
    format!("{}\n", crate::escape::json(&text))
}

fn render_human(
    file: &SourceFile,
    policy: &TrustPolicy,
    request: &Request,
    evaluation: &Evaluation,
) -> String {
    let mut out = String::new();
    let decision = match evaluation.decision {
        Decision::Allow => "ALLOW",
        Decision::Deny => "DENY",
        Decision::Unknown => "UNKNOWN",
    };
    out.push_str(decision);
    out.push('\n');
    // Every piece that may hold text from the file or the command line is one escaped line.
    out.push_str(&neutralize(&evaluation.reason));
    out.push_str("\n\nrequest\n");
    out.push_str(&format!(
        "  principal  {}\n",
        neutralize(
            request
                .principal
                .as_deref()
                .unwrap_or("(not given: the provider each statement names)")
        )
    ));
    out.push_str(&format!("  action     {}\n", neutralize(&request.action)));
    if request.claims.is_empty() {
        out.push_str("  claims     (none)\n");
    }
    for (key, value) in &request.claims {
        out.push_str(&format!(
            "  claim      {} = {}\n",
            neutralize(key),
            neutralize(&serde_json::to_string(value).unwrap_or_default())
        ));
    }

    for outcome in &evaluation.statements {
        let statement = statement_at(policy, outcome.index);
        let verdict = match outcome.matched {
            Truth::True => "matches",
            Truth::False => "does not match",
            Truth::Unknown => "cannot be decided",
        };
        out.push_str(&format!(
            "\n{}, {}: {verdict}\n",
            neutralize(&statement.label()),
            effect_name(outcome.effect)
        ));
        let (_, principal_why) = principal_outcome(statement, request);
        let (_, action_why) = action_outcome(statement, request);
        out.push_str(&format!(
            "  {:<8} principal: {}\n",
            outcome.principal.as_str(),
            neutralize(&principal_why)
        ));
        out.push_str(&format!(
            "  {:<8} action: {}\n",
            outcome.action.as_str(),
            neutralize(&action_why)
        ));
        for c in &outcome.conditions {
            out.push_str(&format!(
                "  {:<8} {}\n",
                c.truth.as_str(),
                neutralize(&c.explanation)
            ));
        }
    }

    let absent = untested_keys(policy, request);
    if !absent.is_empty() {
        out.push('\n');
        for key in absent {
            let key = neutralize(&key);
            if aws_always_sets(&key) {
                out.push_str(&format!(
                    "note: the policy tests {key}, which AWS sets on every request: give its value with --claim {key}=VALUE, or conditions on it stay unknown\n"
                ));
            } else {
                out.push_str(&format!(
                    "note: the policy tests {key}, which the request does not give: it is evaluated as absent from the token\n"
                ));
            }
        }
    }

    // Everything above may hold text from the file or the command line; the snippet is
    // neutralized piece by piece (it may carry the colour codes of the theme).
    let mut out = crate::escape::text(&out);
    if let Some(snippet) = snippet(file, policy, request, evaluation) {
        out.push('\n');
        out.push_str(&snippet);
    }
    out
}

/// Condition keys of the policy that the request has no value for, first spelling, in order.
fn untested_keys(policy: &TrustPolicy, request: &Request) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for statement in &policy.statements {
        for (_, entry) in statement.condition_entries() {
            let lower = entry.key_lower();
            if request.values(&entry.key.value).is_empty() && !seen.contains(&lower) {
                seen.push(lower);
                out.push(entry.key.value.clone());
            }
        }
    }
    out
}

/// The source of the statement that decided (or came closest), with its deciding parts labelled.
fn snippet(
    file: &SourceFile,
    policy: &TrustPolicy,
    request: &Request,
    evaluation: &Evaluation,
) -> Option<String> {
    let (position, severity) = match (evaluation.decision, evaluation.statement) {
        (Decision::Unknown, Some(index)) => (
            evaluation
                .statements
                .iter()
                .position(|o| o.index == index)?,
            miette::Severity::Warning,
        ),
        (Decision::Allow, Some(index)) => (
            evaluation
                .statements
                .iter()
                .position(|o| o.index == index)?,
            miette::Severity::Advice,
        ),
        (_, Some(index)) => (
            evaluation
                .statements
                .iter()
                .position(|o| o.index == index)?,
            miette::Severity::Error,
        ),
        (_, None) => (
            closest_allow(&evaluation.statements)?,
            miette::Severity::Error,
        ),
    };
    let outcome: &StatementOutcome = &evaluation.statements[position];
    let statement = statement_at(policy, outcome.index);
    // Label the parts that decided: for a match every part that holds, for an implicit deny the
    // parts that failed, for an unknown the parts that could not be decided.
    let wanted = match (evaluation.decision, evaluation.statement) {
        (Decision::Unknown, _) => Truth::Unknown,
        (_, Some(_)) => Truth::True,
        (_, None) => Truth::False,
    };
    let message = match (evaluation.decision, evaluation.statement) {
        (Decision::Allow, _) => format!("{} allows the request", statement.label()),
        (Decision::Deny, Some(_)) => format!("{} denies the request", statement.label()),
        (Decision::Deny, None) => format!("{} does not match", statement.label()),
        (Decision::Unknown, _) => format!("{} cannot be decided", statement.label()),
    };

    let source = NeutralSource::new(&file.text);
    let mut labels = Vec::new();
    let mut label = |span: Span, text: String| {
        labels.push(LabeledSpan::new_with_span(
            Some(neutralize(&text)),
            source.span(span),
        ));
    };
    let statement_start = Span::new(statement.span.start, statement.span.start + 1);
    if outcome.principal == wanted {
        let span = statement
            .principal
            .as_ref()
            .map_or(statement_start, |p| p.key_span);
        label(span, principal_outcome(statement, request).1);
    }
    if outcome.action == wanted && wanted != Truth::True {
        let span = statement
            .action
            .as_ref()
            .map_or(statement_start, |a| a.key_span);
        label(span, action_outcome(statement, request).1);
    }
    for c in outcome.conditions.iter().filter(|c| c.truth == wanted) {
        let entry = &statement.conditions[c.block].entries[c.entry];
        label(entry.key.span, c.explanation.clone());
    }
    if labels.is_empty() {
        return None;
    }
    // miette cannot lay out labels far into a line (minified JSON): no snippet then.
    let line_len = |at: usize| {
        let at = at.min(source.text.len());
        let start = source.text[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = source.text[at..]
            .find('\n')
            .map_or(source.text.len(), |i| at + i);
        end - start
    };
    if labels
        .iter()
        .any(|l| line_len(l.offset()) > crate::report::human::MAX_SNIPPET_LINE)
    {
        return None;
    }
    let diagnostic = MietteDiagnostic::new(neutralize(&message))
        .with_severity(severity)
        .with_labels(labels);
    let report = miette::Report::new(diagnostic).with_source_code(NamedSource::new(
        neutralize(&file.display_path),
        source.text,
    ));
    let theme = if use_color() {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(100);
    let mut rendered = String::new();
    handler.render_report(&mut rendered, report.as_ref()).ok()?;
    Some(rendered)
}

fn use_color() -> bool {
    std::io::stdout().is_terminal()
        && !matches!(std::env::var_os("NO_COLOR"), Some(v) if !v.is_empty())
}

/// The file's text with control characters neutralized (and CRLF shown as LF), with a map from
/// the original byte offsets to the new ones so that spans still point at the same text.
struct NeutralSource {
    text: String,
    map: Vec<usize>,
}

impl NeutralSource {
    fn new(original: &str) -> Self {
        let mut text = String::with_capacity(original.len());
        let mut map = vec![0; original.len() + 1];
        let mut chars = original.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            map[i] = text.len();
            if c == '\r' && matches!(chars.peek(), Some((_, '\n'))) {
                continue;
            }
            text.push_str(&crate::escape::text(c.encode_utf8(&mut [0; 4])));
        }
        map[original.len()] = text.len();
        NeutralSource { text, map }
    }

    fn span(&self, span: Span) -> (usize, usize) {
        let start = self.map.get(span.start).copied().unwrap_or(self.text.len());
        let end = self.map.get(span.end).copied().unwrap_or(self.text.len());
        (start, end.saturating_sub(start).max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutral_source_keeps_spans_on_the_same_text() {
        let original = "a\u{1b}b\r\n\"key\"";
        let source = NeutralSource::new(original);
        assert_eq!(source.text, "a\\u{1b}b\n\"key\"");
        let key = original.find("\"key\"").unwrap();
        let (start, len) = source.span(Span::new(key, key + 5));
        assert_eq!(&source.text[start..start + len], "\"key\"");
    }

    #[test]
    fn json_escapes_terminal_controls_but_keeps_the_value() {
        let text = serde_json::to_string(&json!({"sid": "x\u{202e}y\u{9b}z"})).unwrap();
        let escaped = crate::escape::json(&text);
        assert!(!escaped.contains('\u{202e}') && !escaped.contains('\u{9b}'));
        let back: Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back["sid"], "x\u{202e}y\u{9b}z");
    }

    #[test]
    fn key_prefixes_for_any_issuer() {
        assert_eq!(
            key_prefix("arn:aws:iam::1:oidc-provider/gitlab.com").as_deref(),
            Some("gitlab.com")
        );
        assert_eq!(
            key_prefix("arn:aws-us-gov:iam::1:oidc-provider/ghe.example.com/_services/token")
                .as_deref(),
            Some("ghe.example.com/_services/token")
        );
        assert_eq!(
            key_prefix("accounts.google.com").as_deref(),
            Some("accounts.google.com")
        );
        assert_eq!(key_prefix("arn:aws:iam::1:saml-provider/okta"), None);
        assert_eq!(key_prefix("*"), None);
    }
}
