//! `cfsign serve` with a real browser: headless Chromium (Debian `chromium`, installed by
//! `.ci/run`) loads a page served through `cfsign serve`, with an `<img>` signed and one
//! unsigned, then `fetch`es files covered by HttpOnly signed cookies that a `Set-Cookie`
//! from `cfsign cookies` set, and one outside the cookie path. Everything runs on
//! 127.0.0.1; the browser is killed by its process group ID if the test fails midway.
#![cfg(all(feature = "serve", unix))]

mod serve_common;

use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serve_common::*;

/// What the test origin serves, filled in once `cfsign serve` has its port.
#[derive(Default)]
struct Pages {
    index: String,
    set_cookies: Vec<String>,
}

/// The app's own origin (plain http on 127.0.0.1, in this process): the page, a `/login`
/// that sends the `Set-Cookie` lines of `cfsign cookies`, and the protected files.
fn app_origin(pages: Arc<Mutex<Pages>>) -> String {
    use axum::extract::Request;
    use axum::response::Response;
    spawn_origin(axum::Router::new().fallback(move |req: Request| {
        let pages = pages.clone();
        async move {
            let pages = pages.lock().unwrap();
            let mut r = Response::builder();
            let body = match req.uri().path() {
                "/index.html" => {
                    r = r.header("content-type", "text/html; charset=utf-8");
                    pages.index.clone()
                }
                "/login" => {
                    for c in &pages.set_cookies {
                        r = r.header("set-cookie", c.as_str());
                    }
                    "logged in".to_string()
                }
                "/private/pic.svg" => {
                    r = r.header("content-type", "image/svg+xml");
                    SVG.to_string()
                }
                "/media/a.txt" => "media-a".to_string(),
                "/other/b.txt" => "other-b".to_string(),
                _ => {
                    r = r.status(404);
                    "not found".to_string()
                }
            };
            r.body(axum::body::Body::from(body)).unwrap()
        }
    }))
}

const SVG: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><rect width="16" height="16" fill="red"/></svg>"#;

/// Headless Chromium in its own process group, killed (group and all) when dropped.
struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// `chromium --headless --dump-dom` of `url`, with a fresh profile.
    fn dump_dom(url: &str) -> Browser {
        let profile = tempfile::tempdir().expect("profile dir");
        let child = Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--virtual-time-budget=15000",
                "--dump-dom",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("chromium is installed (.ci/run installs Debian's chromium)");
        Browser {
            child,
            _profile: profile,
        }
    }

    /// Waits (at most 90 s) for the browser to exit; returns the DOM it printed.
    fn output(mut self) -> String {
        let mut stdout = self.child.stdout.take().expect("stdout");
        let reader = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = std::io::Read::read_to_string(&mut stdout, &mut s);
            s
        });
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(100))
                }
                _ => panic!("chromium did not finish within 90 s"),
            }
        }
        self.kill_group();
        reader.join().unwrap_or_default()
    }

    fn kill_group(&mut self) {
        // The browser's helpers (renderer, GPU, zygote) share its process group, whose
        // ID is the browser's PID.
        let pgid = self.child.id();
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pgid}")])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.kill_group();
    }
}

/// The text of the element with `id` in the dumped DOM.
fn element_text<'a>(dom: &'a str, id: &str) -> &'a str {
    let open = format!("id=\"{id}\">");
    let start = dom.find(&open).map(|i| i + open.len()).unwrap_or(dom.len());
    let end = dom[start..].find('<').map_or(dom.len(), |i| start + i);
    &dom[start..end]
}

#[test]
fn chromium_loads_signed_img_and_cookie_covered_fetches_only() {
    let pages = Arc::new(Mutex::new(Pages::default()));
    let origin = app_origin(pages.clone());
    let server = Server::start(&[
        "--origin",
        &origin,
        "--allow-unsigned",
        "/index.html",
        "--allow-unsigned",
        "/login",
    ]);
    let signed_img = sign(&server.url("/private/pic.svg"), &[]);
    let set_cookies: Vec<String> = cookies(&server.url("/media/*"), "set-cookie", &[])
        .lines()
        .filter_map(|l| l.strip_prefix("Set-Cookie: "))
        .map(str::to_string)
        .collect();
    assert_eq!(set_cookies.len(), 3, "{set_cookies:?}");
    assert!(set_cookies.iter().all(|c| c.contains("HttpOnly")));
    assert!(set_cookies.iter().all(|c| c.contains("Path=/media/")));
    {
        let mut p = pages.lock().unwrap();
        p.set_cookies = set_cookies;
        p.index = format!(
            r#"<!doctype html><html><body>
<img id="signed" src="{signed_img}" onload="this.dataset.state='loaded'" onerror="this.dataset.state='failed'">
<img id="unsigned" src="/private/pic.svg" onload="this.dataset.state='loaded'" onerror="this.dataset.state='failed'">
<pre id="result">pending</pre>
<script>
async function status(path) {{
  const r = await fetch(path, {{credentials: "same-origin"}});
  return r.status + " " + (await r.text());
}}
async function run() {{
  const imgs = [...document.images].map(i => i.complete ? null : new Promise(ok => {{
    i.addEventListener("load", ok); i.addEventListener("error", ok); }}));
  await Promise.all(imgs);
  const out = {{}};
  out.signed = document.getElementById("signed").naturalWidth;
  out.unsigned = document.getElementById("unsigned").naturalWidth;
  out.before = await status("/media/a.txt");
  await fetch("/login");
  out.script_sees_cookies = document.cookie;
  out.media = await status("/media/a.txt");
  out.other = await status("/other/b.txt");
  document.getElementById("result").textContent = JSON.stringify(out);
}}
run().catch(e => {{ document.getElementById("result").textContent = "error " + e; }});
</script></body></html>"#
        );
    }
    let dom = Browser::dump_dom(&server.url("/index.html")).output();
    // The dumped DOM escapes text: undo the escapes it uses.
    let result = element_text(&dom, "result")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    let v: serde_json::Value = serde_json::from_str(&result)
        .unwrap_or_else(|e| panic!("no result ({e}): {dom}\nlog: {}", server.log_text()));
    // The signed <img> loads (16 px wide); the unsigned one is refused (403).
    assert_eq!(v["signed"], 16, "{v}");
    assert_eq!(v["unsigned"], 0, "{v}");
    let missing = "403 <?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>MissingKey</Code><Message>Missing Key-Pair-Id query parameter or cookie value</Message></Error>";
    // Before /login: no cookies, MissingKey.
    assert_eq!(v["before"], missing, "{v}");
    // HttpOnly: the page's script cannot read them, but the browser sends them.
    assert_eq!(v["script_sees_cookies"], "", "{v}");
    assert_eq!(v["media"], "200 media-a", "{v}");
    // Outside the cookies' Path the browser does not send them: MissingKey.
    assert_eq!(v["other"], missing, "{v}");
    let log = server.log_text();
    assert!(log.contains("GET /private/pic.svg 200 - -"), "{log}");
    assert!(log.contains("GET /private/pic.svg 403 MissingKey"), "{log}");
    assert!(log.contains("GET /media/a.txt 200 - -"), "{log}");
    assert!(log.contains("GET /other/b.txt 403 MissingKey"), "{log}");
}
