//! HTTP load: `wrk` in a second process when it is installed, an in-process load
//! generator (reqwest, one connection per worker) otherwise. Both give the same
//! figures: requests per second, latency percentiles and errors.

use std::process::Command;
use std::time::{Duration, Instant};

/// The result of one load run.
#[derive(Clone, Debug, PartialEq)]
pub struct Load {
    /// `wrk` or `in-process`.
    pub generator: &'static str,
    pub requests: u64,
    pub requests_per_sec: f64,
    pub p50: Duration,
    pub p90: Duration,
    pub p99: Duration,
    /// Socket errors (connect, read, write, timeout) and non-2xx/3xx responses.
    pub errors: u64,
    /// What the errors were, for the report.
    pub error_detail: String,
}

/// Which load generator to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Generator {
    /// wrk when installed, the in-process generator otherwise.
    Auto,
    /// wrk only (a row says so when it is missing).
    Wrk,
    /// The in-process generator, even when wrk is installed.
    InProcess,
}

/// One load run's request.
#[derive(Clone, Debug)]
pub struct Request {
    pub url: String,
    pub headers: Vec<(String, String)>,
}

pub fn wrk_installed() -> bool {
    Command::new("wrk")
        .arg("--version")
        .output()
        .is_ok_and(|out| !out.stdout.is_empty() || !out.stderr.is_empty())
}

/// Runs `wrk -t1` with `connections` connections for `duration`.
pub fn wrk(request: &Request, connections: usize, duration: Duration) -> Result<Load, String> {
    let mut command = Command::new("wrk");
    command
        .arg("-t1")
        .arg(format!("-c{connections}"))
        .arg(format!("-d{}s", duration.as_secs().max(1)))
        .args(["--latency", "--timeout", "5s"]);
    for (name, value) in &request.headers {
        command.arg("-H").arg(format!("{name}: {value}"));
    }
    let output = command
        .arg(&request.url)
        .output()
        .map_err(|err| format!("cannot run wrk: {err}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "wrk failed: {}{}",
            String::from_utf8_lossy(&output.stderr).trim(),
            text.trim()
        ));
    }
    parse_wrk(&text)
}

/// A duration as wrk prints it: `345.00us`, `1.20ms`, `2.00s`, `1.00m`.
fn parse_wrk_duration(text: &str) -> Option<Duration> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let seconds = match unit {
        "us" => number / 1e6,
        "ms" => number / 1e3,
        "s" => number,
        "m" => number * 60.0,
        "h" => number * 3600.0,
        _ => return None,
    };
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds))
}

/// Reads wrk's `--latency` report.
pub fn parse_wrk(text: &str) -> Result<Load, String> {
    let mut load = Load {
        generator: "wrk",
        requests: 0,
        requests_per_sec: f64::NAN,
        p50: Duration::ZERO,
        p90: Duration::ZERO,
        p99: Duration::ZERO,
        errors: 0,
        error_detail: String::new(),
    };
    let (mut seen_rate, mut seen_p50, mut seen_p90, mut seen_p99) = (false, false, false, false);
    let mut details = Vec::new();
    for line in text.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", rate, ..] => {
                load.requests_per_sec = rate
                    .parse()
                    .map_err(|_| format!("wrk: bad rate {rate:?}"))?;
                seen_rate = true;
            }
            [percent @ ("50%" | "90%" | "99%"), value, ..] => {
                let value = parse_wrk_duration(value)
                    .ok_or_else(|| format!("wrk: bad latency {value:?}"))?;
                match *percent {
                    "50%" => (load.p50, seen_p50) = (value, true),
                    "90%" => (load.p90, seen_p90) = (value, true),
                    _ => (load.p99, seen_p99) = (value, true),
                }
            }
            [count, "requests", "in", ..] => {
                load.requests = count
                    .parse()
                    .map_err(|_| format!("wrk: bad count {count:?}"))?;
            }
            ["Socket", "errors:", rest @ ..] => {
                // connect 0, read 12, write 0, timeout 3
                let mut total = 0;
                for pair in rest.join(" ").split(',') {
                    let mut parts = pair.split_whitespace();
                    let (Some(kind), Some(count)) = (parts.next(), parts.next()) else {
                        return Err(format!("wrk: bad socket errors line {line:?}"));
                    };
                    let count: u64 = count
                        .parse()
                        .map_err(|_| format!("wrk: bad socket errors line {line:?}"))?;
                    if count > 0 {
                        details.push(format!("{kind} {count}"));
                    }
                    total += count;
                }
                load.errors += total;
            }
            ["Non-2xx", "or", "3xx", "responses:", count] => {
                let count: u64 = count
                    .parse()
                    .map_err(|_| format!("wrk: bad non-2xx line {line:?}"))?;
                details.push(format!("non-2xx {count}"));
                load.errors += count;
            }
            _ => {}
        }
    }
    if !(seen_rate && seen_p50 && seen_p90 && seen_p99) {
        return Err(format!(
            "wrk printed no Requests/sec or latency distribution (run with --latency?):\n{text}"
        ));
    }
    load.error_detail = details.join(", ");
    Ok(load)
}

/// The in-process load generator: `connections` workers, each with a client of its
/// own (one connection each), sending requests back to back for `duration`.
pub async fn in_process(
    request: &Request,
    connections: usize,
    duration: Duration,
) -> Result<Load, String> {
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in &request.headers {
        headers.insert(
            reqwest::header::HeaderName::from_bytes(name.as_bytes()).map_err(|e| e.to_string())?,
            reqwest::header::HeaderValue::from_str(value).map_err(|e| e.to_string())?,
        );
    }
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::with_capacity(connections);
    for _ in 0..connections {
        let client = reqwest::Client::builder()
            .http1_only()
            .pool_max_idle_per_host(1)
            .default_headers(headers.clone())
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| e.to_string())?;
        let url = request.url.clone();
        tasks.push(tokio::spawn(async move {
            let (mut latencies, mut errors) = (Vec::new(), Vec::new());
            while Instant::now() < deadline {
                let sent = Instant::now();
                let outcome = match client.get(&url).send().await {
                    Ok(response) if response.status().is_success() => response
                        .bytes()
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                    Ok(response) => Err(format!("HTTP {}", response.status().as_u16())),
                    Err(err) => Err(err.to_string()),
                };
                match outcome {
                    Ok(()) => latencies.push(sent.elapsed()),
                    Err(err) => errors.push(err),
                }
            }
            (latencies, errors)
        }));
    }
    let (mut latencies, mut errors) = (Vec::new(), Vec::new());
    for task in tasks {
        let (l, e) = task.await.map_err(|e| e.to_string())?;
        latencies.extend(l);
        errors.extend(e);
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let percentile = |p: usize| {
        latencies
            .get((latencies.len() * p / 100).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    let done = latencies.len() as u64 + errors.len() as u64;
    Ok(Load {
        generator: "in-process",
        requests: done,
        requests_per_sec: latencies.len() as f64 / elapsed.max(f64::MIN_POSITIVE),
        p50: percentile(50),
        p90: percentile(90),
        p99: percentile(99),
        errors: errors.len() as u64,
        error_detail: errors.first().cloned().unwrap_or_default(),
    })
}

/// Runs the chosen generator; `Err` says why there is no figure.
pub async fn run(
    generator: Generator,
    request: &Request,
    connections: usize,
    duration: Duration,
) -> Result<Load, String> {
    let use_wrk = match generator {
        Generator::InProcess => false,
        Generator::Wrk if !wrk_installed() => {
            return Err("wrk is not installed (apt-get install wrk)".to_owned());
        }
        Generator::Wrk => true,
        Generator::Auto => wrk_installed(),
    };
    if use_wrk {
        let request = request.clone();
        tokio::task::spawn_blocking(move || wrk(&request, connections, duration))
            .await
            .map_err(|e| e.to_string())?
    } else {
        in_process(request, connections, duration).await
    }
}

/// A latency for the table: `480 µs`, `2.44 ms`.
pub fn latency(duration: Duration) -> String {
    let micros = duration.as_secs_f64() * 1e6;
    if micros < 1000.0 {
        format!("{micros:.0} µs")
    } else {
        format!("{:.2} ms", micros / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLEAN: &str = "Running 10s test @ http://127.0.0.1:18090/v1/sessions/x/attempts
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   345.12us  120.40us   5.01ms   91.02%
    Req/Sec    92.37k     3.10k  100.12k    70.00%
  Latency Distribution
     50%  320.00us
     75%  400.00us
     90%  512.50us
     99%    1.20ms
  923690 requests in 10.00s, 520.12MB read
Requests/sec:  92369.02
Transfer/sec:     52.01MB
";

    #[test]
    fn wrk_figures_are_read() -> Result<(), String> {
        let load = parse_wrk(CLEAN)?;
        assert_eq!(load.requests, 923_690);
        assert!((load.requests_per_sec - 92369.02).abs() < 1e-6);
        assert_eq!(load.p50, Duration::from_micros(320));
        assert_eq!(load.p90, Duration::from_nanos(512_500));
        assert_eq!(load.p99, Duration::from_micros(1200));
        assert_eq!((load.errors, load.error_detail.as_str()), (0, ""));
        Ok(())
    }

    #[test]
    fn socket_errors_and_non_2xx_are_errors() -> Result<(), String> {
        let text = CLEAN
            .replace("     99%    1.20ms", "     99%    2.00s")
            .replace(
                "Requests/sec:",
                "  Socket errors: connect 0, read 12, write 0, timeout 3\n  Non-2xx or 3xx responses: 5\nRequests/sec:",
            );
        let load = parse_wrk(&text)?;
        assert_eq!(load.p99, Duration::from_secs(2));
        assert_eq!(load.errors, 20);
        assert_eq!(load.error_detail, "read 12, timeout 3, non-2xx 5");
        Ok(())
    }

    #[test]
    fn wrk_units_are_understood() {
        assert_eq!(
            parse_wrk_duration("999.00us"),
            Some(Duration::from_micros(999))
        );
        assert_eq!(
            parse_wrk_duration("4.50ms"),
            Some(Duration::from_micros(4500))
        );
        assert_eq!(
            parse_wrk_duration("1.50s"),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(parse_wrk_duration("2.00m"), Some(Duration::from_secs(120)));
        assert_eq!(parse_wrk_duration("3.00parsecs"), None);
        assert_eq!(parse_wrk_duration("ms"), None);
    }

    #[test]
    fn a_report_without_figures_is_an_error() {
        let err = parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n");
        assert!(err.is_err_and(|e| e.contains("no Requests/sec")));
        let err = parse_wrk(&CLEAN.replace("92369.02", "lots"));
        assert!(err.is_err_and(|e| e.contains("bad rate")));
    }

    #[test]
    fn latencies_are_printed_in_fitting_units() {
        assert_eq!(latency(Duration::from_micros(480)), "480 µs");
        assert_eq!(latency(Duration::from_micros(2440)), "2.44 ms");
    }
}
