//! Helpers for the `cfsign serve` tests: a server started on 127.0.0.1:0 and stopped by
//! its process ID, signing through the `cfsign` binary, and curl.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

#[path = "../common/mod.rs"]
pub mod common;

pub use common::{KPID, bin, key_arg};

/// A running `cfsign serve`, killed (by its PID) and reaped when dropped, so a failing
/// test never leaves it behind.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`, as the server printed it.
    pub base: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Server {
    /// Starts `cfsign serve --listen 127.0.0.1:0` with the RSA test public key as
    /// `K2JCJMDEHXQW5F` and `args`; a server that does not print its address within
    /// 20 s fails the test.
    pub fn start(args: &[&str]) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let log = dir.path().join("serve.log");
        let mut cmd = Command::new(bin());
        for var in common::CFSIGN_VARS {
            cmd.env_remove(var);
        }
        cmd.args(["serve", "--listen", "127.0.0.1:0"])
            .args([
                "--key",
                &format!("{KPID}={}", key_arg("rsa2048_public.pem")),
            ])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("log file"));
        let mut child = cmd.spawn().expect("start cfsign serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(20));
        let mut server = Server {
            child,
            base: String::new(),
            log,
            _dir: dir,
        };
        match line {
            Ok(l) if l.starts_with("http://127.0.0.1:") => server.base = l.trim().to_string(),
            other => panic!(
                "cfsign serve did not start: {other:?}; log: {}",
                server.log_text()
            ),
        }
        server
    }

    /// The access log so far (stderr of the server).
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The process ID.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Signs `url` with the RSA test key and `KPID` plus `extra` options (`cfsign URL ...`).
pub fn sign(url: &str, extra: &[&str]) -> String {
    sign_with("rsa2048_pkcs1.pem", KPID, url, extra)
}

/// Signs `url` with the test key `key` under `kpid`.
pub fn sign_with(key: &str, kpid: &str, url: &str, extra: &[&str]) -> String {
    let out = Command::new(bin())
        .args([url, "--private-key", &key_arg(key), "--key-pair-id", kpid])
        .args(extra)
        .env_remove("CFSIGN_PRIVATE_KEY")
        .env_remove("CFSIGN_PRIVATE_KEY_FILE")
        .stdin(Stdio::null())
        .output()
        .expect("run cfsign");
    assert!(
        out.status.success(),
        "signing failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// `cfsign cookies RESOURCE --format FORMAT --no-secure` with the RSA test key.
pub fn cookies(resource: &str, format: &str, extra: &[&str]) -> String {
    let out = Command::new(bin())
        .args(["cookies", resource, "--format", format, "--no-secure"])
        .args([
            "--private-key",
            &key_arg("rsa2048_pkcs1.pem"),
            "--key-pair-id",
            KPID,
        ])
        .args(extra)
        .stdin(Stdio::null())
        .output()
        .expect("run cfsign cookies");
    assert!(
        out.status.success(),
        "cookies failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A curl answer: status, headers (lower-case names) and body bytes.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    /// The first header named `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The `<Code>` of a CloudFront XML error body.
    pub fn code(&self) -> Option<String> {
        let t = self.text();
        let start = t.find("<Code>")? + 6;
        let end = t.find("</Code>")?;
        Some(t[start..end].to_string())
    }
}

/// Runs curl (`--max-time 20`, no proxy) with `args` and the URL last; returns the
/// answer. curl failing to connect fails the test.
pub fn curl(args: &[&str], url: &str) -> Answer {
    let dir = tempfile::tempdir().expect("temp dir");
    let headers = dir.path().join("headers");
    let body = dir.path().join("body");
    let out = Command::new("curl")
        .args(["-s", "--max-time", "20", "--noproxy", "*"])
        .args([
            "-D",
            headers.to_str().unwrap(),
            "-o",
            body.to_str().unwrap(),
        ])
        .args(["-w", "%{http_code}"])
        .args(args)
        .arg(url)
        .output()
        .expect("curl is installed (.ci/run installs it)");
    assert!(
        out.status.success(),
        "curl {url} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let status = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    let headers = std::fs::read_to_string(&headers)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: std::fs::read(&body).unwrap_or_default(),
    }
}

/// A folder to serve: `a.bin` (1000 pseudo-random bytes), `a.txt`, `img.png`,
/// `private/p.txt`, `public/logo.txt`, a sub-folder `sub/`, a symlink `out` to a file
/// outside, and `secret.txt` beside the folder (outside it).
pub fn site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    std::fs::create_dir_all(root.join("private")).unwrap();
    std::fs::create_dir_all(root.join("public")).unwrap();
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::write(root.join("a.bin"), site_bytes()).unwrap();
    std::fs::write(root.join("a.txt"), "hello\n").unwrap();
    std::fs::write(root.join("img.png"), PNG).unwrap();
    std::fs::write(root.join("private/p.txt"), "private\n").unwrap();
    std::fs::write(root.join("public/logo.txt"), "public\n").unwrap();
    std::fs::write(root.join("sub/s.txt"), "sub\n").unwrap();
    std::fs::write(dir.path().join("secret.txt"), "SECRET\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("out")).unwrap();
    (dir, root)
}

/// The bytes of `a.bin`.
pub fn site_bytes() -> Vec<u8> {
    (0..1000u32).map(|i| (i * 7 + i / 13) as u8).collect()
}

/// A 1x1 PNG.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// `--dir ROOT` as arguments.
pub fn dir_arg(root: &Path) -> String {
    root.display().to_string()
}

/// Serves `app` on 127.0.0.1 (a free port) from a thread of this test process, as a
/// plain-http origin; returns `http://127.0.0.1:PORT`. It ends with the test process.
pub fn spawn_origin(app: axum::Router) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind origin");
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    format!("http://{addr}")
}
