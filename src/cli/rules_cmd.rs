//! `trustlint rules` and `trustlint explain`.

use super::{exit, usage_error};
use crate::rules::{all_rules, find_rule};

#[derive(clap::Args, Debug)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value = "human")]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// Rule id, e.g. missing-sub-condition.
    pub rule: String,
}

pub fn rules(args: &RulesArgs) -> i32 {
    match args.format {
        ListFormat::Human => {
            let width = all_rules()
                .iter()
                .map(|r| r.meta().id.len())
                .max()
                .unwrap_or(0);
            for rule in all_rules() {
                let meta = rule.meta();
                println!(
                    "{:width$}  {:8}  {}",
                    meta.id,
                    meta.severity.as_str(),
                    meta.summary()
                );
            }
        }
        ListFormat::Json => {
            let list: Vec<_> = all_rules()
                .iter()
                .map(|r| {
                    let m = r.meta();
                    serde_json::json!({"id": m.id, "severity": m.severity.as_str(), "summary": m.summary()})
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&list).expect("serializes")
            );
        }
    }
    exit::OK
}

pub fn explain(args: &ExplainArgs) -> i32 {
    match find_rule(&args.rule) {
        Some(rule) => {
            print!(
                "{}",
                crate::escape::emit(rule.meta().page, crate::escape::Commands::None)
            );
            exit::OK
        }
        None => usage_error(crate::rules::unknown_rule(&args.rule)),
    }
}
