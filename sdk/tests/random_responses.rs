//! Random statuses, headers and bytes through the full response path
//! (`Client::decode_response`): never a panic, and data only from a verified 200.

use bytes::Bytes;
use proptest::prelude::*;
use veriff_attempts::signature::sign;
use veriff_attempts::spec::{self, Example};
use veriff_attempts::{Client, Error};

const SECRET: &str = "prop-secret";
const SESSION_ID: &str = "f04bdb47-d3be-4b28-b028-a652feb060b5";

/// The shortest documented 200 body: valid JSON to corrupt and cut.
fn valid() -> &'static str {
    Example::for_status(200)
        .map(|example| example.json)
        .min_by_key(|json| json.len())
        .unwrap_or("{}")
}

/// 2,000 cases by default; `PROPTEST_CASES` overrides.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

#[derive(Clone, Debug)]
enum Signature {
    None,
    Valid,
    ValidUppercase,
    Random(String),
    Twice,
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    let valid = valid();
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..256),
        // Valid JSON cut or corrupted at a random place, to reach the decoder.
        (0..valid.len().max(1), any::<u8>()).prop_map(move |(at, byte)| {
            let mut bytes = valid.as_bytes().to_vec();
            if let Some(slot) = bytes.get_mut(at) {
                *slot = byte;
            }
            bytes
        }),
        (0..=valid.len()).prop_map(move |at| valid.as_bytes()[..at].to_vec()),
        Just(valid.as_bytes().to_vec()),
        Just(br#"{"status":"fail","code":"1818","message":"m"}"#.to_vec()),
    ]
}

/// Every documented status, and any other.
fn status() -> impl Strategy<Value = u16> {
    prop_oneof![prop::sample::select(spec::STATUSES), 100u16..600]
}

fn signature() -> impl Strategy<Value = Signature> {
    prop_oneof![
        Just(Signature::None),
        Just(Signature::Valid),
        Just(Signature::ValidUppercase),
        Just(Signature::Twice),
        "[ -~]{0,80}".prop_map(Signature::Random),
    ]
}

fn extra_headers() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        Just("content-type".to_owned()),
        Just("content-length".to_owned()),
        Just("retry-after".to_owned()),
        Just("transfer-encoding".to_owned()),
        "[a-z-]{1,20}",
    ];
    proptest::collection::vec((name, "[ -~]{0,40}"), 0..4)
}

fn build(
    status: u16,
    signature: &Signature,
    headers: &[(String, String)],
    body: Vec<u8>,
) -> Option<http::Response<Bytes>> {
    let mut builder = http::Response::builder().status(status);
    let valid = sign(SECRET.as_bytes(), &body);
    match signature {
        Signature::None => {}
        Signature::Valid => builder = builder.header("x-hmac-signature", valid),
        Signature::ValidUppercase => {
            builder = builder.header("x-hmac-signature", valid.to_uppercase())
        }
        Signature::Random(value) => builder = builder.header("x-hmac-signature", value),
        Signature::Twice => {
            builder = builder
                .header("x-hmac-signature", &valid)
                .header("x-hmac-signature", valid)
        }
    }
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    builder.body(Bytes::from(body)).ok()
}

/// Built once: a client (its TLS setup is the slow part) and a runtime to drive it.
static HARNESS: std::sync::LazyLock<(tokio::runtime::Runtime, Client)> =
    std::sync::LazyLock::new(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let client = Client::builder()
            .base_url("http://127.0.0.1:9")
            .api_key("key")
            .shared_secret(SECRET)
            // Room for the valid body, not for the largest random ones.
            .max_body_bytes(valid().len() + 16)
            .build()
            .expect("client");
        (runtime, client)
    });

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn any_response_gives_a_typed_result_and_never_a_panic(
        status in status(),
        signature in signature(),
        headers in extra_headers(),
        body in body(),
    ) {
        let Some(response) = build(status, &signature, &headers, body) else { return Ok(()) };
        let (runtime, client) = &*HARNESS;
        let result = runtime.block_on(client.decode_response(SESSION_ID, response));
        let signed_status = spec::is_signed(status);
        let verified = matches!(signature, Signature::Valid | Signature::ValidUppercase);
        match &result {
            Ok(_) => prop_assert!(status == 200 && verified, "data from an unverified response: {result:?}"),
            Err(Error::Api { status: got, .. }) => {
                prop_assert_eq!(got.as_u16(), status);
                prop_assert!(!signed_status || verified);
            }
            Err(Error::SignatureMissing { .. }) => prop_assert!(signed_status && matches!(signature, Signature::None)),
            Err(Error::SignatureInvalid { .. }) => prop_assert!(signed_status && !verified),
            Err(Error::UnexpectedStatus { .. }) => prop_assert!(!spec::STATUSES.contains(&status)),
            Err(Error::Decode { .. } | Error::BodyTooLarge { .. }) => {}
            Err(other) => prop_assert!(false, "unexpected variant {other:?}"),
        }
    }
}
