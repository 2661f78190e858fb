//! Command line. (Minimal: the lead engineer replaces this file; `simulate.rs` stays.)

pub mod simulate;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(name = "trustlint", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Evaluate a trust policy for one web-identity token, as IAM would.
    Simulate(simulate::SimulateArgs),
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() { 2 } else { 0 };
        }
    };
    match cli.command {
        Command::Simulate(args) => simulate::run(&args),
    }
}
