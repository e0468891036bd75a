//! `cargo bench -p veriff-attempts`: the cost of the SDK's response path.
//!
//! * `sign`: the request signature of a session id (`signature::sign`).
//! * `verify`: the response signature over the 10,000-attempt body
//!   (`signature::verify`), in MB/s.
//! * `decode`: 200 bodies of 1, 100 and 10,000 attempts through
//!   `Client::decode_response` (body limit, signature check over the raw bytes,
//!   status classification, decoding), against plain `serde_json::from_slice` of the
//!   same bytes, in MB/s.
//!
//! The bodies are built from the spec's documented 200 examples (`spec::EXAMPLES`):
//! their attempts repeated, each with a distinct id. A table of ratios follows the
//! groups. Settings are short so that the whole run takes about a minute.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use veriff_attempts::{Client, SIGNATURE_HEADER, SessionAttemptsResponse, SessionId, signature};

/// The shared secret the bench signs with (any non-empty bytes do).
const SECRET: &[u8] = b"bench-shared-secret-0123456789";
/// The session the responses answer.
const SESSION_ID: &str = "f04bdb47-d3be-4b28-b028-a652feb060b5";
/// Attempt counts of the decoded bodies.
const SIZES: [usize; 3] = [1, 100, 10_000];

/// Per-iteration times measured by `iter_custom`, by benchmark name, for the table.
struct Timings(RefCell<Vec<(String, Vec<Duration>)>>);

impl Timings {
    fn record(&self, name: &str, total: Duration, iters: u64) {
        let per_iter = total / u32::try_from(iters.max(1)).unwrap_or(u32::MAX);
        let mut all = self.0.borrow_mut();
        match all.iter_mut().find(|(known, _)| known == name) {
            Some((_, times)) => times.push(per_iter),
            None => all.push((name.to_owned(), vec![per_iter])),
        }
    }

    /// The median time per iteration of `name`, if it ran.
    fn median(&self, name: &str) -> Option<Duration> {
        let all = self.0.borrow();
        let (_, times) = all.iter().find(|(known, _)| known == name)?;
        let mut times = times.clone();
        times.sort();
        times.get(times.len() / 2).copied()
    }
}

/// Every attempt of the spec's documented 200 examples, as JSON values.
fn documented_attempts() -> Vec<serde_json::Value> {
    veriff_attempts::spec::Example::for_status(200)
        .flat_map(|example| {
            let body: serde_json::Value =
                serde_json::from_str(example.json).expect("a documented example is JSON");
            body["verifications"]
                .as_array()
                .expect("a documented 200 example lists verifications")
                .clone()
        })
        .collect()
}

/// A 200 body with `count` attempts: the documented ones in turn, each with its own
/// id, wrapped in the envelope of the first documented 200 example.
fn body_with(count: usize, attempts: &[serde_json::Value]) -> Bytes {
    let first = veriff_attempts::spec::Example::for_status(200)
        .next()
        .expect("the spec documents a 200 example");
    let mut body: serde_json::Value =
        serde_json::from_str(first.json).expect("a documented example is JSON");
    let verifications = (0..count)
        .map(|index| {
            let mut attempt = attempts[index % attempts.len()].clone();
            attempt["id"] = format!("00000000-0000-4000-8000-{index:012x}").into();
            attempt
        })
        .collect();
    body["verifications"] = serde_json::Value::Array(verifications);
    let bytes = Bytes::from(serde_json::to_vec(&body).expect("a JSON value serialises"));
    let decoded: SessionAttemptsResponse =
        serde_json::from_slice(&bytes).expect("the built body matches the spec's types");
    assert_eq!(decoded.verifications.len(), count);
    bytes
}

/// A signed 200 response carrying `body`, as the server would send it.
fn signed_response(body: &Bytes) -> http::Response<Bytes> {
    http::Response::builder()
        .status(200)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signature::sign(SECRET, body))
        .body(body.clone())
        .expect("a fixed response is valid")
}

fn client() -> Client {
    Client::builder()
        // Nothing is sent: `decode_response` only runs the response path.
        .base_url("http://127.0.0.1:9")
        .api_key("bench-api-key")
        .shared_secret(SECRET)
        .build()
        .expect("fixed settings are valid")
}

fn signatures(c: &mut Criterion, timings: &Timings, largest: &Bytes) {
    let mut group = c.benchmark_group("signature");
    group.bench_function("sign_session_id", |b| {
        b.iter_custom(|iters| {
            let started = Instant::now();
            for _ in 0..iters {
                std::hint::black_box(signature::sign(SECRET, SESSION_ID.as_bytes()));
            }
            let total = started.elapsed();
            timings.record("sign", total, iters);
            total
        });
    });
    let expected = signature::sign(SECRET, largest);
    group.throughput(Throughput::Bytes(largest.len() as u64));
    group.bench_function("verify_10000_attempts", |b| {
        b.iter_custom(|iters| {
            let started = Instant::now();
            for _ in 0..iters {
                let verdict = signature::verify(SECRET, largest, expected.as_bytes());
                assert!(verdict.is_ok());
            }
            let total = started.elapsed();
            timings.record("verify", total, iters);
            total
        });
    });
    group.finish();
}

fn decoding(c: &mut Criterion, timings: &Timings, bodies: &[(usize, Bytes)]) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime starts");
    let client = client();
    let session_id: SessionId = SESSION_ID.parse().expect("a fixed UUID");
    let mut group = c.benchmark_group("decode");
    for (count, body) in bodies {
        let count = *count;
        group.throughput(Throughput::Bytes(body.len() as u64));
        if count >= 10_000 {
            group
                .sample_size(10)
                .measurement_time(Duration::from_secs(3));
        } else {
            group
                .sample_size(20)
                .measurement_time(Duration::from_secs(2));
        }
        group.bench_function(BenchmarkId::new("sdk_path", count), |b| {
            b.iter_custom(|iters| {
                // Building the responses is the server's work, not timed.
                let responses: Vec<_> = (0..iters).map(|_| signed_response(body)).collect();
                let started = Instant::now();
                for response in responses {
                    let decoded = runtime.block_on(client.decode_response(session_id, response));
                    assert_eq!(decoded.map(|d| d.verifications.len()).ok(), Some(count));
                }
                let total = started.elapsed();
                timings.record(&format!("sdk_path/{count}"), total, iters);
                total
            });
        });
        group.bench_function(BenchmarkId::new("from_slice", count), |b| {
            b.iter_custom(|iters| {
                let started = Instant::now();
                for _ in 0..iters {
                    let decoded = serde_json::from_slice::<SessionAttemptsResponse>(body);
                    assert_eq!(decoded.map(|d| d.verifications.len()).ok(), Some(count));
                }
                let total = started.elapsed();
                timings.record(&format!("from_slice/{count}"), total, iters);
                total
            });
        });
    }
    group.finish();
}

/// The ratios the issue tracks, from the medians measured above.
fn print_summary(timings: &Timings, bodies: &[(usize, Bytes)]) {
    let micros = |d: Duration| d.as_secs_f64() * 1e6;
    let mb_per_s = |bytes: usize, d: Duration| bytes as f64 / d.as_secs_f64() / 1e6;
    println!();
    println!("Summary (medians of criterion's samples)");
    println!(
        "{:>9}  {:>10}  {:>13}  {:>11}  {:>13}  {:>11}  {:>9}",
        "attempts", "body", "SDK path", "SDK MB/s", "from_slice", "slice MB/s", "SDK/slice"
    );
    for (count, body) in bodies {
        let sdk = timings.median(&format!("sdk_path/{count}"));
        let slice = timings.median(&format!("from_slice/{count}"));
        if let (Some(sdk), Some(slice)) = (sdk, slice) {
            println!(
                "{count:>9}  {:>8} B  {:>10.2} µs  {:>11.0}  {:>10.2} µs  {:>11.0}  {:>9.2}",
                body.len(),
                micros(sdk),
                mb_per_s(body.len(), sdk),
                micros(slice),
                mb_per_s(body.len(), slice),
                sdk.as_secs_f64() / slice.as_secs_f64().max(f64::MIN_POSITIVE),
            );
        }
    }
    if let Some(sign) = timings.median("sign") {
        println!("sign a session id: {:.3} µs", micros(sign));
    }
    if let (Some(verify), Some((_, largest))) = (timings.median("verify"), bodies.last()) {
        println!(
            "verify the {}-byte body: {:.1} µs ({:.0} MB/s)",
            largest.len(),
            micros(verify),
            mb_per_s(largest.len(), verify),
        );
    }
}

fn response_path(c: &mut Criterion) {
    let attempts = documented_attempts();
    let bodies: Vec<(usize, Bytes)> = SIZES
        .iter()
        .map(|&count| (count, body_with(count, &attempts)))
        .collect();
    let timings = Timings(RefCell::new(Vec::new()));
    let largest = &bodies[bodies.len() - 1].1;
    signatures(c, &timings, largest);
    decoding(c, &timings, &bodies);
    print_summary(&timings, &bodies);
}

fn settings() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args()
}

criterion_group! {
    name = benches;
    config = settings();
    targets = response_path
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
