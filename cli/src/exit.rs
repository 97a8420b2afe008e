//! How a command ends: its exit code, and how errors are printed.

use std::process::ExitCode;

/// Shown at the end of `--help`.
pub(crate) const EXIT_CODES_HELP: &str = "Exit codes: 0 success; 1 a check failed (invalid history, histories differ, nondeterminism); \
     2 the input could not be used (unreadable file, bad flags, unreachable server).";

/// What a command concluded.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Everything checked out.
    Success,
    /// The command ran, and what it checked failed (already reported on stdout).
    CheckFailed,
    /// The command could not do its work.
    Error(anyhow::Error),
}

impl From<anyhow::Result<bool>> for Outcome {
    fn from(result: anyhow::Result<bool>) -> Self {
        match result {
            Ok(true) => Outcome::Success,
            Ok(false) => Outcome::CheckFailed,
            Err(error) => Outcome::Error(error),
        }
    }
}

/// Prints an error, if any, and turns the outcome into the process exit code.
pub(crate) fn finish(outcome: Outcome) -> ExitCode {
    match outcome {
        Outcome::Success => ExitCode::SUCCESS,
        Outcome::CheckFailed => ExitCode::from(1),
        Outcome::Error(error) => {
            eprintln!("wfkit: error: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// Writes a line to standard output. When the reader has gone away (`wfkit ... | head`), the
/// command ends quietly with success instead of panicking the way `println!` does.
pub(crate) fn write_stdout(text: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = stdout
        .write_fmt(text)
        .and_then(|()| stdout.write_all(b"\n"))
    {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("wfkit: error: cannot write to standard output: {error}");
        std::process::exit(2);
    }
}

/// `println!` for command output; see [`write_stdout`].
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::exit::write_stdout(format_args!($($arg)*))
    };
}
pub(crate) use outln;
