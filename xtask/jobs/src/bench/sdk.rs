//! Section `sdk`: the SDK against the floor for a Rust client of this endpoint (a
//! minimal hand-written reqwest + hmac + serde_json call), both against the
//! in-process reference server, side by side in one run.
//!
//! The machine is shared and noisy, so the two clients alternate within every round
//! and the report quotes medians over rounds and their ratio.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hmac::Mac;
use veriff_attempts::SessionAttemptsResponse;
use veriff_mock::{MockServer, RunningServer, builtin};

use super::table::{Table, Target, median, thousands};

const SECTION: &str = "sdk";

pub struct Settings {
    /// Calls per client per round.
    pub calls: usize,
    /// Rounds; the median over rounds is reported.
    pub rounds: usize,
    /// Calls in flight at once, one measurement per value.
    pub concurrency: Vec<usize>,
}

/// The floor: what any Rust client of this endpoint must do, and nothing more.
///
/// Like the SDK, it does per call what depends on the session id (the URL, the
/// request's signature): a client that lists one session's attempts over and over is
/// not what either is for, and precomputing them would credit the floor with work
/// it skipped (about 0.3 µs of a 23 µs call here).
struct Floor {
    http: reqwest::Client,
    base_url: String,
    session_id: String,
    api_key: String,
    secret: Vec<u8>,
}

impl Floor {
    fn new(server: &RunningServer, session_id: &str) -> Result<Self, String> {
        Ok(Floor {
            http: reqwest::Client::builder()
                .build()
                .map_err(|e| e.to_string())?,
            base_url: server.base_url().to_owned(),
            session_id: session_id.to_owned(),
            api_key: server.api_key().to_owned(),
            secret: server.shared_secret().to_vec(),
        })
    }

    async fn call(&self) -> Result<SessionAttemptsResponse, String> {
        let session_id = &self.session_id;
        let mut mac = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.secret)
            .map_err(|e| e.to_string())?;
        mac.update(session_id.as_bytes());
        let request_signature = hex::encode(mac.finalize().into_bytes());
        let response = self
            .http
            .get(format!(
                "{}/v1/sessions/{session_id}/attempts",
                self.base_url
            ))
            .header("x-auth-client", &self.api_key)
            .header("x-hmac-signature", request_signature)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status();
        let signature = response.headers().get("x-hmac-signature").cloned();
        let body = response.bytes().await.map_err(|e| e.to_string())?;
        let signature = signature.ok_or("no signature")?;
        let expected = hex::decode(signature.as_bytes()).map_err(|e| e.to_string())?;
        let mut mac = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.secret)
            .map_err(|e| e.to_string())?;
        mac.update(&body);
        mac.verify_slice(&expected).map_err(|e| e.to_string())?;
        if status != 200 {
            return Err(format!("HTTP {status}"));
        }
        serde_json::from_slice(&body).map_err(|e| e.to_string())
    }
}

#[derive(Clone, Copy)]
enum Contender {
    Sdk,
    Floor,
}

/// Time per call (total elapsed / calls) for `calls` calls, `concurrency` at a time.
async fn measure(
    contender: Contender,
    sdk: &veriff_attempts::Client,
    floor: &Arc<Floor>,
    session_id: veriff_attempts::SessionId,
    expected: usize,
    calls: usize,
    concurrency: usize,
) -> Result<Duration, String> {
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(concurrency);
    for worker in 0..concurrency {
        let share = calls / concurrency + usize::from(worker < calls % concurrency);
        let (sdk, floor) = (sdk.clone(), Arc::clone(floor));
        tasks.push(tokio::spawn(async move {
            for _ in 0..share {
                let verifications = match contender {
                    Contender::Sdk => sdk
                        .list_attempts(session_id)
                        .await
                        .map_err(|e| e.to_string())?,
                    Contender::Floor => floor.call().await?,
                }
                .verifications;
                if verifications.len() != expected {
                    return Err(format!(
                        "expected {expected} attempts, got {}",
                        verifications.len()
                    ));
                }
            }
            Ok::<(), String>(())
        }));
    }
    for task in tasks {
        task.await.map_err(|e| e.to_string())??;
    }
    Ok(started.elapsed() / u32::try_from(calls).unwrap_or(u32::MAX))
}

pub async fn run(settings: &Settings, table: &mut Table) {
    if let Err(why) = bench(settings, table).await {
        table.missing(SECTION, "SDK / minimal client", why, "≤ 1.05×");
    }
}

async fn bench(args: &Settings, table: &mut Table) -> Result<(), String> {
    let server = MockServer::start().await.map_err(|e| e.to_string())?;
    // The documented session with the most attempts.
    let session = builtin::documented()
        .into_iter()
        .max_by_key(|session| session.attempts().len())
        .ok_or("the built-in data set is empty")?;
    let expected = session.attempts().len();
    let session_id = session.session_id;
    let sdk = server.client().map_err(|e| e.to_string())?;
    let floor = Arc::new(Floor::new(&server, &session_id.to_string())?);
    table.info(
        SECTION,
        "setup",
        format!(
            "{} calls x {} rounds per client, medians; in-process server; \
             minimal client: reqwest + hmac + serde_json",
            args.calls, args.rounds
        ),
    );
    for &concurrency in &args.concurrency {
        eprintln!("bench: sdk: {concurrency} in flight");
        // Warm both connection pools before measuring.
        for contender in [Contender::Sdk, Contender::Floor] {
            measure(
                contender,
                &sdk,
                &floor,
                session_id,
                expected,
                200,
                concurrency,
            )
            .await?;
        }
        let (mut sdk_times, mut floor_times) = (Vec::new(), Vec::new());
        for round in 0..args.rounds {
            let order = if round % 2 == 0 {
                [Contender::Sdk, Contender::Floor]
            } else {
                [Contender::Floor, Contender::Sdk]
            };
            for contender in order {
                let per_call = measure(
                    contender,
                    &sdk,
                    &floor,
                    session_id,
                    expected,
                    args.calls,
                    concurrency,
                )
                .await?;
                match contender {
                    Contender::Sdk => sdk_times.push(per_call),
                    Contender::Floor => floor_times.push(per_call),
                }
            }
        }
        let (sdk_median, floor_median) = (median(sdk_times), median(floor_times));
        let ratio = sdk_median.as_secs_f64() / floor_median.as_secs_f64().max(f64::MIN_POSITIVE);
        let mode = if concurrency == 1 {
            "sequential (1 in flight)".to_owned()
        } else {
            format!("{concurrency} in flight")
        };
        table.judged(
            SECTION,
            format!("SDK / minimal client time per call, {mode}"),
            format!(
                "{ratio:.3}× ({:.1} µs vs {:.1} µs; SDK {} calls/s)",
                sdk_median.as_secs_f64() * 1e6,
                floor_median.as_secs_f64() * 1e6,
                thousands(1.0 / sdk_median.as_secs_f64().max(f64::MIN_POSITIVE)),
            ),
            ratio,
            "x",
            Target::AtMost(1.05),
            "≤ 1.05×",
        );
    }
    Ok(())
}
