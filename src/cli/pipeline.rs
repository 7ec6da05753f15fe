//! The ordered line pipeline: reads standard input line by line, hands each line to a
//! [`Work`] (on worker threads, or on this thread), and writes the answers in input order
//! through a [`Sink`]. It knows nothing of signing: `sign` is one kind of work.
//!
//! Invariants: output is byte for byte the same whatever the number of threads; memory is
//! bounded whatever the input (lines are cut at [`Work::MAX_LINE`] + 1 bytes, and at most
//! `jobs * IN_FLIGHT_PER_JOB` batches exist at once); an answer is written as soon as the
//! input pauses, so a slow producer (`tail -f`, a terminal) gets each answer at once.

use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use anyhow::Result;

use super::terminal;

/// The work done on each input line, shared by the worker threads.
pub trait Work: Sync {
    /// What the work has to say about a line, reported (through the [`Sink`]) in input
    /// order, at the output offset where it was made.
    type Note: Send;

    /// The longest line kept whole: a longer one is handed to [`Work::line`] cut to
    /// `MAX_LINE + 1` bytes (enough to tell it is too long), never held whole in memory.
    const MAX_LINE: usize;

    /// Handles input line number `n` (from 1; with its line break, if any), appending its
    /// output to `out` and anything to report to `notes`, each note with the length of
    /// `out` when it was made. Returns whether the line failed.
    fn line(
        &self,
        n: usize,
        line: &[u8],
        out: &mut Vec<u8>,
        notes: &mut Vec<(usize, Self::Note)>,
    ) -> bool;
}

/// Where the answers go, in input order: the output bytes and the notes about them.
pub trait Sink<N> {
    /// Writes `chunk` to `out` with `notes` placed where they were made (see
    /// [`Work::line`]); drains `notes`.
    fn emit(
        &mut self,
        notes: &mut Vec<(usize, N)>,
        chunk: &[u8],
        out: &mut impl Write,
    ) -> io::Result<()>;

    /// `lines` input lines have been answered so far.
    fn progress(&mut self, lines: usize);
}

/// Runs `work` over every line of `input` on `jobs` worker threads (1: on this thread,
/// line by line) and writes the answers in input order. Returns the number of failed
/// lines.
pub fn run<W: Work>(
    work: &W,
    input: io::BufReader<impl io::Read + Send>,
    jobs: usize,
    out: &mut impl Write,
    sink: &mut impl Sink<W::Note>,
) -> Result<usize> {
    if jobs <= 1 {
        sequential(work, input, out, sink)
    } else {
        parallel(work, input, jobs, out, sink)
    }
}

/// Handles the input line by line on this thread; for terminals (each line answered at
/// once) and `--jobs 1`. Output is flushed whenever the input has nothing more buffered,
/// so a slow producer (a terminal, `tail -f`) gets each answer at once and a fast one pays
/// one write per buffer. Returns the number of failed lines.
fn sequential<W: Work>(
    work: &W,
    mut input: io::BufReader<impl io::Read>,
    out: &mut impl Write,
    sink: &mut impl Sink<W::Note>,
) -> Result<usize> {
    let mut line = Vec::new();
    let mut buf = Vec::new();
    let mut notes = Vec::new();
    let mut n = 0usize;
    let mut failures = 0usize;
    loop {
        line.clear();
        if read_line_limited(&mut input, &mut line, W::MAX_LINE)? == 0 {
            break;
        }
        n += 1;
        buf.clear();
        if work.line(n, &line, &mut buf, &mut notes) {
            failures += 1;
        }
        sink.emit(&mut notes, &buf, out)?;
        if input.buffer().is_empty() {
            out.flush()?;
        }
        sink.progress(n);
    }
    Ok(failures)
}

/// Like `read_until(b'\n')`, but appends at most `max_line + 1` bytes of the line to
/// `buf` (enough to tell it is too long) and skips the rest. Returns the bytes consumed,
/// 0 at the end of the input.
fn read_line_limited(
    input: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max_line: usize,
) -> io::Result<usize> {
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
        let room = (max_line + 1).saturating_sub(buf.len() - start);
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
pub const MAX_JOBS: usize = 256;

/// `--jobs N`: a whole number, 1 or more; a larger N than [`MAX_JOBS`] is taken (and
/// capped, with a warning, by [`worker_count`]).
pub fn parse_jobs(text: &str) -> std::result::Result<u32, String> {
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
        Ok(n) => Ok(u32::try_from(n).unwrap_or(u32::MAX)),
        // More digits than any count: as many as allowed.
        Err(_) => Ok(u32::MAX),
    }
}

/// The most worker threads started without `--jobs`: the work is CPU-bound, and each
/// thread reserves address space (its stack, and with glibc a malloc arena of 64 MiB).
const DEFAULT_MAX_JOBS: usize = 32;

/// The worker threads to start: `--jobs` (at most [`MAX_JOBS`]) or `preferred` (at most
/// [`DEFAULT_MAX_JOBS`]), fewer when the address-space limit leaves no room for them
/// (with a warning when `--jobs` asked for more). 1 means: work on the main thread.
pub fn worker_count(requested: Option<u32>, preferred: usize) -> usize {
    let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let wanted = match requested {
        Some(j) => jobs_usize(j).min(MAX_JOBS),
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
        let wanted = requested.map_or(wanted, jobs_usize);
        let using = if fit <= 1 {
            "signing on the main thread".to_string()
        } else {
            format!("using {fit}")
        };
        // About resources, not about what is signed: --strict leaves it a warning.
        terminal::print_warning(&format!(
            "--jobs {wanted}: the address-space limit (ulimit -v) leaves room for {fit} worker thread{}; {using}",
            if fit == 1 { "" } else { "s" }
        ));
    }
    fit.max(1)
}

/// A `--jobs` count as `usize` (saturating; every count that fits is far above
/// [`MAX_JOBS`]).
fn jobs_usize(j: u32) -> usize {
    usize::try_from(j).unwrap_or(usize::MAX)
}

/// Says that `--jobs` asked for more than [`MAX_JOBS`] threads, which are all it gets.
fn warn_capped(requested: Option<u32>) {
    if let Some(j) = requested
        && jobs_usize(j) > MAX_JOBS
    {
        // About resources, not about what is signed: --strict leaves it a warning.
        terminal::print_warning(&format!(
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

/// Lines per unit of work: small enough to keep both cores busy to the last line, large
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

/// A finished batch: its output bytes and notes, in line order.
struct Done<N> {
    seq: usize,
    lines: usize,
    out: Vec<u8>,
    notes: Vec<(usize, N)>,
    failures: usize,
}

/// Works on `jobs` worker threads: a reader thread cuts the input into batches, the
/// workers handle them, and this thread writes them back in input order. At most
/// `jobs * IN_FLIGHT_PER_JOB` batches exist at once, so memory stays flat. Output and
/// notes are byte for byte those of [`sequential`]. Returns the number of failed lines.
fn parallel<W: Work>(
    work: &W,
    input: io::BufReader<impl io::Read + Send>,
    jobs: usize,
    out: &mut impl Write,
    sink: &mut impl Sink<W::Note>,
) -> Result<usize> {
    std::thread::scope(|s| {
        // A token per batch in flight: the reader takes one before sending a batch, the
        // writer gives it back once the batch is written.
        let (token_tx, token_rx) = mpsc::sync_channel::<()>(jobs * IN_FLIGHT_PER_JOB);
        let (batch_tx, batch_rx) = mpsc::sync_channel::<Batch>(jobs);
        let batch_rx = Arc::new(Mutex::new(batch_rx));
        let (done_tx, done_rx) = mpsc::channel::<Done<W::Note>>();
        let reader = std::thread::Builder::new()
            .stack_size(THREAD_STACK)
            .spawn_scoped(s, move || {
                read_batches(input, &token_tx, &batch_tx, W::MAX_LINE)
            })
            .map_err(|e| {
                anyhow::anyhow!("cannot start a thread to read standard input ({e}); try --jobs 1")
            })?;
        // Where the system refuses threads (a pids or memory limit), work with the workers
        // that started, or on this thread when none did.
        let mut workers = 0;
        for _ in 0..jobs {
            let batch_rx = Arc::clone(&batch_rx);
            let done_tx = done_tx.clone();
            let started = std::thread::Builder::new()
                .stack_size(THREAD_STACK)
                .spawn_scoped(s, move || work_batches(work, &batch_rx, &done_tx));
            if started.is_err() {
                break;
            }
            workers += 1;
        }
        drop(done_tx);
        if workers == 0 {
            // Both receivers go before the join, so a reader blocked on a full channel
            // wakes up after a write error.
            let written = work_inline(work, &batch_rx, token_rx, out, sink);
            drop(batch_rx);
            let read = reader
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            let failures = written?;
            read?;
            return Ok(failures);
        }
        drop(batch_rx);
        let written = write_in_order(done_rx, token_rx, out, sink);
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
/// input has nothing more buffered, so lines from a slow producer are handled (and, by
/// [`write_in_order`], written) without waiting for a full batch.
fn read_batches(
    mut input: io::BufReader<impl io::Read>,
    tokens: &SyncSender<()>,
    batches: &SyncSender<Batch>,
    max_line: usize,
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
            if read_line_limited(&mut input, &mut batch.data, max_line)? == 0 {
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

fn work_batches<W: Work>(
    work: &W,
    batches: &Mutex<Receiver<Batch>>,
    done: &mpsc::Sender<Done<W::Note>>,
) {
    loop {
        let next = match batches.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(batch) = next else { return };
        if done.send(work_batch(work, &batch)).is_err() {
            return;
        }
    }
}

/// Handles every line of one batch.
fn work_batch<W: Work>(work: &W, batch: &Batch) -> Done<W::Note> {
    let mut done = Done {
        seq: batch.seq,
        lines: batch.ends.len(),
        out: Vec::with_capacity(batch.ends.len() * 512),
        notes: Vec::new(),
        failures: 0,
    };
    let mut start = 0;
    for (i, &end) in batch.ends.iter().enumerate() {
        if work.line(
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

/// Handles and writes the batches on this thread, for when no worker thread could start.
fn work_inline<W: Work>(
    work: &W,
    batches: &Mutex<Receiver<Batch>>,
    tokens: Receiver<()>,
    out: &mut impl Write,
    sink: &mut impl Sink<W::Note>,
) -> Result<usize> {
    let rx = batches
        .lock()
        .map_err(|_| anyhow::anyhow!("the input reader failed"))?;
    let (mut failures, mut lines) = (0, 0);
    for batch in rx.iter() {
        let mut done = work_batch(work, &batch);
        sink.emit(&mut done.notes, &done.out, out)?;
        out.flush()?;
        failures += done.failures;
        lines += done.lines;
        sink.progress(lines);
        let _ = tokens.try_recv();
    }
    Ok(failures)
}

fn write_in_order<N>(
    done: Receiver<Done<N>>,
    tokens: Receiver<()>,
    out: &mut impl Write,
    sink: &mut impl Sink<N>,
) -> Result<usize> {
    let mut pending = BTreeMap::new();
    let mut next = 0;
    let mut lines = 0;
    let mut failures = 0;
    loop {
        // Flush before waiting: the reader has cut its batch because the input paused, or
        // the workers are behind; either way what is written should reach the reader now.
        let batch = match done.try_recv() {
            Ok(batch) => batch,
            Err(mpsc::TryRecvError::Empty) => {
                out.flush()?;
                match done.recv() {
                    Ok(batch) => batch,
                    Err(_) => break,
                }
            }
            Err(mpsc::TryRecvError::Disconnected) => break,
        };
        pending.insert(batch.seq, batch);
        while let Some(mut batch) = pending.remove(&next) {
            sink.emit(&mut batch.notes, &batch.out, out)?;
            failures += batch.failures;
            lines += batch.lines;
            sink.progress(lines);
            next += 1;
            let _ = tokens.try_recv();
        }
    }
    Ok(failures)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A work that upper-cases each line and fails (with a note) the lines holding `!`.
    struct Upper;

    impl Work for Upper {
        type Note = usize;
        const MAX_LINE: usize = 16;

        fn line(
            &self,
            n: usize,
            line: &[u8],
            out: &mut Vec<u8>,
            notes: &mut Vec<(usize, usize)>,
        ) -> bool {
            if line.contains(&b'!') {
                notes.push((out.len(), n));
                return true;
            }
            out.extend(line.iter().map(u8::to_ascii_uppercase));
            false
        }
    }

    /// Writes the notes as `<N>` into the output where they were made.
    #[derive(Default)]
    struct Inline {
        lines: usize,
    }

    impl Sink<usize> for Inline {
        fn emit(
            &mut self,
            notes: &mut Vec<(usize, usize)>,
            chunk: &[u8],
            out: &mut impl Write,
        ) -> io::Result<()> {
            let mut written = 0;
            for (at, n) in notes.drain(..) {
                out.write_all(&chunk[written..at])?;
                written = at;
                write!(out, "<{n}>")?;
            }
            out.write_all(&chunk[written..])
        }

        fn progress(&mut self, lines: usize) {
            self.lines = lines;
        }
    }

    fn input() -> String {
        (0..300)
            .map(|i| {
                if i % 7 == 3 {
                    format!("bad {i}!\n")
                } else {
                    format!("line {i}\n")
                }
            })
            .collect()
    }

    /// The output of `run` with `jobs` threads, the failures and the lines counted.
    fn answer(input: &str, jobs: usize) -> (String, usize, usize) {
        let mut out = Vec::new();
        let mut sink = Inline::default();
        let failures = run(
            &Upper,
            io::BufReader::new(input.as_bytes()),
            jobs,
            &mut out,
            &mut sink,
        )
        .unwrap();
        (String::from_utf8(out).unwrap(), failures, sink.lines)
    }

    #[test]
    fn parallel_output_is_the_sequential_output_in_input_order() {
        let input = input();
        let one = answer(&input, 1);
        assert_eq!(one.1, 43);
        assert_eq!(one.2, 300);
        assert!(one.0.starts_with("LINE 0\nLINE 1\nLINE 2\n<4>LINE 4\n"));
        for jobs in [2, 3, 8] {
            assert_eq!(answer(&input, jobs), one, "--jobs {jobs}");
        }
    }

    #[test]
    fn long_lines_are_cut_past_max_line() {
        let mut buf = Vec::new();
        let long = format!("{}\nnext\n", "x".repeat(100));
        let mut input = io::BufReader::with_capacity(8, long.as_bytes());
        assert_eq!(read_line_limited(&mut input, &mut buf, 16).unwrap(), 101);
        assert_eq!(buf, "x".repeat(17).as_bytes());
        buf.clear();
        assert_eq!(read_line_limited(&mut input, &mut buf, 16).unwrap(), 5);
        assert_eq!(buf, b"next\n");
        assert_eq!(read_line_limited(&mut input, &mut buf, 16).unwrap(), 0);
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
    /// `--jobs` panicked with a backtrace; the pipeline now works on the calling thread,
    /// with the same output as the sequential loop.
    #[test]
    fn no_worker_thread_signs_inline_with_sequential_output() {
        let input = input();
        let (expected, seq_failures, _) = answer(&input, 1);
        let (token_tx, token_rx) = mpsc::sync_channel::<()>(4);
        let (batch_tx, batch_rx) = mpsc::sync_channel::<Batch>(1);
        let reader = {
            let input = input.clone();
            std::thread::spawn(move || {
                read_batches(
                    io::BufReader::new(input.as_bytes()),
                    &token_tx,
                    &batch_tx,
                    Upper::MAX_LINE,
                )
            })
        };
        let mut got = Vec::new();
        let mut sink = Inline::default();
        let failures =
            work_inline(&Upper, &Mutex::new(batch_rx), token_rx, &mut got, &mut sink).unwrap();
        reader.join().unwrap().unwrap();
        assert_eq!((failures, sink.lines), (seq_failures, 300));
        assert_eq!(String::from_utf8(got).unwrap(), expected);
    }
}
