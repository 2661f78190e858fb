//! GitHub's branch and tag filter patterns (`on.push.branches`, `tags`, their `-ignore` forms).
//!
//! The syntax, from the "Filter pattern cheat sheet" of GitHub Docs "Workflow syntax for GitHub
//! Actions" (and the same reading in nektos/act's `workflowpattern`):
//! - `*` zero or more characters except `/`; `**` zero or more of any character; `**/` zero or
//!   more whole directories (`**/README.md` matches `README.md`);
//! - `?` zero or one of the PRECEDING character, `+` one or more of the preceding character
//!   (regex quantifiers, not glob wildcards: `*.jsx?` matches `page.js` and `page.jsx`); at the
//!   very start of a pattern, where nothing precedes them, they are literal;
//! - `[…]` one character of a class or range (`v[12].[0-9]+.[0-9]+`);
//! - `\` escapes the next character;
//! - `!` at the start of a pattern in a list negates it; patterns are read in order and the last
//!   one that matches decides (`'*.md'`, `'!README.md'`, `'README*'` admits `README.md`).
//!
//! Every other character is literal (`.` included). Names compare case-sensitively.

use regex::Regex;

/// One piece of a pattern: an atom with the quantifiers that follow it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Piece {
    atom: Atom,
    quantifiers: Vec<Quantifier>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Atom {
    Literal(char),
    /// `*`
    Star,
    /// `**` not followed by `/`
    DoubleStar,
    /// `**/`: zero or more leading directories
    DoubleStarSlash,
    /// `[…]` as inclusive ranges (a single character is a range of one)
    Class(Vec<(char, char)>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quantifier {
    /// `?`: zero or one
    Optional,
    /// `+`: one or more
    OneOrMore,
}

/// One compiled pattern of a filter list.
#[derive(Debug, Clone)]
pub struct Glob {
    /// The pattern as written, without a leading `!`.
    pub pattern: String,
    /// It started with `!`.
    pub negated: bool,
    pieces: Vec<Piece>,
    regex: Regex,
}

impl Glob {
    /// Compiles one list entry (a leading `!` negates it).
    pub fn new(raw: &str) -> Glob {
        let (negated, pattern) = match raw.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, raw),
        };
        let pieces = parse(pattern);
        let regex = Regex::new(&to_regex(&pieces)).unwrap_or_else(|_| {
            // Every piece is escaped or a fixed construct, so this cannot happen; never panic.
            Regex::new("[^\\s\\S]").expect("the empty regex")
        });
        Glob {
            pattern: pattern.to_string(),
            negated,
            pieces,
            regex,
        }
    }

    /// A pattern that matches exactly `name`.
    pub fn literal(name: &str) -> Glob {
        let mut escaped = String::new();
        for (i, c) in name.chars().enumerate() {
            if matches!(c, '*' | '?' | '+' | '[' | ']' | '\\') || (i == 0 && c == '!') {
                escaped.push('\\');
            }
            escaped.push(c);
        }
        Glob::new(&escaped)
    }

    /// True when the whole of `name` matches (ignoring negation).
    pub fn is_match(&self, name: &str) -> bool {
        self.regex.is_match(name)
    }

    /// The single name this pattern matches, when it has no wildcard, class or quantifier.
    pub fn literal_text(&self) -> Option<String> {
        self.pieces
            .iter()
            .map(|p| match (&p.atom, p.quantifiers.is_empty()) {
                (Atom::Literal(c), true) => Some(*c),
                _ => None,
            })
            .collect()
    }

    /// An IAM `StringLike` pattern (`*`, `?`) matching at least every name this pattern
    /// matches: wildcards become `*`, a class `?`, a quantified character `*` (for `x+`: `x*`).
    /// IAM's `*` also matches `/`, so for GitHub's `*` (no `/`) the IAM pattern is broader.
    pub fn iam_cover(&self) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            let atom = match &piece.atom {
                Atom::Literal(c) => c.to_string(),
                Atom::Class(_) => "?".to_string(),
                Atom::Star | Atom::DoubleStar | Atom::DoubleStarSlash => "*".to_string(),
            };
            if piece.quantifiers.contains(&Quantifier::Optional) {
                push_star(&mut out);
                continue;
            }
            if piece.quantifiers.contains(&Quantifier::OneOrMore) {
                out.push_str(&atom);
                push_star(&mut out);
                continue;
            }
            if atom == "*" {
                push_star(&mut out);
            } else {
                out.push_str(&atom);
            }
        }
        out
    }

    /// True when the pattern uses GitHub's single `*` (which does not match `/`).
    pub fn has_single_star(&self) -> bool {
        self.pieces.iter().any(|p| p.atom == Atom::Star)
    }

    /// Concrete names built from the pattern, most realistic first (`release/**` →
    /// `release/1.0`, `v*` → `v1.0.0`); not verified against negations.
    fn candidates(&self) -> Vec<String> {
        let mut out = Vec::new();
        for variant in 0..FILLERS.len() + 1 {
            let name = self.build(variant);
            if !out.contains(&name) {
                out.push(name);
            }
        }
        out
    }

    /// One concrete name; `variant` 0 picks fillers by context, `n > 0` uses `FILLERS[n - 1]`.
    fn build(&self, variant: usize) -> String {
        let mut out = String::new();
        for (i, piece) in self.pieces.iter().enumerate() {
            let at_end = i + 1 == self.pieces.len();
            match &piece.atom {
                Atom::Literal(c) => out.push(*c),
                Atom::Class(ranges) => out.push(ranges.first().map(|r| r.0).unwrap_or('0')),
                Atom::Star | Atom::DoubleStar => {
                    let filler = match variant {
                        0 => contextual_filler(&out, at_end),
                        n => FILLERS[n - 1],
                    };
                    out.push_str(filler);
                }
                Atom::DoubleStarSlash => {
                    if variant % 2 == 1 {
                        out.push_str("x/");
                    }
                }
            }
        }
        out
    }
}

/// Alternative fillers for `*` and `**` when the contextual one is excluded by a negation.
const FILLERS: &[&str] = &["x", "1.0", "1.0.0", "y", "2", "z-1"];

/// A realistic filler for a wildcard after `before`.
fn contextual_filler(before: &str, at_end: bool) -> &'static str {
    match before.chars().last() {
        None if at_end => "main",
        Some('v' | 'V') => "1.0.0",
        Some(c) if c.is_ascii_digit() || c == '.' => "0",
        Some('-' | '_') => "1",
        Some('/') if at_end => {
            let parent = before
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or("");
            if parent.to_ascii_lowercase().contains("release") {
                "1.0"
            } else {
                "x"
            }
        }
        _ => "x",
    }
}

fn push_star(out: &mut String) {
    if !out.ends_with('*') {
        out.push('*');
    }
}

fn parse(pattern: &str) -> Vec<Piece> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut pieces: Vec<Piece> = Vec::new();
    let mut i = 0;
    let atom = |a: Atom| Piece {
        atom: a,
        quantifiers: Vec::new(),
    };
    while i < chars.len() {
        match chars[i] {
            '*' if chars.get(i + 1) == Some(&'*') => {
                if chars.get(i + 2) == Some(&'/') {
                    pieces.push(atom(Atom::DoubleStarSlash));
                    i += 3;
                } else {
                    pieces.push(atom(Atom::DoubleStar));
                    i += 2;
                }
            }
            '*' => {
                pieces.push(atom(Atom::Star));
                i += 1;
            }
            q @ ('?' | '+') => {
                let quantifier = if q == '?' {
                    Quantifier::Optional
                } else {
                    Quantifier::OneOrMore
                };
                match pieces.last_mut() {
                    Some(last) => last.quantifiers.push(quantifier),
                    None => pieces.push(atom(Atom::Literal(q))),
                }
                i += 1;
            }
            '\\' => {
                match chars.get(i + 1) {
                    Some(&c) => pieces.push(atom(Atom::Literal(c))),
                    None => pieces.push(atom(Atom::Literal('\\'))),
                }
                i += 2;
            }
            '[' => match parse_class(&chars, i + 1) {
                Some((ranges, next)) => {
                    pieces.push(atom(Atom::Class(ranges)));
                    i = next;
                }
                None => {
                    // No closing bracket, or `[]`: GitHub rejects the pattern; read it literally.
                    pieces.push(atom(Atom::Literal('[')));
                    i += 1;
                }
            },
            c => {
                pieces.push(atom(Atom::Literal(c)));
                i += 1;
            }
        }
    }
    pieces
}

/// Reads a class body starting after `[`; returns the ranges and the index after `]`.
fn parse_class(chars: &[char], start: usize) -> Option<(Vec<(char, char)>, usize)> {
    let mut ranges = Vec::new();
    let mut i = start;
    while i < chars.len() && chars[i] != ']' {
        let c = chars[i];
        if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|&e| e != ']') {
            let end = chars[i + 2];
            ranges.push(if c <= end { (c, end) } else { (end, c) });
            i += 3;
        } else {
            ranges.push((c, c));
            i += 1;
        }
    }
    (i < chars.len() && !ranges.is_empty()).then_some((ranges, i + 1))
}

fn to_regex(pieces: &[Piece]) -> String {
    let mut re = String::from("(?s)^");
    for piece in pieces {
        let mut part = match &piece.atom {
            Atom::Literal(c) => regex::escape(&c.to_string()),
            Atom::Star => "[^/]*".to_string(),
            Atom::DoubleStar => ".*".to_string(),
            Atom::DoubleStarSlash => "(?:.+/)?".to_string(),
            Atom::Class(ranges) => {
                let mut class = String::from("[");
                for &(a, b) in ranges {
                    class.push_str(&regex::escape(&a.to_string()));
                    if a != b {
                        class.push('-');
                        class.push_str(&regex::escape(&b.to_string()));
                    }
                }
                class.push(']');
                class
            }
        };
        for q in &piece.quantifiers {
            let op = match q {
                Quantifier::Optional => '?',
                Quantifier::OneOrMore => '+',
            };
            part = format!("(?:{part}){op}");
        }
        re.push_str(&part);
    }
    re.push('$');
    re
}

/// A branch or tag filter: `branches` (an include list) or `branches-ignore` (an ignore list),
/// each pattern compiled once. [`BranchFilter::any`] admits every name.
#[derive(Debug, Clone)]
pub struct BranchFilter {
    /// `true` for `branches`/`tags`, `false` for the `-ignore` forms.
    pub include: bool,
    pub globs: Vec<Glob>,
}

/// Names tried for filters that admit "anything but …" (and as extra candidates for others).
const COMMON_NAMES: &[&str] = &[
    "main",
    "feature/x",
    "release/1.0",
    "v1.0.0",
    "develop",
    "trustlint-branch",
    "x",
];

impl BranchFilter {
    /// Builds a filter from an include (`branches`) or ignore (`branches-ignore`) list.
    pub fn new<S: AsRef<str>>(include: bool, patterns: &[S]) -> BranchFilter {
        BranchFilter {
            include,
            globs: patterns.iter().map(|p| Glob::new(p.as_ref())).collect(),
        }
    }

    /// From a trigger's filter in the workflow model.
    pub fn from_filter(filter: &crate::workflow::Filter) -> BranchFilter {
        let patterns: Vec<&str> = filter.patterns.iter().map(|p| p.value.as_str()).collect();
        BranchFilter::new(filter.include, &patterns)
    }

    /// Admits every name (no filter).
    pub fn any() -> BranchFilter {
        BranchFilter {
            include: false,
            globs: Vec::new(),
        }
    }

    /// Admits exactly `name`.
    pub fn exact(name: &str) -> BranchFilter {
        BranchFilter {
            include: true,
            globs: vec![Glob::literal(name)],
        }
    }

    /// True for [`BranchFilter::any`]-like filters: an ignore list with no pattern.
    pub fn is_any(&self) -> bool {
        !self.include && self.globs.is_empty()
    }

    /// Whether the filter admits `name`: the last pattern that matches decides (a negated one
    /// excludes from an include list, re-includes into an ignore list).
    pub fn matches(&self, name: &str) -> bool {
        let mut hit = false;
        for glob in &self.globs {
            if glob.is_match(name) {
                hit = !glob.negated;
            }
        }
        if self.include {
            hit
        } else {
            !hit
        }
    }

    /// The whole admitted set when it is finite and known: an include list whose positive
    /// patterns are all literal names.
    pub fn finite_names(&self) -> Option<Vec<String>> {
        if !self.include {
            return None;
        }
        let mut names = Vec::new();
        for glob in self.globs.iter().filter(|g| !g.negated) {
            let name = glob.literal_text()?;
            if self.matches(&name) && !names.contains(&name) {
                names.push(name);
            }
        }
        Some(names)
    }

    /// IAM patterns whose union covers every admitted name (`["*"]` for an ignore list).
    pub fn iam_cover(&self) -> Vec<String> {
        if !self.include {
            return vec!["*".to_string()];
        }
        let mut out: Vec<String> = Vec::new();
        for glob in self.globs.iter().filter(|g| !g.negated) {
            let cover = glob.iam_cover();
            if !out.contains(&cover) {
                out.push(cover);
            }
        }
        out
    }

    /// True when an admitted name can be matched by a single `*` of GitHub's (no `/`), so that
    /// an IAM pattern (whose `*` also matches `/`) is necessarily broader.
    pub fn uses_single_star(&self) -> bool {
        self.include && self.globs.iter().any(|g| !g.negated && g.has_single_star())
    }

    /// A few concrete names the filter admits, realistic first, each verified with
    /// [`BranchFilter::matches`]. Empty when none was found (an empty or unusual filter).
    pub fn representatives(&self) -> Vec<String> {
        self.representatives_preferring(&[])
    }

    /// [`BranchFilter::representatives`], trying `preferred` names first (the repository's
    /// default branch, say).
    pub fn representatives_preferring(&self, preferred: &[&str]) -> Vec<String> {
        const MAX: usize = 3;
        if let Some(names) = self.finite_names() {
            return names;
        }
        let mut candidates: Vec<String> = preferred.iter().map(|s| s.to_string()).collect();
        for glob in self.globs.iter().filter(|g| g.negated != self.include) {
            candidates.extend(glob.candidates());
        }
        candidates.extend(COMMON_NAMES.iter().map(|s| s.to_string()));
        let mut out: Vec<String> = Vec::new();
        // One name per positive pattern first, so that each pattern is represented.
        if self.include {
            for glob in self.globs.iter().filter(|g| !g.negated) {
                if let Some(name) = glob.candidates().into_iter().find(|n| self.matches(n)) {
                    if !out.contains(&name) && out.len() < MAX {
                        out.push(name);
                    }
                }
            }
            for p in preferred {
                if self.matches(p) && !out.iter().any(|o| o == p) {
                    out.insert(0, p.to_string());
                }
            }
        }
        for name in candidates {
            if out.len() >= MAX {
                break;
            }
            if !name.is_empty() && self.matches(&name) && !out.contains(&name) {
                out.push(name);
            }
        }
        out.truncate(MAX.max(preferred.len()));
        out
    }

    /// The patterns as written (negated ones with their `!`), comma-separated.
    pub fn describe_patterns(&self) -> String {
        self.globs
            .iter()
            .map(|g| {
                if g.negated {
                    format!("!{}", g.pattern)
                } else {
                    g.pattern.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(patterns: &[&str]) -> BranchFilter {
        BranchFilter::new(true, patterns)
    }

    /// The cheat sheet's "Patterns to match branches and tags" and "Patterns to match file
    /// paths" tables (GitHub Docs, Workflow syntax), plus the non-matches they imply.
    #[test]
    fn cheat_sheet_examples() {
        let cases: &[(&[&str], &[&str], &[&str])] = &[
            (
                &["feature/*"],
                &["feature/my-branch", "feature/your-branch"],
                &["feature/beta-a/my-branch", "feature", "features/x"],
            ),
            (
                &["feature/**"],
                &[
                    "feature/beta-a/my-branch",
                    "feature/your-branch",
                    "feature/mona/the/octocat",
                ],
                &["feature", "features/x"],
            ),
            (&["main"], &["main"], &["main2", "mainx", "Main", "xmain"]),
            (
                &["releases/mona-the-octocat"],
                &["releases/mona-the-octocat"],
                &["releases/mona"],
            ),
            (&["*"], &["main", "releases"], &["releases/x", "a/b"]),
            (&["**"], &["all/the/branches", "every/tag", "main"], &[]),
            (
                &["*feature"],
                &["mona-feature", "feature", "ver-10-feature"],
                &["feature/x", "a/feature"],
            ),
            (&["v2*"], &["v2", "v2.0", "v2.9"], &["v1", "v3.0", "v2/x"]),
            (
                &["v[12].[0-9]+.[0-9]+"],
                &["v1.10.1", "v2.0.0", "v1.0.10"],
                &["v3.0.0", "v1.x.0", "v1.0", "v1a0.0"],
            ),
            // `?` is zero or one of the preceding character.
            (
                &["*.jsx?"],
                &["page.js", "page.jsx"],
                &["page.jsxx", "page.j"],
            ),
            (&["colou?r"], &["color", "colour"], &["colouur", "colr"]),
            (&["**"], &["all/the/files.md"], &[]),
            (&["*.js"], &["app.js", "index.js"], &["js/index.js"]),
            (
                &["**.js"],
                &["index.js", "js/index.js", "src/js/app.js"],
                &["index.ts"],
            ),
            (
                &["docs/*"],
                &["docs/README.md", "docs/file.txt"],
                &["docs/mona/octocat.txt"],
            ),
            (
                &["docs/**"],
                &["docs/README.md", "docs/mona/octocat.txt"],
                &["doc/x"],
            ),
            (
                &["docs/**/*.md"],
                &[
                    "docs/README.md",
                    "docs/mona/hello-world.md",
                    "docs/a/markdown/file.md",
                ],
                &["docs/a.txt", "README.md"],
            ),
            (
                &["**/docs/**"],
                &[
                    "docs/hello.md",
                    "dir/docs/my-file.txt",
                    "space/docs/plan/space.doc",
                ],
                &["documents/x"],
            ),
            (
                &["**/README.md"],
                &["README.md", "js/README.md"],
                &["README.mdx", "xREADME.md"],
            ),
            (
                &["**/*src/**"],
                &["a/src/app.js", "my-src/code/js/app.js"],
                &["src"],
            ),
            (
                &["**/*-post.md"],
                &["my-post.md", "path/their-post.md"],
                &["post.md"],
            ),
            (
                &["**/migrate-*.sql"],
                &[
                    "migrate-10909.sql",
                    "db/migrate-v1.0.sql",
                    "db/sept/migrate-v1.sql",
                ],
                &["migrate.sql"],
            ),
            // Negation: later patterns override earlier ones.
            (
                &["*.md", "!README.md"],
                &["hello.md"],
                &["README.md", "docs/hello.md"],
            ),
            (
                &["*.md", "!README.md", "README*"],
                &["hello.md", "README.md", "README.doc"],
                &[],
            ),
            // `+` one or more of the preceding character; `.` is literal.
            (&["a+b"], &["ab", "aab", "aaab"], &["b", "a+b"]),
            (&["v1.0"], &["v1.0"], &["v1x0"]),
            // Escapes.
            (&["a\\*b"], &["a*b"], &["axb", "ab"]),
            (&["a\\?"], &["a?"], &["a", ""]),
            (&["\\!x"], &["!x"], &["x"]),
            // `?` and `+` with nothing before them are literal.
            (&["?x"], &["?x"], &["x"]),
            // `[` without `]` is literal.
            (&["a["], &["a["], &["a"]),
            (
                &["release/v[0-9].[0-9]"],
                &["release/v1.2"],
                &["release/v10.2"],
            ),
        ];
        for (patterns, yes, no) in cases {
            let f = filter(patterns);
            for name in *yes {
                assert!(f.matches(name), "{patterns:?} should match {name:?}");
            }
            for name in *no {
                assert!(!f.matches(name), "{patterns:?} should not match {name:?}");
            }
        }
    }

    #[test]
    fn ignore_lists_and_any() {
        let any = BranchFilter::any();
        assert!(any.is_any() && any.matches("anything/at/all") && any.matches(""));
        let ignore = BranchFilter::new(false, &["mona/octocat", "releases/**-alpha"]);
        assert!(ignore.matches("main"));
        assert!(!ignore.matches("mona/octocat"));
        assert!(!ignore.matches("releases/beta/3-alpha"));
        assert!(ignore.matches("releases/beta/3"));
        // A negated pattern in an ignore list re-includes.
        let ignore = BranchFilter::new(false, &["releases/**", "!releases/keep"]);
        assert!(!ignore.matches("releases/x") && ignore.matches("releases/keep"));
        // Only negated patterns in an include list admit nothing.
        assert!(!filter(&["!main"]).matches("main") && !filter(&["!main"]).matches("x"));
        let exact = BranchFilter::exact("we*ird?[x]");
        assert!(exact.matches("we*ird?[x]") && !exact.matches("weXird[x]"));
    }

    #[test]
    fn representatives_are_realistic_and_verified() {
        let cases: &[(&[&str], bool, &str)] = &[
            (&["release/**"], true, "release/1.0"),
            (&["main"], true, "main"),
            (&["v*"], true, "v1.0.0"),
            (&["v[12].[0-9]+.[0-9]+"], true, "v1.0.0"),
            (&["releases/*"], true, "releases/1.0"),
            (&["feature/*"], true, "feature/x"),
            (&["v1.*"], true, "v1.0"),
            (&["dev-*"], true, "dev-1"),
            (&["*"], true, "main"),
            (&["**"], true, "main"),
            (&["release/**", "!release/1.0"], true, "release/x"),
            (&["main"], false, "feature/x"),
        ];
        for (patterns, include, first) in cases {
            let f = BranchFilter::new(*include, patterns);
            let reps = f.representatives();
            assert!(!reps.is_empty(), "{patterns:?}");
            assert_eq!(reps[0], *first, "{patterns:?}: {reps:?}");
            for r in &reps {
                assert!(f.matches(r), "{patterns:?}: {r:?} does not match");
            }
            assert!(reps.len() <= 3);
        }
        // Preferred names first when admitted.
        let reps = BranchFilter::any().representatives_preferring(&["trunk"]);
        assert_eq!(reps[0], "trunk");
        assert!(reps.len() > 1);
        let reps = filter(&["release/**"]).representatives_preferring(&["main"]);
        assert_eq!(reps[0], "release/1.0");
        // Finite filters enumerate every name, negations applied.
        assert_eq!(
            filter(&["main", "prod", "!prod", "dev"]).representatives(),
            vec!["main", "dev"]
        );
        assert!(filter(&["!main"]).representatives().is_empty());
        // Each positive pattern gets a representative.
        let reps = filter(&["main", "release/**"]).representatives();
        assert_eq!(reps[..2], ["main", "release/1.0"]);
    }

    #[test]
    fn iam_cover_and_finiteness() {
        let cover = |p: &str| Glob::new(p).iam_cover();
        assert_eq!(cover("release/**"), "release/*");
        assert_eq!(cover("release/*"), "release/*");
        assert_eq!(cover("v[12].[0-9]+.[0-9]+"), "v?.?*.?*");
        assert_eq!(cover("*.jsx?"), "*.js*");
        assert_eq!(cover("**/x"), "*x");
        assert_eq!(cover("main"), "main");
        assert_eq!(Glob::new("main").literal_text().as_deref(), Some("main"));
        assert_eq!(
            Glob::new("ma\\*in").literal_text().as_deref(),
            Some("ma*in")
        );
        assert_eq!(Glob::new("ma?in").literal_text(), None);
        assert_eq!(
            filter(&["main", "release/**"]).finite_names(),
            None,
            "a wildcard makes the set infinite"
        );
        assert_eq!(BranchFilter::new(false, &["x"]).iam_cover(), vec!["*"]);
        assert!(filter(&["release/*"]).uses_single_star());
        assert!(!filter(&["release/**"]).uses_single_star());
        // Every cover matches every representative.
        for p in [
            "release/**",
            "v*",
            "v[12].[0-9]+.[0-9]+",
            "*.jsx?",
            "a+b",
            "**/x",
        ] {
            let f = filter(&[p]);
            for r in f.representatives() {
                assert!(
                    f.iam_cover()
                        .iter()
                        .any(|c| crate::iam::wildcard::like_match(c, &r)),
                    "{p}: {r}"
                );
            }
        }
    }
}
