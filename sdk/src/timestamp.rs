//! Timestamps as Veriff writes them, and written back byte for byte.

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Timelike, Utc};

/// A UTC instant read from an RFC 3339 string such as `2023-09-18T08:33:30.047Z`.
///
/// It remembers how many fractional digits it was read with and writes exactly
/// that many back (chrono's own serde form would turn `30.000Z` into `30Z`). An
/// input with an offset other than `Z` is converted to UTC. Dereferences to
/// [`chrono::DateTime<Utc>`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp {
    instant: DateTime<Utc>,
    digits: u8,
}

/// Why a string is not a [`Timestamp`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not an RFC 3339 date-time such as 2023-09-18T08:33:30.047Z")]
pub struct TimestampError {
    value: String,
}

impl Timestamp {
    /// The instant.
    pub fn instant(&self) -> DateTime<Utc> {
        self.instant
    }

    /// The number of fractional-second digits it is written with (0 to 9).
    pub fn fraction_digits(&self) -> u8 {
        self.digits
    }
}

impl From<DateTime<Utc>> for Timestamp {
    /// Veriff's millisecond form, or more digits where the instant needs them.
    fn from(instant: DateTime<Utc>) -> Self {
        let nanos = instant.nanosecond() % 1_000_000_000;
        let digits = match nanos {
            n if n % 1_000_000 == 0 => 3,
            n if n % 1_000 == 0 => 6,
            _ => 9,
        };
        Timestamp { instant, digits }
    }
}

impl Deref for Timestamp {
    type Target = DateTime<Utc>;
    fn deref(&self) -> &DateTime<Utc> {
        &self.instant
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let refuse = || TimestampError {
            value: value.to_owned(),
        };
        // chrono also takes a space between date and time; RFC 3339's grammar, and
        // JSON Schema's `date-time`, do not.
        if !value
            .as_bytes()
            .get(10)
            .is_some_and(|b| b.eq_ignore_ascii_case(&b'T'))
        {
            return Err(refuse());
        }
        let instant = DateTime::parse_from_rfc3339(value)
            .map_err(|_| refuse())?
            .with_timezone(&Utc);
        // Digits between the seconds' '.' and the offset; RFC 3339 allows any count,
        // chrono keeps nanoseconds, so more than nine cannot be written back.
        let digits = value
            .split_once('.')
            .map(|(_, rest)| rest.bytes().take_while(u8::is_ascii_digit).count())
            .unwrap_or(0);
        let digits = u8::try_from(digits)
            .ok()
            .filter(|d| *d <= 9)
            .ok_or_else(refuse)?;
        Ok(Timestamp { instant, digits })
    }
}

/// For the generated builders, whose setters take `TryInto<Timestamp>`:
/// `UserStatus::builder().created_at("2023-09-18T08:41:41.606Z")`.
impl TryFrom<&str> for Timestamp {
    type Error = TimestampError;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl TryFrom<String> for Timestamp {
    type Error = TimestampError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written digit by digit into a stack buffer: chrono's `format` interprets
        // its format string on every call, which showed as about 6 % of a scan's
        // instructions under callgrind (records are re-serialised per session).
        let year = self.instant.year();
        let Ok(year @ 0..=9999) = u32::try_from(year) else {
            // Outside four digits chrono's own form (sign, more digits) applies.
            write!(f, "{}", self.instant.format("%Y-%m-%dT%H:%M:%S"))?;
            return self.write_fraction(f);
        };
        let mut text = *b"0000-00-00T00:00:00";
        put_digits(&mut text[0..4], year);
        put_digits(&mut text[5..7], self.instant.month());
        put_digits(&mut text[8..10], self.instant.day());
        put_digits(&mut text[11..13], self.instant.hour());
        put_digits(&mut text[14..16], self.instant.minute());
        put_digits(&mut text[17..19], self.instant.second());
        // Only ASCII digits and separators were written.
        f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)?;
        self.write_fraction(f)
    }
}

impl Timestamp {
    /// `.` and the fraction with the digits it was read with, then `Z`.
    fn write_fraction(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.digits > 0 {
            // A leap second shows as nanoseconds ≥ 10⁹; keep its fraction only.
            let nanos = self.instant.nanosecond() % 1_000_000_000;
            let scaled = nanos / 10u32.pow(9 - u32::from(self.digits));
            let mut fraction = *b".000000000";
            let width = usize::from(self.digits);
            put_digits(&mut fraction[1..=width], scaled);
            f.write_str(std::str::from_utf8(&fraction[..=width]).map_err(|_| fmt::Error)?)?;
        }
        f.write_str("Z")
    }
}

/// Writes `value` as decimal into `slot`, zero-padded to its width (the high
/// digits of a value too wide for `slot` are dropped; callers pass values that fit).
fn put_digits(slot: &mut [u8], mut value: u32) {
    for byte in slot.iter_mut().rev() {
        *byte = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// What the writer replaced: chrono's formatter, which is the reference.
    fn chrono_form(t: &Timestamp) -> String {
        let mut text = t.instant.format("%Y-%m-%dT%H:%M:%S").to_string();
        if t.digits > 0 {
            let nanos = t.instant.nanosecond() % 1_000_000_000;
            let scaled = nanos / 10u32.pow(9 - u32::from(t.digits));
            text.push_str(&format!(".{scaled:0width$}", width = usize::from(t.digits)));
        }
        text.push('Z');
        text
    }

    proptest! {
        #[test]
        fn writes_what_chrono_writes(
            seconds in -62_167_219_200i64..253_402_300_799, // years 0 to 9999
            nanos in 0u32..1_000_000_000,
            digits in 0u8..=9,
        ) {
            let instant = DateTime::from_timestamp(seconds, nanos).unwrap_or_default();
            let t = Timestamp { instant, digits };
            prop_assert_eq!(t.to_string(), chrono_form(&t));
            prop_assert_eq!(t.to_string().parse::<Timestamp>().map(|p| p.to_string()), Ok(t.to_string()));
        }

        #[test]
        fn years_beyond_four_digits_are_chronos_form(
            seconds in 253_402_300_800i64..8_210_266_876_799,
            digits in 0u8..=9,
        ) {
            let instant = DateTime::from_timestamp(seconds, 0).unwrap_or_default();
            let t = Timestamp { instant, digits };
            prop_assert_eq!(t.to_string(), chrono_form(&t));
        }
    }

    fn round_trip(text: &str) -> Option<String> {
        text.parse::<Timestamp>().ok().map(|t| t.to_string())
    }

    #[test]
    fn writes_back_the_digits_it_read() {
        for text in [
            "2023-09-18T08:33:30.047Z",
            "2023-09-18T08:33:30.000Z",
            "2023-09-18T08:33:30Z",
            "2023-09-18T08:33:30.5Z",
            "2023-09-18T08:33:30.123456Z",
            "2023-09-18T08:33:30.000000001Z",
        ] {
            assert_eq!(round_trip(text).as_deref(), Some(text));
        }
    }

    #[test]
    fn offsets_become_utc() {
        assert_eq!(
            round_trip("2023-09-18T10:33:30.047+02:00").as_deref(),
            Some("2023-09-18T08:33:30.047Z")
        );
    }

    #[test]
    fn refuses_what_is_not_rfc3339() {
        for text in [
            "",
            "2023-09-18",
            "2023-09-18 08:33:30Z",
            "2023-09-18T08:33:30.0000000001Z",
            "yesterday",
        ] {
            assert!(text.parse::<Timestamp>().is_err(), "{text}");
        }
    }

    #[test]
    fn json_round_trip_is_byte_exact() {
        let json = r#""2020-01-01T14:35:22.000Z""#;
        let parsed: Result<Timestamp, _> = serde_json::from_str(json);
        assert_eq!(
            parsed
                .ok()
                .and_then(|t| serde_json::to_string(&t).ok())
                .as_deref(),
            Some(json)
        );
    }

    #[test]
    fn from_chrono_keeps_every_digit_it_needs() {
        let whole = DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        assert_eq!(
            Timestamp::from(whole).to_string(),
            "2023-11-14T22:13:20.000Z"
        );
        let micros = DateTime::from_timestamp(1_700_000_000, 123_456_000).unwrap_or_default();
        assert_eq!(
            Timestamp::from(micros).to_string(),
            "2023-11-14T22:13:20.123456Z"
        );
        let nanos = DateTime::from_timestamp(1_700_000_000, 7).unwrap_or_default();
        assert_eq!(
            Timestamp::from(nanos).to_string(),
            "2023-11-14T22:13:20.000000007Z"
        );
    }
}
