//! The command line: `check`, `simulate`, `suggest`, `rules`, `explain`, `init`, `completions`,
//! `man`.

mod check;
mod generate;
mod init;
mod rules_cmd;
pub mod simulate;
mod suggest;

use clap::{Parser, Subcommand};

/// Exit codes shared by every command.
pub mod exit {
    /// No finding at or above `--fail-on`, or `--exit-zero` (check), or ALLOW (simulate).
    pub const OK: i32 = 0;
    /// Findings at or above `--fail-on` (check), or DENY (simulate).
    pub const FINDINGS: i32 = 1;
    /// Usage or I/O error the user must fix (check: also no file read with `--fail-on-empty`).
    pub const ERROR: i32 = 2;
}

#[derive(Parser, Debug)]
#[command(
    name = "trustlint",
    version,
    about = "Static analysis of AWS IAM trust policies for GitHub Actions OIDC",
    long_about = "trustlint reads IAM role trust policies and reports, at the exact line and column, \
                  every way they let the wrong GitHub workflow assume the role."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan files and directories and report findings.
    Check(check::CheckArgs),
    /// Evaluate a trust policy for one AssumeRoleWithWebIdentity request, as IAM would.
    Simulate(simulate::SimulateArgs),
    /// Print the tightest trust policy for each role the repository's workflows assume.
    Suggest(suggest::SuggestArgs),
    /// List the rules.
    Rules(rules_cmd::RulesArgs),
    /// Print a rule's documentation.
    Explain(rules_cmd::ExplainArgs),
    /// Write a commented trustlint.toml with the repository and the roles its workflows assume.
    Init(init::InitArgs),
    /// Print a shell completion script.
    Completions(generate::CompletionsArgs),
    /// Print the man page (roff).
    Man(generate::ManArgs),
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() {
                exit::ERROR
            } else {
                exit::OK
            };
            let _ = err.print();
            return code;
        }
    };
    match &cli.command {
        Command::Check(args) => check::run(args),
        Command::Simulate(args) => simulate::run(args),
        Command::Suggest(args) => suggest::run(args),
        Command::Rules(args) => rules_cmd::rules(args),
        Command::Explain(args) => rules_cmd::explain(args),
        Command::Init(args) => init::run(args),
        Command::Completions(args) => generate::completions(args),
        Command::Man(args) => generate::man(args),
    }
}

/// Prints an error the user must fix and returns exit code 2. The message is one line: it may
/// echo keys of a repository's trustlint.toml or names of its files.
pub(crate) fn usage_error(message: impl std::fmt::Display) -> i32 {
    eprint_line(&format!(
        "trustlint: error: {}",
        crate::escape::value(&message.to_string())
    ));
    exit::ERROR
}

/// Writes a line to stderr through [`crate::escape::emit`].
pub(crate) fn eprint_line(line: &str) {
    eprintln!(
        "{}",
        crate::escape::emit(line, crate::escape::Commands::None)
    );
}
