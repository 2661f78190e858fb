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
    #[serde(default)]
    pub audiences: Audiences,
    #[serde(default)]
    pub issuers: Issuers,
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

impl Config {
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
            if candidate.is_file() {
                return Config::load(&candidate);
            }
            dir = d.parent().map(Path::to_path_buf);
        }
        Ok(Config::default())
    }

    pub fn load(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: {e}", crate::source::display_path(path)))?;
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
                Err(format!(
                    "unknown rule \"{id}\" in `{what}` (see `trustlint rules`)"
                ))
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
}
