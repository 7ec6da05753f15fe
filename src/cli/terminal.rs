//! What cfsign writes: results on standard output (write errors that name it), one-line
//! messages on standard error (`cfsign: error:`, `warning:`, `hint:`), the output format
//! of `sign`, `verify` and `inspect`, and `--strict` (every warning an error).

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;
use clap::{Args, ValueEnum};

use super::{Exit, Failed};

/// Output format of `sign`, `verify` and `inspect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people and pipes: signed URLs one per line, or a readable report.
    Text,
    /// For programs: one JSON object per URL and line (schema_version 1).
    Json,
}

/// `--format text|json`, shared by `sign`, `verify` and `inspect`.
#[derive(Debug, Args)]
pub struct FormatArgs {
    /// Output format.
    #[arg(
        long,
        value_enum,
        ignore_case = true,
        default_value = "text",
        help_heading = "Output"
    )]
    pub format: Format,
}

/// Collapses a message onto one line (control characters escaped), so that each error
/// is one line whatever the input held.
pub fn one_line(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

/// Writes `line` and a line break to stderr in one write. A closed or full stderr is
/// ignored (`eprintln!` would panic): the exit status still tells what happened, and a
/// message nobody can read must not stop the work.
pub fn stderr_line(line: &str) {
    // A PKCS#11 PIN written where cfsign did not expect it is never printed.
    let line = cfsign::key_source::redact_pins_in_text(line);
    let mut text = String::with_capacity(line.len() + 1);
    text.push_str(&line);
    text.push('\n');
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// Standard output for results. Its write errors name it ("standard output: No space left
/// on device") and keep their kind, so a closed pipe (`| head -1`) still ends quietly.
pub struct Stdout(io::StdoutLock<'static>);

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf).map_err(stdout_error)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0.write_all(buf).map_err(stdout_error)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(stdout_error)
    }
}

/// Locks standard output for a command's results.
pub fn stdout() -> Stdout {
    Stdout(io::stdout().lock())
}

/// `e` with a message naming standard output, without the "(os error N)" suffix.
fn stdout_error(e: io::Error) -> io::Error {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return e;
    }
    let text = e.to_string();
    let reason = match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => &text[..i],
        _ => text.as_str(),
    };
    io::Error::new(e.kind(), format!("standard output: {reason}"))
}

/// Whether standard output was closed when cfsign started (`cfsign ... >&-`). The Rust
/// runtime reopens a closed descriptor 0-2 on `/dev/null` for reading and writing, so
/// every write would "succeed" and the output be lost without a word; a shell redirect to
/// `/dev/null` opens it write-only and is not affected. A `/dev/null` opened for reading
/// and writing by the caller (Python's `subprocess.DEVNULL`, systemd's `null`) looks the
/// same, so only the commands whose product is their output refuse it. Linux only (it
/// reads `/proc`).
pub fn stdout_was_closed() -> bool {
    #[cfg(target_os = "linux")]
    {
        let is_dev_null = std::fs::read_link("/proc/self/fd/1")
            .is_ok_and(|target| target == std::path::Path::new("/dev/null"));
        if !is_dev_null {
            return false;
        }
        // `flags:` is octal; the access mode is its low two bits (2: O_RDWR).
        let info = std::fs::read_to_string("/proc/self/fdinfo/1").unwrap_or_default();
        info.lines()
            .find_map(|l| l.strip_prefix("flags:"))
            .and_then(|f| u32::from_str_radix(f.trim(), 8).ok())
            .is_some_and(|flags| flags & 3 == 2)
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

/// Whether `--strict` was given: every warning is then an error.
static STRICT: AtomicBool = AtomicBool::new(false);

/// Turns `--strict` on or off for this process (set once, before any warning).
pub fn set_strict(on: bool) {
    STRICT.store(on, Ordering::Relaxed);
}

/// Whether `--strict` is on.
pub fn strict() -> bool {
    STRICT.load(Ordering::Relaxed)
}

/// The hint shown when `--strict` turns a warning into an error.
pub const STRICT_HINT: &str = "--strict makes every warning an error: change the input as the warning says, or leave out --strict to sign it with the warning";

/// A message a config step has for the user. The step prints nothing: the command that
/// asked for it prints these in order ([`say`]) before it looks at the step's result, so
/// a later error still follows the earlier messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Said {
    /// `cfsign: note: TEXT`, never an error.
    Note(String),
    /// `cfsign: warning: TEXT`; an error under `--strict` (exit 1), as [`warn`] makes it.
    Warning(String),
}

/// Prints `said` in order on stderr. Under `--strict` the first warning is reported as
/// the error instead and stops the command ([`warn`]); what followed it is not printed.
pub fn say(said: Vec<Said>) -> Result<()> {
    for s in said {
        match s {
            Said::Note(text) => stderr_line(&format!("cfsign: note: {text}")),
            Said::Warning(text) => warn(&text)?,
        }
    }
    Ok(())
}

/// Runs a step that prints nothing, prints what it said ([`say`]), then gives its result:
/// a step's messages come first, as they arose, and its error (if any) after them.
pub fn said_first<T>(step: impl FnOnce(&mut Vec<Said>) -> Result<T>) -> Result<T> {
    let mut said = Vec::new();
    let result = step(&mut said);
    say(said)?;
    result
}

/// Prints a warning line on stderr, whatever `--strict` says (for warnings already
/// sorted out by the caller).
pub fn print_warning(msg: &str) {
    stderr_line(&format!("cfsign: warning: {}", one_line(msg)));
}

/// Prints a warning line on stderr. Under `--strict` it is reported as an error instead,
/// and the returned error ([`Failed`], exit 1, already reported) stops the command: callers propagate it
/// with `?`, so every warning, new ones included, obeys `--strict`.
pub fn warn(msg: &str) -> Result<()> {
    if strict() {
        stderr_line(&format!("cfsign: error: --strict: {}", one_line(msg)));
        stderr_line(&format!("hint: {STRICT_HINT}"));
        return Err(Failed::reported(Exit::Input));
    }
    print_warning(msg);
    Ok(())
}
