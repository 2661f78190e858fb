//! Context references inside GitHub Actions expressions (`${{ … }}`).
//!
//! A small tokenizer, not a full expression parser: it finds `${{ … }}` spans (a `}}` inside a
//! single-quoted string literal does not end one), splits their content into identifiers,
//! `.`, `[`, `]`, `(`, `*` and string literals, and reads chains that start at a context name:
//! `secrets.NAME`, `secrets['NAME']`, `github.event.pull_request.head.sha`,
//! `steps.ID.outputs.NAME`, `needs.JOB.outputs.NAME`, `matrix.*`. Context and property names are
//! case-insensitive in GitHub expressions; [`ExprRef::is`] and [`ExprRef::starts_with`] compare
//! accordingly. Malformed input never panics: an unterminated `${{` runs to the end of the text.

use std::ops::Range;

/// The named contexts of GitHub Actions expressions.
pub const CONTEXTS: &[&str] = &[
    "github", "env", "vars", "job", "jobs", "steps", "runner", "secrets", "strategy", "matrix",
    "needs", "inputs",
];

/// One context reference, e.g. `secrets.AWS_ROLE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprRef {
    /// The context name, lowercased (`secrets`, `github`, …).
    pub context: String,
    /// The property path as written: `github.event.pull_request.head.sha` →
    /// `["event", "pull_request", "head", "sha"]`; `secrets['X']` → `["X"]`; `*` for `.*`/`[*]`.
    /// A computed index (`steps[matrix.id]`) ends the path; its own references are reported too.
    pub path: Vec<String>,
    /// Byte range of the reference in the scanned text.
    pub range: Range<usize>,
    /// Byte range of the enclosing `${{ … }}` (or of the whole text for a bare `if:` condition).
    pub expression: Range<usize>,
}

impl ExprRef {
    /// `context.a.b` with the context lowercased and the path as written.
    pub fn dotted(&self) -> String {
        let mut s = self.context.clone();
        for p in &self.path {
            s.push('.');
            s.push_str(p);
        }
        s
    }

    /// Case-insensitive equality with a dotted name: `r.is("github.head_ref")`.
    pub fn is(&self, dotted: &str) -> bool {
        let mut segments = dotted.split('.');
        segments
            .next()
            .is_some_and(|c| c.eq_ignore_ascii_case(&self.context))
            && segments.clone().count() == self.path.len()
            && segments
                .zip(&self.path)
                .all(|(a, b)| a.eq_ignore_ascii_case(b))
    }

    /// Case-insensitive, segment-wise prefix test: `secrets.X` starts with `secrets`;
    /// `github.event.pull_request.head.ref` starts with `github.event.pull_request.head`.
    pub fn starts_with(&self, dotted_prefix: &str) -> bool {
        let mut segments = dotted_prefix.split('.');
        if !segments
            .next()
            .is_some_and(|c| c.eq_ignore_ascii_case(&self.context))
        {
            return false;
        }
        let rest: Vec<&str> = segments.collect();
        rest.len() <= self.path.len()
            && rest
                .iter()
                .zip(&self.path)
                .all(|(a, b)| a.eq_ignore_ascii_case(b))
    }

    /// The first property: the `NAME` of `secrets.NAME`, `vars.NAME`, `inputs.NAME`, the `ID`
    /// of `steps.ID.outputs.X`.
    pub fn name(&self) -> Option<&str> {
        self.path.first().map(String::as_str)
    }
}

/// Every context reference inside `${{ … }}` in `text`, in order.
pub fn expression_refs(text: &str) -> Vec<ExprRef> {
    let mut refs = Vec::new();
    for (body, whole) in expression_bodies(text) {
        scan(text, body, whole, &mut refs);
    }
    refs
}

/// References of an `if:` condition: GitHub evaluates an `if:` as an expression even without
/// `${{ }}`, so text without `${{` is scanned as one bare expression.
pub fn condition_refs(text: &str) -> Vec<ExprRef> {
    if text.contains("${{") {
        expression_refs(text)
    } else {
        let mut refs = Vec::new();
        scan(text, 0..text.len(), 0..text.len(), &mut refs);
        refs
    }
}

/// True when the text contains a `${{`.
pub fn has_expression(text: &str) -> bool {
    text.contains("${{")
}

/// (inner body range, whole `${{ … }}` range) pairs; an unterminated expression runs to the end.
fn expression_bodies(text: &str) -> Vec<(Range<usize>, Range<usize>)> {
    expression_ranges(text)
        .into_iter()
        .map(|(whole, body)| (body.unwrap_or(whole.start + 3..whole.end), whole))
        .collect()
}

/// Every `${{ … }}` of `text`: (whole range, body range — `None` when unterminated). A `}}`
/// inside a single-quoted string does not end an expression.
pub fn expression_ranges(text: &str) -> Vec<(Range<usize>, Option<Range<usize>>)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(found) = text.get(i..).and_then(|rest| rest.find("${{")) {
        let start = i + found;
        let mut j = start + 3;
        let mut in_string = false;
        let mut end = None;
        while j < bytes.len() {
            match bytes[j] {
                b'\'' => in_string = !in_string,
                b'}' if !in_string && bytes.get(j + 1) == Some(&b'}') => {
                    end = Some(j);
                    break;
                }
                _ => {}
            }
            j += 1;
        }
        match end {
            Some(body_end) => {
                out.push((start..body_end + 2, Some(start + 3..body_end)));
                i = body_end + 2;
            }
            None => {
                out.push((start..bytes.len(), None));
                break;
            }
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident,
    Dot,
    LBracket,
    RBracket,
    LParen,
    Star,
    Str(String),
    Other,
}

struct Token {
    tok: Tok,
    range: Range<usize>,
}

fn tokenize(text: &str, body: Range<usize>) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = body.start;
    while i < body.end {
        let b = bytes[i];
        let start = i;
        let tok = match b {
            b if b.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                while i < body.end
                    && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b'-'))
                {
                    i += 1;
                }
                Tok::Ident
            }
            b'0'..=b'9' => {
                while i < body.end && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
                    i += 1;
                }
                Tok::Other
            }
            b'\'' => {
                // `''` is an escaped quote inside a string literal.
                let mut value = String::new();
                i += 1;
                let mut seg = i;
                loop {
                    if i >= body.end {
                        value.push_str(&text[seg..body.end]);
                        break;
                    }
                    if bytes[i] == b'\'' {
                        value.push_str(&text[seg..i]);
                        if i + 1 < body.end && bytes[i + 1] == b'\'' {
                            value.push('\'');
                            i += 2;
                            seg = i;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    i += 1;
                }
                Tok::Str(value)
            }
            b'.' => {
                i += 1;
                Tok::Dot
            }
            b'[' => {
                i += 1;
                Tok::LBracket
            }
            b']' => {
                i += 1;
                Tok::RBracket
            }
            b'(' => {
                i += 1;
                Tok::LParen
            }
            b'*' => {
                i += 1;
                Tok::Star
            }
            _ => {
                // Advance by a whole character so that slices stay on char boundaries.
                i += text[i..].chars().next().map_or(1, char::len_utf8);
                Tok::Other
            }
        };
        tokens.push(Token {
            tok,
            range: start..i.min(body.end),
        });
    }
    tokens
}

fn scan(text: &str, body: Range<usize>, whole: Range<usize>, out: &mut Vec<ExprRef>) {
    let tokens = tokenize(text, body);
    let tok = |k: usize| tokens.get(k).map(|t| &t.tok);
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        let starts_chain = t.tok == Tok::Ident
            && (i == 0 || tokens[i - 1].tok != Tok::Dot)
            && tok(i + 1) != Some(&Tok::LParen);
        let name = &text[t.range.clone()];
        let context = CONTEXTS
            .iter()
            .find(|c| c.eq_ignore_ascii_case(name))
            .filter(|_| starts_chain);
        let Some(context) = context else {
            i += 1;
            continue;
        };
        let mut path = Vec::new();
        let mut end = t.range.end;
        let mut j = i + 1;
        loop {
            match (tok(j), tok(j + 1), tok(j + 2)) {
                (Some(Tok::Dot), Some(Tok::Ident), _) => {
                    path.push(text[tokens[j + 1].range.clone()].to_string());
                    end = tokens[j + 1].range.end;
                    j += 2;
                }
                (Some(Tok::Dot), Some(Tok::Star), _) => {
                    path.push("*".to_string());
                    end = tokens[j + 1].range.end;
                    j += 2;
                }
                (Some(Tok::LBracket), Some(Tok::Str(s)), Some(Tok::RBracket)) => {
                    path.push(s.clone());
                    end = tokens[j + 2].range.end;
                    j += 3;
                }
                (Some(Tok::LBracket), Some(Tok::Star), Some(Tok::RBracket)) => {
                    path.push("*".to_string());
                    end = tokens[j + 2].range.end;
                    j += 3;
                }
                _ => break,
            }
        }
        out.push(ExprRef {
            context: context.to_string(),
            path,
            range: t.range.start..end,
            expression: whole.clone(),
        });
        i = j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dotted(text: &str) -> Vec<String> {
        expression_refs(text).iter().map(ExprRef::dotted).collect()
    }

    #[test]
    fn reference_table() {
        let cases: &[(&str, &[&str])] = &[
            ("${{ secrets.AWS_ROLE }}", &["secrets.AWS_ROLE"]),
            ("${{ vars.REGION }}", &["vars.REGION"]),
            ("${{env.NAME}}", &["env.NAME"]),
            ("${{ inputs.environment }}", &["inputs.environment"]),
            (
                "${{ github.event.pull_request.head.sha }}",
                &["github.event.pull_request.head.sha"],
            ),
            ("${{ github.head_ref }}", &["github.head_ref"]),
            (
                "${{ steps.creds.outputs.aws-access-key-id }}",
                &["steps.creds.outputs.aws-access-key-id"],
            ),
            (
                "${{ needs.build.outputs.image }}",
                &["needs.build.outputs.image"],
            ),
            ("${{ secrets['MY SECRET'] }}", &["secrets.MY SECRET"]),
            ("${{ Secrets.X }}", &["secrets.X"]),
            (
                "${{ matrix.* }} ${{ needs.*.result }}",
                &["matrix.*", "needs.*.result"],
            ),
            (
                "arn:aws:iam::${{ vars.ACCOUNT }}:role/${{ inputs.role }}",
                &["vars.ACCOUNT", "inputs.role"],
            ),
            (
                "${{ format('{0}-{1}', github.ref_name, secrets.X) }}",
                &["github.ref_name", "secrets.X"],
            ),
            ("${{ toJSON(github) }}", &["github"]),
            (
                "${{ contains(github.event.issue.labels.*.name, 'ok') }}",
                &["github.event.issue.labels.*.name"],
            ),
            ("${{ steps[matrix.id].outputs.x }}", &["steps", "matrix.id"]),
            // `}}` inside a string literal does not close the expression.
            ("${{ format('}}', secrets.A) }}", &["secrets.A"]),
            ("${{ 'it''s' == env.X }}", &["env.X"]),
            ("no expression: secrets.X", &[]),
            ("${{ success() && !cancelled() }}", &[]),
            (
                "${{ github.event.head_commit.message }}",
                &["github.event.head_commit.message"],
            ),
            ("${{ event.github }}", &[]),
            ("${{ x.secrets.y }}", &[]),
            ("$${{ env.A }}", &["env.A"]),
        ];
        for (text, expected) in cases {
            assert_eq!(&dotted(text), expected, "{text}");
        }
    }

    #[test]
    fn ranges_point_into_the_text() {
        let text = "role: ${{ secrets.ROLE }} x";
        let refs = expression_refs(text);
        assert_eq!(&text[refs[0].range.clone()], "secrets.ROLE");
        assert_eq!(&text[refs[0].expression.clone()], "${{ secrets.ROLE }}");
        assert_eq!(refs[0].name(), Some("ROLE"));
    }

    #[test]
    fn comparisons_are_case_insensitive() {
        let r = &expression_refs("${{ GitHub.Event.Pull_Request.Head.SHA }}")[0];
        assert!(r.is("github.event.pull_request.head.sha"));
        assert!(!r.is("github.event.pull_request.head"));
        assert!(r.starts_with("github.event.pull_request"));
        assert!(r.starts_with("github"));
        assert!(!r.starts_with("github.event.issue"));
        assert!(!r.starts_with("secrets"));
    }

    #[test]
    fn conditions_without_braces_are_expressions() {
        let refs = condition_refs("github.event_name == 'push' && vars.DEPLOY == 'yes'");
        let names: Vec<String> = refs.iter().map(ExprRef::dotted).collect();
        assert_eq!(names, ["github.event_name", "vars.DEPLOY"]);
        assert_eq!(
            condition_refs("${{ env.A }} && github.x")
                .iter()
                .map(ExprRef::dotted)
                .collect::<Vec<_>>(),
            ["env.A"]
        );
    }

    #[test]
    fn malformed_input_never_panics() {
        for text in [
            "${{",
            "${{ secrets.",
            "${{ secrets[",
            "${{ secrets['x",
            "${{ '",
            "${{ 'é",
            "${{ é secrets.é }}",
            "}}${{}}",
            "${{ secrets.A }",
            "${{ 1.5e-3 }}",
            "${{ [ ] . * ( ) }}",
            "\u{0}${{\u{0}env\u{0}.x",
        ] {
            let _ = expression_refs(text);
            let _ = condition_refs(text);
        }
        assert_eq!(dotted("${{ secrets.A"), ["secrets.A"]);
        assert_eq!(dotted("${{ secrets."), ["secrets"]);
    }
}
