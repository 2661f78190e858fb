//! One condition (operator, key, values) against a request: IAM's rules, three-valued.
//!
//! IAM User Guide, "IAM JSON policy elements: Condition operators" and "Single-valued vs.
//! multivalued context keys":
//! - key names are case-insensitive, values case-sensitive except under the `…IgnoreCase`
//!   operators; only `StringLike`/`StringNotLike` and the `Arn…` operators know `*` and `?`;
//! - the values of one key are OR'ed (a negated operator holds when NO value matches);
//! - an absent key: positive operators are false, negated operators true, `…IfExists` true,
//!   `ForAnyValue:` false and `ForAllValues:` true;
//! - `Null` tests presence; `Bool` compares `true`/`false`; `Numeric…` compares numbers, and a
//!   value that is not a number does not match.

use super::eval::{Request, Truth};
use super::value::{
    arn_match, arn_pattern_parts, expand, quote, quote_list, tokens_match, Expanded, Expansion,
};
use crate::policy::{BaseOperator, ConditionEntry, Operator, SetQualifier};
use std::net::IpAddr;

/// Global keys that AWS sets on every `AssumeRoleWithWebIdentity` request (IAM User Guide, "AWS
/// global condition context keys"). When the simulated request does not give one, its value is
/// unknown — not absent.
const ALWAYS_PRESENT_GLOBAL_KEYS: &[&str] = &[
    "aws:currenttime",
    "aws:epochtime",
    "aws:securetransport",
    "aws:sourceip",
    "aws:useragent",
    "aws:requestedregion",
];

/// True for the global keys AWS puts on every `AssumeRoleWithWebIdentity` request
/// (`aws:CurrentTime`, `aws:SourceIp`, …): not giving one makes a condition on it unknown.
pub fn aws_always_sets(key: &str) -> bool {
    ALWAYS_PRESENT_GLOBAL_KEYS.contains(&key.to_ascii_lowercase().as_str())
}

pub(crate) fn evaluate(
    operator: &Operator,
    entry: &ConditionEntry,
    request: &Request,
    expand_variables: bool,
) -> (Truth, String) {
    let key = entry.key.value.as_str();
    let op = operator.to_string();
    let Operator::Known {
        base,
        set,
        if_exists,
    } = *operator
    else {
        return (
            Truth::Unknown,
            format!(
                "IAM does not know operator {} (it rejects the policy), so the condition on {key} cannot be evaluated",
                quote(&op)
            ),
        );
    };
    let values = request.values(key);

    if values.is_empty() && aws_always_sets(key) {
        return (
            Truth::Unknown,
            format!(
                "{op} {key}: AWS sets this key on every request, but the simulated request does not give its value (pass --claim {key}=VALUE)"
            ),
        );
    }

    if base == BaseOperator::Null {
        return null(entry, &values);
    }

    if values.is_empty() {
        return absent(&op, key, base, set, if_exists);
    }

    let per_value: Vec<(Truth, String)> = values
        .iter()
        .map(|v| one_value(base, entry, v, request, expand_variables))
        .collect();

    match set {
        SetQualifier::Single => {
            if let [(truth, detail)] = per_value.as_slice() {
                return (*truth, single_message(&op, key, base, *truth, detail));
            }
            let truth = per_value[0].0;
            if per_value.iter().all(|(t, _)| *t == truth) && truth != Truth::Unknown {
                // Whether IAM reads a multivalued key under a plain operator as "any value" or
                // "every value", the answer is the same here.
                let details: Vec<&str> = per_value.iter().map(|(_, d)| d.as_str()).collect();
                (
                    truth,
                    format!(
                        "{op} {key}: the request gives {} values and each gives the same answer: {}",
                        values.len(),
                        details.join("; ")
                    ),
                )
            } else {
                (
                    Truth::Unknown,
                    format!(
                        "{op} {key}: the request gives {} values ({}) to an operator without ForAnyValue:/ForAllValues:, and they disagree; trustlint does not guess how IAM combines them",
                        values.len(),
                        quote_list(values.iter().copied())
                    ),
                )
            }
        }
        SetQualifier::ForAnyValue => {
            let truth = Truth::any(per_value.iter().map(|(t, _)| *t));
            let message = match truth {
                Truth::True => {
                    let (_, d) = per_value.iter().find(|(t, _)| *t == Truth::True).unwrap();
                    format!("{op} {key}: request value {d}")
                }
                Truth::False => format!(
                    "{op} {key}: no request value satisfies {}: {}",
                    base.name(),
                    join_details(&per_value)
                ),
                Truth::Unknown => {
                    let (_, d) = per_value
                        .iter()
                        .find(|(t, _)| *t == Truth::Unknown)
                        .unwrap();
                    format!("{op} {key}: {d}")
                }
            };
            (truth, message)
        }
        SetQualifier::ForAllValues => {
            let truth = Truth::all(per_value.iter().map(|(t, _)| *t));
            let message = match truth {
                Truth::True => format!(
                    "{op} {key}: every request value satisfies {}: {}",
                    base.name(),
                    join_details(&per_value)
                ),
                Truth::False => {
                    let (_, d) = per_value.iter().find(|(t, _)| *t == Truth::False).unwrap();
                    format!("{op} {key}: request value {d}")
                }
                Truth::Unknown => {
                    let (_, d) = per_value
                        .iter()
                        .find(|(t, _)| *t == Truth::Unknown)
                        .unwrap();
                    format!("{op} {key}: {d}")
                }
            };
            (truth, message)
        }
    }
}

fn join_details(per_value: &[(Truth, String)]) -> String {
    per_value
        .iter()
        .map(|(_, d)| d.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

fn single_message(op: &str, key: &str, base: BaseOperator, truth: Truth, detail: &str) -> String {
    if base.is_negated() {
        match truth {
            Truth::True => format!("{op} {key}: {detail}, so {op} holds"),
            Truth::False => format!("{op} {key}: {detail}, so {op} is false"),
            Truth::Unknown => format!("{op} {key}: {detail}"),
        }
    } else {
        format!("{op} {key}: {detail}")
    }
}

fn absent(
    op: &str,
    key: &str,
    base: BaseOperator,
    set: SetQualifier,
    if_exists: bool,
) -> (Truth, String) {
    let (truth, why) = if if_exists {
        (Truth::True, "…IfExists operators are true for absent keys")
    } else {
        match set {
            SetQualifier::ForAnyValue => (
                Truth::False,
                "ForAnyValue: is false for an absent or empty key",
            ),
            SetQualifier::ForAllValues => (
                Truth::True,
                "ForAllValues: is true for an absent or empty key",
            ),
            SetQualifier::Single if base.is_negated() => {
                (Truth::True, "negated operators are true for absent keys")
            }
            SetQualifier::Single => (Truth::False, "positive operators are false for absent keys"),
        }
    };
    let verdict = if truth == Truth::True {
        "holds"
    } else {
        "is false"
    };
    (
        truth,
        format!("key {key} is absent from the request, so {op} {verdict} ({why})"),
    )
}

/// `Null`: `"true"` holds when the key is absent, `"false"` when it is present; values OR'ed.
fn null(entry: &ConditionEntry, values: &[&str]) -> (Truth, String) {
    let key = entry.key.value.as_str();
    let present = !values.is_empty();
    let state = if present {
        format!(
            "present in the request ({})",
            quote_list(values.iter().copied())
        )
    } else {
        "absent from the request".to_string()
    };
    let mut truths = Vec::new();
    let mut bad = Vec::new();
    for v in &entry.values {
        if v.value.eq_ignore_ascii_case("true") {
            truths.push(Truth::from(!present));
        } else if v.value.eq_ignore_ascii_case("false") {
            truths.push(Truth::from(present));
        } else {
            truths.push(Truth::Unknown);
            bad.push(v.value.as_str());
        }
    }
    let truth = Truth::any(truths.iter().copied());
    let policy = quote_list(entry.values.iter().map(|v| v.value.as_str()));
    let message = match truth {
        Truth::True => format!("Null {key}: the key is {state}, so Null {policy} holds"),
        Truth::False => format!("Null {key}: the key is {state}, so Null {policy} is false"),
        Truth::Unknown => format!(
            "Null {key}: {} is not \"true\" or \"false\", and trustlint does not guess what IAM makes of it",
            quote_list(bad)
        ),
    };
    (truth, message)
}

/// How one policy value compares with one request value, for the positive form of the operator.
enum Pair {
    Match,
    NoMatch,
    /// The test cannot be made; the truth of the operator as written and why.
    Fixed(Truth, String),
}

/// The positive counterpart's verb: "equals", "matches", "is less than"…
fn verb(base: BaseOperator) -> &'static str {
    use BaseOperator::*;
    match base {
        StringEquals | StringNotEquals | NumericEquals | NumericNotEquals | Bool => "equals",
        StringEqualsIgnoreCase | StringNotEqualsIgnoreCase => "equals (ignoring case)",
        StringLike | StringNotLike => "matches",
        ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => "matches the ARN",
        NumericLessThan => "is less than",
        NumericLessThanEquals => "is less than or equal to",
        NumericGreaterThan => "is greater than",
        NumericGreaterThanEquals => "is greater than or equal to",
        _ => "compares with",
    }
}

/// `"v" matches none of [...]` / `"v" is not less than any of [...]`.
fn verb_none(base: BaseOperator) -> String {
    use BaseOperator::*;
    match base {
        NumericLessThan => "is not less than any of".into(),
        NumericLessThanEquals => "is not less than or equal to any of".into(),
        NumericGreaterThan => "is not greater than any of".into(),
        NumericGreaterThanEquals => "is not greater than or equal to any of".into(),
        StringEqualsIgnoreCase | StringNotEqualsIgnoreCase => {
            "equals (ignoring case) none of".into()
        }
        ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => "matches none of the ARNs".into(),
        _ => format!("{} none of", verb(base)),
    }
}

/// Whether one request value satisfies the operator as written, with the reason.
fn one_value(
    base: BaseOperator,
    entry: &ConditionEntry,
    value: &str,
    request: &Request,
    expand_variables: bool,
) -> (Truth, String) {
    let takes_variables = base.is_string()
        || matches!(
            base,
            BaseOperator::ArnEquals
                | BaseOperator::ArnLike
                | BaseOperator::ArnNotEquals
                | BaseOperator::ArnNotLike
        );
    let negated = base.is_negated();
    let mut shown = Vec::new();
    let mut first_match = None;
    let mut unknown: Option<String> = None;
    let mut fixed_false: Option<String> = None;
    let mut notes: Vec<String> = Vec::new();
    let mut literal_wildcard = false;
    let mut unexpanded_variable = false;

    for written in &entry.values {
        let written = written.value.as_str();
        let expansion = if takes_variables {
            expand(written, request, expand_variables)
        } else {
            Expansion::Value(Expanded::literal_text(written))
        };
        let expanded = match expansion {
            Expansion::Value(e) => e,
            Expansion::Unresolved(why) => {
                shown.push(quote(written));
                if negated {
                    unknown.get_or_insert(format!(
                        "{why}; whether that value counts against {} is not documented",
                        base.name()
                    ));
                } else {
                    notes.push(format!("{why}: it matches nothing"));
                }
                continue;
            }
            Expansion::Malformed(why) => {
                shown.push(quote(written));
                unknown.get_or_insert(format!("{why}; trustlint does not guess how IAM reads it"));
                continue;
            }
        };
        let display = if expanded.substituted {
            format!("{} (from {})", quote(&expanded.text()), quote(written))
        } else {
            quote(&expanded.text())
        };
        if base.is_string() && !base.is_like() && expanded.has_written_wildcard() {
            literal_wildcard = true;
        }
        if !expand_variables && takes_variables && written.contains("${") {
            unexpanded_variable = true;
        }
        match pair(base, &expanded, value) {
            Pair::Match => {
                first_match.get_or_insert(display.clone());
            }
            Pair::NoMatch => {}
            Pair::Fixed(Truth::Unknown, why) => {
                unknown.get_or_insert(why);
            }
            // A value that cannot be compared does not match: a negated operator then fails,
            // a positive one looks at the other values.
            Pair::Fixed(_, why) if negated => {
                fixed_false.get_or_insert(why);
            }
            Pair::Fixed(_, why) => notes.push(why),
        }
        shown.push(display);
    }

    let v = quote(value);
    let mut hints = String::new();
    if literal_wildcard {
        hints.push_str(&format!(
            " ({} compares \"*\" and \"?\" literally; only StringLike and StringNotLike treat them as wildcards)",
            base.name()
        ));
    }
    if unexpanded_variable {
        hints.push_str(
            " (\"${…}\" is literal text here: policy variables need \"Version\": \"2012-10-17\")",
        );
    }
    for note in &notes {
        hints.push_str(&format!(" ({note})"));
    }
    let none_of = format!("{v} {} {}{hints}", verb_none(base), format_list(&shown));

    if let Some(m) = first_match {
        // Positive: true. Negated: the value is one of those excluded.
        let message = format!("{v} {} {m}", verb(base));
        return (Truth::from(!negated), message);
    }
    if let Some(why) = unknown {
        return (Truth::Unknown, why);
    }
    if let Some(why) = fixed_false {
        return (Truth::False, why);
    }
    (Truth::from(negated), none_of)
}

fn format_list(shown: &[String]) -> String {
    format!("[{}]", shown.join(", "))
}

fn pair(base: BaseOperator, policy: &Expanded, value: &str) -> Pair {
    use BaseOperator::*;
    match base {
        StringEquals | StringNotEquals => Pair::from(policy.text() == value),
        StringEqualsIgnoreCase | StringNotEqualsIgnoreCase => {
            Pair::from(policy.text().to_lowercase() == value.to_lowercase())
        }
        StringLike | StringNotLike => Pair::from(tokens_match(&policy.tokens(), value)),
        ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => {
            let tokens = policy.tokens();
            match arn_pattern_parts(&tokens) {
                Some(parts) => Pair::from(arn_match(&parts, value)),
                None => Pair::Fixed(
                    Truth::Unknown,
                    format!(
                        "policy value {} is not an ARN of six colon-separated parts; trustlint does not guess how {} compares it",
                        quote(&policy.text()),
                        base.name()
                    ),
                ),
            }
        }
        Bool => Pair::from(policy.text().eq_ignore_ascii_case(value)),
        NumericEquals
        | NumericNotEquals
        | NumericLessThan
        | NumericLessThanEquals
        | NumericGreaterThan
        | NumericGreaterThanEquals => {
            let text = policy.text();
            ordered(
                base,
                parse_number(&text),
                parse_number(value),
                &text,
                value,
                "a number",
            )
        }
        DateEquals
        | DateNotEquals
        | DateLessThan
        | DateLessThanEquals
        | DateGreaterThan
        | DateGreaterThanEquals => {
            let text = policy.text();
            ordered(
                base,
                parse_date(&text),
                parse_date(value),
                &text,
                value,
                "a date (ISO 8601 or epoch seconds)",
            )
        }
        IpAddress | NotIpAddress => {
            let text = policy.text();
            match (parse_cidr(&text), value.trim().parse::<IpAddr>()) {
                (Some(net), Ok(ip)) => Pair::from(net.contains(ip)),
                (net, _) => {
                    let which = if net.is_none() {
                        format!(
                            "policy value {} is not an IP address or CIDR block",
                            quote(&text)
                        )
                    } else {
                        format!("request value {} is not an IP address", quote(value))
                    };
                    Pair::Fixed(
                        Truth::False,
                        format!("{which}, so {} does not match", base.name()),
                    )
                }
            }
        }
        // IAM compares the base64 text of both sides.
        BinaryEquals => Pair::from(policy.text() == value),
        // Null is handled before any value is compared.
        Null => Pair::Fixed(
            Truth::Unknown,
            format!("trustlint does not compare values under {}", base.name()),
        ),
    }
}

/// The Numeric and Date families: compare the request value `v` with the policy value `p`; a
/// side that does not parse as `what` makes that value not match.
fn ordered<T: PartialOrd>(
    base: BaseOperator,
    p: Option<T>,
    v: Option<T>,
    policy_text: &str,
    value: &str,
    what: &str,
) -> Pair {
    use BaseOperator::*;
    match (p, v) {
        (Some(p), Some(v)) => Pair::from(match base {
            NumericLessThan | DateLessThan => v < p,
            NumericLessThanEquals | DateLessThanEquals => v <= p,
            NumericGreaterThan | DateGreaterThan => v > p,
            NumericGreaterThanEquals | DateGreaterThanEquals => v >= p,
            // Equals, and NotEquals (negated by the caller).
            _ => v == p,
        }),
        (p, _) => {
            let which = if p.is_none() {
                format!("policy value {}", quote(policy_text))
            } else {
                format!("request value {}", quote(value))
            };
            Pair::Fixed(
                Truth::False,
                format!("{which} is not {what}, so {} does not match", base.name()),
            )
        }
    }
}

impl From<bool> for Pair {
    fn from(b: bool) -> Self {
        if b {
            Pair::Match
        } else {
            Pair::NoMatch
        }
    }
}

/// A number as IAM's numeric operators take it: an optional sign, digits, an optional fraction.
fn parse_number(s: &str) -> Option<f64> {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || frac.is_some_and(|f| !all_digits(f)) {
        return None;
    }
    s.parse().ok()
}

/// A CIDR block (`203.0.113.0/24`, `2001:db8::/32`) or a single address.
struct Cidr {
    network: IpAddr,
    prefix: u32,
}

impl Cidr {
    fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - self.prefix).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - self.prefix).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

fn parse_cidr(text: &str) -> Option<Cidr> {
    let text = text.trim();
    let (addr, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let network: IpAddr = addr.parse().ok()?;
    let max = if network.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix {
        Some(p) => p.parse::<u32>().ok().filter(|&p| p <= max)?,
        None => max,
    };
    Some(Cidr { network, prefix })
}

/// A date as IAM's date operators take it, in seconds since the epoch: ISO 8601
/// (`2026-01-31`, `2026-01-31T12:00:00Z`, with fractions or a `±HH:MM` offset) or epoch seconds.
fn parse_date(text: &str) -> Option<i64> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok();
    }
    let (date, time) = match text.split_once(['T', 't']) {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let mut parts = date.splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut seconds = days_from_civil(year, month, day) * 86_400;
    if let Some(time) = time {
        let (clock, offset) = if let Some(clock) = time.strip_suffix(['Z', 'z']) {
            (clock, 0)
        } else if let Some(at) = time.rfind(['+', '-']) {
            let (clock, zone) = time.split_at(at);
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let (h, m) = zone[1..].split_once(':').unwrap_or((&zone[1..], "0"));
            (
                clock,
                sign * (h.parse::<i64>().ok()? * 3600 + m.parse::<i64>().ok()? * 60),
            )
        } else {
            (time, 0)
        };
        let clock = clock.split_once('.').map_or(clock, |(c, _)| c);
        let mut hms = clock.splitn(3, ':');
        let h: i64 = hms.next()?.parse().ok()?;
        let m: i64 = hms.next().unwrap_or("0").parse().ok()?;
        let sec: i64 = hms.next().unwrap_or("0").parse().ok()?;
        if h > 24 || m > 59 || sec > 60 {
            return None;
        }
        seconds += h * 3600 + m * 60 + sec - offset;
    }
    Some(seconds)
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod date_and_ip_tests {
    use super::*;

    #[test]
    fn dates_in_every_accepted_form() {
        assert_eq!(parse_date("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_date("1970-01-02"), Some(86_400));
        assert_eq!(parse_date("2026-11-23T16:21:51Z"), Some(1_795_450_911));
        assert_eq!(parse_date("2026-11-23T17:21:51+01:00"), Some(1_795_450_911));
        assert_eq!(parse_date("2026-11-23T16:21:51.123Z"), Some(1_795_450_911));
        assert_eq!(parse_date("1795450911"), Some(1_795_450_911));
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("yesterday"), None);
    }

    #[test]
    fn cidr_blocks() {
        let net = parse_cidr("203.0.113.0/24").unwrap();
        assert!(net.contains("203.0.113.7".parse().unwrap()));
        assert!(!net.contains("203.0.114.7".parse().unwrap()));
        let all = parse_cidr("0.0.0.0/0").unwrap();
        assert!(all.contains("8.8.8.8".parse().unwrap()));
        let v6 = parse_cidr("2001:db8::/32").unwrap();
        assert!(v6.contains("2001:db8::1".parse().unwrap()));
        assert!(!v6.contains("203.0.113.7".parse().unwrap()));
        let one = parse_cidr("192.0.2.1").unwrap();
        assert!(one.contains("192.0.2.1".parse().unwrap()));
        assert!(parse_cidr("192.0.2.0/33").is_none());
    }
}
