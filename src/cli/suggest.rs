//! `trustlint suggest [--role ARN] [PATH]`: the tightest trust policy for each role the
//! repository's workflows assume, from the subjects their jobs will present.
//!
//! Output: with `--role`, the policy document alone; otherwise a JSON array of
//! `{"role": ARN, "policy": {…}}`, one per role, sorted by ARN.

use super::{exit, usage_error};
use crate::config::Config;
use crate::predict::{tightest_sub_values, Prediction, SuggestedSubValue, DEFAULT_AUDIENCE};
use crate::repo::{RepoIdentity, RoleArn};
use crate::rules::{RepoContext, WEB_IDENTITY_ACTION};
use crate::scan::parse_repository;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct SuggestArgs {
    /// The repository (or a directory of it) whose workflows to read.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Print only the policy of this role (an IAM role ARN).
    #[arg(long, value_name = "ARN")]
    pub role: Option<String>,
    /// The GitHub repository (OWNER/NAME), when trustlint.toml does not name it.
    #[arg(long, value_name = "OWNER/NAME")]
    pub repository: Option<String>,
    /// Use this configuration file instead of looking for trustlint.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

pub fn run(args: &SuggestArgs) -> i32 {
    match suggest(args) {
        Ok(text) => {
            println!(
                "{}",
                crate::escape::emit(&crate::escape::json(&text), crate::escape::Commands::None)
            );
            exit::OK
        }
        Err(e) => usage_error(e),
    }
}

fn suggest(args: &SuggestArgs) -> Result<String, String> {
    let config = match &args.config {
        Some(path) => Config::load(path),
        None => Config::discover(&args.path),
    }
    .map_err(|e| format!("configuration: {e}"))?;
    let identity = crate::repo::detect(&args.path, &config, args.repository.as_deref())
        .map_err(|e| format!("--repository: {e}"))?
        .ok_or("the repository is unknown: set `[github] repository` in trustlint.toml or pass --repository OWNER/NAME")?;
    let (policies, workflows) =
        parse_repository(std::slice::from_ref(&args.path), &config.exclude).map_err(|e| e.0)?;
    let settings = config.settings();
    let ctx = RepoContext::new(
        Path::new(&args.path),
        &config,
        Some(&identity),
        &policies,
        &workflows,
        &settings,
    );
    let analysis = ctx.analysis();
    let repo = analysis.repo.as_ref().ok_or("the repository is unknown")?;
    // Predictions per role, by ARN.
    let mut roles: BTreeMap<String, Vec<Prediction>> = BTreeMap::new();
    for u in &analysis.uses {
        if let (Some(arn), Some(p)) = (u.resolution.arn(), &u.prediction) {
            roles.entry(arn.to_string()).or_default().push(p.clone());
        }
    }
    if let Some(wanted) = &args.role {
        let wanted_arn = RoleArn::parse(wanted).map_err(|e| format!("--role: {e}"))?;
        let (arn, predictions) = roles
            .iter()
            .find(|(arn, _)| RoleArn::parse(arn).is_ok_and(|a| a.same_role(&wanted_arn)))
            .ok_or_else(|| format!("no workflow of the repository assumes {wanted}"))?;
        let policy = policy_for(arn, predictions, repo, &identity)?;
        return Ok(pretty(&policy));
    }
    if roles.is_empty() {
        return Err("no workflow of the repository assumes a role that trustlint can resolve (see `trustlint check` for unresolved-role findings)".to_string());
    }
    let mut out = Vec::new();
    for (arn, predictions) in &roles {
        out.push(json!({ "role": arn, "policy": policy_for(arn, predictions, repo, &identity)? }));
    }
    Ok(pretty(&Value::Array(out)))
}

/// Says on stderr (stdout stays pasteable JSON) what the suggestion could not take into account:
/// contexts trustlint cannot predict, inferred ones, and values broader than the workflows need.
fn explain_gaps(arn: &str, predictions: &[Prediction], values: &[SuggestedSubValue]) {
    let mut notes: Vec<String> = Vec::new();
    for p in predictions {
        notes.extend(p.notes.iter().cloned());
        for c in &p.contexts {
            if let Some(caveat) = &c.caveat {
                notes.push(format!("{}: {caveat}", c.reason));
            }
        }
    }
    for v in values {
        if let Some(why) = &v.broader {
            notes.push(format!(
                "`{}` is broader than the workflows need: {why}",
                v.value
            ));
        }
    }
    notes.sort();
    notes.dedup();
    for note in notes {
        super::eprint_line(&format!(
            "trustlint: note: {}: {}",
            crate::source::neutralize(arn),
            crate::source::neutralize(&note)
        ));
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// The tightest trust policy for these predictions of jobs assuming `arn`.
pub fn policy_for(
    arn: &str,
    predictions: &[Prediction],
    repo: &crate::predict::RepoFacts,
    identity: &RepoIdentity,
) -> Result<Value, String> {
    let role = RoleArn::parse(arn).map_err(|e| format!("{arn}: {e}"))?;
    let issuer = identity.issuer();
    let provider = format!(
        "arn:{}:iam::{}:oidc-provider/{issuer}",
        role.partition, role.account
    );
    let values = tightest_sub_values(predictions, repo);
    explain_gaps(arn, predictions, &values);
    if values.is_empty() {
        return Err(format!(
            "the subjects of the jobs assuming {arn} cannot be predicted"
        ));
    }
    let mut audiences: Vec<String> = Vec::new();
    for p in predictions {
        let aud = p
            .audience
            .clone()
            .unwrap_or_else(|| DEFAULT_AUDIENCE.to_string());
        if !audiences.contains(&aud) {
            audiences.push(aud);
        }
    }
    let one_or_many = |v: Vec<String>| -> Value {
        if v.len() == 1 {
            Value::String(v[0].clone())
        } else {
            Value::Array(v.into_iter().map(Value::String).collect())
        }
    };
    let exact: Vec<String> = values
        .iter()
        .filter(|v| !v.needs_like)
        .map(|v| v.value.clone())
        .collect();
    let patterns: Vec<String> = values
        .iter()
        .filter(|v| v.needs_like)
        .map(|v| v.value.clone())
        .collect();
    // Conditions of one statement are ANDed: exact values and patterns need a statement each.
    let statement = |sid: &str, operator: &str, subs: Vec<String>| -> Value {
        let mut condition = Map::new();
        let mut equals = Map::new();
        equals.insert(format!("{issuer}:aud"), one_or_many(audiences.clone()));
        if operator == "StringEquals" {
            equals.insert(format!("{issuer}:sub"), one_or_many(subs));
            condition.insert("StringEquals".into(), Value::Object(equals));
        } else {
            condition.insert("StringEquals".into(), Value::Object(equals));
            let mut like = Map::new();
            like.insert(format!("{issuer}:sub"), one_or_many(subs));
            condition.insert("StringLike".into(), Value::Object(like));
        }
        json!({
            "Sid": sid,
            "Effect": "Allow",
            "Principal": { "Federated": provider },
            "Action": WEB_IDENTITY_ACTION,
            "Condition": Value::Object(condition),
        })
    };
    let mut statements = Vec::new();
    if !exact.is_empty() {
        statements.push(statement("GitHubActions", "StringEquals", exact));
    }
    if !patterns.is_empty() {
        statements.push(statement("GitHubActionsPatterns", "StringLike", patterns));
    }
    Ok(json!({ "Version": "2012-10-17", "Statement": statements }))
}
