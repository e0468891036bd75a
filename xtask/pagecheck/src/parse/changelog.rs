//! The changelog at the foot of the page: `Date` / `Description` column titles,
//! then a date line (`Apr 24, 2026`) and its text, newest first.

use crate::error::PageError;
use crate::lines::{Lines, number};
use crate::page::{Change, Date};

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The entries under the changelog heading found at (or after) `at`.
pub fn parse(lines: &Lines, at: usize) -> Result<Vec<Change>, PageError> {
    let heading = if lines.text(at) == "Changelog" {
        at
    } else {
        lines
            .find(at + 1, "Changelog")
            .ok_or(PageError::NoChangelog {
                last_line: lines.len(),
            })?
    };
    let mut changes: Vec<Change> = Vec::new();
    for index in heading + 1..lines.len() {
        let text = lines.text(index);
        if text.is_empty() {
            continue;
        }
        if let Some(date) = date(text) {
            changes.push(Change {
                date,
                line: number(index),
                text: String::new(),
            });
        } else if let Some(change) = changes.last_mut() {
            if !change.text.is_empty() {
                change.text.push(' ');
            }
            change.text.push_str(text);
        }
        // Before the first date: the `Date` / `Description` column titles.
    }
    if changes.is_empty() {
        return Err(PageError::EmptyChangelog {
            line: number(heading),
        });
    }
    Ok(changes)
}

/// `Apr 24, 2026`, `April 24, 2026`, `Sept. 4, 2026` or `2026-04-24`.
pub fn date(text: &str) -> Option<Date> {
    if let Some(date) = iso_date(text) {
        return Some(date);
    }
    let mut words = text.split_whitespace();
    let (month, day, year) = (words.next()?, words.next()?, words.next()?);
    if words.next().is_some() {
        return None;
    }
    let month = month.trim_end_matches('.').to_ascii_lowercase();
    let month = MONTHS
        .iter()
        .position(|name| month.len() >= 3 && name.starts_with(month.as_str()))?;
    let day: u8 = day.strip_suffix(',')?.parse().ok()?;
    let year: u16 = year.parse().ok()?;
    checked(year, u8::try_from(month + 1).ok()?, day)
}

fn iso_date(text: &str) -> Option<Date> {
    let mut parts = text.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    checked(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

fn checked(year: u16, month: u8, day: u8) -> Option<Date> {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    (1..=days)
        .contains(&day)
        .then_some(Date { year, month, day })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pages_date_forms_are_read() {
        let expected = Some(Date {
            year: 2026,
            month: 4,
            day: 24,
        });
        assert_eq!(date("Apr 24, 2026"), expected);
        assert_eq!(date("April 24, 2026"), expected);
        assert_eq!(date("2026-04-24"), expected);
        assert_eq!(date("Sept. 4, 2026").map(|d| d.month), Some(9));
    }

    #[test]
    fn not_dates() {
        for text in [
            "Date",
            "Description",
            "Feb 30, 2026",
            "Ma 1, 2026",
            "Apr 24 2026",
            "Response headers added",
            "2026-13-01",
        ] {
            assert_eq!(date(text), None, "{text}");
        }
    }
}
