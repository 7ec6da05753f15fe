//! Key material given where a path, ID, URL or other value is expected (a likely slip:
//! `--private-key "$(cat key.pem)"`, `CFSIGN_PRIVATE_KEY_FILE="$PEM"`, `cfsign < key.pem`)
//! is refused before anything could echo it: clap's "unexpected argument" error, a "no
//! such file" message, a bad-URL line. The decision is [`cfsign::key::looks_like_key_material`].

use std::ffi::OsString;
use std::io::{self, Read};

use zeroize::{Zeroize, Zeroizing};

/// What to do instead, for every refusal here.
const INSTEAD: &str = "give the key as a file (--private-key key.pem), on standard input (--private-key - with the URLs as arguments), or as PEM text in the CFSIGN_PRIVATE_KEY environment variable; never as a command-line value, which other users can read in the process list";

/// The variables whose value is PEM text by design (never scanned).
const PEM_VARIABLES: [&str; 2] = ["CFSIGN_PRIVATE_KEY", "CFSIGN_PRIVATE_KEY_PASSPHRASE"];

/// A refusal: the message and the hint, neither quoting the value.
pub struct Refusal {
    /// One line, naming where the key text was found.
    pub message: String,
    /// What to do instead.
    pub hint: &'static str,
}

/// Checks every command-line argument and every `CFSIGN_*` variable that holds a path, ID
/// or value. Returns the first place that holds key material.
pub fn check_arguments_and_environment(args: &[OsString]) -> Option<Refusal> {
    check_arguments(args).or_else(check_environment)
}

fn check_arguments(args: &[OsString]) -> Option<Refusal> {
    for (i, arg) in args.iter().enumerate().skip(1) {
        let text = Zeroizing::new(arg.to_string_lossy().into_owned());
        if !cfsign::key::looks_like_key_material(&text) {
            continue;
        }
        let option = match text.split_once('=') {
            Some((name, _)) if name.starts_with("--") && !name.contains(char::is_whitespace) => {
                Some(name.to_string())
            }
            _ => args
                .get(i - 1)
                .map(|prev| prev.to_string_lossy())
                .filter(|prev| prev.starts_with('-') && prev.len() < 40 && !prev.contains('='))
                .map(|prev| prev.into_owned()),
        };
        let place = match option {
            Some(name) => format!("the value of {name}"),
            None => format!("command-line argument {i}"),
        };
        return Some(Refusal {
            message: format!(
                "{place} is PEM key text (not shown), where a path, ID or value is expected"
            ),
            hint: INSTEAD,
        });
    }
    None
}

fn check_environment() -> Option<Refusal> {
    let mut names: Vec<String> = std::env::vars_os()
        .filter_map(|(name, _)| name.into_string().ok())
        .filter(|name| name.starts_with("CFSIGN_") && !PEM_VARIABLES.contains(&name.as_str()))
        .collect();
    names.sort();
    for name in names {
        let Some(value) = std::env::var_os(&name) else {
            continue;
        };
        let value = Zeroizing::new(value.to_string_lossy().into_owned());
        if cfsign::key::looks_like_key_material(&value) {
            let what = if name == "CFSIGN_PRIVATE_KEY_FILE" {
                "is for the path of a key file"
            } else {
                "does not take a key"
            };
            return Some(Refusal {
                message: format!("{name} holds PEM key text (not shown), but {what}"),
                hint: "put the PEM text in CFSIGN_PRIVATE_KEY (or its path in CFSIGN_PRIVATE_KEY_FILE)",
            });
        }
    }
    None
}

/// Standard input where URLs, signed URLs or cookies are expected: a read that meets a
/// PEM `-----BEGIN` or `-----END` line fails (and keeps failing), so key text piped in by
/// mistake is refused as a whole and never echoed as a bad input line.
pub struct NoKeyText<R> {
    inner: R,
    /// The last bytes of the previous read, for a marker split across two reads.
    tail: Vec<u8>,
    what: &'static str,
    refused: bool,
}

impl<R: Read> NoKeyText<R> {
    /// Wraps `inner`; `what` names the expected input in the error (`URLs, one per line`).
    pub fn new(inner: R, what: &'static str) -> Self {
        NoKeyText {
            inner,
            tail: Vec::with_capacity(32),
            what,
            refused: false,
        }
    }

    fn refusal(&self) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, KeyTextOnStdin(self.what))
    }
}

/// The error a [`NoKeyText`] read fails with; [`hint`] finds it in an error chain.
#[derive(Debug)]
pub struct KeyTextOnStdin(&'static str);

impl std::fmt::Display for KeyTextOnStdin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "standard input holds a PEM key block (not shown), where cfsign reads {}",
            self.0
        )
    }
}

impl std::error::Error for KeyTextOnStdin {}

/// The hint for an error that refused key text on standard input.
pub fn hint(err: &anyhow::Error) -> Option<&'static str> {
    err.chain()
        .filter_map(|e| e.downcast_ref::<io::Error>())
        .filter_map(|e| e.get_ref())
        .find_map(|e| e.downcast_ref::<KeyTextOnStdin>())
        .map(|_| INSTEAD)
}

const MARKERS: [&[u8]; 2] = [b"-----BEGIN", b"-----END"];

impl<R: Read> Read for NoKeyText<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.refused {
            return Err(self.refusal());
        }
        let n = self.inner.read(buf)?;
        let mut window = Zeroizing::new(Vec::with_capacity(self.tail.len() + n));
        window.extend_from_slice(&self.tail);
        window.extend_from_slice(&buf[..n]);
        let found = MARKERS
            .iter()
            .any(|m| window.windows(m.len()).any(|w| w == *m));
        if found {
            buf[..n].zeroize();
            self.tail.zeroize();
            self.refused = true;
            return Err(self.refusal());
        }
        let keep = window.len().min(16);
        self.tail.zeroize();
        self.tail.clear();
        self.tail.extend_from_slice(&window[window.len() - keep..]);
        Ok(n)
    }
}

/// Whether a bad input line must not be quoted in its error: it is base64 text of 16 or
/// more characters (a line of a key's body, perhaps, never a URL).
pub fn is_base64_line(line: &str) -> bool {
    // Quotes and separators around it (a CSV field) do not make it a URL.
    let line = line.trim_matches(|c: char| matches!(c, '"' | '\'' | ',' | ';'));
    (line.len() >= 16
        && line
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'='))
        || cfsign::key::looks_like_key_material(line)
}
