//! A `moto_server` (local KMS, Secrets Manager, SSM, CloudFront) on a free loopback port,
//! for `tests/aws.rs` and `tests/aws_walkthrough.rs`. A server that does not start is a
//! test failure, never a skip; it is stopped by its PID when dropped.

use std::net::{Ipv4Addr, SocketAddrV4, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `moto_server` with its log in a temporary directory.
pub struct MotoServer {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl MotoServer {
    /// Starts `moto_server -H 127.0.0.1` on a free port and waits (at most 120 s) until it
    /// listens; panics with its log when it exits or does not listen in time.
    pub fn start() -> MotoServer {
        let port = TcpListener::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .expect("a free loopback port")
            .port();
        let dir = tempfile::tempdir().expect("temp dir");
        let log = std::fs::File::create(dir.path().join("moto.log")).expect("log file");
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("moto_server runs (.ci/run installs it: pip install 'moto[server]')");
        let mut server = MotoServer { child, port, dir };
        let addr = SocketAddrV4::new(Ipv4Addr::LOCALHOST, port);
        let deadline = Instant::now() + Duration::from_secs(120);
        while TcpStream::connect_timeout(&addr.into(), Duration::from_secs(1)).is_err() {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!(
                    "moto_server exited at start ({status}); log: {}",
                    server.log()
                );
            }
            assert!(
                Instant::now() < deadline,
                "moto_server did not listen on {addr} within 120 s; log: {}",
                server.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    /// The port it listens on (127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT`, the value of `AWS_ENDPOINT_URL`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A temporary directory for the test's files (removed with the server).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("moto.log")).unwrap_or_default()
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
