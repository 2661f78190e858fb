//! Condition operator names: `[ForAnyValue:|ForAllValues:]<Base>[IfExists]`.

use std::fmt;

/// The operator families IAM knows, without set prefix or `IfExists` suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BaseOperator {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

const BASES: &[(&str, BaseOperator)] = &[
    ("StringEquals", BaseOperator::StringEquals),
    ("StringNotEquals", BaseOperator::StringNotEquals),
    (
        "StringEqualsIgnoreCase",
        BaseOperator::StringEqualsIgnoreCase,
    ),
    (
        "StringNotEqualsIgnoreCase",
        BaseOperator::StringNotEqualsIgnoreCase,
    ),
    ("StringLike", BaseOperator::StringLike),
    ("StringNotLike", BaseOperator::StringNotLike),
    ("NumericEquals", BaseOperator::NumericEquals),
    ("NumericNotEquals", BaseOperator::NumericNotEquals),
    ("NumericLessThan", BaseOperator::NumericLessThan),
    ("NumericLessThanEquals", BaseOperator::NumericLessThanEquals),
    ("NumericGreaterThan", BaseOperator::NumericGreaterThan),
    (
        "NumericGreaterThanEquals",
        BaseOperator::NumericGreaterThanEquals,
    ),
    ("DateEquals", BaseOperator::DateEquals),
    ("DateNotEquals", BaseOperator::DateNotEquals),
    ("DateLessThan", BaseOperator::DateLessThan),
    ("DateLessThanEquals", BaseOperator::DateLessThanEquals),
    ("DateGreaterThan", BaseOperator::DateGreaterThan),
    ("DateGreaterThanEquals", BaseOperator::DateGreaterThanEquals),
    ("Bool", BaseOperator::Bool),
    ("BinaryEquals", BaseOperator::BinaryEquals),
    ("IpAddress", BaseOperator::IpAddress),
    ("NotIpAddress", BaseOperator::NotIpAddress),
    ("ArnEquals", BaseOperator::ArnEquals),
    ("ArnLike", BaseOperator::ArnLike),
    ("ArnNotEquals", BaseOperator::ArnNotEquals),
    ("ArnNotLike", BaseOperator::ArnNotLike),
    ("Null", BaseOperator::Null),
];

impl BaseOperator {
    pub fn name(self) -> &'static str {
        BASES
            .iter()
            .find(|(_, b)| *b == self)
            .map(|(n, _)| *n)
            .unwrap_or("?")
    }

    /// True for the operators that hold when the value does NOT match (and so when the key is
    /// absent from the request).
    pub fn is_negated(self) -> bool {
        use BaseOperator::*;
        matches!(
            self,
            StringNotEquals
                | StringNotEqualsIgnoreCase
                | StringNotLike
                | NumericNotEquals
                | DateNotEquals
                | NotIpAddress
                | ArnNotEquals
                | ArnNotLike
        )
    }

    /// True for the operators that give `*` and `?` their wildcard meaning.
    pub fn is_like(self) -> bool {
        use BaseOperator::*;
        matches!(
            self,
            StringLike | StringNotLike | ArnEquals | ArnLike | ArnNotEquals | ArnNotLike
        )
    }

    pub fn is_string(self) -> bool {
        use BaseOperator::*;
        matches!(
            self,
            StringEquals
                | StringNotEquals
                | StringEqualsIgnoreCase
                | StringNotEqualsIgnoreCase
                | StringLike
                | StringNotLike
        )
    }

    pub fn ignores_case(self) -> bool {
        matches!(
            self,
            BaseOperator::StringEqualsIgnoreCase | BaseOperator::StringNotEqualsIgnoreCase
        )
    }
}

/// How the operator treats a multi-valued request key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    /// No prefix: the key is treated as single-valued.
    Single,
    ForAnyValue,
    ForAllValues,
}

/// A parsed condition operator, or the name as written when IAM would not know it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Operator {
    Known {
        base: BaseOperator,
        set: SetQualifier,
        if_exists: bool,
    },
    Unknown(String),
}

impl Operator {
    pub fn parse(name: &str) -> Operator {
        let (set, rest) = if let Some(rest) = name.strip_prefix("ForAnyValue:") {
            (SetQualifier::ForAnyValue, rest)
        } else if let Some(rest) = name.strip_prefix("ForAllValues:") {
            (SetQualifier::ForAllValues, rest)
        } else {
            (SetQualifier::Single, name)
        };
        let (if_exists, base_name) = match rest.strip_suffix("IfExists") {
            Some(base) => (true, base),
            None => (false, rest),
        };
        match BASES.iter().find(|(n, _)| *n == base_name) {
            // IAM has no `NullIfExists`, and `Null` takes no set prefix.
            Some((_, BaseOperator::Null)) if if_exists || set != SetQualifier::Single => {
                Operator::Unknown(name.to_string())
            }
            Some((_, base)) => Operator::Known {
                base: *base,
                set,
                if_exists,
            },
            None => Operator::Unknown(name.to_string()),
        }
    }

    pub fn base(&self) -> Option<BaseOperator> {
        match self {
            Operator::Known { base, .. } => Some(*base),
            Operator::Unknown(_) => None,
        }
    }

    /// True when the condition holds for a request that lacks the key: negated operators,
    /// `…IfExists` and `ForAllValues:` (and `Null` with `true`, decided by its value).
    pub fn holds_when_key_absent(&self) -> bool {
        match self {
            Operator::Known {
                base,
                set,
                if_exists,
            } => {
                *if_exists
                    || (*set == SetQualifier::ForAllValues)
                    || (*set == SetQualifier::Single && base.is_negated())
            }
            Operator::Unknown(_) => false,
        }
    }

    /// A positive string test that fails closed: it constrains the key to the listed values.
    pub fn is_positive_string_match(&self) -> bool {
        match self {
            Operator::Known {
                base,
                set,
                if_exists,
            } => {
                matches!(
                    base,
                    BaseOperator::StringEquals
                        | BaseOperator::StringEqualsIgnoreCase
                        | BaseOperator::StringLike
                ) && !*if_exists
                    && *set != SetQualifier::ForAllValues
            }
            Operator::Unknown(_) => false,
        }
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operator::Known {
                base,
                set,
                if_exists,
            } => {
                match set {
                    SetQualifier::Single => {}
                    SetQualifier::ForAnyValue => f.write_str("ForAnyValue:")?,
                    SetQualifier::ForAllValues => f.write_str("ForAllValues:")?,
                }
                f.write_str(base.name())?;
                if *if_exists {
                    f.write_str("IfExists")?;
                }
                Ok(())
            }
            Operator::Unknown(name) => f.write_str(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_prefixes_and_suffix() {
        assert_eq!(
            Operator::parse("ForAnyValue:StringLikeIfExists"),
            Operator::Known {
                base: BaseOperator::StringLike,
                set: SetQualifier::ForAnyValue,
                if_exists: true
            }
        );
        assert_eq!(
            Operator::parse("ForAnyValue:StringLikeIfExists").to_string(),
            "ForAnyValue:StringLikeIfExists"
        );
        assert!(matches!(
            Operator::parse("stringequals"),
            Operator::Unknown(_)
        ));
        assert!(matches!(
            Operator::parse("StringMatches"),
            Operator::Unknown(_)
        ));
        assert!(matches!(
            Operator::parse("NullIfExists"),
            Operator::Unknown(_)
        ));
    }

    #[test]
    fn absent_key_semantics() {
        assert!(!Operator::parse("StringEquals").holds_when_key_absent());
        assert!(!Operator::parse("StringLike").holds_when_key_absent());
        assert!(!Operator::parse("ForAnyValue:StringLike").holds_when_key_absent());
        assert!(Operator::parse("StringNotEquals").holds_when_key_absent());
        assert!(Operator::parse("StringLikeIfExists").holds_when_key_absent());
        assert!(Operator::parse("ForAllValues:StringEquals").holds_when_key_absent());
        assert!(!Operator::parse("ForAnyValue:StringNotLike").holds_when_key_absent());
    }
}
