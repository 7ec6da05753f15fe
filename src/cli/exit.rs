//! The exit status of every command ([`Exit`]), and the error that ends a command with
//! another status than a usage error's ([`Failed`]). Commands return `Result<Exit>`:
//! `Ok` is the outcome, an error is reported once by `main` and ends with
//! [`Exit::Usage`], or with the status a [`Failed`] in its chain carries.

use std::fmt;
use std::process::ExitCode;

/// The exit status of a command, as each command's `--help` documents it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: everything worked; (`verify`) CloudFront would serve the request.
    Ok,
    /// 1: some inputs could not be signed or decoded, `--strict` refused a warning, or
    /// (`verify`) CloudFront would refuse the request.
    Input,
    /// 2: a usage or configuration error (options, key, key pair ID, times); nothing was
    /// done.
    Usage,
    /// 130: interrupted (Ctrl-C at the passphrase prompt), as a shell reports SIGINT.
    Interrupted,
}

impl Exit {
    /// The number the process exits with.
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Input => 1,
            Exit::Usage => 2,
            Exit::Interrupted => 130,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit.code())
    }
}

/// An error that ends the command with `exit` instead of [`Exit::Usage`]. `main` reports
/// `error` (`cfsign: error: ...` and a hint); `None` means it was already reported where
/// it happened (a `--strict` warning, an interrupted prompt).
#[derive(Debug)]
pub struct Failed {
    /// The status to exit with.
    pub exit: Exit,
    /// The error to report, if not reported yet.
    pub error: Option<anyhow::Error>,
}

impl Failed {
    /// `error`, to be reported by `main`, ending the command with `exit`.
    pub fn with(exit: Exit, error: anyhow::Error) -> anyhow::Error {
        Failed {
            exit,
            error: Some(error),
        }
        .into()
    }

    /// An error already reported on stderr, ending the command with `exit`.
    pub fn reported(exit: Exit) -> anyhow::Error {
        Failed { exit, error: None }.into()
    }
}

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.error {
            Some(e) => write!(f, "{e:#}"),
            None => write!(f, "already reported (exit {})", self.exit.code()),
        }
    }
}

impl std::error::Error for Failed {}
