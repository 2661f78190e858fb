//! `trustlint.toml`: found from the scan root upward; unknown keys are errors with their location.

use crate::rules::{find_rule, Settings, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "trustlint.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Only these rules run (default: all).
    #[serde(default)]
    pub select: Option<Vec<String>>,
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Per-rule severity overrides.
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    /// Globs of paths to skip, relative to the scan root.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// `fail-on-empty = true`: a scan that reads no file is an error (as `--fail-on-empty`).
    #[serde(default, rename = "fail-on-empty")]
    pub fail_on_empty: bool,
    #[serde(default)]
    pub audiences: Audiences,
    #[serde(default)]
    pub issuers: Issuers,
    /// `[github]`: the repository the workflows belong to.
    #[serde(default)]
    pub github: GitHub,
    /// `[vars]`: values of `${{ vars.NAME }}` and `${{ secrets.NAME }}`, for `role-to-assume`.
    /// Names are case-insensitive, as in GitHub.
    #[serde(default, deserialize_with = "de::vars")]
    pub vars: BTreeMap<String, String>,
    /// `[roles]`: role ARN -> trust-policy file, relative to the config file's directory.
    #[serde(default, deserialize_with = "de::roles")]
    pub roles: BTreeMap<String, PathBuf>,
    /// `[aws]`: the account and partition of bare role names in `role-to-assume`.
    #[serde(default)]
    pub aws: Aws,
    /// Where the file was read from (not a key).
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Audiences {
    /// Audiences accepted besides sts.amazonaws.com and sts.amazonaws.com.cn.
    #[serde(default)]
    pub allowed: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Issuers {
    /// More issuers (host/path, scheme optional) to treat as GitHub Actions token issuers.
    #[serde(default)]
    pub extra: Vec<String>,
}

/// `[github]`. Everything is optional; [`crate::repo::detect`] fills the gaps from the command
/// line and the clone's `.git` directory.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GitHub {
    /// `owner/name`.
    #[serde(default, deserialize_with = "de::repository")]
    pub repository: Option<String>,
    #[serde(default, deserialize_with = "de::branch")]
    pub default_branch: Option<String>,
    /// A GitHub Enterprise Server host (lower-cased, without scheme or trailing `/`), whose
    /// token issuer is `HOST/_services/token`. `github.com` is stored as `None`.
    #[serde(default, deserialize_with = "de::host")]
    pub host: Option<String>,
    /// For immutable subjects `repo:OWNER@OWNER_ID/REPO@REPO_ID:…`.
    #[serde(default, deserialize_with = "de::id")]
    pub owner_id: Option<u64>,
    #[serde(default, deserialize_with = "de::id")]
    pub repository_id: Option<u64>,
    /// A customized `sub` template (`include_claim_keys`), e.g. `["repo", "context"]`; `None`
    /// is GitHub's default format.
    #[serde(default, deserialize_with = "de::subject_template")]
    pub subject_template: Option<Vec<String>>,
}

/// `[aws]`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Aws {
    /// A 12-digit account ID, written as a string.
    #[serde(default, deserialize_with = "de::account")]
    pub account: Option<String>,
    /// Lower-cased; see [`Aws::partition`].
    #[serde(default, deserialize_with = "de::partition")]
    pub partition: Option<String>,
}

impl Aws {
    /// The configured partition, else `aws`.
    pub fn partition(&self) -> &str {
        self.partition.as_deref().unwrap_or("aws")
    }
}

impl Config {
    /// The value of `vars.NAME` / `secrets.NAME` from `[vars]`: names compare ignoring ASCII
    /// case, like GitHub's.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .or_else(|| {
                self.vars
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v)
            })
            .map(String::as_str)
    }

    /// The directory of the config file, which `[roles]` paths are relative to; `None` for a
    /// configuration that was not read from a file.
    pub fn base_dir(&self) -> Option<&Path> {
        self.path.as_deref().and_then(Path::parent)
    }

    /// Looks for trustlint.toml in `start` (or its directory, for a file) and its ancestors.
    pub fn discover(start: &Path) -> Result<Config, String> {
        let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
        let mut dir = if start.is_file() {
            start.parent().map(Path::to_path_buf)
        } else {
            Some(start)
        };
        while let Some(d) = dir {
            let candidate = d.join(FILE_NAME);
            // Anything by that name is the configuration: a FIFO or a link to a device is an
            // error, not a silent default. Its links may not lead out of its directory.
            if std::fs::symlink_metadata(&candidate).is_ok() {
                return Config::load_within(&candidate, Some(&d));
            }
            dir = d.parent().map(Path::to_path_buf);
        }
        Ok(Config::default())
    }

    /// Reads `--config FILE` (named by the user: it may be anywhere).
    pub fn load(path: &Path) -> Result<Config, String> {
        Config::load_within(path, None)
    }

    fn load_within(path: &Path, within: Option<&Path>) -> Result<Config, String> {
        let text = crate::source::read_text_within(path, within)
            .map_err(|skip| format!("{}: {}", crate::source::display_path(path), skip.reason))?;
        let mut config = Config::parse(&text)
            .map_err(|e| format!("{}: {e}", crate::source::display_path(path)))?;
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    pub fn parse(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let position = e.span().map(|span| {
                let lc = crate::source::LineIndex::new(text).line_col(text, span.start);
                format!("line {}, column {}: ", lc.line, lc.column)
            });
            format!("{}{}", position.unwrap_or_default(), e.message())
        })?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), String> {
        let known = |id: &str, what: &str| {
            if find_rule(id).is_some() {
                Ok(())
            } else {
                Err(format!("`{what}`: {}", crate::rules::unknown_rule(id)))
            }
        };
        for id in self.select.iter().flatten() {
            known(id, "select")?;
        }
        for id in &self.ignore {
            known(id, "ignore")?;
        }
        for (id, severity) in &self.severity {
            known(id, "severity")?;
            if Severity::parse(severity).is_none() {
                return Err(format!(
                    "severity \"{severity}\" for {id}: expected info, low, medium, high or critical"
                ));
            }
        }
        Ok(())
    }

    pub fn settings(&self) -> Settings {
        Settings {
            extra_audiences: self.audiences.allowed.clone(),
            extra_issuers: self
                .issuers
                .extra
                .iter()
                .map(|i| {
                    crate::policy::strip_scheme(i)
                        .trim_end_matches('/')
                        .to_string()
                })
                .collect(),
        }
    }

    pub fn severity_override(&self, rule: &str) -> Option<Severity> {
        self.severity.get(rule).and_then(|s| Severity::parse(s))
    }
}

/// Validating deserializers: every error is raised inside the TOML deserializer, so that it
/// carries the line and column of the offending key or value.
mod de {
    use crate::repo::names::{is_account_id, is_partition, parse_repository, RoleArn};
    use serde::de::{DeserializeSeed, Deserializer, Error, MapAccess, SeqAccess, Visitor};
    use std::collections::BTreeMap;
    use std::fmt;
    use std::path::PathBuf;

    /// A string checked (and possibly normalized) by `check` inside `visit_str`.
    struct Checked<F>(&'static str, F);

    impl<'de, F> Visitor<'de> for Checked<F>
    where
        F: FnOnce(&str) -> Result<String, String>,
    {
        type Value = String;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(self.0)
        }

        fn visit_str<E: Error>(self, v: &str) -> Result<String, E> {
            (self.1)(v).map_err(E::custom)
        }
    }

    fn checked<'de, D, F>(d: D, expecting: &'static str, check: F) -> Result<String, D::Error>
    where
        D: Deserializer<'de>,
        F: FnOnce(&str) -> Result<String, String>,
    {
        d.deserialize_str(Checked(expecting, check))
    }

    pub fn repository<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        checked(d, "a repository as \"owner/name\"", |s| {
            parse_repository(s)
                .map(|_| s.to_string())
                .map_err(|e| format!("repository {e}"))
        })
        .map(Some)
    }

    pub fn branch<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        checked(d, "a branch name", |s| {
            let s = s.strip_prefix("refs/heads/").unwrap_or(s);
            if s.is_empty()
                || s.starts_with('/')
                || s.ends_with('/')
                || s.contains("..")
                || s.chars()
                    .any(|c| c.is_whitespace() || c.is_control() || "~^:?*[\\".contains(c))
            {
                Err(format!("\"{s}\" is not a branch name"))
            } else {
                Ok(s.to_string())
            }
        })
        .map(Some)
    }

    /// A host name with an optional port; a scheme and trailing `/` are dropped.
    pub fn normalize_host(text: &str) -> Result<String, String> {
        let trimmed = text.trim();
        let bare = trimmed
            .strip_prefix("https://")
            .or_else(|| trimmed.strip_prefix("http://"))
            .unwrap_or(trimmed)
            .trim_end_matches('/');
        let (name, port) = match bare.rsplit_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (bare, None),
        };
        let name_ok = !name.is_empty()
            && name.split('.').all(|label| {
                !label.is_empty()
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
        let port_ok = port
            .is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
        if name_ok && port_ok {
            Ok(bare.to_ascii_lowercase())
        } else {
            Err(format!(
                "\"{text}\" is not a host name (write the GitHub Enterprise Server host, e.g. \"github.example.com\")"
            ))
        }
    }

    pub fn host<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        let host = checked(d, "a host name", normalize_host)?;
        Ok(Some(host).filter(|h| h != "github.com"))
    }

    pub fn id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = u64;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a positive integer ID")
            }
            fn visit_i64<E: Error>(self, v: i64) -> Result<u64, E> {
                u64::try_from(v).ok().filter(|v| *v > 0).ok_or_else(|| {
                    E::custom(format!("{v} is not a GitHub ID (a positive integer)"))
                })
            }
            fn visit_u64<E: Error>(self, v: u64) -> Result<u64, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<u64, E> {
                Err(E::custom(format!(
                    "write the ID as a number, without quotes: {}",
                    v.trim()
                )))
            }
        }
        d.deserialize_any(V).map(Some)
    }

    pub fn account<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = String;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a 12-digit AWS account ID as a string")
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<String, E> {
                if is_account_id(v) {
                    Ok(v.to_string())
                } else {
                    Err(E::custom(format!(
                        "\"{v}\" is not a 12-digit AWS account ID"
                    )))
                }
            }
            fn visit_i64<E: Error>(self, v: i64) -> Result<String, E> {
                Err(E::custom(format!(
                    "write the account ID as a 12-digit string: account = \"{v:012}\""
                )))
            }
        }
        d.deserialize_any(V).map(Some)
    }

    pub fn partition<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        checked(d, "an AWS partition", |s| {
            if is_partition(s) {
                Ok(s.to_ascii_lowercase())
            } else {
                Err(format!(
                    "\"{s}\" is not an AWS partition (aws, aws-cn, aws-us-gov, …)"
                ))
            }
        })
        .map(Some)
    }

    /// Claim keys of a customized `sub` template besides the token's claim names.
    const TEMPLATE_ONLY_KEYS: &[&str] = &["repo", "context"];

    /// One element of `subject-template`: a known claim key, not seen before.
    struct ClaimKey<'a>(&'a [String]);

    impl<'de> DeserializeSeed<'de> for ClaimKey<'_> {
        type Value = String;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
            let seen = self.0;
            checked(d, "a claim key", move |s| {
                let known = crate::subject::known_claim_keys().contains(&s)
                    || TEMPLATE_ONLY_KEYS.contains(&s)
                    || s.strip_prefix("repo_property_")
                        .is_some_and(|p| !p.is_empty());
                if !known {
                    Err(format!(
                        "unknown claim key \"{s}\" in `subject-template` (expected claim names such as repo, context, environment, job_workflow_ref, repository_owner_id)"
                    ))
                } else if seen.iter().any(|k| k == s) {
                    Err(format!("\"{s}\" appears twice in `subject-template`"))
                } else {
                    Ok(s.to_string())
                }
            })
        }
    }

    pub fn subject_template<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Vec<String>>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Vec<String>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of claim keys")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
                let mut keys = Vec::new();
                while let Some(key) = seq.next_element_seed(ClaimKey(&keys))? {
                    keys.push(key);
                }
                if keys.is_empty() {
                    return Err(A::Error::custom(
                        "`subject-template` is empty (leave it out for GitHub's default format)",
                    ));
                }
                Ok(keys)
            }
        }
        d.deserialize_seq(V).map(Some)
    }

    /// A `[vars]` name: `[A-Za-z_][A-Za-z0-9_]*`, unique ignoring case.
    struct VarName<'a>(&'a BTreeMap<String, String>);

    impl<'de> DeserializeSeed<'de> for VarName<'_> {
        type Value = String;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
            let seen = self.0;
            checked(d, "a variable name", move |s| {
                let valid = s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                    && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
                if !valid {
                    Err(format!(
                        "\"{s}\" is not a GitHub variable or secret name (letters, digits and '_', not starting with a digit)"
                    ))
                } else if let Some(other) = seen.keys().find(|k| k.eq_ignore_ascii_case(s)) {
                    Err(format!(
                        "\"{s}\" and \"{other}\" are the same name (GitHub names ignore case)"
                    ))
                } else {
                    Ok(s.to_string())
                }
            })
        }
    }

    pub fn vars<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = BTreeMap<String, String>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of NAME = \"value\"")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut vars = BTreeMap::new();
                while let Some(name) = map.next_key_seed(VarName(&vars))? {
                    let value: String = map.next_value()?;
                    vars.insert(name, value);
                }
                Ok(vars)
            }
        }
        d.deserialize_map(V)
    }

    /// A `[roles]` key: a role ARN, not the same role as an earlier key.
    struct RoleKey<'a>(&'a BTreeMap<String, PathBuf>);

    impl<'de> DeserializeSeed<'de> for RoleKey<'_> {
        type Value = String;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
            let seen = self.0;
            checked(d, "a role ARN", move |s| {
                let arn = RoleArn::parse(s)
                    .map_err(|e| format!("\"{s}\" is not an IAM role ARN: {e}"))?;
                if let Some(other) = seen
                    .keys()
                    .find(|k| RoleArn::parse(k).is_ok_and(|k| k.same_role(&arn)))
                {
                    return Err(format!("\"{s}\" is the same role as \"{other}\""));
                }
                Ok(s.to_string())
            })
        }
    }

    pub fn roles<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, PathBuf>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = BTreeMap<String, PathBuf>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of \"ROLE ARN\" = \"path/to/trust-policy.json\"")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut roles = BTreeMap::new();
                while let Some(arn) = map.next_key_seed(RoleKey(&roles))? {
                    let path = map.next_value_seed(PolicyPath)?;
                    roles.insert(arn, path);
                }
                Ok(roles)
            }
        }
        d.deserialize_map(V)
    }

    struct PolicyPath;

    impl<'de> DeserializeSeed<'de> for PolicyPath {
        type Value = PathBuf;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<PathBuf, D::Error> {
            checked(d, "the path of a trust-policy file", |s| {
                if s.trim().is_empty() {
                    Err("the trust-policy path is empty".into())
                } else {
                    // The repository's own config must not make trustlint read (and quote)
                    // files elsewhere on the runner.
                    crate::source::relative_inside(std::path::Path::new(s))
                        .map_err(|why| format!("`{s}` is {why}"))?;
                    Ok(s.to_string())
                }
            })
            .map(PathBuf::from)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_errors_with_location() {
        let err = Config::parse("exclude = []\n[audiences]\nallowd = [\"x\"]\n").unwrap_err();
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains("allowd"), "{err}");
    }

    #[test]
    fn misspelled_rule_ids_get_a_suggestion_in_every_list() {
        for (text, what) in [
            ("select = [\"subject-any-ownr\"]\n", "`select`"),
            ("ignore = [\"subject-any-ownr\"]\n", "`ignore`"),
            ("[severity]\nsubject-any-ownr = \"high\"\n", "`severity`"),
        ] {
            let err = Config::parse(text).unwrap_err();
            assert_eq!(
                err,
                format!(
                    "{what}: unknown rule \"subject-any-ownr\" (did you mean `subject-any-owner`?)"
                )
            );
        }
    }

    #[test]
    fn reads_sections() {
        let c = Config::parse(
            "exclude = [\"gen/**\"]\n[audiences]\nallowed = [\"my-aud\"]\n[issuers]\nextra = [\"https://gitlab.example.com/\"]\n",
        )
        .unwrap();
        assert_eq!(c.exclude, ["gen/**"]);
        let s = c.settings();
        assert_eq!(s.extra_issuers, ["gitlab.example.com"]);
        assert_eq!(s.extra_audiences, ["my-aud"]);
    }
    const FULL: &str = r#"
[github]
repository = "octo-org/octo-repo"
default-branch = "trunk"
host = "https://GitHub.Example.com/"
owner-id = 123456
repository-id = 654321
subject-template = ["repo", "context", "job_workflow_ref", "repo_property_team"]

[vars]
AWS_ROLE_ARN = "arn:aws:iam::123456789012:role/deploy"
account = "123456789012"

[roles]
"arn:aws:iam::123456789012:role/deploy" = "infra/iam/deploy.trust.json"
"arn:aws:iam::123456789012:role/ci/build" = "infra/iam/build.json"

[aws]
account = "123456789012"
partition = "aws-cn"
"#;

    #[test]
    fn reads_repository_vars_roles_and_aws() {
        let c = Config::parse(FULL).unwrap();
        assert_eq!(c.github.repository.as_deref(), Some("octo-org/octo-repo"));
        assert_eq!(c.github.default_branch.as_deref(), Some("trunk"));
        assert_eq!(c.github.host.as_deref(), Some("github.example.com"));
        assert_eq!(
            (c.github.owner_id, c.github.repository_id),
            (Some(123456), Some(654321))
        );
        assert_eq!(
            c.github.subject_template.as_deref().unwrap(),
            ["repo", "context", "job_workflow_ref", "repo_property_team"]
        );
        assert_eq!(
            c.var("aws_role_arn"),
            Some("arn:aws:iam::123456789012:role/deploy")
        );
        assert_eq!(c.var("ACCOUNT"), Some("123456789012"));
        assert_eq!(c.var("MISSING"), None);
        assert_eq!(c.roles.len(), 2);
        assert_eq!(
            c.roles["arn:aws:iam::123456789012:role/deploy"],
            PathBuf::from("infra/iam/deploy.trust.json")
        );
        assert_eq!(c.aws.account.as_deref(), Some("123456789012"));
        assert_eq!(c.aws.partition(), "aws-cn");
    }

    #[test]
    fn new_sections_default_to_empty() {
        let c = Config::parse("").unwrap();
        assert!(c.github.repository.is_none() && c.github.subject_template.is_none());
        assert!(c.vars.is_empty() && c.roles.is_empty());
        assert_eq!(c.aws.partition(), "aws");
        assert!(c.base_dir().is_none());
    }

    #[test]
    fn github_com_host_is_no_enterprise_host() {
        let c = Config::parse("[github]\nhost = \"github.com\"\n").unwrap();
        assert_eq!(c.github.host, None);
        let c = Config::parse("[github]\nhost = \"ghe.example.com:8443\"\n").unwrap();
        assert_eq!(c.github.host.as_deref(), Some("ghe.example.com:8443"));
        let c = Config::parse("[github]\ndefault-branch = \"refs/heads/main\"\n").unwrap();
        assert_eq!(c.github.default_branch.as_deref(), Some("main"));
    }

    /// (config, expected line, expected column, text the message must contain)
    #[test]
    fn invalid_values_are_errors_at_their_location() {
        let cases: &[(&str, usize, usize, &str)] = &[
            ("[github]\nrepository = \"octo-org\"\n", 2, 14, "owner/name"),
            ("[github]\nrepository = \"o/r.git\"\n", 2, 14, "without \".git\""),
            ("[github]\nrepository = \"o/r x\"\n", 2, 14, "contains ' '"),
            ("[github]\ndefault_branch = \"main\"\n", 2, 1, "default_branch"),
            ("[github]\ndefault-branch = \"a b\"\n", 2, 18, "not a branch name"),
            ("[github]\nhost = \"https://ghe.example.com/api\"\n", 2, 8, "not a host name"),
            ("[github]\nowner-id = -1\n", 2, 12, "positive"),
            ("[github]\nowner-id = \"12\"\n", 2, 12, "without quotes"),
            (
                "[github]\nsubject-template = [\"repo\",\n  \"brnach\"]\n",
                3,
                3,
                "unknown claim key \"brnach\"",
            ),
            (
                "[github]\nsubject-template = [\"repo\", \"repo\"]\n",
                2,
                29,
                "appears twice",
            ),
            ("[github]\nsubject-template = []\n", 2, 20, "empty"),
            ("[vars]\n\"1X\" = \"v\"\n", 2, 1, "not a GitHub variable"),
            ("[vars]\nROLE = \"a\"\nrole = \"b\"\n", 3, 1, "ignore case"),
            ("[vars]\nROLE = 1\n", 2, 8, "string"),
            (
                "[roles]\n\"arn:aws:iam::123456789012:user/x\" = \"p.json\"\n",
                2,
                1,
                "not a role",
            ),
            // TOML tables reach the deserializer in key order, so the first key in sort order is
            // the one reported; the message names both.
            (
                "[roles]\n\"arn:aws:iam::123456789012:role/x\" = \"a.json\"\n\"arn:AWS:iam::123456789012:role/x\" = \"b.json\"\n",
                2,
                1,
                "same role",
            ),
            (
                "[roles]\n\"arn:aws:iam::123456789012:role/x\" = \"\"\n",
                2,
                38,
                "path is empty",
            ),
            ("[aws]\naccount = \"12345\"\n", 2, 11, "12-digit"),
            ("[aws]\naccount = 123456789012\n", 2, 11, "account = \"123456789012\""),
            ("[aws]\npartition = \"azure\"\n", 2, 13, "not an AWS partition"),
            ("[aws]\nregion = \"us-east-1\"\n", 2, 1, "region"),
        ];
        let mut failures = Vec::new();
        for (text, line, column, needle) in cases {
            let at = format!("line {line}, column {column}: ");
            match Config::parse(text) {
                Err(err) if err.starts_with(&at) && err.contains(needle) => {}
                other => failures.push(format!("{text:?}: expected {at}…{needle}…, got {other:?}")),
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn base_dir_is_the_config_files_directory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, FULL).unwrap();
        let c = Config::discover(dir.path()).unwrap();
        assert_eq!(
            c.base_dir().map(Path::to_path_buf),
            Some(std::fs::canonicalize(dir.path()).unwrap())
        );
    }
}
