//! `sse serve` over TLS (HTTP/2 by ALPN) and over h2c, with a certificate generated
//! for the test: the project's own client, curl and headless Chromium.

mod harness;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::Command;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use harness::TIMEOUT;
use harness::browser::Browser;
use harness::process::Server;
use sse_testkit::http1::head::parse_head;
use sse_tokio::client::{EventSource, HttpClient, SourceEvent};

/// A self-signed certificate for `localhost` and 127.0.0.1, written as PEM files.
struct Cert {
    dir: PathBuf,
    der: Vec<u8>,
}

impl Cert {
    fn new(name: &str) -> Cert {
        let key = rcgen::generate_simple_self_signed(vec![
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
        ])
        .unwrap();
        let dir = std::env::temp_dir().join(format!("sse-cli-tls-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("cert.pem"), key.cert.pem()).unwrap();
        std::fs::write(dir.join("key.pem"), key.signing_key.serialize_pem()).unwrap();
        Cert {
            dir,
            der: key.cert.der().to_vec(),
        }
    }

    fn path(&self, file: &str) -> String {
        self.dir.join(file).display().to_string()
    }

    /// `sse serve` over TLS with this certificate and `extra` flags.
    fn serve(&self, extra: &[&str]) -> Server {
        let (cert, key) = (self.path("cert.pem"), self.path("key.pem"));
        let mut args = vec!["--tls-cert", &cert, "--tls-key", &key];
        args.extend_from_slice(extra);
        Server::start(&args)
    }

    /// A rustls client configuration that trusts only this certificate.
    fn client_config(&self, alpn: &[&[u8]]) -> rustls::ClientConfig {
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(rustls::pki_types::CertificateDer::from(self.der.clone()))
            .unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        config
    }
}

impl Drop for Cert {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One HTTP/1.1 request over TLS (`Connection: close`); returns the protocol ALPN
/// chose and the raw response.
fn tls_request(cert: &Cert, addr: SocketAddr, alpn: &[&[u8]], request: &str) -> (Vec<u8>, String) {
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let conn = rustls::ClientConnection::new(Arc::new(cert.client_config(alpn)), name).unwrap();
    let tcp = TcpStream::connect_timeout(&addr, TIMEOUT).unwrap();
    tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    while tls.conn.is_handshaking() {
        tls.conn.complete_io(&mut tls.sock).unwrap();
    }
    let protocol = tls.conn.alpn_protocol().unwrap_or_default().to_vec();
    if request.is_empty() {
        return (protocol, String::new());
    }
    tls.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    let _ = tls.read_to_end(&mut response);
    (protocol, String::from_utf8_lossy(&response).into_owned())
}

/// Publishes `data` on `topic` over TLS; panics unless the answer is 200.
fn tls_publish(cert: &Cert, addr: SocketAddr, topic: &str, data: &str) {
    let request = format!(
        "POST /publish/{topic} HTTP/1.1\r\nHost: localhost\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{data}",
        data.len()
    );
    let (_, response) = tls_request(cert, addr, &[b"http/1.1"], &request);
    assert!(response.starts_with("HTTP/1.1 200 "), "{response}");
}

/// Subscribers in `/status` over TLS.
fn tls_subscribers(cert: &Cert, addr: SocketAddr) -> u64 {
    let request = "GET /status HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    let (_, response) = tls_request(cert, addr, &[b"http/1.1"], request);
    let (head, len) = parse_head(response.as_bytes())
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no HTTP/1.1 response head: {response}"));
    assert_eq!(head.status, 200, "{response}");
    let body = response.get(len..).unwrap_or_default();
    let json: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| {
        panic!("status is not JSON ({e}): {response}");
    });
    json["subscribers"]["total"].as_u64().unwrap()
}

/// The next item of `source` that `pick` takes, bounded by the timeout.
async fn next_item<T>(source: &mut EventSource, pick: impl Fn(SourceEvent) -> Option<T>) -> T {
    let next = async {
        loop {
            let item = std::future::poll_fn(|cx| {
                futures_core::Stream::poll_next(Pin::new(&mut *source), cx)
            })
            .await;
            match item {
                Some(Ok(event)) => {
                    if let Some(found) = pick(event) {
                        return found;
                    }
                }
                other => panic!("the stream ended: {other:?}"),
            }
        }
    };
    tokio::time::timeout(TIMEOUT, next)
        .await
        .expect("nothing in time")
}

/// Waits until `source` is open (an EventSource connects when first polled).
async fn opened(source: &mut EventSource) {
    next_item(source, |event| {
        matches!(event, SourceEvent::Open).then_some(())
    })
    .await;
}

/// The next message of `source`.
async fn next_message(source: &mut EventSource) -> String {
    next_item(source, |event| match event {
        SourceEvent::Message(message) => Some(message.data().to_owned()),
        _ => None,
    })
    .await
}

/// Waits until `/status` (read with `count`) shows `want` subscribers.
fn wait_for_subscribers(count: impl Fn() -> u64, want: u64) {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let now = count();
        if now == want {
            return;
        }
        assert!(Instant::now() < deadline, "{now} subscribers, not {want}");
        thread::sleep(Duration::from_millis(20));
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn tls_offers_h2_by_alpn_and_http1_to_clients_without_it() {
    let cert = Cert::new("alpn");
    let server = cert.serve(&[]);
    let (protocol, _) = tls_request(&cert, server.addr, &[b"h2", b"http/1.1"], "");
    assert_eq!(protocol, b"h2");
    let request = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    let (protocol, page) = tls_request(&cert, server.addr, &[b"http/1.1"], request);
    assert_eq!(protocol, b"http/1.1");
    assert!(page.starts_with("HTTP/1.1 200 "), "{page}");
    assert!(page.contains("new EventSource("));
}

#[test]
fn event_sources_over_h2_close_one_stream_at_a_time() {
    let cert = Cert::new("h2");
    let server = cert.serve(&["--keep-alive", "200ms"]);
    let url = format!("https://localhost:{}/subscribe/news", server.addr.port());
    runtime().block_on(async {
        let client = HttpClient::builder()
            .tls_config(cert.client_config(&[]))
            .build()
            .unwrap();
        let open = |client: &HttpClient| {
            EventSource::builder(url.as_str())
                .client(client.clone())
                .build()
                .unwrap()
        };
        let (mut first, mut second) = (open(&client), open(&client));
        opened(&mut first).await;
        opened(&mut second).await;
        let addr = server.addr;
        let counted = || tls_subscribers(&cert, addr);
        tokio::task::block_in_place(|| wait_for_subscribers(counted, 2));
        tokio::task::block_in_place(|| tls_publish(&cert, addr, "news", "one"));
        assert_eq!(next_message(&mut first).await, "one");
        assert_eq!(next_message(&mut second).await, "one");
        // Closing one EventSource ends its stream only: the other keeps receiving
        // (keep-alives flow every 200 ms on the shared connection meanwhile).
        first.close();
        drop(first);
        tokio::task::block_in_place(|| wait_for_subscribers(counted, 1));
        tokio::time::sleep(Duration::from_millis(500)).await;
        tokio::task::block_in_place(|| tls_publish(&cert, addr, "news", "two"));
        assert_eq!(next_message(&mut second).await, "two");
    });
}

#[test]
fn h2c_by_prior_knowledge_next_to_http1() {
    let server = Server::start(&["--h2c"]);
    let url = format!("{}/subscribe/plain", server.base());
    runtime().block_on(async {
        let client = HttpClient::builder()
            .http2_prior_knowledge(true)
            .build()
            .unwrap();
        let mut source = EventSource::builder(url.as_str())
            .client(client)
            .build()
            .unwrap();
        opened(&mut source).await;
        let addr = server.addr;
        let counted = || {
            harness::http::get(addr, "/status", &[]).json()["subscribers"]["total"]
                .as_u64()
                .unwrap()
        };
        tokio::task::block_in_place(|| wait_for_subscribers(counted, 1));
        // HTTP/1.1 clients are served on the same port.
        tokio::task::block_in_place(|| harness::http::publish(addr, "plain", "over h2c"));
        assert_eq!(next_message(&mut source).await, "over h2c");
    });
}

/// curl, when installed (always in CI).
fn curl_available() -> bool {
    let found = Command::new("curl").arg("--version").output().is_ok();
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "curl is not installed, and CI is set: install the `curl` package"
        );
        eprintln!("skipped: curl not installed");
    }
    found
}

#[test]
fn curl_speaks_http2_to_the_tls_server() {
    if !curl_available() {
        return;
    }
    let cert = Cert::new("curl");
    let server = cert.serve(&[]);
    let url = format!("https://127.0.0.1:{}", server.addr.port());
    let version = Command::new("curl")
        .args(["--http2", "-sk", "--max-time", "10", "-o", "/dev/null"])
        .args(["-w", "%{http_version} %{http_code}"])
        .arg(format!("{url}/status"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&version.stdout), "2 200");
    // A stream over h2 receives what is published.
    let mut stream = Command::new("curl")
        .args(["--http2", "-skN", "--max-time", "15"])
        .arg(format!("{url}/subscribe/curl"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for_subscribers(|| tls_subscribers(&cert, server.addr), 1);
    tls_publish(&cert, server.addr, "curl", "hello curl");
    let mut out = stream.stdout.take().unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 1024];
    while !seen.contains("data: hello curl") {
        let n = out.read(&mut buf).unwrap();
        assert!(n > 0, "curl's stream ended before the event: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    let _ = stream.kill();
    let _ = stream.wait();
}

/// Writes a page that opens 10 EventSources to `base` and shows in its title how many
/// are open and how many events arrived.
fn ten_sources_page(dir: &Path, base: &str) -> String {
    let html = format!(
        "<!doctype html><title>starting</title><script>\
         let open = 0, got = 0;\
         const show = () => {{ document.title = `open ${{open}} got ${{got}}`; }};\
         for (let i = 0; i < 10; i++) {{\
           const source = new EventSource('{base}/subscribe/ten');\
           source.onopen = () => {{ open++; show(); }};\
           source.onmessage = () => {{ got++; show(); }};\
         }}\
         </script>"
    );
    let path = dir.join("ten.html");
    std::fs::write(&path, html).unwrap();
    format!("file://{}", path.display())
}

#[test]
fn chromium_opens_ten_event_sources_over_h2_but_only_six_over_http1() {
    if !harness::browser::chromium_available() {
        return;
    }
    let cert = Cert::new("chromium");
    let flags = ["--ignore-certificate-errors"];

    // HTTPS: HTTP/2 by ALPN, ten streams on one connection, all receiving.
    let server = cert.serve(&["--allow-origin", "*"]);
    let base = format!("https://127.0.0.1:{}", server.addr.port());
    let page = ten_sources_page(&cert.dir, &base);
    let browser = Browser::open_with(&page, &flags);
    let port = browser.devtools_port();
    browser.wait_for_title(port, "file://", "ten open sources", |t| {
        t.starts_with("open 10 ")
    });
    tls_publish(&cert, server.addr, "ten", "to all ten");
    browser.wait_for_title(port, "file://", "ten events", |t| t == "open 10 got 10");
    drop(browser);
    drop(server);

    // The same page over cleartext HTTP/1.1 stalls at six connections per host.
    let server = Server::start(&["--allow-origin", "*"]);
    let page = ten_sources_page(&cert.dir, &server.base());
    let browser = Browser::open_with(&page, &flags);
    let port = browser.devtools_port();
    browser.wait_for_title(port, "file://", "six open sources", |t| {
        t.starts_with("open 6 ")
    });
    let count = || {
        harness::http::get(server.addr, "/status", &[]).json()["subscribers"]["total"]
            .as_u64()
            .unwrap()
    };
    wait_for_subscribers(count, 6);
    // Give the other four time to open if they could; they cannot.
    thread::sleep(Duration::from_secs(1));
    assert_eq!(count(), 6);
    harness::http::publish(server.addr, "ten", "to the six");
    let title = browser.wait_for_title(port, "file://", "six events", |t| t.ends_with("got 6"));
    assert_eq!(title, "open 6 got 6");
}
