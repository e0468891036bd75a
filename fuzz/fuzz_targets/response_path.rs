//! Fuzzes the whole response path (body limit → signature check over the raw bytes →
//! status classification → decoding) through `Client::decode_response`.
//!
//! Input layout: 2 bytes status, 1 byte signature mode, 1 byte header count, then
//! `name\0value\0` pairs, then the body.

#![no_main]

use std::sync::LazyLock;

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use veriff_attempts::Client;

const SECRET: &[u8] = b"fuzz-secret";
const SESSION_ID: &str = "f04bdb47-d3be-4b28-b028-a652feb060b5";

static HARNESS: LazyLock<(tokio::runtime::Runtime, Client)> = LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .api_key("fuzz")
        .shared_secret(SECRET)
        .max_body_bytes(4096)
        .build()
        .expect("client");
    (runtime, client)
});

fn response(data: &[u8]) -> Option<http::Response<Bytes>> {
    let (&[hi, lo, mode, count], mut rest) = data.split_first_chunk::<4>()? else { return None };
    let mut builder = http::Response::builder().status(u16::from_be_bytes([hi, lo]) % 500 + 100);
    for _ in 0..count % 8 {
        let mut parts = rest.splitn(3, |&b| b == 0);
        let (name, value) = (parts.next()?, parts.next()?);
        rest = parts.next().unwrap_or_default();
        builder = builder.header(name, value);
    }
    let signature = veriff_attempts::signature::sign(SECRET, rest);
    builder = match mode % 4 {
        0 => builder.header("x-hmac-signature", signature),
        1 => builder.header("x-hmac-signature", signature.to_uppercase()),
        _ => builder,
    };
    builder.body(Bytes::copy_from_slice(rest)).ok()
}

fuzz_target!(|data: &[u8]| {
    if let Some(response) = response(data) {
        let (runtime, client) = &*HARNESS;
        let _ = runtime.block_on(client.decode_response(SESSION_ID, response));
    }
});
