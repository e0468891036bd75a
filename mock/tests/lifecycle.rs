//! Starting, configuring and stopping servers.

mod support;

use std::time::{Duration, Instant};

use http::StatusCode;
use support::session;
use veriff_attempts::{Attempt, AttemptStatus};
use veriff_mock::{Fault, Fixtures, MockServer, StartError};

/// Whether a TCP connection to `addr` is refused, retrying for up to two seconds
/// while the server winds down.
async fn refuses_connections(addr: std::net::SocketAddr) -> bool {
    let until = Instant::now() + Duration::from_secs(2);
    while Instant::now() < until {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server() {
    let server = MockServer::start()
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    let addr = server.addr();
    let client = support::client(&server);
    assert!(client.list_attempts(session()).await.is_ok());
    drop(server);
    assert!(
        refuses_connections(addr).await,
        "still accepting after drop"
    );
    // The client's pooled keep-alive connection was closed too.
    let outcome = client.list_attempts(session()).await;
    assert!(
        matches!(outcome, Err(veriff_attempts::Error::Transport(_))),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn shutdown_lets_in_flight_requests_finish() {
    let server = MockServer::builder()
        .fault(session(), Fault::delay(Duration::from_millis(300)))
        .start()
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    let addr = server.addr();
    let client = support::client(&server);
    let in_flight = tokio::spawn(async move { client.list_attempts(session()).await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    server.shutdown().await;
    let outcome = in_flight.await.unwrap_or_else(|err| panic!("{err}"));
    assert!(outcome.is_ok(), "{outcome:?}");
    assert!(refuses_connections(addr).await);
}

#[tokio::test]
async fn the_base_url_and_credentials_are_those_configured() {
    let server = MockServer::builder()
        .api_key("my-key")
        .shared_secret("my-secret")
        .start()
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        server.base_url(),
        format!("http://127.0.0.1:{}", server.addr().port())
    );
    assert_eq!(
        (server.api_key(), server.shared_secret()),
        ("my-key", &b"my-secret"[..])
    );
    let shown = format!("{server:?}");
    assert!(
        !shown.contains("my-key") && !shown.contains("my-secret"),
        "{shown}"
    );
}

#[tokio::test]
async fn an_unspecified_bind_address_is_reached_over_loopback() {
    let server = MockServer::builder()
        .addr("0.0.0.0:0".parse().unwrap_or_else(|err| panic!("{err}")))
        .start()
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(
        server.base_url().starts_with("http://127.0.0.1:"),
        "{}",
        server.base_url()
    );
    assert!(
        support::client(&server)
            .list_attempts(session())
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_busy_address_is_a_bind_error_naming_it() {
    let first = MockServer::start()
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    let second = MockServer::builder().addr(first.addr()).start().await;
    match second {
        Err(err @ StartError::Bind { .. }) => {
            assert!(err.to_string().contains(&first.addr().to_string()), "{err}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn every_setup_problem_is_reported_at_start() {
    let mut builder = MockServer::builder().api_key(" ");
    for n in 0..6 {
        builder = builder.shared_secret(format!("secret-{n}"));
    }
    // Parsed by the SDK's types, which keep a status they do not know.
    let attempt: Attempt = support::attempt(
        "6f5c0f4a-47a5-4b8f-9f7e-3d1c2b3a4f5e",
        "archived",
        "2024-02-29T12:00:00.000Z",
    );
    assert_eq!(attempt.status, AttemptStatus::from("archived"));
    let outcome = builder
        .shared_secret("")
        .fault("nope", Fault::service_unavailable())
        .session("00000000-0000-4000-8000-0000000000aa", vec![attempt])
        .start()
        .await;
    let message = match outcome {
        Err(err @ StartError::Setup(_)) => err.to_string(),
        other => panic!("{other:?}"),
    };
    for expected in [
        "API key must be non-empty",
        "7 shared secrets given; Veriff allows at most 5",
        "shared secret #7 is empty",
        "fault: session id \"nope\" is not a UUID",
        "status \"archived\" is not one of the spec's attempt statuses",
    ] {
        assert!(
            message.contains(expected),
            "{expected:?} missing from: {message}"
        );
    }
}

#[tokio::test]
async fn an_unusable_fault_is_refused_at_start() {
    let outcome = MockServer::builder()
        .fault(session(), Fault::status(200))
        .start()
        .await;
    let message = outcome.err().map(|err| err.to_string()).unwrap_or_default();
    assert!(
        message.contains(&format!(
            "fault for session {}: status 200 is not a fault status",
            session()
        )),
        "{message}"
    );
}

#[tokio::test]
async fn sessions_can_be_added_to_or_replace_the_builtin_data() {
    let id = "00000000-0000-4000-8000-0000000000bb";
    let attempt: Attempt = support::attempt(
        "6f5c0f4a-47a5-4b8f-9f7e-3d1c2b3a4f5e",
        "declined",
        "2024-02-29T12:00:00.000Z",
    );
    let added = MockServer::builder()
        .session(id, vec![attempt.clone()])
        .start()
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    let listed = support::client(&added).list_attempts(id).await;
    assert_eq!(
        listed.map(|r| r.verifications).ok(),
        Some(vec![attempt.clone()])
    );
    assert_eq!(
        support::get_signed(&added, session()).await.status,
        StatusCode::OK,
        "built-ins kept"
    );

    let replaced = MockServer::builder()
        .fixtures(Fixtures::empty())
        .session(id, vec![attempt])
        .start()
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        support::get_signed(&replaced, id).await.status,
        StatusCode::OK
    );
    assert_eq!(
        support::get_signed(&replaced, session()).await.status,
        StatusCode::NOT_FOUND,
        "built-ins gone"
    );
}
