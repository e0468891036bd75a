//! Section `server`: the real `veriff serve` (release build, a second process)
//! under load at 1, 8 and 32 connections, its memory sampled over the soak run at
//! 32; nginx serving the same bytes as a static file, and Prism's mock of the same
//! spec when it is installed, at 32 connections with the same generator.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use hmac::Mac;

use super::load::{self, Generator, Load, Request};
use super::process::{self, Guard};
use super::table::{Table, Target, mib, ratio, thousands};

const SECTION: &str = "server";
pub const API_KEY: &str = "11111111-2222-4333-8444-555555555555";
pub const SHARED_SECRET: &str = "bench-shared-secret";

/// The running `veriff serve` and the request measured against it.
pub struct Veriff {
    guard: Guard,
    pub base_url: String,
    pub session_id: String,
    pub attempts: usize,
    /// The exact 200 the server answers: body, content type, signature.
    pub body: bytes::Bytes,
    pub response_signature: String,
}

impl Veriff {
    pub fn pid(&self) -> u32 {
        self.guard.pid()
    }

    pub fn request(&self) -> Request {
        Request {
            url: format!("{}/v1/sessions/{}/attempts", self.base_url, self.session_id),
            headers: vec![
                ("X-AUTH-CLIENT".to_owned(), API_KEY.to_owned()),
                (
                    "X-HMAC-SIGNATURE".to_owned(),
                    sign(self.session_id.as_bytes()),
                ),
            ],
        }
    }

    pub fn memory(&self) -> Option<process::Memory> {
        process::memory(self.pid())
    }
}

pub fn sign(data: &[u8]) -> String {
    let mut mac = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(SHARED_SECRET.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(data);
    hex::encode(mac.finalize().into_bytes())
}

/// Starts `veriff serve` on a free port with `workers` runtime threads, and fetches
/// the documented 200 with the most attempts once.
pub async fn start(bin: &Path, workers: usize) -> Result<Veriff, String> {
    if !bin.is_file() {
        return Err(format!(
            "{} not found: cargo build --release -p veriff-cli",
            bin.display()
        ));
    }
    let mut child = Command::new(bin)
        .args(["serve", "--addr", "127.0.0.1:0", "--api-key", API_KEY])
        .args(["--shared-secret", SHARED_SECRET])
        .env("TOKIO_WORKER_THREADS", workers.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|err| format!("cannot start {}: {err}", bin.display()))?;
    let stdout = child.stdout.take();
    let mut guard = Guard { child };
    let (sender, receiver) = std::sync::mpsc::channel();
    if let Some(stdout) = stdout {
        std::thread::spawn(move || {
            let mut sender = Some(sender);
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.split("listening on ").nth(1)
                    && let Some(sender) = sender.take()
                {
                    let _ = sender.send(url.trim().to_owned());
                }
            }
        });
    }
    let base_url = match receiver.recv_timeout(Duration::from_secs(10)) {
        Ok(url) => url,
        Err(_) => {
            let why = if guard.exited() {
                "exited at start"
            } else {
                "printed no address in 10 s"
            };
            return Err(format!("veriff serve {why}"));
        }
    };
    let session = veriff_mock::builtin::documented()
        .into_iter()
        .max_by_key(|session| session.attempts().len())
        .ok_or("the built-in data set is empty")?;
    let session_id = session.session_id.to_string();
    let mut veriff = Veriff {
        guard,
        base_url,
        attempts: session.attempts().len(),
        session_id,
        body: bytes::Bytes::new(),
        response_signature: String::new(),
    };
    let request = veriff.request();
    let client = reqwest::Client::new();
    let mut call = client.get(&request.url);
    for (name, value) in &request.headers {
        call = call.header(name, value);
    }
    let response = call
        .send()
        .await
        .map_err(|err| format!("veriff serve does not answer: {err}"))?;
    if response.status() != 200 {
        return Err(format!("veriff serve answered HTTP {}", response.status()));
    }
    let signature = response
        .headers()
        .get("x-hmac-signature")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response.bytes().await.map_err(|err| err.to_string())?;
    if signature != sign(&body) {
        return Err("veriff serve's 200 is not signed with the shared secret".to_owned());
    }
    veriff.body = body;
    veriff.response_signature = signature;
    Ok(veriff)
}

/// Settings of the section.
pub struct Settings {
    pub generator: Generator,
    pub connections: Vec<usize>,
    /// Each run at 1 and 8 connections, and the nginx and Prism runs.
    pub load_duration: Duration,
    /// The run at 32 connections, memory sampled throughout.
    pub soak: Duration,
    pub workers: usize,
    pub temp: PathBuf,
    pub spec: PathBuf,
}

/// The figures other sections compare with: req/s at each connection count.
pub type Capacity = Vec<(usize, f64)>;

pub async fn run(veriff: &Veriff, settings: &Settings, table: &mut Table) -> Capacity {
    let request = veriff.request();
    table.info(
        SECTION,
        "setup",
        format!(
            "veriff serve (release) and nginx: {} worker(s) each; {} bytes, signed 200, {} attempts",
            settings.workers,
            veriff.body.len(),
            veriff.attempts
        ),
    );
    if let Some(memory) = veriff.memory() {
        table.value(
            SECTION,
            "veriff serve RSS at start",
            mib(memory.rss_kib),
            memory.rss_kib as f64,
            "KiB",
        );
    }
    let mut capacity = Vec::new();
    let soak_at = settings.connections.iter().copied().max().unwrap_or(32);
    for &connections in &settings.connections {
        let soak = connections == soak_at;
        let duration = if soak {
            settings.soak
        } else {
            settings.load_duration
        };
        eprintln!(
            "bench: server: {connections} connection(s) for {} s{}",
            duration.as_secs(),
            if soak {
                ", memory sampled every second"
            } else {
                ""
            }
        );
        let sampler = soak.then(|| Sampler::start(veriff.pid()));
        let result = load::run(settings.generator, &request, connections, duration).await;
        let samples = sampler.map(Sampler::stop).unwrap_or_default();
        match result {
            Ok(load) => {
                row(table, &format!("veriff serve c={connections}"), &load);
                table.judged(
                    SECTION,
                    format!("veriff serve c={connections} errors"),
                    if load.errors == 0 {
                        "0".to_owned()
                    } else {
                        format!("{} ({})", load.errors, load.error_detail)
                    },
                    load.errors as f64,
                    "",
                    Target::AtMost(0.0),
                    "0",
                );
                capacity.push((connections, load.requests_per_sec));
            }
            Err(why) => table.missing(SECTION, format!("veriff serve c={connections}"), why, ""),
        }
        if soak {
            memory_rows(table, &samples, duration);
        }
    }
    if let Some(memory) = veriff.memory() {
        table.value(
            SECTION,
            "veriff serve peak RSS (VmHWM)",
            mib(memory.hwm_kib),
            memory.hwm_kib as f64,
            "KiB",
        );
    }
    let ours = capacity
        .iter()
        .find(|(c, _)| *c == soak_at)
        .map(|(_, rps)| *rps);
    let nginx = nginx(veriff, settings, soak_at).await;
    compare(
        table,
        "nginx (static file, same bytes)",
        ours,
        nginx,
        Some(0.8),
    );
    let prism = prism(settings, &request, soak_at).await;
    compare(table, "Prism mock of the same spec", ours, prism, None);
    capacity
}

fn row(table: &mut Table, name: &str, load: &Load) {
    table.value(
        SECTION,
        format!("{name} ({})", load.generator),
        format!(
            "{} req/s; p50 {}, p90 {}, p99 {}{}",
            thousands(load.requests_per_sec),
            load::latency(load.p50),
            load::latency(load.p90),
            load::latency(load.p99),
            if load.errors == 0 {
                String::new()
            } else {
                format!("; {} errors ({})", load.errors, load.error_detail)
            }
        ),
        load.requests_per_sec,
        "req/s",
    );
}

fn compare(
    table: &mut Table,
    what: &str,
    ours: Option<f64>,
    theirs: Result<Load, String>,
    target: Option<f64>,
) {
    let name = format!("veriff serve / {what}");
    let target_text = target.map(|t| format!("≥ {t:.2}×")).unwrap_or_default();
    match (ours, theirs) {
        (Some(ours), Ok(theirs)) => {
            row(table, what, &theirs);
            let r = ratio(ours, theirs.requests_per_sec);
            let figure = format!("{r:.2}×");
            match target {
                Some(t) => table.judged(
                    SECTION,
                    name,
                    figure,
                    r,
                    "x",
                    Target::AtLeast(t),
                    target_text,
                ),
                None => table.value(SECTION, name, figure, r, "x"),
            }
        }
        (None, Ok(theirs)) => {
            row(table, what, &theirs);
            table.missing(SECTION, name, "no figure for veriff serve", target_text);
        }
        (_, Err(why)) => table.missing(SECTION, name, why, target_text),
    }
}

/// Memory flatness over the soak run: the peak of its second half against the
/// peak of its first half.
fn memory_rows(table: &mut Table, samples: &[u64], duration: Duration) {
    if samples.len() < 2 {
        table.missing(
            SECTION,
            "veriff serve memory over the run",
            "fewer than 2 samples",
            "flat",
        );
        return;
    }
    let (first, second) = samples.split_at(samples.len() / 2);
    let first_peak = first.iter().copied().max().unwrap_or(0);
    let second_peak = second.iter().copied().max().unwrap_or(0);
    let min = samples.iter().copied().min().unwrap_or(0);
    let max = samples.iter().copied().max().unwrap_or(0);
    let growth = second_peak.saturating_sub(first_peak);
    // Flat: the second half grows by at most 5% (and 256 KiB of allocator noise).
    let allowed = first_peak / 20 + 256;
    table.judged(
        SECTION,
        format!(
            "veriff serve RSS over {} s ({} samples)",
            duration.as_secs(),
            samples.len()
        ),
        format!(
            "{} – {}; 2nd half peak {:+} KiB vs 1st",
            mib(min),
            mib(max),
            second_peak as i64 - first_peak as i64
        ),
        growth as f64,
        "KiB",
        Target::AtMost(allowed as f64),
        format!("flat (growth ≤ {allowed} KiB)"),
    );
}

/// VmRSS every second in a thread.
struct Sampler {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<Vec<u64>>,
}

impl Sampler {
    fn start(pid: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut samples = Vec::new();
            let mut next = Instant::now() + Duration::from_secs(1);
            while !flag.load(Ordering::Relaxed) {
                if Instant::now() >= next {
                    if let Some(memory) = process::memory(pid) {
                        samples.push(memory.rss_kib);
                    }
                    next += Duration::from_secs(1);
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            samples
        });
        Sampler { stop, thread }
    }

    fn stop(self) -> Vec<u64> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap_or_default()
    }
}

/// nginx serving the server's exact body (and signature header) as a static file.
async fn nginx(veriff: &Veriff, settings: &Settings, connections: usize) -> Result<Load, String> {
    let bin = [
        "/usr/sbin/nginx",
        "/usr/local/sbin/nginx",
        "/usr/local/nginx/sbin/nginx",
    ]
    .into_iter()
    .map(PathBuf::from)
    .find(|path| path.is_file())
    .ok_or("nginx is not installed (apt-get install nginx-light)")?;
    let dir = settings.temp.join("nginx");
    let file_dir = dir.join(format!("www/v1/sessions/{}", veriff.session_id));
    std::fs::create_dir_all(&file_dir).map_err(|err| err.to_string())?;
    std::fs::write(file_dir.join("attempts"), &veriff.body).map_err(|err| err.to_string())?;
    let port = process::free_port().map_err(|err| format!("no free port: {err}"))?;
    let d = dir.display();
    let config = format!(
        "daemon off;\nworker_processes {workers};\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
         events {{ worker_connections 4096; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  \
         fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n  \
         keepalive_requests 1000000;\n  server {{\n    listen 127.0.0.1:{port};\n    root {d}/www;\n    \
         location / {{\n      default_type application/json;\n      \
         add_header X-HMAC-SIGNATURE {signature};\n    }}\n  }}\n}}\n",
        workers = settings.workers,
        signature = veriff.response_signature,
    );
    let conf = dir.join("nginx.conf");
    std::fs::write(&conf, config).map_err(|err| err.to_string())?;
    let child = Command::new(&bin)
        .arg("-e")
        .arg(dir.join("error.log"))
        .arg("-p")
        .arg(&dir)
        .arg("-c")
        .arg(&conf)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|err| format!("cannot start nginx: {err}"))?;
    let mut guard = Guard { child };
    if let Err(why) = process::wait_for_port(&mut guard, port, Duration::from_secs(10)) {
        let log = std::fs::read_to_string(dir.join("error.log")).unwrap_or_default();
        let last = log.lines().last().unwrap_or_default().to_owned();
        return Err(format!("nginx failed to start ({why}): {last}"));
    }
    let url = format!(
        "http://127.0.0.1:{port}/v1/sessions/{}/attempts",
        veriff.session_id
    );
    let served = reqwest::get(&url)
        .await
        .map_err(|err| format!("nginx does not answer: {err}"))?
        .bytes()
        .await
        .map_err(|err| err.to_string())?;
    if served != veriff.body {
        return Err("nginx serves other bytes than veriff serve".to_owned());
    }
    let request = Request {
        url,
        headers: veriff.request().headers,
    };
    let result = load_peer(settings, "nginx", &request, connections).await;
    drop(guard);
    result
}

/// Loads a server that `veriff serve` is compared with, as long as one load step.
async fn load_peer(
    settings: &Settings,
    name: &str,
    request: &Request,
    connections: usize,
) -> Result<Load, String> {
    eprintln!(
        "bench: server: {name}, {connections} connections for {} s",
        settings.load_duration.as_secs()
    );
    load::run(
        settings.generator,
        request,
        connections,
        settings.load_duration,
    )
    .await
}

/// Where Prism is: `PRISM_BIN`, or `/tmp/prism/node_modules/.bin/prism`.
fn prism_bin() -> Option<PathBuf> {
    std::env::var_os("PRISM_BIN")
        .map(PathBuf::from)
        .or_else(|| Some(PathBuf::from("/tmp/prism/node_modules/.bin/prism")))
        .filter(|path| path.is_file())
}

async fn prism(settings: &Settings, ours: &Request, connections: usize) -> Result<Load, String> {
    let bin = prism_bin()
        .ok_or("not installed (PRISM_BIN, or npm install @stoplight/prism-cli in /tmp/prism)")?;
    let port = process::free_port().map_err(|err| format!("no free port: {err}"))?;
    let child = Command::new(&bin)
        .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()])
        .arg(&settings.spec)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .map_err(|err| format!("cannot start Prism: {err}"))?;
    let mut guard = Guard { child };
    process::wait_for_port(&mut guard, port, Duration::from_secs(60))
        .map_err(|why| format!("Prism failed to start ({why})"))?;
    let path = ours
        .url
        .split_once("/v1/")
        .map(|(_, path)| path)
        .unwrap_or_default();
    let request = Request {
        url: format!("http://127.0.0.1:{port}/v1/{path}"),
        headers: ours.headers.clone(),
    };
    let result = load_peer(settings, "Prism", &request, connections).await;
    // Prism runs node under a shell wrapper: stop the whole process group.
    if let Ok(group) = libc::pid_t::try_from(guard.pid()) {
        // SAFETY: kill(2) on the process group we created for Prism.
        unsafe {
            libc::kill(-group, libc::SIGTERM);
        }
    }
    drop(guard);
    result
}
