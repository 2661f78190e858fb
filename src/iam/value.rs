//! Condition values as IAM reads them: policy variables (`${key}`, `${key, 'default'}`,
//! `${*}`, `${?}`, `${$}`) and the wildcard patterns of the `…Like` and `Arn…` operators.
//!
//! IAM User Guide, "IAM policy elements: Variables and tags": variables are expanded only under
//! `"Version": "2012-10-17"` and only in the values of string and ARN operators; `${*}`, `${?}`
//! and `${$}` stand for the literal characters; a default is written `${key, 'default'}`; a
//! variable whose key is absent (and has no default) cannot be resolved and matches nothing.
//! A multivalued key cannot be a policy variable ("Single-valued vs. multivalued context keys").

use super::eval::Request;

/// One piece of a policy value after variable expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    /// Text written in the policy: under the Like and ARN operators `*` and `?` are wildcards.
    Text(String),
    /// A variable's value, or `${*}` / `${?}` / `${$}`: always literal characters.
    Literal(String),
}

/// A policy value ready for comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Expanded {
    pub pieces: Vec<Piece>,
    /// The value as written in the policy.
    pub raw: String,
    /// True when at least one variable was replaced.
    pub substituted: bool,
}

impl Expanded {
    pub fn literal_text(raw: &str) -> Self {
        Expanded {
            pieces: vec![Piece::Text(raw.to_string())],
            raw: raw.to_string(),
            substituted: false,
        }
    }

    /// The value as one string, every character literal (the non-Like operators).
    pub fn text(&self) -> String {
        self.pieces
            .iter()
            .map(|p| match p {
                Piece::Text(s) | Piece::Literal(s) => s.as_str(),
            })
            .collect()
    }

    /// The value as a wildcard pattern (the Like and ARN operators).
    pub fn tokens(&self) -> Vec<Tok> {
        let mut out = Vec::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(s) => out.extend(tokenize(s)),
                Piece::Literal(s) => out.extend(s.chars().map(Tok::Char)),
            }
        }
        out
    }

    /// True when the value has `*` or `?` written in the policy (not from a variable).
    pub fn has_written_wildcard(&self) -> bool {
        self.pieces
            .iter()
            .any(|p| matches!(p, Piece::Text(s) if s.contains(['*', '?'])))
    }
}

/// The result of expanding the variables of one policy value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expansion {
    Value(Expanded),
    /// A variable that cannot be resolved for this request (the reason says why).
    Unresolved(String),
    /// `${` without its `}`, an empty name or a default that is not quoted.
    Malformed(String),
}

/// Expands the policy variables of `value` for `request` (or keeps it as written when `expand`
/// is false: under the legacy Version `${...}` is plain text).
pub(crate) fn expand(value: &str, request: &Request, expand: bool) -> Expansion {
    if !expand || !value.contains("${") {
        return Expansion::Value(Expanded::literal_text(value));
    }
    let mut pieces = Vec::new();
    let mut substituted = false;
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        if start > 0 {
            pieces.push(Piece::Text(rest[..start].to_string()));
        }
        let body = &rest[start + 2..];
        let Some((inner, after)) = split_variable(body) else {
            return Expansion::Malformed(format!(
                "policy value {} has a \"${{\" without its closing \"}}\"",
                quote(value)
            ));
        };
        match resolve(inner, request) {
            Ok(Resolved::Special(c)) => pieces.push(Piece::Literal(c.to_string())),
            Ok(Resolved::Value(v)) => {
                substituted = true;
                pieces.push(Piece::Literal(v));
            }
            Err(Failure::Malformed(why)) => {
                return Expansion::Malformed(format!("policy value {}: {why}", quote(value)))
            }
            Err(Failure::Unresolved(why)) => {
                return Expansion::Unresolved(format!("policy value {} uses {why}", quote(value)))
            }
        }
        rest = after;
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest.to_string()));
    }
    Expansion::Value(Expanded {
        pieces,
        raw: value.to_string(),
        substituted,
    })
}

/// Splits `key, 'default'}rest` at the closing brace, skipping braces inside the quoted default
/// (where `''` is an escaped quote).
fn split_variable(body: &str) -> Option<(&str, &str)> {
    let mut in_quote = false;
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' if in_quote => {
                if matches!(chars.peek(), Some((_, '\''))) {
                    chars.next();
                } else {
                    in_quote = false;
                }
            }
            '\'' => in_quote = true,
            '}' if !in_quote => return Some((&body[..i], &body[i + 1..])),
            _ => {}
        }
    }
    None
}

enum Resolved {
    Special(char),
    Value(String),
}

enum Failure {
    Malformed(String),
    Unresolved(String),
}

fn resolve(inner: &str, request: &Request) -> Result<Resolved, Failure> {
    let trimmed = inner.trim();
    match trimmed {
        "*" => return Ok(Resolved::Special('*')),
        "?" => return Ok(Resolved::Special('?')),
        "$" => return Ok(Resolved::Special('$')),
        _ => {}
    }
    let (key, default) = match trimmed.split_once(',') {
        Some((key, default)) => {
            let default = default.trim();
            let unquoted = default
                .strip_prefix('\'')
                .and_then(|d| d.strip_suffix('\''))
                .filter(|_| default.len() >= 2)
                .ok_or_else(|| {
                    Failure::Malformed(format!(
                        "the default value of ${{{trimmed}}} must be in single quotes"
                    ))
                })?;
            (key.trim(), Some(unquoted.replace("''", "'")))
        }
        None => (trimmed, None),
    };
    if key.is_empty() {
        return Err(Failure::Malformed(
            "a policy variable has no key name".into(),
        ));
    }
    let values = request.values(key);
    match (values.as_slice(), default) {
        ([one], _) => Ok(Resolved::Value(one.to_string())),
        ([], Some(default)) => Ok(Resolved::Value(default)),
        ([], None) => Err(Failure::Unresolved(format!(
            "${{{key}}}, and {key} is absent from the request, so the variable cannot be resolved"
        ))),
        (_, _) => Err(Failure::Unresolved(format!(
            "${{{key}}}, and {key} has {} values in the request: a multivalued key cannot be a policy variable",
            values.len()
        ))),
    }
}

pub(crate) use super::wildcard::{tokenize, tokens_match, Tok};

/// The six colon-separated parts of an ARN pattern (the last part keeps its colons), or `None`
/// when the pattern has fewer than six parts.
pub(crate) fn arn_pattern_parts(pattern: &[Tok]) -> Option<Vec<&[Tok]>> {
    let mut parts = Vec::with_capacity(6);
    let mut start = 0;
    for (i, tok) in pattern.iter().enumerate() {
        if parts.len() == 5 {
            break;
        }
        if *tok == Tok::Char(':') {
            parts.push(&pattern[start..i]);
            start = i + 1;
        }
    }
    if parts.len() < 5 {
        return None;
    }
    parts.push(&pattern[start..]);
    Some(parts)
}

/// IAM's ARN comparison: each of the six colon-separated parts is matched on its own, with
/// wildcards (IAM User Guide, "Amazon Resource Name (ARN) condition operators"). A request value
/// that is not a six-part ARN matches nothing.
pub(crate) fn arn_match(pattern_parts: &[&[Tok]], value: &str) -> bool {
    let value_parts: Vec<&str> = value.splitn(6, ':').collect();
    value_parts.len() == 6
        && pattern_parts.len() == 6
        && pattern_parts
            .iter()
            .zip(&value_parts)
            .all(|(p, v)| tokens_match(p, v))
}

/// A string in JSON quotes, for messages.
pub(crate) fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// `["a", "b"]`, for messages.
pub(crate) fn quote_list<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = values.into_iter().map(quote).collect();
    format!("[{}]", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::wildcard::like_match;
    use proptest::prelude::*;

    fn req(claims: &[(&str, &str)]) -> Request {
        Request {
            principal: None,
            action: "sts:AssumeRoleWithWebIdentity".into(),
            claims: claims
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    fn value(e: Expansion) -> Expanded {
        match e {
            Expansion::Value(v) => v,
            other => panic!("not a value: {other:?}"),
        }
    }

    #[test]
    fn variables_are_expanded_case_insensitively_and_specials_are_literal() {
        let r = req(&[("Token.Example.com:SUB", "repo:o/r")]);
        let v = value(expand("${token.example.com:sub}:${*}${?}${$}", &r, true));
        assert_eq!(v.text(), "repo:o/r:*?$");
        assert!(v.substituted);
        // the specials never act as wildcards
        assert!(tokens_match(&v.tokens(), "repo:o/r:*?$"));
        assert!(!tokens_match(&v.tokens(), "repo:o/r:xy$"));
        // written wildcards do
        let w = value(expand("${token.example.com:sub}*", &r, true));
        assert!(tokens_match(&w.tokens(), "repo:o/r:anything"));
        assert!(w.has_written_wildcard());
    }

    #[test]
    fn legacy_version_keeps_variables_as_text() {
        let r = req(&[("k", "v")]);
        let v = value(expand("${k}", &r, false));
        assert_eq!(v.text(), "${k}");
        assert!(!v.substituted);
    }

    #[test]
    fn absent_multivalued_default_and_malformed_variables() {
        let r = req(&[("m", "1"), ("m", "2")]);
        assert!(matches!(expand("${k}", &r, true), Expansion::Unresolved(_)));
        assert!(matches!(expand("${m}", &r, true), Expansion::Unresolved(_)));
        assert_eq!(
            value(expand("x-${k, 'it''s}'}", &r, true)).text(),
            "x-it's}"
        );
        assert!(matches!(expand("${k", &r, true), Expansion::Malformed(_)));
        assert!(matches!(
            expand("${k, dflt}", &r, true),
            Expansion::Malformed(_)
        ));
        assert!(matches!(expand("${ }", &r, true), Expansion::Malformed(_)));
    }

    #[test]
    fn arn_parts_are_matched_separately() {
        let p = Expanded::literal_text("arn:aws:someservice:*:111122223333:finance/*").tokens();
        let parts = arn_pattern_parts(&p).unwrap();
        // IAM's own example: StringLike would match this, ArnLike does not.
        let v = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";
        assert!(tokens_match(&p, v));
        assert!(!arn_match(&parts, v));
        assert!(arn_match(
            &parts,
            "arn:aws:someservice:us-east-2:111122223333:finance/a:b"
        ));
        assert!(arn_pattern_parts(&Expanded::literal_text("*").tokens()).is_none());
        assert!(!arn_match(&parts, "not-an-arn"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        #[test]
        fn tokens_agree_with_like_match(pattern in "[ab*?:/]{0,8}", text in "[ab:/]{0,10}") {
            let toks = Expanded::literal_text(&pattern).tokens();
            prop_assert_eq!(tokens_match(&toks, &text), like_match(&pattern, &text));
        }
    }
}
