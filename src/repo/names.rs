//! The names repository and role settings are made of: GitHub `owner/name`, AWS account IDs and
//! partitions, IAM role names and role ARNs. Shared by `trustlint.toml` validation and by
//! [`resolve_role`](super::resolve_role).

/// Splits and checks a GitHub `owner/name`.
///
/// Owner: ASCII letters, digits, `-` and `_` (enterprise managed users end in `_SHORTCODE`),
/// starting with a letter or digit. Name: ASCII letters, digits, `.`, `-` and `_`, not `.` or
/// `..`, and not ending in `.git` (GitHub drops that suffix from clone URLs, never from names).
pub fn parse_repository(text: &str) -> Result<(&str, &str), String> {
    let Some((owner, name)) = text.split_once('/') else {
        return Err(format!("\"{text}\" is not owner/name"));
    };
    check_owner(owner).map_err(|e| format!("\"{text}\": {e}"))?;
    check_repository_name(name).map_err(|e| format!("\"{text}\": {e}"))?;
    Ok((owner, name))
}

fn check_owner(owner: &str) -> Result<(), String> {
    if owner.is_empty() {
        return Err("the owner is empty".into());
    }
    if owner.len() > 100 {
        return Err("the owner is longer than 100 characters".into());
    }
    if !owner.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(format!(
            "the owner \"{owner}\" must start with a letter or digit"
        ));
    }
    if let Some(c) = owner
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(format!(
            "the owner \"{owner}\" contains {c:?} (letters, digits, '-' and '_' only)"
        ));
    }
    Ok(())
}

fn check_repository_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the repository name is empty".into());
    }
    if name.len() > 100 {
        return Err("the repository name is longer than 100 characters".into());
    }
    if name == "." || name == ".." {
        return Err(format!("\"{name}\" is not a repository name"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
    {
        return Err(format!(
            "the repository name \"{name}\" contains {c:?} (letters, digits, '.', '-' and '_' only)"
        ));
    }
    if name.len() > 4 && name[name.len() - 4..].eq_ignore_ascii_case(".git") {
        return Err(format!(
            "write the repository name without \".git\" (\"{}\")",
            &name[..name.len() - 4]
        ));
    }
    Ok(())
}

/// A 12-digit AWS account ID.
pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// An AWS partition name: `aws`, `aws-cn`, `aws-us-gov`, `aws-iso-b`, … (any case; ARNs are
/// written lower-case).
pub fn is_partition(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let Some(rest) = lower.strip_prefix("aws") else {
        return false;
    };
    rest.is_empty()
        || rest.strip_prefix('-').is_some_and(|tail| {
            tail.split('-').all(|segment| {
                !segment.is_empty()
                    && segment
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            })
        })
}

/// IAM role names: 1–64 characters of `[A-Za-z0-9+=,.@_-]`.
pub fn is_role_name(text: &str) -> bool {
    (1..=64).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
}

/// Checks the part of a role ARN after `role/`: optional path segments and the role name
/// (`deploy`, `ci/deploy`, `teams/ci/deploy`). Returns (path with its trailing `/`, name).
pub fn split_role_resource(resource: &str) -> Result<(&str, &str), String> {
    let (path, name) = match resource.rfind('/') {
        Some(i) => (&resource[..=i], &resource[i + 1..]),
        None => ("", resource),
    };
    if !is_role_name(name) {
        return Err(if name.is_empty() {
            "the role name is empty".into()
        } else {
            format!(
                "\"{name}\" is not a role name (1-64 characters of letters, digits and +=,.@_-)"
            )
        });
    }
    if path.len() > 512 {
        return Err("the role path is longer than 512 characters".into());
    }
    if !path.is_empty() {
        for segment in path[..path.len() - 1].split('/') {
            if segment.is_empty() {
                return Err(format!("the role path \"/{path}\" has an empty segment"));
            }
            if !segment.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
                return Err(format!(
                    "the role path \"/{path}\" contains a character IAM does not allow"
                ));
            }
        }
    }
    Ok((path, name))
}

/// An IAM role ARN, `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`, borrowed from its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleArn<'a> {
    pub partition: &'a str,
    pub account: &'a str,
    /// The role path without its leading `/`, with its trailing `/` (`""` for `/`).
    pub path: &'a str,
    pub name: &'a str,
}

impl<'a> RoleArn<'a> {
    /// Parses a role ARN; the error says which part is wrong.
    pub fn parse(text: &'a str) -> Result<RoleArn<'a>, String> {
        let mut parts = text.splitn(6, ':');
        let (
            Some(arn),
            Some(partition),
            Some(service),
            Some(region),
            Some(account),
            Some(resource),
        ) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        )
        else {
            return Err("expected arn:PARTITION:iam::ACCOUNT:role/NAME".into());
        };
        if arn != "arn" {
            return Err("expected arn:PARTITION:iam::ACCOUNT:role/NAME".into());
        }
        if !is_partition(partition) {
            return Err(format!("\"{partition}\" is not an AWS partition"));
        }
        if service != "iam" {
            return Err(format!("the service is \"{service}\", not \"iam\""));
        }
        if !region.is_empty() {
            return Err(format!(
                "IAM ARNs have no region (found \"{region}\" between \"iam:\" and the account)"
            ));
        }
        if !is_account_id(account) {
            return Err(format!("\"{account}\" is not a 12-digit account ID"));
        }
        let Some(role) = resource.strip_prefix("role/") else {
            return Err(format!(
                "\"{resource}\" is not a role (expected role/NAME or role/PATH/NAME)"
            ));
        };
        let (path, name) = split_role_resource(role)?;
        Ok(RoleArn {
            partition,
            account,
            path,
            name,
        })
    }

    /// The same role: partition and account compared ignoring ASCII case, path and name exactly.
    pub fn same_role(&self, other: &RoleArn<'_>) -> bool {
        self.partition.eq_ignore_ascii_case(other.partition)
            && self.account.eq_ignore_ascii_case(other.account)
            && self.path == other.path
            && self.name == other.name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories() {
        assert_eq!(
            parse_repository("octo-org/octo.repo_1"),
            Ok(("octo-org", "octo.repo_1"))
        );
        assert_eq!(parse_repository("user_corp/r"), Ok(("user_corp", "r")));
        for bad in [
            "octo", "/r", "o/", "o/r/x", "-o/r", "o o/r", "o/r r", "o/..", "o/r.git", "o/r.GIT",
            "o/ré",
        ] {
            assert!(parse_repository(bad).is_err(), "{bad}");
        }
        let err = parse_repository("o/r.git").unwrap_err();
        assert!(err.contains("without \".git\""), "{err}");
    }

    #[test]
    fn accounts_and_partitions() {
        assert!(is_account_id("123456789012"));
        assert!(!is_account_id("12345678901"));
        assert!(!is_account_id("12345678901a"));
        for p in ["aws", "aws-cn", "aws-us-gov", "aws-iso-b", "AWS"] {
            assert!(is_partition(p), "{p}");
        }
        for p in ["", "amazon", "aws-", "aws--cn", "aws_cn", "awscn"] {
            assert!(!is_partition(p), "{p}");
        }
    }

    #[test]
    fn role_arns() {
        let arn = RoleArn::parse("arn:aws:iam::123456789012:role/teams/ci/deploy").unwrap();
        assert_eq!(
            (arn.partition, arn.account, arn.path, arn.name),
            ("aws", "123456789012", "teams/ci/", "deploy")
        );
        let plain = RoleArn::parse("arn:aws-cn:iam::123456789012:role/deploy").unwrap();
        assert_eq!((plain.path, plain.name), ("", "deploy"));
        for (bad, why) in [
            ("deploy", "expected arn:"),
            ("arn:aws:iam::123456789012:user/deploy", "not a role"),
            ("arn:aws:s3::123456789012:role/deploy", "service"),
            (
                "arn:aws:iam:us-east-1:123456789012:role/deploy",
                "no region",
            ),
            ("arn:aws:iam::1234:role/deploy", "12-digit"),
            ("arn:aws:iam::*:role/deploy", "12-digit"),
            ("arn:aws:iam::123456789012:role/", "empty"),
            ("arn:aws:iam::123456789012:role/dep*", "not a role name"),
            ("arn:aws:iam::123456789012:role/a//b", "empty segment"),
            ("arn:gcp:iam::123456789012:role/deploy", "partition"),
        ] {
            let err = RoleArn::parse(bad).unwrap_err();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn same_role_ignores_partition_and_account_case_only() {
        let a = RoleArn::parse("arn:aws:iam::123456789012:role/ci/Deploy").unwrap();
        let b = RoleArn::parse("arn:AWS:iam::123456789012:role/ci/Deploy").unwrap();
        let c = RoleArn::parse("arn:aws:iam::123456789012:role/ci/deploy").unwrap();
        let d = RoleArn::parse("arn:aws:iam::123456789012:role/Deploy").unwrap();
        assert!(a.same_role(&b));
        assert!(!a.same_role(&c));
        assert!(!a.same_role(&d));
    }
}
