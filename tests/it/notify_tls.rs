//! https:// webhooks as `duban notify run-once` delivers them: to a real TLS receiver (Python's
//! http.server wrapped in ssl) whose certificate a throwaway CA, made here with the `openssl`
//! CLI, has signed. Untrusted, the delivery waits with the reason; trusted through
//! SSL_CERT_FILE, it arrives once, signed.

use crate::cli::{duban, run};
use crate::common;
use crate::notify::{count, free_port, urge_unit_a, world_with_addresses};
use duban::workflows::notify::worker;
use sqlx::PgPool;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the openssl CLI");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `ca.pem`, and `server.pem`/`server.key` for 127.0.0.1 and localhost signed by it.
fn make_certificates(dir: &Path) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509", "-days", "2", "-subj", "/CN=duban test CA"];
    ca.extend(ec);
    ca.extend(["-keyout", "ca.key", "-out", "ca.pem"]);
    ca.extend(["-addext", "basicConstraints=critical,CA:TRUE"]);
    ca.extend(["-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
    openssl(dir, &ca);
    let mut csr = vec!["req", "-new", "-subj", "/CN=127.0.0.1"];
    csr.extend(ec);
    csr.extend(["-keyout", "server.key", "-out", "server.csr"]);
    openssl(dir, &csr);
    std::fs::write(
        dir.join("server.ext"),
        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n\
         subjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "server.ext",
            "-out",
            "server.pem",
        ],
    );
}

/// Saves each POST as `posts/N.json` (path, lower-cased headers, body in hex).
const RECEIVER: &str = r#"
import http.server, json, os, ssl, sys
d, port = sys.argv[1], int(sys.argv[2])
posts = os.path.join(d, "posts")
os.makedirs(posts, exist_ok=True)
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        name = os.path.join(posts, "%d.json" % len(os.listdir(posts)))
        with open(name + ".tmp", "w") as f:
            json.dump({"path": self.path,
                       "headers": {k.lower(): v for k, v in self.headers.items()},
                       "body": body.hex()}, f)
        os.rename(name + ".tmp", name)
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(os.path.join(d, "server.pem"), os.path.join(d, "server.key"))
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Hook)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
server.serve_forever()
"#;

/// The HTTPS receiver; stopped when dropped.
struct Receiver {
    child: std::process::Child,
    dir: tempfile::TempDir,
    port: u16,
}

impl Receiver {
    // Waited for in `Drop`, which clippy does not follow.
    #[allow(clippy::zombie_processes)]
    async fn start() -> Receiver {
        let dir = tempfile::tempdir().unwrap();
        make_certificates(dir.path());
        let port = free_port();
        let child = Command::new("python3")
            .args(["-c", RECEIVER])
            .arg(dir.path())
            .arg(port.to_string())
            .stdout(Stdio::null())
            // A refused handshake is printed there as a traceback.
            .stderr(Stdio::null())
            .spawn()
            .expect("python3");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return Receiver { child, dir, port };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the HTTPS receiver did not listen on {port}");
    }

    fn posts(&self) -> Vec<serde_json::Value> {
        let mut names: Vec<_> = std::fs::read_dir(self.dir.path().join("posts"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `duban notify run-once` against the test's database, with no trust settings of the
/// caller's own: mail to `smtp_url` (none: the mail just waits), trusting `ca` where given.
fn notify_run_once(pool: &PgPool, smtp_url: Option<&str>, ca: Option<&Path>) -> String {
    let mut cmd = duban();
    cmd.args(["notify", "run-once"])
        .env("DATABASE_URL", common::database_url(pool))
        .env_remove("SSL_CERT_FILE")
        .env_remove("SSL_CERT_DIR")
        .env_remove("DUBAN_SMTP_URL");
    if let Some(url) = smtp_url {
        cmd.env("DUBAN_SMTP_URL", url);
    }
    if let Some(ca) = ca {
        cmd.env("SSL_CERT_FILE", ca);
    }
    let (out, stdout, stderr) = run(&mut cmd);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    stdout
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn an_https_webhook_waits_while_its_ca_is_untrusted_and_arrives_once_signed_when_trusted(
    pool: PgPool,
) {
    let receiver = Receiver::start().await;
    let url = format!("https://127.0.0.1:{}/hook", receiver.port);
    let w = world_with_addresses(&url).await(pool).await;
    urge_unit_a(&w).await;
    let webhook = "SELECT count(*) FROM deliveries WHERE channel = 'webhook'";

    // The system's store does not know the throwaway CA: nothing sent, the reason kept.
    let stdout = notify_run_once(&w.pool, None, None);
    assert!(
        stdout.contains(&format!("未投递 webhook {url}")),
        "{stdout}"
    );
    assert!(receiver.posts().is_empty());
    let (state, attempts, error): (String, i32, Option<String>) = sqlx::query_as(
        "SELECT state, attempts, last_error FROM deliveries WHERE channel = 'webhook'",
    )
    .fetch_one(&w.pool)
    .await
    .unwrap();
    assert_eq!((state.as_str(), attempts), ("pending", 1));
    let error = error.expect("last_error");
    assert!(
        error.starts_with("无法连接接收方：接收方的证书未通过验证")
            && error.contains("SSL_CERT_FILE"),
        "{error}"
    );

    // Trusted through SSL_CERT_FILE: the retry (made due now) arrives once, signed.
    sqlx::query("UPDATE deliveries SET next_at = now() WHERE channel = 'webhook'")
        .execute(&w.pool)
        .await
        .unwrap();
    let ca = receiver.dir.path().join("ca.pem");
    let stdout = notify_run_once(&w.pool, None, Some(&ca));
    assert!(
        stdout.contains(&format!("已投递 webhook {url}")),
        "{stdout}"
    );
    let posts = receiver.posts();
    assert_eq!(posts.len(), 1, "{posts:?}");
    let post = &posts[0];
    assert_eq!(post["path"], "/hook");
    let body = hex::decode(post["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        post["headers"]["x-duban-signature"],
        worker::signature("s3cret", &body)
    );
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["kind"], "urged");
    assert!(
        json["text"]
            .as_str()
            .unwrap()
            .contains("请于7月25日前报送二季度进展情况。"),
        "{json}"
    );
    assert_eq!(
        count(
            &w.pool,
            &format!("{webhook} AND state = 'sent' AND attempts = 2")
        )
        .await,
        1
    );
}

/// aiosmtpd over TLS with the throwaway CA's certificate: `smtps` (TLS from the first byte)
/// or STARTTLS (required), saving what it accepts.
async fn tls_smtp(starttls: bool) -> crate::notify::Smtp {
    let dir = tempfile::tempdir().unwrap();
    make_certificates(dir.path());
    let port = free_port();
    let (cert, key) = if starttls {
        ("--tlscert", "--tlskey")
    } else {
        ("--smtpscert", "--smtpskey")
    };
    let mut cmd = Command::new("python3");
    cmd.args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
        .arg(cert)
        .arg(dir.path().join("server.pem"))
        .arg(key)
        .arg(dir.path().join("server.key"))
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(dir.path().join("mail"))
        // The refused handshakes of the untrusted attempts are logged there at length.
        .stderr(Stdio::null());
    crate::notify::Smtp::listening(cmd, port, dir).await
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn mail_goes_over_smtps_and_starttls_once_the_servers_ca_is_trusted(pool: PgPool) {
    let w = world_with_addresses("http://127.0.0.1:9/robot").await(pool).await;
    urge_unit_a(&w).await;
    let mail = "SELECT count(*) FROM deliveries WHERE channel = 'email'";
    for (starttls, url) in [
        (false, "smtps://localhost:{port}"),
        (true, "smtp://localhost:{port}?tls=required"),
    ] {
        let smtp = tls_smtp(starttls).await;
        let url = url.replace("{port}", &smtp.port.to_string());
        let ca = smtp.dir.path().join("ca.pem");
        // Untrusted: the mail waits, with the reason.
        let stdout = notify_run_once(&w.pool, Some(&url), None);
        assert!(
            stdout.contains("未投递 email gab@example.gov.cn"),
            "{stdout}"
        );
        assert!(smtp.mails().is_empty());
        assert_eq!(
            count(
                &w.pool,
                &format!("{mail} AND state = 'pending' AND last_error IS NOT NULL")
            )
            .await,
            1
        );
        // Trusted: it arrives, once.
        sqlx::query("UPDATE deliveries SET next_at = now() WHERE channel = 'email'")
            .execute(&w.pool)
            .await
            .unwrap();
        let stdout = notify_run_once(&w.pool, Some(&url), Some(&ca));
        assert!(
            stdout.contains("已投递 email gab@example.gov.cn"),
            "{url}: {stdout}"
        );
        let mails = smtp.mails();
        assert_eq!(mails.len(), 1, "{url}");
        assert!(mails[0].contains("Message-ID: <duban."));
        // Sent again to the next server.
        sqlx::query("UPDATE deliveries SET state = 'pending', attempts = 0, next_at = now() WHERE channel = 'email'")
            .execute(&w.pool)
            .await
            .unwrap();
    }
}
