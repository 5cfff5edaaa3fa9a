//! One way to start the real binary with nothing of the developer's AWS setup leaking in:
//! every `AWS_*` variable of this process is removed from the child (endpoint, profile,
//! region, keys, config file paths...) and the EC2 metadata lookup is switched off, so a
//! test never reaches a real account or waits on 169.254.169.254. A test that needs a
//! variable (fake keys, say) sets it after scrubbing.
//!
//! Shared by the tests (as `common::spawn`) and the benches (by `#[path]`), so it uses
//! nothing but std, tokio and portable-pty.

use std::ffi::OsString;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_dynamo-explorer");

/// The `AWS_*` variables this process has: each is removed from a spawned binary.
fn aws_vars() -> impl Iterator<Item = OsString> {
    std::env::vars_os()
        .map(|(k, _)| k)
        .filter(|k| k.to_string_lossy().starts_with("AWS_"))
}

/// Removes every `AWS_*` variable from a command's environment and disables the EC2
/// metadata lookup.
pub trait ScrubAws {
    /// The command, scrubbed.
    fn scrub_aws(&mut self) -> &mut Self;
}

// One body for the three command types: std's, tokio's and the pty's builder.
macro_rules! scrub_aws {
    ($($command:ty),*) => {$(
        impl ScrubAws for $command {
            fn scrub_aws(&mut self) -> &mut Self {
                for k in aws_vars() {
                    self.env_remove(k);
                }
                self.env("AWS_EC2_METADATA_DISABLED", "true");
                self
            }
        }
    )*};
}

scrub_aws!(
    std::process::Command,
    tokio::process::Command,
    portable_pty::CommandBuilder
);

/// The binary as a plain child process, scrubbed.
pub fn command() -> std::process::Command {
    let mut cmd = std::process::Command::new(BIN);
    cmd.scrub_aws();
    cmd
}
