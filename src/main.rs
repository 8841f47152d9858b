fn main() -> std::process::ExitCode {
    duban::infra::cli::main()
}
