//! The report: one row per figure, its target beside it, met or missed; printed as
//! a text table (stdout) and optionally written as JSON.

use std::fmt::Write as _;

/// Whether a figure meets its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Met,
    Missed,
    /// A figure without a target (context for the others).
    Info,
    /// Not measured: the row's figure says why.
    NotMeasured,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Missed => "MISSED",
            Status::Info => "",
            Status::NotMeasured => "n/a",
        }
    }
}

/// A target a figure is compared with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Target {
    /// The figure must be at most this.
    AtMost(f64),
    /// The figure must be at least this.
    AtLeast(f64),
}

impl Target {
    pub fn judge(self, value: f64) -> Status {
        let met = match self {
            Target::AtMost(limit) => value <= limit,
            Target::AtLeast(floor) => value >= floor,
        };
        if met && value.is_finite() {
            Status::Met
        } else {
            Status::Missed
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub section: &'static str,
    pub name: String,
    pub figure: String,
    /// The machine-readable figure, if there is one.
    pub value: Option<f64>,
    pub unit: &'static str,
    pub target: String,
    pub status: Status,
}

#[derive(Debug, Default)]
pub struct Table {
    pub rows: Vec<Row>,
}

impl Table {
    /// A figure with no target.
    pub fn info(
        &mut self,
        section: &'static str,
        name: impl Into<String>,
        figure: impl Into<String>,
    ) {
        self.push(section, name, figure, None, "", String::new(), Status::Info);
    }

    /// A figure judged against `target` (described as `target_text`).
    #[allow(clippy::too_many_arguments)]
    pub fn judged(
        &mut self,
        section: &'static str,
        name: impl Into<String>,
        figure: impl Into<String>,
        value: f64,
        unit: &'static str,
        target: Target,
        target_text: impl Into<String>,
    ) {
        let status = target.judge(value);
        self.push(
            section,
            name,
            figure,
            Some(value),
            unit,
            target_text.into(),
            status,
        );
    }

    /// A figure that could not be measured, and why.
    pub fn missing(
        &mut self,
        section: &'static str,
        name: impl Into<String>,
        why: impl Into<String>,
        target_text: impl Into<String>,
    ) {
        self.push(
            section,
            name,
            why,
            None,
            "",
            target_text.into(),
            Status::NotMeasured,
        );
    }

    /// A figure with a value and no target.
    pub fn value(
        &mut self,
        section: &'static str,
        name: impl Into<String>,
        figure: impl Into<String>,
        value: f64,
        unit: &'static str,
    ) {
        self.push(
            section,
            name,
            figure,
            Some(value),
            unit,
            String::new(),
            Status::Info,
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        section: &'static str,
        name: impl Into<String>,
        figure: impl Into<String>,
        value: Option<f64>,
        unit: &'static str,
        target: String,
        status: Status,
    ) {
        let row = Row {
            section,
            name: name.into(),
            figure: figure.into(),
            value,
            unit,
            target,
            status,
        };
        eprintln!(
            "bench: {} | {} | {} {}",
            row.name,
            row.figure,
            row.target,
            row.status.label()
        );
        self.rows.push(row);
    }

    pub fn count(&self, status: Status) -> usize {
        self.rows.iter().filter(|row| row.status == status).count()
    }

    /// The table as text, columns aligned.
    pub fn render(&self) -> String {
        let headers = ["section", "measurement", "figure", "target", "status"];
        let cells: Vec<[&str; 5]> = self
            .rows
            .iter()
            .map(|row| {
                [
                    row.section,
                    row.name.as_str(),
                    row.figure.as_str(),
                    row.target.as_str(),
                    row.status.label(),
                ]
            })
            .collect();
        let mut widths = headers.map(|h| h.chars().count());
        for row in &cells {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let mut out = String::new();
        let line = |out: &mut String, row: &[&str; 5]| {
            let mut text = String::new();
            for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
                if i > 0 {
                    text.push_str("  ");
                }
                let pad = width.saturating_sub(cell.chars().count());
                text.push_str(cell);
                text.push_str(&" ".repeat(pad));
            }
            let _ = writeln!(out, "{}", text.trim_end());
        };
        line(&mut out, &headers);
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        let rule: [&str; 5] = std::array::from_fn(|i| rule[i].as_str());
        line(&mut out, &rule);
        for row in &cells {
            line(&mut out, row);
        }
        let _ = writeln!(
            out,
            "targets: {} met, {} missed, {} not measured",
            self.count(Status::Met),
            self.count(Status::Missed),
            self.count(Status::NotMeasured)
        );
        out
    }

    /// The rows as JSON.
    pub fn json(&self, machine: &serde_json::Value) -> serde_json::Value {
        let rows: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|row| {
                serde_json::json!({
                    "section": row.section,
                    "measurement": row.name,
                    "figure": row.figure,
                    "value": row.value,
                    "unit": row.unit,
                    "target": row.target,
                    "status": match row.status {
                        Status::Met => "met",
                        Status::Missed => "missed",
                        Status::Info => "info",
                        Status::NotMeasured => "not measured",
                    },
                })
            })
            .collect();
        serde_json::json!({ "machine": machine, "rows": rows })
    }
}

/// A ratio `a / b`, guarded against division by zero.
pub fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::INFINITY }
}

/// The median of `values` (the upper one of an even count); zero for none.
pub fn median(mut values: Vec<std::time::Duration>) -> std::time::Duration {
    values.sort();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

/// `1234567.8` → `1,234,568`.
pub fn thousands(value: f64) -> String {
    let rounded = value.round();
    if !rounded.is_finite() {
        return format!("{value}");
    }
    let digits = format!("{:.0}", rounded.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if rounded < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

/// Bytes (KiB from /proc) as MiB with one decimal.
pub fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_is_the_middle_value_or_the_upper_middle_one() {
        let ms = std::time::Duration::from_millis;
        assert_eq!(median(vec![ms(9), ms(1), ms(5)]), ms(5));
        assert_eq!(median(vec![ms(4), ms(1), ms(3), ms(2)]), ms(3));
        assert_eq!(median(Vec::new()), ms(0));
    }

    #[test]
    fn targets_are_marked_met_or_missed() {
        assert_eq!(Target::AtMost(1.05).judge(1.04), Status::Met);
        assert_eq!(Target::AtMost(1.05).judge(1.05), Status::Met);
        assert_eq!(Target::AtMost(1.05).judge(1.06), Status::Missed);
        assert_eq!(Target::AtLeast(0.8).judge(0.79), Status::Missed);
        assert_eq!(Target::AtLeast(0.8).judge(1.3), Status::Met);
        assert_eq!(Target::AtLeast(0.8).judge(f64::INFINITY), Status::Missed);
        assert_eq!(Target::AtMost(30.0).judge(f64::NAN), Status::Missed);
    }

    #[test]
    fn the_table_shows_each_target_beside_its_figure() {
        let mut table = Table::default();
        table.judged(
            "build",
            "clean build",
            "12.0 s",
            12.0,
            "s",
            Target::AtMost(30.0),
            "< 30 s",
        );
        table.judged(
            "scan",
            "scan/server",
            "0.35",
            0.35,
            "x",
            Target::AtLeast(0.5),
            "≥ 0.5",
        );
        table.missing("server", "Prism", "not installed", "");
        table.info("server", "workers", "1");
        let text = table.render();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("section"), "{text}");
        assert!(
            lines[2].contains("12.0 s") && lines[2].ends_with("< 30 s  met"),
            "{text}"
        );
        assert!(lines[3].ends_with("MISSED"), "{text}");
        assert!(
            lines[4].contains("not installed") && lines[4].ends_with("n/a"),
            "{text}"
        );
        assert!(text.contains("1 met, 1 missed, 1 not measured"), "{text}");
        let json = table.json(&serde_json::json!({}));
        assert_eq!(json["rows"][1]["status"], "missed");
        assert_eq!(json["rows"][0]["value"], 12.0);
    }

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(thousands(92369.4), "92,369");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1_000_000.0), "1,000,000");
        assert_eq!(mib(7577), "7.4 MiB");
    }
}
