fn main() {
    std::process::exit(trustlint::cli::main());
}
