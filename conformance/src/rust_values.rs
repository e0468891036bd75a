//! proptest strategies for values of the generated Rust types: anything a program
//! using the SDK (or the reference server) can build and send.

use chrono::DateTime;
use proptest::prelude::*;
use uuid::Uuid;
use veriff_attempts::types::{
    AttemptStatus, ErrorResponse, ErrorResponseStatus, SessionAttemptsResponse,
    SessionAttemptsResponseStatus, SessionAttemptsResponseVerification, Timestamp, UserStatus,
};

/// First and last second RFC 3339 can write (years 0001..=9999): the schema's
/// `date-time` cannot express instants outside them.
const SECONDS: std::ops::RangeInclusive<i64> = -62_135_596_800..=253_402_300_799;

/// Any instant RFC 3339 can write, to the nanosecond, as the SDK's `Timestamp`.
pub fn date_time() -> impl Strategy<Value = Timestamp> {
    (SECONDS, 0u32..1_000_000_000, 0u8..4).prop_filter_map(
        "instant outside chrono's range",
        |(s, n, precision)| {
            // Whole seconds, milliseconds, microseconds and nanoseconds all occur.
            let nanos = match precision {
                0 => 0,
                1 => n - n % 1_000_000,
                2 => n - n % 1_000,
                _ => n,
            };
            DateTime::from_timestamp(s, nanos).map(Timestamp::from)
        },
    )
}

/// A documented attempt status (an `Unknown` one is not schema-valid; it has its
/// own property).
pub fn known_status() -> impl Strategy<Value = AttemptStatus> {
    prop::sample::select(AttemptStatus::KNOWN.to_vec())
}

/// A string that is not a documented status.
pub fn undocumented_status() -> impl Strategy<Value = String> {
    text().prop_filter("a documented status", |s| {
        !AttemptStatus::KNOWN.iter().any(|k| k.as_str() == s)
    })
}

/// Any text, including control characters, quotes and non-ASCII.
fn text() -> impl Strategy<Value = String> {
    crate::strategy::any_text(40)
}

/// Array lengths: empty, short, and sometimes long (as for JSON from the schema).
fn length() -> impl Strategy<Value = usize> {
    let choices =
        crate::strategy::ARRAY_LENGTHS.map(|(weight, low, high)| (weight, (low..=high).boxed()));
    prop::strategy::Union::new_weighted(choices.to_vec())
}

/// Any `UserStatus`.
pub fn user_status() -> impl Strategy<Value = UserStatus> {
    (
        date_time(),
        prop::option::of(text()),
        prop::option::of(text()),
        text(),
        text(),
    )
        .prop_map(
            |(created_at, reason, reason_code, status, status_code)| UserStatus {
                created_at,
                reason,
                reason_code,
                status,
                status_code,
            },
        )
}

/// Any attempt.
pub fn attempt() -> impl Strategy<Value = SessionAttemptsResponseVerification> {
    let statuses = length().prop_flat_map(|n| prop::collection::vec(user_status(), n));
    (date_time(), any::<u128>(), known_status(), statuses).prop_map(
        |(created_time, id, status, user_defined_data)| SessionAttemptsResponseVerification {
            created_time,
            id: Uuid::from_u128(id),
            status,
            user_defined_data,
        },
    )
}

/// Any 200 body.
pub fn session_attempts_response() -> impl Strategy<Value = SessionAttemptsResponse> {
    length()
        .prop_flat_map(|n| prop::collection::vec(attempt(), n))
        .prop_map(|verifications| SessionAttemptsResponse {
            status: SessionAttemptsResponseStatus::Success,
            verifications,
        })
}

/// Any error body.
pub fn error_response() -> impl Strategy<Value = ErrorResponse> {
    (text(), text()).prop_map(|(code, message)| ErrorResponse {
        code,
        message,
        status: ErrorResponseStatus::Fail,
    })
}
