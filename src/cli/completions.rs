//! `completions SHELL` and `man`: shell completions and a man page, generated from the clap
//! definitions (so they cannot drift from the flags), printed on stdout.

use clap::{Args, CommandFactory, ValueEnum};
use color_eyre::eyre::{Result, WrapErr};

use super::Cli;

/// The examples at the end of `completions --help`.
pub(super) const EXAMPLES: &str = "Examples:
  dynamo-explorer completions bash > ~/.local/share/bash-completion/completions/dynamo-explorer
  dynamo-explorer completions zsh > ~/.zfunc/_dynamo-explorer
  dynamo-explorer completions fish > ~/.config/fish/completions/dynamo-explorer.fish";

/// The examples at the end of `man --help`.
pub(super) const MAN_EXAMPLES: &str = "Examples:
  dynamo-explorer man | man -l -
  dynamo-explorer man > ~/.local/share/man/man1/dynamo-explorer.1";

/// The shells completions are made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// Bash.
    Bash,
    /// Zsh.
    Zsh,
    /// Fish.
    Fish,
    /// PowerShell.
    Powershell,
}

/// `completions` flags.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Prints the completion script for a shell.
pub(super) fn completions(args: &CompletionsArgs) -> Result<()> {
    use clap_complete::Shell as S;
    let shell = match args.shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
        Shell::Powershell => S::PowerShell,
    };
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "dynamo-explorer", &mut out);
    write_stdout(&out)
}

/// Prints the man page (section 1) in roff: the top-level page, then a section per command
/// with its options and examples.
pub(super) fn man() -> Result<()> {
    let cmd = Cli::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .render(&mut out)
        .wrap_err("cannot render the man page")?;
    for sub in cmd.get_subcommands().filter(|c| c.get_name() != "help") {
        let name = sub.get_name();
        out.extend_from_slice(format!(".SH \"COMMAND: {}\"\n", name.to_uppercase()).as_bytes());
        let sub = sub.clone().bin_name(format!("dynamo-explorer {name}"));
        let man = clap_mangen::Man::new(sub);
        for render in [
            clap_mangen::Man::render_description_section,
            clap_mangen::Man::render_synopsis_section,
            clap_mangen::Man::render_options_section,
            clap_mangen::Man::render_extra_section,
        ] {
            let mut part = Vec::new();
            render(&man, &mut part).wrap_err("cannot render the man page")?;
            // Each part opens with its own .SH; below a command's .SH they are .SS.
            out.extend_from_slice(
                String::from_utf8_lossy(&part)
                    .replace(".SH ", ".SS ")
                    .as_bytes(),
            );
        }
    }
    write_stdout(&out)
}

fn write_stdout(bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        // `| head`: a closed pipe ends the output quietly.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(e).wrap_err("cannot write to stdout"),
    }
}
