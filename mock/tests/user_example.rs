//! An integration test written the way a user of the SDK would write one: start the
//! reference server in-process on a free port, point the client at it, and test
//! your own code against real HTTP, real signatures and real failures.

use veriff_attempts::{AttemptStatus, Client, Error};
use veriff_mock::{Fault, MockServer, builtin};

/// The code under test (yours): has the session's newest attempt been approved?
async fn latest_attempt_approved(client: &Client, session_id: &str) -> Result<bool, Error> {
    let response = client.list_attempts(session_id).await?;
    let newest = response.verifications.first();
    Ok(newest.is_some_and(|attempt| attempt.status == AttemptStatus::Approved))
}

#[tokio::test]
async fn approved_sessions_are_recognised() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await?;
    let client = Client::builder()
        .base_url(server.base_url())
        .api_key(server.api_key())
        .shared_secret(server.shared_secret())
        .build()?;

    // The built-in sessions serve the vendor's documented examples; pick one whose
    // newest attempt is approved and one whose newest attempt is not.
    let newest_status = |session: &builtin::Session| {
        session
            .attempts()
            .first()
            .map(|attempt| attempt.status.clone())
    };
    let sessions = builtin::documented();
    let approved = sessions
        .iter()
        .find(|s| newest_status(s) == Some(AttemptStatus::Approved))
        .ok_or("no documented session is approved")?;
    let other = sessions
        .iter()
        .find(|s| newest_status(s).is_some_and(|status| status != AttemptStatus::Approved))
        .ok_or("every documented session is approved")?;
    assert!(latest_attempt_approved(&client, &approved.session_id.to_string()).await?);
    assert!(!latest_attempt_approved(&client, &other.session_id.to_string()).await?);
    Ok(())
    // Dropping `server` stops it.
}

#[tokio::test]
async fn an_outage_is_an_error_not_a_refusal() -> Result<(), Box<dyn std::error::Error>> {
    let session = &builtin::documented()[0].session_id.to_string();
    let server = MockServer::builder()
        .fault(session, Fault::internal_server_error())
        .start()
        .await?;
    let client = server.client_builder().max_retries(0).build()?;

    let outcome = latest_attempt_approved(&client, session).await;
    assert!(
        matches!(outcome, Err(Error::Api { status, .. }) if status == 500),
        "{outcome:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_forged_response_is_never_believed() -> Result<(), Box<dyn std::error::Error>> {
    let session = &builtin::documented()[0].session_id.to_string();
    let server = MockServer::builder()
        .fault(session, Fault::bad_signature())
        .start()
        .await?;
    let client = server.client()?;

    let outcome = latest_attempt_approved(&client, session).await;
    assert!(
        matches!(outcome, Err(Error::SignatureInvalid { .. })),
        "{outcome:?}"
    );
    Ok(())
}
