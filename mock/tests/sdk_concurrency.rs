//! One SDK client, cloned across 100 concurrent tasks, against the reference server.

use veriff_mock::{MockServer, builtin};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_calls_share_one_client() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await?;
    let client = server.client()?;
    let sessions = builtin::all();
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let client = client.clone();
            let example = sessions[i % sessions.len()];
            tokio::spawn(async move { (example, client.list_attempts(example.session_id).await) })
        })
        .collect();
    for task in tasks {
        let (example, result) = task.await?;
        let response = result.map_err(|e| format!("{}: {e}", example.name))?;
        let expected = example.attempts().len();
        assert_eq!(response.verifications.len(), expected, "{}", example.name);
    }
    for (index, example) in sessions.iter().enumerate() {
        // 100 calls spread round-robin over the sessions.
        let calls = (0..100).filter(|i| i % sessions.len() == index).count();
        assert_eq!(
            server.requests_for(example.session_id),
            u64::try_from(calls)?,
            "{}",
            example.name
        );
    }
    Ok(())
}
