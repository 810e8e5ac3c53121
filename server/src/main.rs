//! The `sitechat-server` binary: parses the command line and hands over to the library.

fn main() -> std::process::ExitCode {
    sitechat_server::cli::main()
}
