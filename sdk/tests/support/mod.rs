//! A raw HTTP/1.1 stub: records each request and answers with canned bytes, so tests
//! control every byte the client receives (including malformed responses).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One request as the stub saw it. Header names are lowercase; repeated headers
/// are joined with `, `.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: BTreeMap<String, String>,
}

/// One thing the stub does on a connection after reading the request head.
#[derive(Clone, Debug)]
pub enum Step {
    /// Write these bytes.
    Send(Vec<u8>),
    /// Wait before the next step.
    Pause(Duration),
    /// Abort the connection with a TCP reset.
    Reset,
    /// Keep the connection open and say nothing more.
    Hang,
}

type Responder = dyn Fn(&Recorded) -> Vec<Step> + Send + Sync;

pub struct Stub {
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Stub {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Stub {
    /// Starts a stub on an ephemeral loopback port that answers every request with
    /// `respond(request)` and then closes the connection.
    pub async fn start(respond: impl Fn(&Recorded) -> Vec<u8> + Send + Sync + 'static) -> Stub {
        Stub::scripted(move |request| vec![Step::Send(respond(request))]).await
    }

    /// Starts a stub that plays `script(request)` on each connection, then closes it.
    pub async fn scripted(script: impl Fn(&Recorded) -> Vec<Step> + Send + Sync + 'static) -> Stub {
        let respond = script;
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let respond: Arc<Responder> = Arc::new(respond);
        let seen = Arc::clone(&requests);
        let task = tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let respond = Arc::clone(&respond);
                let seen = Arc::clone(&seen);
                tokio::spawn(async move {
                    let Some(request) = read_head(&mut socket).await else {
                        return;
                    };
                    seen.lock().expect("stub lock").push(request.clone());
                    for step in respond(&request) {
                        match step {
                            Step::Send(bytes) => {
                                let _ = socket.write_all(&bytes).await;
                                let _ = socket.flush().await;
                            }
                            Step::Pause(wait) => tokio::time::sleep(wait).await,
                            Step::Reset => {
                                let _ = socket.set_zero_linger();
                                return;
                            }
                            Step::Hang => std::future::pending::<()>().await,
                        }
                    }
                    let _ = socket.shutdown().await;
                });
            }
        });
        Stub {
            addr,
            requests,
            task,
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("stub lock").clone()
    }
}

async fn read_head(socket: &mut tokio::net::TcpStream) -> Option<Recorded> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&buf);
    let mut lines = text.split("\r\n");
    let mut start = lines.next()?.split(' ');
    let method = start.next()?.to_owned();
    let path = start.next()?.to_owned();
    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    for line in lines.take_while(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':')?;
        headers
            .entry(name.trim().to_ascii_lowercase())
            .and_modify(|v| {
                v.push_str(", ");
                v.push_str(value.trim());
            })
            .or_insert_with(|| value.trim().to_owned());
    }
    Some(Recorded {
        method,
        path,
        headers,
    })
}

/// A complete HTTP/1.1 response with `Content-Length` and `Connection: close`.
pub fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

pub const API_KEY: &str = "3c1b7a2e-9c6d-4f0e-8a53-5d2f7e6b1a90";
pub const SECRET: &str = "test-shared-secret-do-not-use";
pub const SESSION_ID: &str = "f04bdb47-d3be-4b28-b028-a652feb060b5";

/// A JSON response signed with [`SECRET`], as Veriff sends it.
pub fn signed(status: u16, body: &[u8]) -> Vec<u8> {
    let signature = veriff_attempts::signature::sign(SECRET.as_bytes(), body);
    response(
        status,
        &[
            ("content-type", "application/json"),
            ("x-auth-client", API_KEY),
            ("x-hmac-signature", &signature),
        ],
        body,
    )
}

/// A JSON response without a signature header.
pub fn unsigned(status: u16, body: &[u8]) -> Vec<u8> {
    response(
        status,
        &[
            ("content-type", "application/json"),
            ("x-auth-client", API_KEY),
        ],
        body,
    )
}

pub fn client(stub: &Stub) -> veriff_attempts::Client {
    veriff_attempts::Client::builder()
        .base_url(stub.base_url())
        .api_key(API_KEY)
        .shared_secret(SECRET)
        .build()
        .expect("valid test client")
}

/// The named examples of one response status, as the spec documents them (the
/// SDK carries them, generated from the spec; never copied here).
pub fn spec_examples(status: u16) -> Vec<(String, serde_json::Value)> {
    veriff_attempts::spec::Example::for_status(status)
        .map(|example| {
            let value = serde_json::from_str(example.json).expect("examples are JSON");
            (example.name.to_owned(), value)
        })
        .collect()
}

/// The documented 200 body with the most custom statuses: a body as the spec
/// describes it today, whatever properties the spec adds tomorrow. Tests change
/// only the member they are about.
pub fn documented_body() -> serde_json::Value {
    spec_examples(200)
        .into_iter()
        .map(|(_, body)| body)
        .max_by_key(|body| body.to_string().matches("statusCode").count())
        .expect("the spec documents a 200 example")
}
