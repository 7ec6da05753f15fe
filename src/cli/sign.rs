//! `cfsign [sign] URL...`: signed URLs, from arguments or standard input.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::mem::Discriminant;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use cfsign::response::ResponseOverrides;
use cfsign::url::Warning;
use cfsign::{KeyPairId, RawPolicy, SignedUrl, Signer, UrlOptions};
use clap::Args;

use super::key_options::{self, KeyArgs};
use super::pipeline::{self, Sink};
use super::policy_options::{self, PolicyArgs};
use super::terminal::{self, Format, FormatArgs, Said};
use super::time_options::{self, TimeArgs};
use super::{Exit, secrets};

/// Arguments of the signing command.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// URLs to sign, exactly as viewers will request them. None or `-`: read one per line
    /// from standard input.
    #[arg(value_name = "URL")]
    pub urls: Vec<String>,

    /// A URL to sign, as `aws cloudfront sign --url` takes it; may be repeated, and
    /// combined with URL arguments (signed after them).
    #[arg(long, value_name = "URL")]
    pub url: Vec<String>,

    #[command(flatten)]
    pub key: KeyArgs,

    #[command(flatten)]
    pub time: TimeArgs,

    #[command(flatten)]
    pub policy: PolicyArgs,

    /// The policy's Resource: begins with http://, https:// or *, and may hold * (any
    /// characters) and ? (one character) anywhere, matched against the whole URL as one
    /// string ('*game_download.zip*', 'https://*/game_download.zip'). The signature then
    /// covers every matching URL; the URL must match it.
    #[arg(long, value_name = "PATTERN", help_heading = "Policy")]
    pub policy_resource: Option<String>,

    /// A complete custom policy (JSON) to sign byte for byte as written; it carries the
    /// resource, expiry, start time and IP range.
    #[arg(
        long,
        value_name = "PATH",
        help_heading = "Policy",
        conflicts_with_all = ["policy_resource", "ip_address", "date_greater_than", "days", "expires_in", "date_less_than"]
    )]
    pub policy_file: Option<PathBuf>,

    /// Make an S3 origin serve the file as a download named NAME (any Unicode name):
    /// adds response-content-disposition (RFC 6266, encoded) to each URL before signing.
    /// The cache behavior must forward it to the origin.
    #[arg(long, value_name = "NAME", help_heading = "S3 response headers")]
    pub download_as: Option<String>,

    /// Make an S3 origin answer with this Content-Type (application/pdf): adds
    /// response-content-type to each URL before signing. The cache behavior must forward
    /// it to the origin.
    #[arg(long, value_name = "TYPE", help_heading = "S3 response headers")]
    pub content_type: Option<String>,

    #[command(flatten)]
    pub output: FormatArgs,

    /// Output line N answers input line N: a blank or failed input line gives an empty
    /// line (text) or an object without "url" (json), so `paste` pairs every answer with
    /// its input.
    #[arg(long, help_heading = "Output")]
    pub aligned: bool,

    /// Treat every warning as an error: the URL it concerns is not signed (exit 1), and a
    /// warning about an option (key pair ID, IP range) stops before any URL.
    #[arg(long, help_heading = "Output")]
    pub strict: bool,

    /// Worker threads for URLs read from standard input (default: the number of CPUs, at
    /// most 32, or 8 for a kms: key, whose calls wait on the network; at most 256: a
    /// larger N is capped, with a warning). Fewer
    /// start when the address-space limit (ulimit -v) has no room for N. Output keeps the
    /// input order whatever N is.
    #[arg(
        long,
        value_name = "N",
        value_parser = pipeline::parse_jobs,
        help_heading = "Output"
    )]
    pub jobs: Option<u32>,
}

/// How each URL is signed.
enum Plan {
    Conditions(UrlOptions),
    Raw(RawPolicy),
}

impl Plan {
    fn sign(&self, signer: &Signer, url: &str) -> cfsign::Result<SignedUrl> {
        match self {
            Plan::Conditions(p) => signer.sign_url(url, p),
            Plan::Raw(r) => signer.sign_url_with_policy(url, r),
        }
    }
}

/// What the signing command takes from its arguments, checked before the key is loaded
/// or any URL read.
struct SignConfig {
    /// The URL arguments; empty: read URLs from standard input.
    urls: Vec<String>,
    plan: Plan,
    overrides: ResponseOverrides,
    key: KeyArgs,
    key_pair_id: KeyPairId,
    format: Format,
    aligned: bool,
    strict: bool,
    jobs: Option<u32>,
}

/// The one step from the signing command's arguments to its [`SignConfig`]. It prints
/// nothing and reads nothing but a `--policy-file`: its notes and warnings go to `said`,
/// in the order they arose, for the caller to print ([`terminal::say`]).
fn config(mut args: SignArgs, said: &mut Vec<Said>) -> Result<SignConfig> {
    args.urls.append(&mut args.url);
    let from_stdin = args.urls.is_empty() || args.urls == ["-"];
    if !from_stdin && args.urls.iter().any(|u| u == "-") {
        bail!("`-` (read URLs from standard input) cannot be combined with URL arguments");
    }
    if from_stdin && key_options::key_from_stdin(&args.key) {
        bail!("--private-key - reads the key from standard input, so give the URLs as arguments");
    }
    if args.policy.mode == cfsign::PolicyMode::Canned && args.policy_file.is_some() {
        bail!("--policy canned cannot be used with --policy-file, which is a custom policy");
    }
    let now = time_options::now(&args.time)?;
    let plan = match &args.policy_file {
        Some(path) => Plan::Raw(policy_options::policy_file(path, now)?),
        None => {
            let condition = policy_options::condition(&args.time, &args.policy, now, said)?;
            policy_options::check_policy_options(
                args.policy_resource.as_deref(),
                &condition,
                args.policy.mode,
            )?;
            Plan::Conditions(UrlOptions {
                policy_resource: args.policy_resource.clone(),
                condition,
                mode: args.policy.mode,
            })
        }
    };
    let overrides = response_overrides(&args)?;
    let key_pair_id = key_options::key_pair_id(&args.key, said)?;
    Ok(SignConfig {
        urls: if from_stdin { Vec::new() } else { args.urls },
        plan,
        overrides,
        key: args.key,
        key_pair_id,
        format: args.output.format,
        aligned: args.aligned,
        strict: args.strict,
        jobs: args.jobs,
    })
}

/// Runs the signing command and returns the exit status.
pub fn run(args: SignArgs) -> Result<Exit> {
    terminal::set_strict(args.strict);
    // What each step had to say comes first; under --strict a warning stops the command.
    let config = terminal::said_first(|said| config(args, said))?;
    let signer =
        terminal::said_first(|said| key_options::signer(&config.key, config.key_pair_id, said))?;
    let plan = &config.plan;
    let from_stdin = config.urls.is_empty();
    let job = Job {
        plan,
        signer: &signer,
        overrides: &config.overrides,
        format: config.format,
        aligned: config.aligned,
        strict: config.strict,
    };
    let mut out = BufWriter::with_capacity(64 * 1024, terminal::stdout());
    let mut reporter = Reporter::new();
    let failures = if from_stdin {
        let stdin = io::stdin();
        let interactive = stdin.is_terminal();
        let jobs = if interactive {
            1
        } else {
            pipeline::worker_count(config.jobs, super::key_source::default_jobs(&signer))
        };
        let input = io::BufReader::with_capacity(
            64 * 1024,
            secrets::NoKeyText::new(stdin, "URLs, one per line"),
        );
        pipeline::run(&job, input, jobs, &mut out, &mut reporter)?
    } else {
        let mut failures = 0usize;
        let mut buf = Vec::new();
        let mut notes = Vec::new();
        for (i, url) in config.urls.iter().enumerate() {
            buf.clear();
            if !job.sign_one(None, i + 1, url, &mut buf, &mut notes) {
                failures += 1;
            }
            reporter.emit(&mut notes, &buf, &mut out)?;
        }
        failures
    };
    reporter.progress.clear();
    reporter.summarize();
    // One policy per URL on the slowest backend: name the faster choices (terminal only).
    let per_url = matches!(plan, Plan::Conditions(p) if p.policy_resource.is_none());
    if let Some(note) = super::version::slow_backend_note(&signer, reporter.progress.lines)
        && from_stdin
        && per_url
        && io::stderr().is_terminal()
    {
        terminal::stderr_line(&note);
    }
    out.flush()?;
    if failures > 0 {
        // Each failed line was reported where it stood in the input.
        return Ok(Exit::Input);
    }
    Ok(Exit::Ok)
}

/// `--download-as` and `--content-type`, checked once before any URL.
fn response_overrides(args: &SignArgs) -> Result<ResponseOverrides> {
    let mut overrides = ResponseOverrides::new();
    if let Some(name) = &args.download_as {
        overrides = overrides.download_as(name).context("--download-as")?;
    }
    if let Some(media_type) = &args.content_type {
        overrides = overrides
            .content_type(media_type)
            .context("--content-type")?;
    }
    Ok(overrides)
}

/// Everything needed to sign one input line; shared by the worker threads.
struct Job<'a> {
    plan: &'a Plan,
    signer: &'a Signer,
    /// Query parameters added to each URL before it is signed.
    overrides: &'a ResponseOverrides,
    format: Format,
    /// `--aligned`: one output line per input line, blank and failed ones included.
    aligned: bool,
    /// `--strict`: a URL with a warning is not signed.
    strict: bool,
}

/// Why one input was not signed: reported on stderr, and in JSON as an object.
struct Failure {
    message: String,
    hint: Option<String>,
    /// The `error_kind` of the JSON object.
    kind: &'static str,
}

impl Failure {
    fn from_error(e: &cfsign::Error) -> Self {
        Failure {
            message: e.to_string(),
            hint: super::hints::hint(e),
            kind: e.kind(),
        }
    }

    /// The warnings `--strict` turns into this input's error.
    fn strict(warnings: &[cfsign::Warning]) -> Self {
        let texts: Vec<String> = warnings.iter().map(super::hints::warning).collect();
        Failure {
            message: format!("--strict: {}", texts.join("; ")),
            hint: Some(terminal::STRICT_HINT.into()),
            kind: "strict_warning",
        }
    }

    /// The JSON object for input number `line` (documented in
    /// `schema/cfsign-output.schema.json`).
    fn to_json(&self, line: usize, input: &str) -> serde_json::Value {
        serde_json::json!({
            "schema_version": 1,
            "line": line,
            "input": input,
            "error": self.message,
            "error_kind": self.kind,
            "hint": self.hint,
        })
    }
}

/// Something to say on stderr about one input, in input order.
enum Note {
    /// A warning (the URL was signed); reported once per kind.
    Warning(Option<usize>, Warning),
    /// The input was not signed.
    Failed(Option<usize>, Failure),
}

impl Job<'_> {
    /// Signs one URL, appending its output line to `out` and anything to report to
    /// `notes`; returns whether it was signed. `line` is the input line number for
    /// messages (`None` for arguments), `number` the line or argument number for JSON.
    fn sign_one(
        &self,
        line: Option<usize>,
        number: usize,
        url: &str,
        out: &mut Vec<u8>,
        notes: &mut Vec<(usize, Note)>,
    ) -> bool {
        let signed = self
            .overrides
            .apply(url)
            .and_then(|url| self.plan.sign(self.signer, &url));
        let failure = match signed {
            Ok(signed) if self.strict && !signed.warnings.is_empty() => {
                Failure::strict(&signed.warnings)
            }
            Ok(mut signed) => {
                for w in std::mem::take(&mut signed.warnings) {
                    notes.push((out.len(), Note::Warning(line, w)));
                }
                match self.format {
                    Format::Text => {
                        out.extend_from_slice(signed.url.as_bytes());
                        out.push(b'\n');
                    }
                    Format::Json => {
                        let mut object = serde_json::Map::new();
                        object.insert("schema_version".into(), 1.into());
                        object.insert("line".into(), number.into());
                        if let serde_json::Value::Object(fields) =
                            super::output::signed_url_json(&signed)
                        {
                            object
                                .extend(fields.into_iter().filter(|(k, _)| k != "schema_version"));
                        }
                        // Writing to a Vec cannot fail.
                        let _ = writeln!(out, "{}", serde_json::Value::Object(object));
                    }
                }
                return true;
            }
            Err(e) => Failure::from_error(&e),
        };
        self.fail(line, number, url, failure, out, notes);
        false
    }

    /// Records a failed input: its note, and its output line in JSON or `--aligned`.
    fn fail(
        &self,
        line: Option<usize>,
        number: usize,
        input: &str,
        failure: Failure,
        out: &mut Vec<u8>,
        notes: &mut Vec<(usize, Note)>,
    ) {
        let at = out.len();
        match self.format {
            Format::Json => {
                let _ = writeln!(out, "{}", failure.to_json(number, input));
            }
            Format::Text if self.aligned => out.push(b'\n'),
            Format::Text => {}
        }
        notes.push((at, Note::Failed(line, failure)));
    }
}

impl pipeline::Work for Job<'_> {
    type Note = Note;
    const MAX_LINE: usize = LINE_LIMIT;

    /// Signs one raw input line (numbered `n`); blank lines are skipped (under
    /// `--aligned` they get an empty line, or in JSON an object with `"skipped"`).
    /// Returns whether the line failed.
    fn line(
        &self,
        n: usize,
        line: &[u8],
        out: &mut Vec<u8>,
        notes: &mut Vec<(usize, Note)>,
    ) -> bool {
        if line.len() > LINE_LIMIT {
            let failure = Failure {
                message: format!(
                    "is longer than {LINE_LIMIT} bytes; CloudFront takes URLs of at most {} bytes",
                    cfsign::url::MAX_URL_LEN
                ),
                hint: None,
                kind: "line_too_long",
            };
            let start = String::from_utf8_lossy(&line[..line.len().min(100)]);
            self.fail(Some(n), n, &format!("{start}..."), failure, out, notes);
            return true;
        }
        let Ok(text) = std::str::from_utf8(line) else {
            let failure = Failure {
                message: "is not UTF-8 text".into(),
                hint: None,
                kind: "not_utf8",
            };
            let input = String::from_utf8_lossy(line);
            self.fail(Some(n), n, input.trim_end(), failure, out, notes);
            return true;
        };
        // A byte-order mark starts many lists saved on Windows; it is no part of a URL.
        let text = if n == 1 {
            text.strip_prefix('\u{feff}').unwrap_or(text)
        } else {
            text
        };
        // Only ASCII whitespace (and so CR) is trimmed: a non-ASCII space is refused with
        // the same message as in an argument, not silently dropped.
        let url = text.trim_matches(|c: char| c.is_ascii_whitespace());
        if secrets::is_base64_line(url) {
            let failure = Failure {
                message: "is not a URL but base64 text, perhaps part of a key (not shown)".into(),
                hint: None,
                kind: "base64_line",
            };
            // The line itself is never shown, not even in JSON.
            self.fail(Some(n), n, "(not shown)", failure, out, notes);
            return true;
        }
        if url.is_empty() {
            if self.aligned {
                match self.format {
                    Format::Json => {
                        let _ = writeln!(
                            out,
                            "{}",
                            serde_json::json!({
                                "schema_version": 1,
                                "line": n,
                                "input": "",
                                "skipped": "blank line",
                            })
                        );
                    }
                    Format::Text => out.push(b'\n'),
                }
            }
            return false;
        }
        !self.sign_one(Some(n), n, url, out, notes)
    }
}

/// Writes notes to stderr in input order, the first warning of each kind only, and drives
/// the progress line.
struct Reporter {
    /// Each kind of warning shown, where it was first shown, and how many more there were.
    /// One entry per [`Warning`] variant at most, so memory stays flat whatever the input
    /// (keeping every distinct warning text grew with the input).
    warnings: Vec<ShownWarning>,
    progress: Progress,
}

/// A kind of warning already shown.
struct ShownWarning {
    kind: Discriminant<Warning>,
    first_line: Option<usize>,
    repeats: usize,
}

impl Reporter {
    fn new() -> Self {
        Reporter {
            warnings: Vec::new(),
            // A progress line on the terminal that also shows the signed URLs would land
            // among them: only when the URLs go elsewhere (a file, a pipe).
            progress: Progress::new(io::stderr().is_terminal() && !io::stdout().is_terminal()),
        }
    }

    /// Says how many warnings of each kind were not repeated (at the end of the input).
    fn summarize(&self) {
        for w in self.warnings.iter().filter(|w| w.repeats > 0) {
            let first = w
                .first_line
                .map(|n| format!("line {n}"))
                .unwrap_or_else(|| "the first".into());
            let (urls, have) = if w.repeats == 1 {
                ("URL", "has")
            } else {
                ("URLs", "have")
            };
            terminal::print_warning(&format!(
                "{} more {urls} {have} the same kind of warning as {first} (each kind is shown once)",
                w.repeats
            ));
        }
    }

    /// Reports one note on stderr.
    fn report(&mut self, note: Note) {
        let where_ = |n: Option<usize>| n.map(|n| format!("line {n}: ")).unwrap_or_default();
        match note {
            Note::Warning(n, warning) => {
                let kind = std::mem::discriminant(&warning);
                match self.warnings.iter_mut().find(|w| w.kind == kind) {
                    Some(shown) => shown.repeats += 1,
                    None => {
                        terminal::print_warning(&format!(
                            "{}{}",
                            where_(n),
                            super::hints::warning(&warning)
                        ));
                        self.warnings.push(ShownWarning {
                            kind,
                            first_line: n,
                            repeats: 0,
                        });
                    }
                }
            }
            Note::Failed(n, f) => {
                terminal::stderr_line(&format!(
                    "cfsign: error: {}{}",
                    where_(n),
                    terminal::one_line(&f.message)
                ));
                if let Some(h) = f.hint {
                    terminal::stderr_line(&format!("hint: {}", terminal::one_line(&h)));
                }
            }
        }
    }
}

impl pipeline::Sink<Note> for Reporter {
    /// Writes `chunk` to `out` with the notes about it to stderr, each note where it
    /// belongs: a note made when `chunk` held N bytes comes after those N bytes, and `out`
    /// is flushed before it, so with `2>&1` messages stand in input order. Drains `notes`.
    fn emit(
        &mut self,
        notes: &mut Vec<(usize, Note)>,
        chunk: &[u8],
        out: &mut impl Write,
    ) -> io::Result<()> {
        let mut written = 0;
        for (at, note) in notes.drain(..) {
            out.write_all(&chunk[written..at])?;
            written = at;
            out.flush()?;
            self.progress.clear();
            self.report(note);
        }
        out.write_all(&chunk[written..])
    }

    fn progress(&mut self, lines: usize) {
        self.progress.update(lines);
    }
}

/// A `N URLs, R/s` line on stderr, only when stderr is a terminal, stdout is not, and the
/// input is large (shown after the first second and 10,000 lines, redrawn 4 times a second).
struct Progress {
    enabled: bool,
    start: Instant,
    last: Instant,
    shown: bool,
    /// Input lines read so far.
    lines: usize,
}

impl Progress {
    const MIN_LINES: usize = 10_000;
    const FIRST: Duration = Duration::from_secs(1);
    const EVERY: Duration = Duration::from_millis(250);

    fn new(enabled: bool) -> Self {
        let now = Instant::now();
        Progress {
            enabled,
            start: now,
            last: now,
            shown: false,
            lines: 0,
        }
    }

    fn update(&mut self, lines: usize) {
        self.lines = lines;
        if !self.enabled || lines < Self::MIN_LINES {
            return;
        }
        let now = Instant::now();
        let elapsed = now - self.start;
        if elapsed < Self::FIRST || (self.shown && now - self.last < Self::EVERY) {
            return;
        }
        self.last = now;
        self.shown = true;
        let rate = lines as f64 / elapsed.as_secs_f64();
        let mut err = io::stderr().lock();
        let _ = write!(err, "\r\x1b[Kcfsign: {lines} URLs, {rate:.0}/s");
        let _ = err.flush();
    }

    /// Erases the progress line (before other messages and at the end).
    fn clear(&mut self) {
        if self.shown {
            self.shown = false;
            let _ = write!(io::stderr().lock(), "\r\x1b[K");
        }
    }
}

/// The longest input line kept: twice CloudFront's URL quota. A longer line is refused
/// whole without being held in memory.
const LINE_LIMIT: usize = 2 * cfsign::url::MAX_URL_LEN;

#[cfg(test)]
mod tests {
    use super::*;

    /// `cfsign URL --now 2025-12-01T00:00:00Z ARGS` parsed into the signing command's
    /// arguments.
    fn sign_args(args: &[&str]) -> SignArgs {
        #[derive(clap::Parser)]
        struct Line {
            #[command(flatten)]
            sign: SignArgs,
        }
        let line = ["cfsign", URL, "--now", "2025-12-01T00:00:00Z"]
            .into_iter()
            .chain(args.iter().copied());
        <Line as clap::Parser>::try_parse_from(line).unwrap().sign
    }

    const URL: &str = "https://d111111abcdef8.cloudfront.net/a.png";

    /// The config step returns the note on a `--date-less-than` without a UTC offset (in a
    /// zone that is not UTC) instead of printing it, and prints nothing at all. The zone
    /// comes from TZ, which a test cannot change in its own process, so the test runs
    /// itself again with TZ=Asia/Tokyo and reads what that run wrote on stderr.
    #[test]
    fn config_step_returns_the_local_time_note_and_prints_nothing() {
        const NAME: &str =
            "cli::sign::tests::config_step_returns_the_local_time_note_and_prints_nothing";
        if std::env::var_os("CFSIGN_TEST_CONFIG_STEP").is_some() {
            let mut said = Vec::new();
            let args = sign_args(&[
                "--date-less-than",
                "2026-01-01T18:00:00",
                "--key-pair-id",
                "KDEMOEXAMPLE01",
            ]);
            let config = config(args, &mut said).unwrap();
            assert_eq!(
                said,
                [Said::Note(
                    "--date-less-than \"2026-01-01T18:00:00\" has no UTC offset, so it is read as UTC: 2026-01-01T18:00:00Z is 2026-01-02 03:00:00 +09:00 local time; for 2026-01-01 18:00:00 local time write 2026-01-01T18:00:00+09:00".into()
                )]
            );
            assert_eq!(config.key_pair_id.as_str(), "KDEMOEXAMPLE01");
            assert_eq!(config.urls, [URL]);
            assert!(
                matches!(&config.plan, Plan::Conditions(p) if p.condition.date_less_than == 1_767_290_400)
            );
            return;
        }
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", NAME, "--test-threads=1"])
            .env("CFSIGN_TEST_CONFIG_STEP", "1")
            .env("TZ", "Asia/Tokyo")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}");
        assert!(stdout.contains("1 passed"), "{stdout}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    }

    /// A warning the config step found comes back in `said` even when a later option
    /// fails, so the command prints it before the error, as it did when the step printed.
    #[test]
    fn config_step_keeps_earlier_warnings_before_its_error() {
        let mut said = Vec::new();
        let args = sign_args(&[
            "--ip-address",
            "10.0.0.0/8",
            "--key-pair-id",
            "AKIAIOSFODNN7EXAMPLE",
            "--content-type",
            "not a type",
        ]);
        let e = config(args, &mut said).err().unwrap();
        assert_eq!(format!("{e}"), "--content-type");
        assert_eq!(
            said,
            [Said::Warning(
                "--ip-address 10.0.0.0/8 is a loopback or private range; CloudFront sees the viewer's public address, so requests will be refused".into()
            )]
        );
    }

    /// Every option warning of the step, in the order the options are read: the IP range,
    /// then the key pair ID.
    #[test]
    fn config_step_returns_option_warnings_in_order() {
        let mut said = Vec::new();
        let args = sign_args(&[
            "--ip-address",
            "0.0.0.0/0",
            "--key-pair-id",
            "kdemoexample01",
        ]);
        config(args, &mut said).unwrap();
        assert_eq!(
            said,
            [
                Said::Warning("--ip-address 0.0.0.0/0 matches every IPv4 address: the condition restricts nothing; give the viewers' range (for example 203.0.113.0/24) or leave --ip-address out".into()),
                Said::Note("key pair ID kdemoexample01 has lower-case letters; CloudFront's key IDs are upper case (KDEMOEXAMPLE01), and the ID is sent as written".into()),
            ]
        );
    }

    /// Regression: every distinct warning text was kept for the whole run, so memory grew
    /// with the input when each line carried a warning; the reporter keeps one entry per
    /// kind of warning, whatever the number of distinct texts.
    #[test]
    fn warning_texts_were_kept_for_the_whole_run() {
        let mut reporter = Reporter::new();
        for i in 0..10_000 {
            let warning = Warning::ClientForm {
                sent: format!("https://d{i}.net/"),
                changes: "host in lower case".into(),
            };
            reporter.report(Note::Warning(Some(i + 1), warning));
        }
        reporter.report(Note::Warning(Some(10_001), Warning::LiteralStar));
        assert_eq!(reporter.warnings.len(), 2);
        assert_eq!(
            (
                reporter.warnings[0].first_line,
                reporter.warnings[0].repeats
            ),
            (Some(1), 9_999)
        );
        assert_eq!(reporter.warnings[1].repeats, 0);
    }
}
