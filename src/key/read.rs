//! Bounded reading of the small files a signer reads whole (keys, passphrases, policies,
//! cookie files): at most [`MAX_FILE_LEN`] bytes, regular files only (a FIFO or device
//! could block forever), into buffers that never leave an unwiped copy behind.

use std::path::Path;

use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// The most bytes cfsign reads from a key, passphrase, policy or cookie file: such
/// files are a few KiB, and a bound keeps `/dev/zero` or a wrong path from filling memory.
pub const MAX_FILE_LEN: u64 = 1024 * 1024;

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Reads a small file whole (at most [`MAX_FILE_LEN`] bytes); `what` names it in errors
/// (`private key`, `policy file`). The buffer is sized from the file's length up front, so
/// a key is read into one allocation and not copied by growth.
///
/// # Errors
/// [`Error::Read`] when the file cannot be read or is larger than [`MAX_FILE_LEN`].
pub fn read_small_file(path: impl AsRef<Path>, what: &str) -> Result<Vec<u8>> {
    let path = path.as_ref();
    let source = path.display().to_string();
    let err = |reason: String| Error::Read {
        what: what.into(),
        path: source.clone(),
        reason,
    };
    // A FIFO, device or socket can block forever when opened or read (a FIFO nobody
    // writes to): look at the file type first, and refuse all but regular files.
    let meta = std::fs::metadata(path).map_err(|e| err(io_reason(&e)))?;
    if let Some(kind) = not_regular(&meta) {
        return Err(err(kind));
    }
    let file = std::fs::File::open(path).map_err(|e| err(io_reason(&e)))?;
    // The name may have been replaced between the two calls.
    let opened = file.metadata().map_err(|e| err(io_reason(&e)))?;
    if let Some(kind) = not_regular(&opened) {
        return Err(err(kind));
    }
    read_bounded(
        file,
        opened.len().min(MAX_FILE_LEN) as usize + 1,
        what,
        &source,
    )
}

/// Why a file that is not a regular file is refused, naming its type; `None` for a
/// regular file.
fn not_regular(meta: &std::fs::Metadata) -> Option<String> {
    if meta.is_file() {
        return None;
    }
    let kind = if meta.is_dir() {
        "a directory"
    } else {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            let t = meta.file_type();
            if t.is_fifo() {
                "a named pipe (FIFO)"
            } else if t.is_char_device() || t.is_block_device() {
                "a device"
            } else if t.is_socket() {
                "a socket"
            } else {
                "a special file"
            }
        }
        #[cfg(not(unix))]
        {
            "a special file"
        }
    };
    Some(format!(
        "it is {kind}, not a regular file; only regular files are read (others can block forever)"
    ))
}

/// Reads at most [`MAX_FILE_LEN`] bytes from `reader` (a file, standard input); `what`
/// and `source` name it in errors.
///
/// # Errors
/// [`Error::Read`] when reading fails or there are more than [`MAX_FILE_LEN`] bytes.
pub fn read_small(reader: impl std::io::Read, what: &str, source: &str) -> Result<Vec<u8>> {
    read_bounded(reader, 16 * 1024, what, source)
}

/// Reads into a buffer of `capacity` bytes; when it must grow, the bytes are copied to a
/// larger buffer and the old one is wiped, so no unwiped copy of a key is left in freed
/// memory (as `read_to_end`'s reallocation would).
fn read_bounded(
    mut reader: impl std::io::Read,
    capacity: usize,
    what: &str,
    source: &str,
) -> Result<Vec<u8>> {
    let err = |reason: String| Error::Read {
        what: what.into(),
        path: source.into(),
        reason,
    };
    let limit = MAX_FILE_LEN as usize;
    let mut buf = Zeroizing::new(Vec::with_capacity(capacity.min(limit + 1)));
    let mut chunk = Zeroizing::new([0u8; 8192]);
    loop {
        let n = match reader.read(&mut chunk[..]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(err(io_reason(&e))),
        };
        if buf.len() + n > limit {
            return Err(err(format!(
                "it is larger than {} KiB, which no key, passphrase, policy or cookie file is",
                MAX_FILE_LEN / 1024
            )));
        }
        if buf.len() + n > buf.capacity() {
            let mut bigger = Zeroizing::new(Vec::with_capacity(
                (buf.capacity() * 2).max(buf.len() + n).min(limit + 1),
            ));
            bigger.extend_from_slice(&buf);
            buf = bigger;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(std::mem::take(&mut *buf))
}
