//! Issue 9.3: Ctrl-C at the passphrase prompt left the terminal without echo. The prompt
//! runs on a real pseudo-terminal (Python's `pty`, the controlling terminal of cfsign,
//! since rpassword reads `/dev/tty`); the test types a few characters and Ctrl-C, then
//! reads the terminal's mode once cfsign has exited.

mod common;

use std::process::Command;

/// Runs argv[1:] on a new pty, waits (bounded) for the "Passphrase for" prompt and for
/// echo to go off, types `abc` and Ctrl-C, waits (bounded) for the exit and prints the ECHO flag and status.
const PTY_DRIVER: &str = r#"
import os, pty, select, sys, termios, time
argv = sys.argv[1:]
pid, master = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
seen = b""
deadline = time.time() + 30
while b"Passphrase for" not in seen and time.time() < deadline:
    if select.select([master], [], [], 0.5)[0]:
        try:
            seen += os.read(master, 4096)
        except OSError:
            break
if b"Passphrase for" not in seen:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    sys.exit("no prompt: %r" % seen)
# Type only once the prompt has turned echo off, as a person would: rpassword prints
# the prompt a moment before it changes the terminal mode.
while termios.tcgetattr(master)[3] & termios.ECHO and time.time() < deadline:
    time.sleep(0.01)
during = termios.tcgetattr(master)[3] & termios.ECHO
os.write(master, b"abc\x03")
status = None
deadline = time.time() + 30
while status is None and time.time() < deadline:
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        status = st
    elif select.select([master], [], [], 0.2)[0]:
        try:
            os.read(master, 4096)
        except OSError:
            pass
if status is None:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    sys.exit("cfsign did not exit after Ctrl-C")
after = termios.tcgetattr(master)[3] & termios.ECHO
code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -os.WTERMSIG(status)
print("echo during prompt: %d, echo after: %d, exit: %d" % (bool(during), bool(after), code))
"#;

fn ctrl_c_at_prompt(args: &[&str]) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(PTY_DRIVER)
        .arg(common::bin())
        .args(args)
        .env_remove("CFSIGN_PRIVATE_KEY_PASSPHRASE")
        .env_remove("CFSIGN_PRIVATE_KEY")
        .env_remove("CFSIGN_PRIVATE_KEY_FILE")
        .env_remove("CFSIGN_KEY_PAIR_ID")
        .output()
        .expect("python3 runs the pty driver");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "pty driver failed: {stderr}");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Regression: rpassword raised SIGINT before restoring the terminal, so cfsign died with
/// echo off (exit by signal 2). Echo must be back on and the exit status 130.
#[test]
fn ctrl_c_at_passphrase_prompt_left_echo_off() {
    let key = common::key_arg("rsa2048_pkcs8_encrypted.pem");
    let result = ctrl_c_at_prompt(&[
        "https://d111111abcdef8.cloudfront.net/a.jpg",
        "--private-key",
        &key,
        "--key-pair-id",
        common::KPID,
    ]);
    assert_eq!(result, "echo during prompt: 0, echo after: 1, exit: 130");
    let dir = tempfile::tempdir().unwrap();
    let result = ctrl_c_at_prompt(&[
        "keygen",
        "--encrypt",
        "--out-dir",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(result, "echo during prompt: 0, echo after: 1, exit: 130");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "keys written"
    );
}
