//! IAM's `…Like` wildcards: `*` is any run of characters (also none, also `/` and `:`), `?` is
//! exactly one character. There is no other syntax: no classes, braces or escapes.

/// A pattern element: a literal character or one of IAM's two wildcards. Policy variables
/// expand to literal characters, so a `*` they produce is a `Char`, never a wildcard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    Char(char),
    /// `*`: any run of characters, also none.
    AnyRun,
    /// `?`: exactly one character.
    AnyOne,
}

/// The tokens of a pattern as written in a `…Like` condition.
pub fn tokenize(pattern: &str) -> Vec<Tok> {
    pattern
        .chars()
        .map(|c| match c {
            '*' => Tok::AnyRun,
            '?' => Tok::AnyOne,
            c => Tok::Char(c),
        })
        .collect()
}

/// True when `pattern` (with IAM wildcards) matches the whole of `text`.
pub fn like_match(pattern: &str, text: &str) -> bool {
    tokens_match(&tokenize(pattern), text)
}

/// True when the token pattern matches the whole of `text`.
///
/// Greedy matching with backtracking to the last `*`: linear in practice, O(n·m) at worst, and no
/// regex compilation per value.
pub fn tokens_match(pattern: &[Tok], text: &str) -> bool {
    let t: Vec<char> = text.chars().collect();
    let p = pattern;
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == Tok::AnyOne || p[pi] == Tok::Char(t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == Tok::AnyRun {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((star_p, star_t)) = star {
            pi = star_p + 1;
            ti = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&tok| tok == Tok::AnyRun)
}

/// True when the value uses IAM wildcard characters.
pub fn has_wildcard(value: &str) -> bool {
    value.contains(['*', '?'])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The reference semantics: every character literal except `*` -> `.*` and `?` -> `.`.
    fn reference(pattern: &str, text: &str) -> bool {
        let mut re = String::from("(?s)^");
        for c in pattern.chars() {
            match c {
                '*' => re.push_str(".*"),
                '?' => re.push('.'),
                c => re.push_str(&regex::escape(&c.to_string())),
            }
        }
        re.push('$');
        regex::Regex::new(&re).unwrap().is_match(text)
    }

    #[test]
    fn examples() {
        assert!(like_match(
            "repo:octo-org/*",
            "repo:octo-org/app:ref:refs/heads/main"
        ));
        assert!(like_match(
            "repo:octo-org*",
            "repo:octo-org-evil/x:pull_request"
        ));
        assert!(like_match("a?c", "abc"));
        assert!(!like_match("a?c", "ac"));
        assert!(like_match("*", ""));
        assert!(!like_match("[ab]", "a"));
        assert!(like_match("[ab]", "[ab]"));
        assert!(like_match("{a,b}", "{a,b}"));
        assert!(like_match("a\\*", "a\\xyz"));
        assert!(like_match("é?*", "éàb"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn agrees_with_reference_regex(
            pattern in "[ab*?/:\\[\\]{}\\\\.^$+()|é]{0,8}",
            text in "[ab/:\\[\\]{}\\\\.^$+()|é]{0,10}",
        ) {
            prop_assert_eq!(like_match(&pattern, &text), reference(&pattern, &text));
        }
    }
}
