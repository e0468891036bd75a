//! The building blocks of the generated value strategies
//! (`conformance/src/generated.rs`): one strategy per Rust leaf type, drawn from
//! everything a program using the SDK can build, not only from what the schema
//! allows (property a checks that all of it serialises to schema-valid JSON).
//! Nothing here names a generated type or a field.

use std::fmt::Debug;

use chrono::DateTime;
use proptest::prelude::*;
use proptest::strategy::Union;
use serde_json::Value;
use uuid::Uuid;
use veriff_attempts::types::Timestamp;

/// First and last second RFC 3339 can write (years 0001..=9999): a `date-time`
/// cannot express instants outside them.
const SECONDS: std::ops::RangeInclusive<i64> = -62_135_596_800..=253_402_300_799;

/// Any instant RFC 3339 can write, to the nanosecond, as the SDK's `Timestamp`.
pub fn date_time() -> BoxedStrategy<Timestamp> {
    (SECONDS, 0u32..1_000_000_000, 0u8..4)
        .prop_filter_map("instant outside chrono's range", |(s, n, precision)| {
            // Whole seconds, milliseconds, microseconds and nanoseconds all occur.
            let nanos = match precision {
                0 => 0,
                1 => n - n % 1_000_000,
                2 => n - n % 1_000,
                _ => n,
            };
            DateTime::from_timestamp(s, nanos).map(Timestamp::from)
        })
        .boxed()
}

/// Any UUID.
pub fn uuid() -> BoxedStrategy<Uuid> {
    any::<u128>().prop_map(Uuid::from_u128).boxed()
}

/// Any text, including control characters, quotes and non-ASCII.
pub fn text() -> BoxedStrategy<String> {
    crate::strategy::any_text(40).boxed()
}

/// `true` or `false`.
pub fn boolean() -> BoxedStrategy<bool> {
    any::<bool>().boxed()
}

/// Any integer of the type.
pub fn integer<T: Arbitrary + Debug + 'static>() -> BoxedStrategy<T> {
    any::<T>().boxed()
}

/// Any finite `f64`. (NaN and the infinities have no JSON form: serde_json would
/// write `null`, which no `number` schema accepts.)
pub fn float64() -> BoxedStrategy<f64> {
    any::<f64>()
        .prop_filter("JSON numbers are finite", |f| f.is_finite())
        .boxed()
}

/// Any finite `f32`.
pub fn float32() -> BoxedStrategy<f32> {
    any::<f32>()
        .prop_filter("JSON numbers are finite", |f| f.is_finite())
        .boxed()
}

/// Any JSON value (for a property of no declared type).
pub fn json() -> BoxedStrategy<Value> {
    crate::strategy::any_json()
}

/// `None` or any value of the strategy.
pub fn option<T: Debug + Clone + 'static>(inner: BoxedStrategy<T>) -> BoxedStrategy<Option<T>> {
    prop::option::of(inner).boxed()
}

/// Empty, short and sometimes long vectors (the same lengths as JSON from the
/// schema, see [`crate::strategy::ARRAY_LENGTHS`]).
pub fn vec<T: Debug + Clone + 'static>(inner: BoxedStrategy<T>) -> BoxedStrategy<Vec<T>> {
    let choices = crate::strategy::ARRAY_LENGTHS.map(|(weight, low, high)| {
        (
            weight,
            prop::collection::vec(inner.clone(), low..=high).boxed(),
        )
    });
    Union::new_weighted(choices.to_vec()).boxed()
}

/// One of the given values (every variant of a closed enum, every documented
/// value of an open one).
pub fn one_of<T: Debug + Clone + 'static>(values: &'static [T]) -> BoxedStrategy<T> {
    prop::sample::select(values).boxed()
}
