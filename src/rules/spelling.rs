//! Spelling helpers shared by rules of several families: a near miss gets a "did you mean".

/// True when `a` is a likely misspelling of `b`: case-insensitive edit distance of at most 2
/// (1 for short words), and not equal.
pub fn is_near(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    if a == b {
        return false;
    }
    let limit = if b.len() <= 4 { 1 } else { 2 };
    if a.len().abs_diff(b.len()) > limit {
        return false;
    }
    edit_distance(a.as_bytes(), b.as_bytes()) <= limit
}

/// The candidate `word` most likely misspells: the nearest by case-insensitive edit distance,
/// within 1 edit for words of up to 4 characters, 2 up to 12 and 3 beyond (a rule id is long,
/// and a dropped or doubled letter or two is the usual slip). `None` when nothing is that near
/// or `word` is itself a candidate.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    let limit = match lower.len() {
        0..=4 => 1,
        5..=12 => 2,
        _ => 3,
    };
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate == word {
            return None;
        }
        let other = candidate.to_ascii_lowercase();
        if lower.len().abs_diff(other.len()) > limit {
            continue;
        }
        let distance = edit_distance(lower.as_bytes(), other.as_bytes());
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// Optimal-string-alignment distance: edits plus adjacent transpositions (`sbu` -> `sub` is 1).
fn edit_distance(a: &[u8], b: &[u8]) -> usize {
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses() {
        assert!(is_near("sbu", "sub"));
        assert!(is_near(
            "token.actions.githubuserconent.com",
            "token.actions.githubusercontent.com"
        ));
        assert!(!is_near("sub", "sub"));
        assert!(!is_near("aud", "sub"));
    }

    #[test]
    fn closest_picks_the_nearest_candidate() {
        let ids = ["subject-any-owner", "subject-any-ref", "subject-org-wide"];
        assert_eq!(closest("subject-any-ownr", ids), Some("subject-any-owner"));
        assert_eq!(closest("Subject-Any-Owner", ids), Some("subject-any-owner"));
        assert_eq!(closest("subjet-any-reff", ids), Some("subject-any-ref"));
        assert_eq!(closest("subject-any-owner", ids), None);
        assert_eq!(closest("no-such-rule", ids), None);
        assert_eq!(closest("", ids), None);
    }
}
