//! `cfsign [sign] URL...`: signed URLs, from arguments or standard input.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufWriter, IsTerminal, Write};
use std::mem::Discriminant;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use cfsign::response::ResponseOverrides;
use cfsign::url::Warning;
use cfsign::{RawPolicy, SignedUrl, Signer, UrlOptions};
use clap::Args;

use super::common::{self, Format, KeyArgs, PolicyArgs, TimeArgs};
use super::{EXIT_INPUT, EXIT_OK, Reported, secrets};

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

    /// Output format.
    #[arg(
        long,
        value_enum,
        ignore_case = true,
        default_value = "text",
        help_heading = "Output"
    )]
    pub format: Format,

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
        value_parser = parse_jobs,
        help_heading = "Output"
    )]
    pub jobs: Option<u16>,
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

/// Runs the signing command and returns the exit status.
pub fn run(mut args: SignArgs) -> Result<u8> {
    common::set_strict(args.strict);
    args.urls.append(&mut args.url);
    let from_stdin = args.urls.is_empty() || args.urls == ["-"];
    if !from_stdin && args.urls.iter().any(|u| u == "-") {
        bail!("`-` (read URLs from standard input) cannot be combined with URL arguments");
    }
    if from_stdin && common::key_from_stdin(&args.key) {
        bail!("--private-key - reads the key from standard input, so give the URLs as arguments");
    }
    if args.policy.mode == cfsign::PolicyMode::Canned && args.policy_file.is_some() {
        bail!("--policy canned cannot be used with --policy-file, which is a custom policy");
    }
    let now = common::now(&args.time)?;
    let plan = match &args.policy_file {
        Some(path) => Plan::Raw(common::policy_file(path, now)?),
        None => {
            let condition = common::condition(&args.time, &args.policy, now)?;
            common::check_policy_options(
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
    let signer = common::signer(&args.key)?;
    let job = Job {
        plan: &plan,
        signer: &signer,
        overrides: &overrides,
        format: args.format,
        aligned: args.aligned,
        strict: args.strict,
    };
    let mut out = BufWriter::with_capacity(64 * 1024, common::stdout());
    let mut reporter = Reporter::new();
    let failures = if from_stdin {
        let stdin = io::stdin();
        let interactive = stdin.is_terminal();
        let jobs = if interactive {
            1
        } else {
            worker_count(args.jobs, super::key_source::default_jobs(&signer))
        };
        let input = io::BufReader::with_capacity(
            64 * 1024,
            secrets::NoKeyText::new(stdin, "URLs, one per line"),
        );
        if interactive || jobs == 1 {
            sequential(&job, input, &mut out, &mut reporter)?
        } else {
            parallel(&job, input, jobs, &mut out, &mut reporter)?
        }
    } else {
        let mut failures = 0usize;
        let mut buf = Vec::new();
        let mut notes = Vec::new();
        for (i, url) in args.urls.iter().enumerate() {
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
    let per_url = matches!(&plan, Plan::Conditions(p) if p.policy_resource.is_none());
    if let Some(note) = super::version::slow_backend_note(&signer, reporter.progress.lines)
        && from_stdin
        && per_url
        && io::stderr().is_terminal()
    {
        common::stderr_line(&note);
    }
    out.flush()?;
    if failures > 0 {
        return Err(Reported(EXIT_INPUT).into());
    }
    Ok(EXIT_OK)
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
            hint: Some(common::STRICT_HINT.into()),
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

    /// Signs one raw input line (numbered `n`); blank lines are skipped (under
    /// `--aligned` they get an empty line, or in JSON an object with `"skipped"`).
    /// Returns whether the line failed.
    fn sign_line(
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
            common::print_warning(&format!(
                "{} more {urls} {have} the same kind of warning as {first} (each kind is shown once)",
                w.repeats
            ));
        }
    }

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

    /// Reports one note on stderr.
    fn report(&mut self, note: Note) {
        let where_ = |n: Option<usize>| n.map(|n| format!("line {n}: ")).unwrap_or_default();
        match note {
            Note::Warning(n, warning) => {
                let kind = std::mem::discriminant(&warning);
                match self.warnings.iter_mut().find(|w| w.kind == kind) {
                    Some(shown) => shown.repeats += 1,
                    None => {
                        common::print_warning(&format!(
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
                common::stderr_line(&format!(
                    "cfsign: error: {}{}",
                    where_(n),
                    common::one_line(&f.message)
                ));
                if let Some(h) = f.hint {
                    common::stderr_line(&format!("hint: {}", common::one_line(&h)));
                }
            }
        }
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

/// Signs stdin line by line on this thread; for terminals (each line answered at once)
/// and `--jobs 1`. Output is flushed whenever the input has nothing more buffered, so a
/// slow producer (a terminal, `tail -f`) gets each answer at once and a fast one pays one
/// write per buffer. Returns the number of failed lines.
fn sequential(
    job: &Job,
    mut input: io::BufReader<impl io::Read>,
    out: &mut impl Write,
    reporter: &mut Reporter,
) -> Result<usize> {
    let mut line = Vec::new();
    let mut buf = Vec::new();
    let mut notes = Vec::new();
    let mut n = 0usize;
    let mut failures = 0usize;
    loop {
        line.clear();
        if read_line_limited(&mut input, &mut line)? == 0 {
            break;
        }
        n += 1;
        buf.clear();
        if job.sign_line(n, &line, &mut buf, &mut notes) {
            failures += 1;
        }
        reporter.emit(&mut notes, &buf, out)?;
        if input.buffer().is_empty() {
            out.flush()?;
        }
        reporter.progress.update(n);
    }
    Ok(failures)
}

/// The longest input line kept: twice CloudFront's URL quota. A longer line is refused
/// whole without being held in memory.
const LINE_LIMIT: usize = 2 * cfsign::url::MAX_URL_LEN;

/// Like `read_until(b'\n')`, but appends at most `LINE_LIMIT + 1` bytes of the line to
/// `buf` (enough to tell it is too long) and skips the rest. Returns the bytes consumed,
/// 0 at the end of the input.
fn read_line_limited(input: &mut impl BufRead, buf: &mut Vec<u8>) -> io::Result<usize> {
    let start = buf.len();
    let mut consumed = 0;
    loop {
        let available = match input.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(consumed);
        }
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        let room = (LINE_LIMIT + 1).saturating_sub(buf.len() - start);
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let used = chunk.len();
        input.consume(used);
        consumed += used;
        if done {
            return Ok(consumed);
        }
    }
}

/// The most worker threads `--jobs` starts: more only costs memory and start-up time.
const MAX_JOBS: usize = 256;

/// `--jobs N`: a whole number, 1 or more; a larger N than [`MAX_JOBS`] is taken (and
/// capped, with a warning, by [`worker_count`]).
fn parse_jobs(text: &str) -> std::result::Result<u16, String> {
    let wrong = || {
        format!(
            "{text:?} is not a number of threads: give 1 or more (at most {MAX_JOBS} threads are started)"
        )
    };
    let digits = text.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(wrong());
    }
    match digits.parse::<u64>() {
        Ok(0) => Err(wrong()),
        Ok(n) => Ok(u16::try_from(n).unwrap_or(u16::MAX)),
        // More digits than any count: as many as allowed.
        Err(_) => Ok(u16::MAX),
    }
}

/// The most worker threads started without `--jobs`: signing is CPU-bound, and each thread
/// reserves address space (its stack, and with glibc a malloc arena of 64 MiB).
const DEFAULT_MAX_JOBS: usize = 32;

/// The worker threads to start: `--jobs` (at most [`MAX_JOBS`]) or the CPUs (at most
/// [`DEFAULT_MAX_JOBS`]), fewer when the address-space limit leaves no room for them
/// (with a warning when `--jobs` asked for more). 1 means: sign on the main thread.
fn worker_count(requested: Option<u16>, preferred: usize) -> usize {
    let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let wanted = match requested {
        Some(j) => usize::from(j).min(MAX_JOBS),
        None => preferred.min(DEFAULT_MAX_JOBS),
    };
    if wanted <= 1 {
        return 1;
    }
    let Some(room) = address_space_room() else {
        warn_capped(requested);
        return wanted;
    };
    let fit = workers_that_fit(room, cpus).min(wanted);
    if fit == wanted {
        warn_capped(requested);
    }
    if fit < wanted && requested.is_some() {
        let wanted = requested.map_or(wanted, usize::from);
        let using = if fit <= 1 {
            "signing on the main thread".to_string()
        } else {
            format!("using {fit}")
        };
        // About resources, not about what is signed: --strict leaves it a warning.
        common::print_warning(&format!(
            "--jobs {wanted}: the address-space limit (ulimit -v) leaves room for {fit} worker thread{}; {using}",
            if fit == 1 { "" } else { "s" }
        ));
    }
    fit.max(1)
}

/// Says that `--jobs` asked for more than [`MAX_JOBS`] threads, which are all it gets.
fn warn_capped(requested: Option<u16>) {
    if let Some(j) = requested
        && usize::from(j) > MAX_JOBS
    {
        // About resources, not about what is signed: --strict leaves it a warning.
        common::print_warning(&format!(
            "--jobs {j}: cfsign starts at most {MAX_JOBS} worker threads; using {MAX_JOBS}"
        ));
    }
}

/// Address space reserved by each pipeline thread besides its stack: guard page, signal
/// stack, thread-local storage, with margin.
const THREAD_OVERHEAD: u64 = 128 * 1024;
/// The malloc arena glibc reserves for each new thread, up to 8 per CPU (64-bit).
const ARENA: u64 = if cfg!(target_env = "gnu") {
    64 * 1024 * 1024
} else {
    0
};
/// Kept free for the main thread: buffers, the key, batches in flight.
const MAIN_RESERVE: u64 = 32 * 1024 * 1024;

/// How many workers (besides the reader thread) fit in `room` bytes of address space on a
/// machine with `cpus` CPUs; 0 when not even the reader thread fits.
fn workers_that_fit(room: u64, cpus: usize) -> usize {
    let arenas = 8 * cpus as u64 - 1;
    let cost = |threads: u64| {
        threads * (THREAD_STACK as u64 + THREAD_OVERHEAD) + threads.min(arenas) * ARENA
    };
    let budget = room.saturating_sub(MAIN_RESERVE);
    // Thread 1 is the reader; workers are threads 2 and on.
    (1..=MAX_JOBS as u64 + 1)
        .take_while(|&threads| cost(threads) <= budget)
        .last()
        .map_or(0, |threads| (threads - 1) as usize)
}

/// Bytes of address space left under the soft `RLIMIT_AS` (`ulimit -v`), or `None` when
/// there is no limit or it cannot be read (Linux `/proc` only).
fn address_space_room() -> Option<u64> {
    let limit = proc_number("/proc/self/limits", "Max address space")?;
    let used_kib = proc_number("/proc/self/status", "VmSize:")?;
    Some(limit.saturating_sub(used_kib * 1024))
}

/// The number that follows `label` on its line of the `/proc` file `path` (`None` when
/// the file, the line or the number is missing, as for `unlimited`).
fn proc_number(path: &str, label: &str) -> Option<u64> {
    std::fs::read_to_string(path)
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix(label))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Stack of each pipeline thread: signing needs little (big numbers live on the heap), and
/// a small reservation lets `--jobs` start many threads under a tight memory limit.
const THREAD_STACK: usize = 512 * 1024;

/// Lines per unit of work: small enough to keep both cores busy to the last URL, large
/// enough that channel traffic costs nothing next to a signature.
const BATCH_LINES: usize = 64;
/// Bytes per unit of work, for inputs with very long lines.
const BATCH_BYTES: usize = 64 * 1024;
/// Units of work read ahead per worker thread: bounds memory whatever the input size.
const IN_FLIGHT_PER_JOB: usize = 4;

/// Consecutive input lines: `data` holds them back to back, `ends` where each ends.
struct Batch {
    seq: usize,
    first_line: usize,
    data: Vec<u8>,
    ends: Vec<usize>,
}

/// A signed batch: its output bytes and notes, in line order.
struct Signed {
    seq: usize,
    lines: usize,
    out: Vec<u8>,
    notes: Vec<(usize, Note)>,
    failures: usize,
}

/// Signs stdin on `jobs` worker threads: a reader thread cuts the input into batches, the
/// workers sign them, and this thread writes them back in input order. At most
/// `jobs * IN_FLIGHT_PER_JOB` batches exist at once, so memory stays flat. Output and
/// messages are byte for byte those of [`sequential`]. Returns the number of failed lines.
fn parallel(
    job: &Job,
    input: io::BufReader<impl io::Read + Send>,
    jobs: usize,
    out: &mut impl Write,
    reporter: &mut Reporter,
) -> Result<usize> {
    std::thread::scope(|s| {
        // A token per batch in flight: the reader takes one before sending a batch, the
        // writer gives it back once the batch is written.
        let (token_tx, token_rx) = mpsc::sync_channel::<()>(jobs * IN_FLIGHT_PER_JOB);
        let (batch_tx, batch_rx) = mpsc::sync_channel::<Batch>(jobs);
        let batch_rx = Arc::new(Mutex::new(batch_rx));
        let (signed_tx, signed_rx) = mpsc::channel::<Signed>();
        let reader = std::thread::Builder::new()
            .stack_size(THREAD_STACK)
            .spawn_scoped(s, move || read_batches(input, &token_tx, &batch_tx))
            .map_err(|e| {
                anyhow::anyhow!("cannot start a thread to read standard input ({e}); try --jobs 1")
            })?;
        // Where the system refuses threads (a pids or memory limit), sign with the workers
        // that started, or on this thread when none did.
        let mut workers = 0;
        for _ in 0..jobs {
            let batch_rx = Arc::clone(&batch_rx);
            let signed_tx = signed_tx.clone();
            let started = std::thread::Builder::new()
                .stack_size(THREAD_STACK)
                .spawn_scoped(s, move || sign_batches(job, &batch_rx, &signed_tx));
            if started.is_err() {
                break;
            }
            workers += 1;
        }
        drop(signed_tx);
        if workers == 0 {
            // Both receivers go before the join, so a reader blocked on a full channel
            // wakes up after a write error.
            let written = sign_inline(job, &batch_rx, token_rx, out, reporter);
            drop(batch_rx);
            let read = reader
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            let failures = written?;
            read?;
            return Ok(failures);
        }
        drop(batch_rx);
        let written = write_in_order(signed_rx, token_rx, out, reporter);
        // The reader stops once the channels it feeds are gone (here, on a write error).
        let read = reader
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        let failures = written?;
        read?;
        Ok(failures)
    })
}

/// Cuts the input into batches of up to [`BATCH_LINES`] lines. A batch also ends when the
/// input has nothing more buffered, so lines from a slow producer are signed (and, by
/// [`write_in_order`], written) without waiting for a full batch.
fn read_batches(
    mut input: io::BufReader<impl io::Read>,
    tokens: &SyncSender<()>,
    batches: &SyncSender<Batch>,
) -> io::Result<()> {
    let mut next_line = 1;
    for seq in 0.. {
        let mut batch = Batch {
            seq,
            first_line: next_line,
            data: Vec::with_capacity(BATCH_LINES * 128),
            ends: Vec::with_capacity(BATCH_LINES),
        };
        let mut eof = false;
        while batch.ends.len() < BATCH_LINES && batch.data.len() < BATCH_BYTES {
            if read_line_limited(&mut input, &mut batch.data)? == 0 {
                eof = true;
                break;
            }
            batch.ends.push(batch.data.len());
            if input.buffer().is_empty() {
                break;
            }
        }
        next_line += batch.ends.len();
        if !batch.ends.is_empty() && (tokens.send(()).is_err() || batches.send(batch).is_err()) {
            return Ok(());
        }
        if eof {
            break;
        }
    }
    Ok(())
}

fn sign_batches(job: &Job, batches: &Mutex<Receiver<Batch>>, signed: &mpsc::Sender<Signed>) {
    loop {
        let next = match batches.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(batch) = next else { return };
        if signed.send(sign_batch(job, &batch)).is_err() {
            return;
        }
    }
}

/// Signs every line of one batch.
fn sign_batch(job: &Job, batch: &Batch) -> Signed {
    let mut done = Signed {
        seq: batch.seq,
        lines: batch.ends.len(),
        out: Vec::with_capacity(batch.ends.len() * 512),
        notes: Vec::new(),
        failures: 0,
    };
    let mut start = 0;
    for (i, &end) in batch.ends.iter().enumerate() {
        if job.sign_line(
            batch.first_line + i,
            &batch.data[start..end],
            &mut done.out,
            &mut done.notes,
        ) {
            done.failures += 1;
        }
        start = end;
    }
    done
}

/// Signs and writes the batches on this thread, for when no worker thread could start.
fn sign_inline(
    job: &Job,
    batches: &Mutex<Receiver<Batch>>,
    tokens: Receiver<()>,
    out: &mut impl Write,
    reporter: &mut Reporter,
) -> Result<usize> {
    let rx = batches
        .lock()
        .map_err(|_| anyhow::anyhow!("the input reader failed"))?;
    let (mut failures, mut lines) = (0, 0);
    for batch in rx.iter() {
        let mut done = sign_batch(job, &batch);
        reporter.emit(&mut done.notes, &done.out, out)?;
        out.flush()?;
        failures += done.failures;
        lines += done.lines;
        reporter.progress.update(lines);
        let _ = tokens.try_recv();
    }
    Ok(failures)
}

fn write_in_order(
    signed: Receiver<Signed>,
    tokens: Receiver<()>,
    out: &mut impl Write,
    reporter: &mut Reporter,
) -> Result<usize> {
    let mut pending = BTreeMap::new();
    let mut next = 0;
    let mut lines = 0;
    let mut failures = 0;
    loop {
        // Flush before waiting: the reader has cut its batch because the input paused, or
        // the workers are behind; either way what is written should reach the reader now.
        let batch = match signed.try_recv() {
            Ok(batch) => batch,
            Err(mpsc::TryRecvError::Empty) => {
                out.flush()?;
                match signed.recv() {
                    Ok(batch) => batch,
                    Err(_) => break,
                }
            }
            Err(mpsc::TryRecvError::Disconnected) => break,
        };
        pending.insert(batch.seq, batch);
        while let Some(mut batch) = pending.remove(&next) {
            reporter.emit(&mut batch.notes, &batch.out, out)?;
            failures += batch.failures;
            lines += batch.lines;
            reporter.progress.update(lines);
            next += 1;
            let _ = tokens.try_recv();
        }
    }
    Ok(failures)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer() -> Signer {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/keys/ec_p256_sec1.pem"
        );
        // p256 (RFC 6979): the two pipelines' outputs are compared byte for byte.
        let key = cfsign::PrivateKey::from_pem_file(std::path::Path::new(path), None)
            .and_then(|k| k.with_backend(cfsign::Backend::RustCrypto))
            .unwrap();
        Signer::new(key, cfsign::KeyPairId::new("K2JCJMDEHXQW5F").unwrap())
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

    /// Regression: `--jobs 256` under `ulimit -v` started every thread and aborted; the
    /// budget counts each thread's stack and glibc's 64 MiB malloc arenas.
    #[test]
    fn jobs_under_a_memory_limit_aborted() {
        let mib = 1024 * 1024;
        assert_eq!(workers_that_fit(0, 2), 0);
        assert_eq!(workers_that_fit(MAIN_RESERVE, 2), 0);
        if ARENA > 0 {
            // ulimit -v 400000 leaves about 380 MiB: the reader and 4 workers, 2 CPUs.
            assert_eq!(workers_that_fit(380 * mib, 2), 4);
            // Past 8 arenas per CPU, threads cost only their stacks.
            assert_eq!(workers_that_fit(64 * 1024 * mib, 2), MAX_JOBS);
        }
    }

    /// Regression: when the system refused every worker thread (a pids or memory limit),
    /// `--jobs` panicked with a backtrace; the pipeline now signs on the calling thread,
    /// with the same output as the sequential loop.
    #[test]
    fn no_worker_thread_signs_inline_with_sequential_output() {
        let signer = signer();
        let plan = Plan::Conditions(UrlOptions::expires(1_767_290_400));
        let job = Job {
            plan: &plan,
            signer: &signer,
            overrides: &ResponseOverrides::new(),
            format: Format::Text,
            aligned: false,
            strict: false,
        };
        let input: String = (0..150)
            .map(|i| format!("https://d1.net/{i}.jpg\n"))
            .collect();
        let mut expected = Vec::new();
        let seq = sequential(
            &job,
            io::BufReader::new(input.as_bytes()),
            &mut expected,
            &mut Reporter::new(),
        )
        .unwrap();
        let (token_tx, token_rx) = mpsc::sync_channel::<()>(4);
        let (batch_tx, batch_rx) = mpsc::sync_channel::<Batch>(1);
        let reader = std::thread::spawn(move || {
            read_batches(io::BufReader::new(input.as_bytes()), &token_tx, &batch_tx)
        });
        let mut got = Vec::new();
        let failures = sign_inline(
            &job,
            &Mutex::new(batch_rx),
            token_rx,
            &mut got,
            &mut Reporter::new(),
        )
        .unwrap();
        reader.join().unwrap().unwrap();
        assert_eq!((failures, seq), (0, 0));
        assert_eq!(
            String::from_utf8(got).unwrap(),
            String::from_utf8(expected).unwrap()
        );
    }
}
