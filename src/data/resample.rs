//! Making a fine or long series trainable: `bars=` aggregates to a coarser bar (open first, high
//! max, low min, close last, volume sum, other columns last), `last=N` keeps the most recent N
//! bars. Both are cleaning steps the notes name.

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use super::bar::{BarSize, DAY_MINUTES};
use super::clock::{Clock, thousands};
use super::stamp::{DAY, Stamp};
use super::table::Table;

/// The person's choices that reshape a cleaned table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Reshape {
    /// Aggregate to bars of this size (coarser than the data's).
    pub bars: Option<BarSize>,
    /// Keep only the most recent this many bars.
    pub last: Option<usize>,
}

/// How one column's values in a bar are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    First,
    Max,
    Min,
    Last,
    Sum,
}

impl Rule {
    /// The rule for a column, by its name: open, high, low, volumes and counts; anything else
    /// (close, adjusted close, price) takes the bar's last value.
    fn of(name: &str) -> Rule {
        let name = name.trim().to_lowercase();
        let is =
            |words: &[&str]| words.iter().any(|w| name == *w || name.starts_with(&format!("{w} ")));
        if name.contains("interest") {
            Rule::Last
        } else if is(&["open", "o", "first", "erster"]) {
            Rule::First
        } else if is(&["high", "h", "max", "hoch"]) {
            Rule::Max
        } else if is(&["low", "l", "min", "tief"]) {
            Rule::Min
        } else if ["vol", "quantity", "qty", "trades", "count", "turnover", "shares", "umsatz"]
            .iter()
            .any(|w| name.contains(w))
            || name == "v"
        {
            Rule::Sum
        } else {
            Rule::Last
        }
    }

    fn combine(self, values: &[f64]) -> f64 {
        match self {
            Rule::First => values[0],
            Rule::Last => values[values.len() - 1],
            Rule::Max => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            Rule::Min => values.iter().copied().fold(f64::INFINITY, f64::min),
            Rule::Sum => values.iter().sum(),
        }
    }
}

/// The bar of size `bar` that `stamp` falls in, by its start: minutes and hours counted from
/// midnight, days, weeks from Monday, months from January (quarters start in January, April, …).
fn bar_start(stamp: Stamp, bar: BarSize) -> Stamp {
    let day = stamp.0.div_euclid(DAY);
    match bar {
        BarSize::Minutes(m) if DAY_MINUTES.is_multiple_of(m) => {
            Stamp(day * DAY + (stamp.second_of_day() / 60 / m * m) as i64 * 60)
        }
        BarSize::Minutes(m) => Stamp(stamp.0.div_euclid(m as i64 * 60) * m as i64 * 60),
        BarSize::Days(d) => Stamp(day.div_euclid(d as i64) * d as i64 * DAY),
        BarSize::Weeks(w) => {
            let monday = stamp.0 - stamp.second_of_week();
            // Weeks counted from Monday 1970-01-05.
            let weeks = (monday - 4 * DAY).div_euclid(7 * DAY);
            Stamp(4 * DAY + weeks.div_euclid(w as i64) * w as i64 * 7 * DAY)
        }
        BarSize::Months(m) => {
            let date = stamp.date();
            let month = (date.year() * 12 + date.month0() as i32).div_euclid(m as i32) * m as i32;
            let first = chrono::NaiveDate::from_ymd_opt(
                month.div_euclid(12),
                month.rem_euclid(12) as u32 + 1,
                1,
            )
            .expect("a valid month");
            Stamp::from_date(first)
        }
    }
}

/// Applies `reshape` to `table` (stamps, columns and clock), recording each step, or why it was
/// not taken, in the table's report.
pub fn reshape(table: &mut Table, reshape: &Reshape) {
    if let Some(bar) = reshape.bars {
        aggregate(table, bar);
    }
    if let Some(n) = reshape.last {
        keep_last(table, n);
    }
    if let Some(advice) = size_advice(table) {
        table.report.warnings.push(advice);
    }
}

fn aggregate(table: &mut Table, bar: BarSize) {
    let label = bar.label();
    let Some(stamps) = table.stamps.as_ref() else {
        table.report.warnings.push(format!(
            "bars={label} was not applied: the rows have no dates to group into bars"
        ));
        return;
    };
    if let Some(current) = table.clock.bar() {
        if current == bar {
            table
                .report
                .reshaped
                .push(format!("bars={label}: the data is already {} bars", bar.adjective()));
            return;
        }
        if current.minutes() > bar.minutes() {
            table.report.warnings.push(format!(
                "bars={label} was not applied: the data's bars are {} and bars can only be made coarser (e.g. bars={})",
                current.adjective(),
                coarser_than(current).label()
            ));
            return;
        }
    }
    let from = table.clock.bar().map_or_else(|| "irregular".to_string(), |b| b.adjective());
    let before = stamps.len();
    let starts: Vec<Stamp> = stamps.iter().map(|&s| bar_start(s, bar)).collect();
    let mut groups: Vec<(Stamp, std::ops::Range<usize>)> = Vec::new();
    for (i, &start) in starts.iter().enumerate() {
        match groups.last_mut() {
            Some((s, range)) if *s == start => range.end = i + 1,
            _ => groups.push((start, i..i + 1)),
        }
    }
    for column in &mut table.columns {
        let rule = Rule::of(&column.name);
        column.values =
            groups.iter().map(|(_, range)| rule.combine(&column.values[range.clone()])).collect();
    }
    table.stamps = Some(groups.iter().map(|(s, _)| *s).collect());
    table.report.reshaped.push(format!(
        "{} {from} rows aggregated into {} {} bars (bars={label}: open first, high max, low min, close last, volume sum)",
        thousands(before),
        thousands(groups.len()),
        bar.adjective()
    ));
    table.clock = Clock::detect(table.stamps.as_deref().unwrap_or_default());
}

/// The next common bar size above `bar`.
fn coarser_than(bar: BarSize) -> BarSize {
    [
        BarSize::Minutes(15),
        BarSize::Minutes(60),
        BarSize::Minutes(240),
        BarSize::DAY,
        BarSize::Weeks(1),
        BarSize::Months(1),
        BarSize::Months(12),
    ]
    .into_iter()
    .find(|b| b.minutes() > bar.minutes())
    .unwrap_or(BarSize::Months(12))
}

fn keep_last(table: &mut Table, n: usize) {
    let rows = table.len();
    if n >= rows {
        table.report.reshaped.push(format!("last={n}: all {} rows kept", thousands(rows)));
        return;
    }
    let cut = rows - n;
    if let Some(stamps) = table.stamps.as_mut() {
        stamps.drain(..cut);
    }
    for column in &mut table.columns {
        column.values.drain(..cut);
    }
    table.report.reshaped.push(format!(
        "kept the last {} of {} rows (last={n})",
        thousands(n),
        thousands(rows)
    ));
    if let Some(stamps) = table.stamps.as_deref() {
        table.clock = Clock::detect(stamps);
    }
}

/// Rows above which an epoch of the default model takes a minute or more on the CPU (measured:
/// 2.6 s an epoch on the 1,235 rows of the reference data set, in the page on this project's
/// 2-core machines, and time grows with the rows).
pub const LARGE_ROWS: usize = 50_000;
/// Rows the advice aims for: an epoch in seconds (about ten).
const TRAINABLE_ROWS: usize = 5_000;

/// For a table so long that training would take minutes per epoch: which `bars=` (or `last=`)
/// would make it quick.
fn size_advice(table: &Table) -> Option<String> {
    let rows = table.len();
    if rows <= LARGE_ROWS {
        return None;
    }
    let coarser = table.clock.bar().and_then(|bar| {
        let mut candidate = bar;
        while candidate.minutes() < BarSize::Months(1).minutes() {
            candidate = coarser_than(candidate);
            let estimate = (rows as f64 * bar.minutes() / candidate.minutes()).round() as usize;
            if estimate <= TRAINABLE_ROWS {
                return Some(format!(
                    "bars={} (about {} bars) or ",
                    candidate.label(),
                    thousands(estimate.max(1))
                ));
            }
        }
        None
    });
    Some(format!(
        "{} rows: an epoch at the default settings would take a minute or more; set {}last={TRAINABLE_ROWS} to train in seconds",
        thousands(rows),
        coarser.unwrap_or_default()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::parse::{ParseOptions, parse_csv_with};

    fn minutes(days: i64) -> String {
        let mut csv = String::from("Date,Open,High,Low,Close,Volume\n");
        let start = Stamp::from_date(chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
        for i in 0..days * 1440 {
            let stamp = Stamp(start.0 + i * 60);
            let p = 100.0 + (i % 60) as f64;
            csv += &format!("{},{p},{},{},{},1\n", stamp.label(true), p + 0.5, p - 0.5, p + 0.25);
        }
        csv
    }

    fn reshaped(csv: &str, bars: Option<&str>, last: Option<usize>) -> Table {
        let options = ParseOptions {
            reshape: Reshape { bars: bars.map(|b| BarSize::parse(b).unwrap()), last },
            ..Default::default()
        };
        parse_csv_with(csv.as_bytes(), &options).unwrap()
    }

    #[test]
    fn minutes_aggregate_into_hours_with_the_usual_rules() {
        let table = reshaped(&minutes(2), Some("1h"), None);
        assert_eq!(table.len(), 48);
        assert_eq!(table.clock.frequency().as_deref(), Some("1h"));
        let first = |name: &str| table.column(name).unwrap().values[0];
        // Minute i of the hour: open 100 + i, high +0.5, low -0.5, close +0.25.
        assert_eq!(
            (first("Open"), first("High"), first("Low"), first("Close"), first("Volume")),
            (100.0, 159.5, 99.5, 159.25, 60.0)
        );
        assert_eq!(table.stamps.as_ref().unwrap()[1].to_string(), "2024-01-01 01:00");
        assert!(table.report.notes().iter().any(|n| n == "2,880 1-minute rows aggregated into 48 hourly bars (bars=1h: open first, high max, low min, close last, volume sum)"));
    }

    #[test]
    fn weeks_start_on_monday_and_months_on_the_first() {
        let day = |y, m, d| Stamp::from_date(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap());
        assert_eq!(bar_start(Stamp(day(2024, 3, 7).0 + 3600), BarSize::Weeks(1)), day(2024, 3, 4));
        assert_eq!(
            bar_start(day(2024, 3, 10), BarSize::Weeks(1)),
            day(2024, 3, 4),
            "Sunday closes the week"
        );
        assert_eq!(bar_start(day(2024, 5, 17), BarSize::Months(3)), day(2024, 4, 1));
        assert_eq!(bar_start(day(2024, 5, 17), BarSize::Months(12)), day(2024, 1, 1));
        assert_eq!(
            bar_start(Stamp(day(2024, 5, 17).0 + 3 * 3600 + 59 * 60), BarSize::Minutes(240)),
            day(2024, 5, 17)
        );
    }

    #[test]
    fn last_keeps_the_most_recent_rows_after_aggregating() {
        let table = reshaped(&minutes(3), Some("1h"), Some(10));
        assert_eq!(table.len(), 10);
        assert_eq!(table.stamps.as_ref().unwrap()[0].to_string(), "2024-01-03 14:00");
        assert!(table.report.notes().iter().any(|n| n == "kept the last 10 of 72 rows (last=10)"));
    }

    #[test]
    fn finer_bars_and_undated_rows_are_refused_in_the_notes() {
        let daily = "Date,Close\n2024-01-01,1\n2024-01-02,2\n2024-01-03,3\n";
        let table = reshaped(daily, Some("1h"), None);
        assert_eq!(table.len(), 3);
        assert_eq!(
            table.report.warnings,
            [
                "bars=1h was not applied: the data's bars are daily and bars can only be made coarser (e.g. bars=1w)"
            ]
        );
        let undated = reshaped("Close\n1\n2\n", Some("1d"), None);
        assert!(undated.report.warnings[0].contains("no dates"), "{:?}", undated.report.warnings);
        assert_eq!(Rule::of("Adj Close"), Rule::Last);
        assert_eq!(Rule::of("Volume BTC"), Rule::Sum);
        assert_eq!(Rule::of("open"), Rule::First);
        assert_eq!(Rule::of("Open Interest"), Rule::Last);
    }

    #[test]
    fn a_large_file_is_told_which_bars_would_train_quickly() {
        let table = reshaped(&minutes(40), None, None);
        let advice = &table.report.warnings[0];
        assert!(advice.starts_with("57,600 rows: an epoch at the default settings would take a minute or more; set bars=15min (about 3,840 bars) or last=5000"), "{advice}");
    }
}
