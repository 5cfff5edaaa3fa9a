//! `completions SHELL` and `man`: shell completions and a man page, generated from the clap
//! definitions (so they cannot drift from the flags), printed on stdout.

use clap::{Args, CommandFactory};
use color_eyre::eyre::{Result, WrapErr};

use super::Cli;
use super::output::write_line;

/// The examples at the end of `completions --help`.
pub(super) const EXAMPLES: &str = "Examples:
  dynamo-explorer completions bash > ~/.local/share/bash-completion/completions/dynamo-explorer
  dynamo-explorer completions zsh > ~/.zfunc/_dynamo-explorer
  dynamo-explorer completions fish > ~/.config/fish/completions/dynamo-explorer.fish";

/// The examples at the end of `man --help`.
pub(super) const MAN_EXAMPLES: &str = "Examples:
  dynamo-explorer man | man -l -
  dynamo-explorer man > ~/.local/share/man/man1/dynamo-explorer.1";

/// `completions` flags.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Prints the completion script for a shell.
pub(super) fn completions(args: &CompletionsArgs) -> Result<()> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "dynamo-explorer", &mut out);
    print_text(&out);
    Ok(())
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
    print_text(&out);
    Ok(())
}

/// Generated text on stdout, through the one writer that ends quietly on a closed pipe.
fn print_text(bytes: &[u8]) {
    write_line(format_args!(
        "{}",
        String::from_utf8_lossy(bytes).trim_end()
    ));
}
