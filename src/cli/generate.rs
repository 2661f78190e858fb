//! `trustlint completions SHELL` and `trustlint man`, generated from the clap definition.

use super::{exit, usage_error, Cli};
use clap::CommandFactory;
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(clap::Args, Debug)]
pub struct ManArgs {
    /// Write trustlint.1 and one page per command (trustlint-check.1, …) into DIR instead of
    /// printing trustlint.1.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
}

pub fn completions(args: &CompletionsArgs) -> i32 {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "trustlint", &mut out);
    print(&out)
}

pub fn man(args: &ManArgs) -> i32 {
    let command = Cli::command();
    if let Some(dir) = &args.output_dir {
        if let Err(e) =
            std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(command, dir))
        {
            return usage_error(format!("writing man pages to {}: {e}", dir.display()));
        }
        return exit::OK;
    }
    let mut out = Vec::new();
    if let Err(e) = clap_mangen::Man::new(command).render(&mut out) {
        return usage_error(format!("rendering the man page: {e}"));
    }
    print(&out)
}

fn print(bytes: &[u8]) -> i32 {
    match std::io::stdout().lock().write_all(bytes) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            usage_error(format!("writing to standard output: {e}"))
        }
        _ => exit::OK,
    }
}
