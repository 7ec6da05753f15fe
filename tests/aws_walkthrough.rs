//! The README's walkthrough "From zero to a working signed link" and the commands
//! `cfsign keygen` prints, run as written with the real AWS CLI against a moto_server
//! this test starts on 127.0.0.1 (`AWS_ENDPOINT_URL`), so every AWS CLI command is parsed
//! and validated by the AWS CLI itself and the resources it creates are checked.
//!
//! Needs `aws` (AWS CLI) and `moto_server` (`pip install awscli 'moto[server]'`, done by
//! `.ci/run`); a missing one or a server that does not start is a failure, not a skip.

mod common;

use std::net::{Ipv4Addr, SocketAddrV4, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::moto::MotoServer;
use common::{bin, repo};

/// The shared `moto_server` (tests/common/moto.rs), set to deploy distributions at once.
struct Moto {
    server: MotoServer,
}

impl Moto {
    fn start() -> Moto {
        let moto = Moto {
            server: MotoServer::start(),
        };
        moto.deploy_at_once();
        moto
    }

    /// Makes new distributions `Deployed` at the first read, so that `aws cloudfront
    /// wait distribution-deployed` returns at once instead of after its 60 s poll delay
    /// (moto's state-manager API).
    fn deploy_at_once(&self) {
        use std::io::{Read, Write};
        let body = r#"{"model_name": "cloudfront::distribution", "transition": {"progression": "immediate"}}"#;
        let mut conn =
            TcpStream::connect(SocketAddrV4::new(Ipv4Addr::LOCALHOST, self.server.port()))
                .expect("connect to moto_server");
        conn.set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        write!(
            conn,
            "POST /moto-api/state-manager/set-transition HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        let _ = conn.read_to_string(&mut answer);
        assert!(
            answer.starts_with("HTTP/1.1 201") || answer.starts_with("HTTP/1.1 200"),
            "moto state manager: {answer}"
        );
    }

    /// `bash -euo pipefail -c script` in `dir`, with this build's cfsign first on PATH and
    /// the AWS CLI pointed at this server with throw-away credentials.
    fn bash(&self, dir: &Path, script: &str) -> Output {
        let bin_dir = Path::new(bin()).parent().unwrap().to_path_buf();
        let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        )))
        .unwrap();
        let mut cmd = Command::new("bash");
        cmd.args(["--norc", "--noprofile", "-euo", "pipefail", "-c", script])
            .current_dir(dir)
            .stdin(Stdio::null())
            .env("PATH", path)
            .env("AWS_ENDPOINT_URL", self.server.endpoint())
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_CONFIG_FILE", dir.join("no-aws-config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                dir.join("no-aws-credentials"),
            )
            .env("AWS_PAGER", "")
            .env("AWS_DEFAULT_REGION", "us-east-1");
        for var in ["AWS_PROFILE", "AWS_REGION", "AWS_SESSION_TOKEN"]
            .iter()
            .chain(common::CFSIGN_VARS.iter())
        {
            cmd.env_remove(var);
        }
        cmd.output().expect("bash runs")
    }
}

/// The first ```bash block after the line holding `marker` in README.md.
fn readme_block(marker: &str) -> String {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let after = &readme[readme.find(marker).expect(marker)..];
    let start = after
        .find("```bash\n")
        .expect("a bash block after the marker")
        + 8;
    let body = &after[start..];
    body[..body.find("\n```\n").expect("the block ends")].to_string() + "\n"
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn read(dir: &Path, name: &str) -> String {
    let path: PathBuf = dir.join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .trim_end()
        .to_string()
}

#[test]
fn readme_walkthrough_runs_with_the_aws_cli_and_creates_what_it_says() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let walkthrough = readme_block("<!-- walkthrough:");
    // After the walkthrough, record what it created, read back through the AWS CLI.
    let checks = r#"
aws cloudfront get-public-key --id "$KEY_ID" --query PublicKey.PublicKeyConfig.EncodedKey --output text > got-public-key.pem
aws cloudfront get-key-group --id "$KEY_GROUP_ID" --query 'KeyGroup.KeyGroupConfig.Items' --output text > got-key-group-items.txt
aws cloudfront get-distribution-config --id "$DIST_ID" --query 'DistributionConfig.DefaultCacheBehavior.TrustedKeyGroups.[Enabled,Items[0]]' --output text > got-trusted.txt
aws cloudfront get-distribution-config --id "$DIST_ID" --query 'DistributionConfig.Origins.Items[0].[OriginAccessControlId,DomainName]' --output text > got-origin.txt
aws cloudfront get-origin-access-control --id "$OAC_ID" --query 'OriginAccessControl.OriginAccessControlConfig.[SigningProtocol,SigningBehavior,OriginAccessControlOriginType]' --output text > got-oac.txt
aws s3api get-public-access-block --bucket "$BUCKET" --query 'PublicAccessBlockConfiguration.[BlockPublicAcls,IgnorePublicAcls,BlockPublicPolicy,RestrictPublicBuckets]' --output text > got-bpa.txt
aws s3api get-bucket-policy --bucket "$BUCKET" --query Policy --output text > got-bucket-policy.json
aws s3 cp "s3://$BUCKET/hello.txt" got-hello.txt
printf '%s\n' "$KEY_ID" "$KEY_GROUP_ID" "$OAC_ID" "$DOMAIN" "$DIST_ARN" "$URL" > got-vars.txt
"#;
    let out = moto.bash(dir.path(), &(walkthrough + checks));
    let (stdout, stderr) = text(&out);
    assert!(
        out.status.success(),
        "the walkthrough failed:\nstdout:\n{stdout}\nstderr:\n{stderr}\nmoto:\n{}",
        moto.server.log()
    );
    // The last step's offline check answered OK for the URL signed with the new key.
    assert!(
        stdout.contains("OK: CloudFront would serve this request\n"),
        "{stdout}"
    );
    let d = dir.path();
    let vars = read(d, "got-vars.txt");
    let [key_id, key_group_id, oac_id, domain, dist_arn, url] =
        <[&str; 6]>::try_from(vars.lines().collect::<Vec<_>>()).expect("six values");
    assert!(!key_id.is_empty() && !key_group_id.is_empty() && !oac_id.is_empty());
    assert!(
        url.starts_with(&format!("https://{domain}/hello.txt?Expires=")),
        "{url}"
    );
    assert!(
        url.ends_with(&format!("&Key-Pair-Id={key_id}&Hash-Algorithm=SHA256")),
        "{url}"
    );
    // CloudFront holds exactly the public key keygen wrote, in the key group the cache
    // behavior trusts; the origin goes through the OAC.
    assert_eq!(
        read(d, "got-public-key.pem"),
        read(d, "cf-keys/public_key.pem")
    );
    assert_eq!(read(d, "got-key-group-items.txt"), key_id);
    assert_eq!(read(d, "got-trusted.txt"), format!("True\t{key_group_id}"));
    // moto keeps no OriginAccessControlId on origins (the AWS CLI validated it on the way).
    assert_eq!(
        read(d, "got-origin.txt")
            .split_once('\t')
            .map(|(_, domain)| domain),
        Some("example-private-files-2026.s3.us-east-1.amazonaws.com")
    );
    assert_eq!(read(d, "got-oac.txt"), "sigv4\talways\ts3");
    assert_eq!(read(d, "got-bpa.txt"), "True\tTrue\tTrue\tTrue");
    let policy: serde_json::Value =
        serde_json::from_str(&read(d, "got-bucket-policy.json")).unwrap();
    let statement = &policy["Statement"][0];
    assert_eq!(
        statement["Principal"]["Service"], "cloudfront.amazonaws.com",
        "{policy}"
    );
    assert_eq!(statement["Action"], "s3:GetObject");
    assert_eq!(
        statement["Resource"],
        "arn:aws:s3:::example-private-files-2026/*"
    );
    assert_eq!(
        statement["Condition"]["StringEquals"]["AWS:SourceArn"],
        dist_arn
    );
    assert_eq!(read(d, "got-hello.txt"), "hello from a private bucket");
}

/// The next steps `cfsign keygen` prints run as printed (also for a directory with a
/// space in its name), upload exactly the written public key, and are the commands the
/// README's walkthrough uses.
#[test]
fn keygen_next_steps_run_as_printed_with_the_aws_cli() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    for out_dir in ["cf-keys", "my keys"] {
        let keygen = moto.bash(
            dir.path(),
            &format!("cfsign keygen --type ecdsa --out-dir '{out_dir}'"),
        );
        let (stdout, stderr) = text(&keygen);
        assert!(keygen.status.success(), "{stderr}");
        let commands: Vec<&str> = stdout
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("KEY_ID=$(aws ") || l.starts_with("KEY_GROUP_ID=$(aws "))
            .collect();
        assert_eq!(commands.len(), 2, "{stdout}");
        if out_dir == "cf-keys" {
            let walkthrough = readme_block("<!-- walkthrough:");
            for c in &commands {
                assert!(
                    walkthrough.contains(&format!("\n{c}\n")),
                    "the README walkthrough lacks keygen's {c}"
                );
            }
        }
        let script = format!(
            "{}\n{}\naws cloudfront get-public-key --id \"$KEY_ID\" --query PublicKey.PublicKeyConfig.EncodedKey --output text\naws cloudfront get-key-group --id \"$KEY_GROUP_ID\" --query 'KeyGroup.KeyGroupConfig.Items[0]' --output text\n",
            commands[0], commands[1]
        );
        let out = moto.bash(dir.path(), &script);
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "{script}\n{stderr}");
        let public =
            std::fs::read_to_string(dir.path().join(out_dir).join("public_key.pem")).unwrap();
        let (got_key, group_item) = stdout.trim_end().rsplit_once('\n').unwrap();
        assert_eq!(got_key.trim_end(), public.trim_end());
        assert!(!group_item.is_empty());
    }
}

/// The README's cache policy for download names passes the AWS CLI's own parsing and
/// validation: the request reaches the server (moto does not implement cache policies,
/// so its answer is an error from the server, never a CLI parameter error).
#[test]
fn readme_download_cache_policy_command_passes_the_aws_cli() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let block = readme_block("<!-- download-cache-policy:");
    let out = moto.bash(
        dir.path(),
        &format!("{block}echo \"id=$CACHE_POLICY_ID\"\n"),
    );
    let (stdout, stderr) = text(&out);
    for refusal in [
        "Parameter validation failed",
        "Unknown options",
        "Error parsing parameter",
        "Invalid type",
        "Missing required parameter",
        "usage: aws",
    ] {
        assert!(!stderr.contains(refusal), "{refusal}: {stderr}");
    }
    assert!(
        out.status.success() || stderr.contains("when calling the CreateCachePolicy operation"),
        "the request did not reach the server:\nstdout: {stdout}\nstderr: {stderr}"
    );
    let config: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("download-cache-policy.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        config["ParametersInCacheKeyAndForwardedToOrigin"]["QueryStringsConfig"]["QueryStrings"]["Items"],
        serde_json::json!(["response-content-disposition", "response-content-type"])
    );
}
