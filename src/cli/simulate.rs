// Placeholder until the simulate implementation lands from its branch.
#[derive(clap::Args, Debug)]
pub struct SimulateArgs {}
pub fn run(_args: &SimulateArgs) -> i32 {
    super::usage_error("simulate is not built yet")
}
