//! `hardcoded-aws-key`: an AWS access key ID or secret access key written literally anywhere in
//! a workflow file — inputs, env, `run:` scripts, comments.
//!
//! The detector ([`find_secrets`]) is also what the scan uses to mask such literals in every
//! finding of every file, so that no output prints one even when this rule is not selected.
//!
//! Formats (IAM User Guide, "IAM identifiers" → unique ID prefixes; "Manage access keys"):
//! an access key ID is 20 characters, `AKIA` (long-term, IAM user or root) or `ASIA` (temporary,
//! from STS) followed by 16 upper-case letters and digits; a secret access key is 40 characters
//! of base64 (`A–Z a–z 0–9 / +`). A 40-character base64 run alone is too common (hashes, tokens)
//! to report, so it counts only when assigned to a name like `aws_secret_access_key`.

use super::credential_steps::step_label;
use crate::rules::{Finding, Rule, WorkflowContext};
use crate::source::{redacted, Span};
use crate::workflow::Workflow;
use regex::Regex;
use std::sync::LazyLock;

crate::declare_rule!(HardcodedAwsKey, "hardcoded-aws-key", Critical);

/// `AKIA`/`ASIA` and 16 upper-case alphanumerics; boundaries are checked by hand (no
/// look-around in the regex crate) so that a longer run of letters and digits is not a key.
static ACCESS_KEY_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:AKIA|ASIA)[A-Z0-9]{16}").expect("valid regex"));

/// A name like `aws_secret_access_key`, `AWS-SECRET-ACCESS-KEY` or `SecretAccessKey`, an
/// assignment (`:`, `=`, or white space as in `aws configure set aws_secret_access_key …`),
/// optional quotes, then 40 base64 characters.
static SECRET_ACCESS_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i:(?:aws[_-]?)?secret[_-]?access[_-]?key)["']?(?:[ \t]*[:=][ \t]*|[ \t]+)["']?([A-Za-z0-9/+]{40})"#,
    )
    .expect("valid regex")
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// `AKIA…`: the ID of a long-term access key of an IAM user (or the root user).
    LongTermKeyId,
    /// `ASIA…`: the ID of temporary credentials from STS.
    TemporaryKeyId,
    /// A secret access key assigned to an `aws_secret_access_key`-like name.
    SecretAccessKey,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretMatch {
    pub kind: SecretKind,
    /// Byte range of the literal itself.
    pub span: Span,
}

fn is_key_char(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn is_base64_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'/' | b'+' | b'=')
}

/// A secret key candidate must look random: upper and lower case letters and a digit or `/`/`+`
/// (a random 40-character base64 string lacks one of these with probability below 0.1%), which
/// keeps placeholders such as `xxxx…` or `EXAMPLEKEYEXAMPLEKEY…` out.
fn looks_random(candidate: &str) -> bool {
    candidate.bytes().any(|b| b.is_ascii_uppercase())
        && candidate.bytes().any(|b| b.is_ascii_lowercase())
        && candidate
            .bytes()
            .any(|b| b.is_ascii_digit() || b == b'/' || b == b'+')
}

/// Every access key ID and every assigned secret access key in `text`, in order.
pub fn find_secrets(text: &str) -> Vec<SecretMatch> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(m) = ACCESS_KEY_ID.find_at(text, at) {
        let before_ok = m.start() == 0 || !is_key_char(bytes[m.start() - 1]);
        let after_ok = m.end() == bytes.len() || !is_key_char(bytes[m.end()]);
        if before_ok && after_ok {
            let kind = if text[m.start()..].starts_with("AKIA") {
                SecretKind::LongTermKeyId
            } else {
                SecretKind::TemporaryKeyId
            };
            found.push(SecretMatch {
                kind,
                span: Span::new(m.start(), m.end()),
            });
            at = m.end();
        } else {
            // Overlapping candidates (`xAKIAAKIA…`) are tried one byte further on.
            at = m.start() + 1;
        }
    }
    let mut secrets: Vec<&str> = Vec::new();
    for caps in SECRET_ACCESS_KEY.captures_iter(text) {
        let Some(value) = caps.get(1) else { continue };
        let after_ok = value.end() == bytes.len() || !is_base64_char(bytes[value.end()]);
        if after_ok && looks_random(value.as_str()) && !secrets.contains(&value.as_str()) {
            secrets.push(value.as_str());
        }
    }
    // Once a secret key is known, every copy of it counts, assigned or not (a comment, a
    // script argument).
    for secret in secrets {
        for (start, _) in text.match_indices(secret) {
            let end = start + secret.len();
            // `=` is base64 padding, which ends a value: before a key it is an assignment.
            let before_ok =
                start == 0 || !(is_base64_char(bytes[start - 1]) && bytes[start - 1] != b'=');
            let after_ok = end == bytes.len() || !is_base64_char(bytes[end]);
            if before_ok && after_ok {
                found.push(SecretMatch {
                    kind: SecretKind::SecretAccessKey,
                    span: Span::new(start, end),
                });
            }
        }
    }
    found.sort_by_key(|m| (m.span.start, m.span.end));
    found.dedup_by_key(|m| m.span);
    found
}

/// The spans of [`find_secrets`]: what the scan masks in every finding of a file.
pub fn secret_spans(text: &str) -> Vec<Span> {
    find_secrets(text).into_iter().map(|m| m.span).collect()
}

/// Where in the workflow an offset lies, for messages.
fn place(workflow: &Workflow, text: &str, offset: usize) -> String {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    let in_comment = before.trim_start().starts_with('#') || before.contains(" #");
    let comment = if in_comment { "in a comment " } else { "" };
    for job in &workflow.jobs {
        if let Some(step) = job
            .steps
            .iter()
            .find(|s| s.span.start <= offset && offset < s.span.end)
        {
            return format!("{comment}in {}", step_label(job, step));
        }
        if job.span.start <= offset && offset < job.span.end {
            return format!("{comment}in job \"{}\"", job.id.value);
        }
    }
    format!("{comment}outside any job")
}

impl Rule for HardcodedAwsKey {
    fn check_workflow(&self, ctx: &WorkflowContext<'_>, out: &mut Vec<Finding>) {
        let text = &ctx.file.text;
        let mut seen: Vec<(String, usize)> = Vec::new();
        for secret in find_secrets(text) {
            let literal = ctx.file.slice(secret.span);
            let shown = redacted(literal);
            // Routes count repeats of the same literal, so fingerprints stay apart.
            let nth = match seen.iter_mut().find(|(s, _)| s == literal) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    seen.push((literal.to_string(), 0));
                    0
                }
            };
            let where_ = place(ctx.workflow, text, secret.span.start);
            let (message, help) = match secret.kind {
                SecretKind::LongTermKeyId => (
                    format!(
                        "a long-term AWS access key ID ({shown}) is written {where_}: the key belongs to an IAM user, and anyone who can read the repository (its whole git history, forks and clones included) has it"
                    ),
                    "deactivate and delete this access key in IAM now (rotating is not enough: the old one stays in git history), look for its secret key nearby, and switch the workflow to OIDC: `permissions: id-token: write` and aws-actions/configure-aws-credentials with `role-to-assume`",
                ),
                SecretKind::TemporaryKeyId => (
                    format!(
                        "a temporary AWS access key ID ({shown}, from STS) is written {where_}: its secret key and session token were most likely pasted along with it"
                    ),
                    "revoke the session (for a role, \"Revoke active sessions\" in IAM), remove the credentials from the file and its history, and let the workflow obtain its own credentials with OIDC (aws-actions/configure-aws-credentials with `role-to-assume`)",
                ),
                SecretKind::SecretAccessKey => (
                    format!(
                        "an AWS secret access key ({shown}) is written {where_}: with its access key ID it signs any request the key's IAM user may make"
                    ),
                    "deactivate and delete the access key in IAM now (the secret stays in git history), then use OIDC instead of keys: `permissions: id-token: write` and aws-actions/configure-aws-credentials with `role-to-assume`",
                ),
            };
            let kind = match secret.kind {
                SecretKind::LongTermKeyId => "akia",
                SecretKind::TemporaryKeyId => "asia",
                SecretKind::SecretAccessKey => "secret",
            };
            out.push(
                ctx.finding(&Self::META, secret.span, message)
                    .witness(shown.clone())
                    .help(help)
                    .redact(secret.span)
                    .route(format!("hardcoded:{kind}:{shown}:{nth}")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    fn kinds(text: &str) -> Vec<(SecretKind, &str)> {
        find_secrets(text)
            .into_iter()
            .map(|m| (m.kind, &text[m.span.start..m.span.end]))
            .collect()
    }

    #[test]
    fn access_key_ids_with_boundaries() {
        use SecretKind::*;
        assert_eq!(kinds(KEY_ID), [(LongTermKeyId, KEY_ID)]);
        assert_eq!(
            kinds("export AWS_ACCESS_KEY_ID=ASIAY34FZKBOKMUTVV7A;"),
            [(TemporaryKeyId, "ASIAY34FZKBOKMUTVV7A")]
        );
        assert_eq!(
            kinds(&format!("key: \"{KEY_ID}\" # and {KEY_ID}")).len(),
            2,
            "both copies"
        );
        assert_eq!(kinds(&format!("id_{KEY_ID}_x")), [(LongTermKeyId, KEY_ID)]);
        assert_eq!(kinds(&format!("{KEY_ID},{KEY_ID}")).len(), 2);
        // Not keys: glued to more letters or digits, too short, lower case, other prefixes.
        for text in [
            "xAKIAIOSFODNN7EXAMPLE",
            "AKIAIOSFODNN7EXAMPLEX",
            "AKIAIOSFODNN7EXAMPL",
            "akiaiosfodnn7example",
            "AKIAiosfodnn7example",
            "AROAIOSFODNN7EXAMPLE",
            "AIDAIOSFODNN7EXAMPLE",
            "AKIA-IOSFODNN7EXAMPLE",
            "",
        ] {
            assert!(kinds(text).is_empty(), "{text}");
        }
        // An overlapping candidate after a rejected one is still found.
        assert_eq!(
            kinds("AKIAAKIAIOSFODNN7EXAMPLE").len(),
            0,
            "a 24-character run is not a key"
        );
        assert_eq!(
            kinds("9AKIA AKIAIOSFODNN7EXAMPLE"),
            [(LongTermKeyId, KEY_ID)]
        );
    }

    #[test]
    fn secret_keys_need_a_name_like_aws_secret_access_key() {
        use SecretKind::*;
        for text in [
            format!("AWS_SECRET_ACCESS_KEY: {SECRET}"),
            format!("aws-secret-access-key: '{SECRET}'"),
            format!("export AWS_SECRET_ACCESS_KEY=\"{SECRET}\""),
            format!("aws configure set aws_secret_access_key {SECRET}"),
            format!("\"SecretAccessKey\": \"{SECRET}\""),
            format!("secret_access_key = {SECRET}"),
        ] {
            assert_eq!(kinds(&text), [(SecretAccessKey, SECRET)], "{text}");
        }
        for text in [
            // No key name: a 40-character base64 run alone (a hash, a token) is not reported.
            format!("checksum: {SECRET}"),
            // Longer than 40 characters.
            format!("AWS_SECRET_ACCESS_KEY: {SECRET}A"),
            // Expressions and variables.
            "AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}".to_string(),
            "AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY_FROM_VAULT_PATH_XXXXXX".to_string(),
            // Placeholders that are not random.
            format!("AWS_SECRET_ACCESS_KEY: {}", "x".repeat(40)),
            format!("AWS_SECRET_ACCESS_KEY: {}", "EXAMPLEKEY".repeat(4)),
            // Local test values.
            "AWS_SECRET_ACCESS_KEY: test".to_string(),
        ] {
            assert!(kinds(&text).is_empty(), "{text}");
        }
        // Every copy of a known secret counts, assigned or not.
        let text = format!("# old: {SECRET}\nAWS_SECRET_ACCESS_KEY={SECRET}\nx{SECRET}");
        assert_eq!(
            kinds(&text),
            [(SecretAccessKey, SECRET), (SecretAccessKey, SECRET)]
        );
    }

    #[test]
    fn never_panics_on_odd_text() {
        for text in [
            "é AKIA",
            "AWS_SECRET_ACCESS_KEY:",
            "ASIA\u{0}",
            "\u{202e}AKIA",
        ] {
            let _ = find_secrets(text);
        }
        let long = format!("{}AWS_SECRET_ACCESS_KEY={SECRET}é", "é".repeat(1000));
        assert_eq!(kinds(&long).len(), 1);
    }
}
