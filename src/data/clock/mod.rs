//! A series' clock: its bar size and calendar, detected from the gaps between rows, and the
//! stamps that continue it (what a forecast is dated with).
//!
//! The bar size is the dominant gap between consecutive rows, as NeuralProphet infers a
//! frequency: weekends, nights, holidays and a few missing bars are other gaps and do not
//! change the verdict (pandas' `infer_freq`, which needs every gap equal, gives up on them).
//! Gaps of one calendar month (28–31 days), quarter or year count as one gap size.

use chrono::{Datelike, Months, Weekday};
use serde::{Deserialize, Serialize};

use super::bar::{BarSize, DAY_MINUTES};
use super::stamp::{DAY, Stamp};
use super::timetable::Timetable;
use gaps::{Gap, bar_change, dominant, is_dominant, session_bar};
pub use month::MonthAnchor;

mod gaps;
mod month;

/// Where the stamps continue after the last one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Calendar {
    /// Bars of a day or less: the next bar of the weekly timetable.
    Timetable(Timetable),
    /// Weekly bars: the same weekday `weeks` later (Monday = 0).
    Weekday(u32),
    /// Month, quarter and year bars: the same place in the month.
    Month(MonthAnchor),
    /// Other whole-day bars: the bar's length later.
    Fixed,
}

/// A bar size that changes part-way through a file (a daily history followed by hourly bars).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BarChange {
    pub before: BarSize,
    pub after: BarSize,
    /// The first stamp of the later bar size, and how many rows there are from it on.
    pub at: Stamp,
    pub rows_after: usize,
}

/// The series' clock: how rows are spaced and where the future continues.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Clock {
    /// No stamps: rows in file order.
    Undated,
    /// Stamped, but no gap dominates (or the bar size changes part-way): rows are used as equal
    /// steps and forecast steps are numbered, not dated.
    Irregular {
        change: Option<BarChange>,
        timed: bool,
    },
    Regular {
        bar: BarSize,
        calendar: Calendar,
    },
}

impl Clock {
    /// Detects the clock of `stamps` (strictly increasing).
    pub fn detect(stamps: &[Stamp]) -> Clock {
        let timed = stamps.iter().any(|s| s.has_time());
        let gaps: Vec<Gap> = stamps.windows(2).map(|w| Gap::between(w[0], w[1])).collect();
        if let Some(change) = bar_change(stamps, &gaps) {
            return Clock::Irregular { change: Some(change), timed };
        }
        let regular = dominant(&gaps)
            .filter(|&(_, count)| is_dominant(count, gaps.len()))
            .and_then(|(gap, _)| gap.bar());
        let Some(bar) = regular.or_else(|| session_bar(stamps, &gaps)) else {
            return Clock::Irregular { change: None, timed };
        };
        let calendar = match bar {
            BarSize::Minutes(m) => Calendar::Timetable(Timetable::learn(stamps, m)),
            BarSize::Days(1) => Calendar::Timetable(Timetable::learn(stamps, DAY_MINUTES)),
            BarSize::Weeks(_) => {
                let mut counts = [0usize; 7];
                stamps
                    .iter()
                    .for_each(|s| counts[s.weekday().num_days_from_monday() as usize] += 1);
                Calendar::Weekday(
                    (0..7).max_by_key(|&d| (counts[d as usize], std::cmp::Reverse(d))).unwrap_or(0),
                )
            }
            BarSize::Months(_) => Calendar::Month(MonthAnchor::detect(stamps)),
            BarSize::Days(_) => Calendar::Fixed,
        };
        Clock::Regular { bar, calendar }
    }

    /// The bar size, when the rows have one.
    pub fn bar(&self) -> Option<BarSize> {
        match self {
            Clock::Regular { bar, .. } => Some(*bar),
            _ => None,
        }
    }

    /// `data-frequency`: the bar size's label, `irregular`, or nothing for undated rows.
    pub fn frequency(&self) -> Option<String> {
        match self {
            Clock::Undated => None,
            Clock::Irregular { .. } => Some("irregular".into()),
            Clock::Regular { bar, .. } => Some(bar.label()),
        }
    }

    /// `data-week`: trading days a week, for daily and finer bars.
    pub fn week(&self) -> Option<u32> {
        match self {
            Clock::Regular { calendar: Calendar::Timetable(table), .. } => {
                Some(table.days_per_week())
            }
            _ => None,
        }
    }

    /// Whether stamps are written with their time of day (intraday data).
    pub fn timed(&self) -> bool {
        match self {
            Clock::Undated => false,
            Clock::Irregular { timed, .. } => *timed,
            Clock::Regular { bar, .. } => bar.is_intraday(),
        }
    }

    /// A stamp as this data writes it: `YYYY-MM-DD HH:MM` intraday, `YYYY-MM-DD` otherwise
    /// (irregular rows: with the time of day where it is not midnight).
    pub fn label(&self, stamp: Stamp) -> String {
        match self {
            Clock::Irregular { .. } => stamp.to_string(),
            _ => stamp.label(self.timed()),
        }
    }

    /// The stamp of the bar after `last`.
    fn next(&self, last: Stamp) -> Option<Stamp> {
        let Clock::Regular { bar, calendar } = self else { return None };
        let time = last.second_of_day() as i64;
        Some(match (calendar, bar) {
            (Calendar::Timetable(table), _) => table.next_after(last),
            (Calendar::Weekday(weekday), BarSize::Weeks(weeks)) => {
                let monday = last.0 - last.second_of_week();
                Stamp(monday + (7 * *weeks as i64 + *weekday as i64) * DAY + time)
            }
            (Calendar::Month(anchor), BarSize::Months(months)) => {
                let date =
                    last.date().with_day(1).expect("every month has a 1st") + Months::new(*months);
                Stamp(Stamp::from_date(anchor.place(date)).0 + time)
            }
            (_, bar) => Stamp(last.0 + (bar.minutes() * 60.0) as i64),
        })
    }

    /// The stamps of the `count` bars after `last` on this clock (none when it has no regular
    /// bars: the forecast's steps are then numbered).
    pub fn next_stamps(&self, last: Option<Stamp>, count: usize) -> Vec<Option<Stamp>> {
        let mut stamp = last;
        (0..count)
            .map(|_| {
                stamp = stamp.and_then(|s| self.next(s));
                stamp
            })
            .collect()
    }

    /// The summary's words for `rows` rows: `5,000 hourly bars, 24 h Mon–Fri`, `1,500 daily rows,
    /// 7 days a week`, `156 monthly rows (month-end)`, `80 rows, irregular spacing`.
    pub fn describe(&self, rows: usize) -> String {
        let count = thousands(rows);
        match self {
            Clock::Undated => format!("{count} rows in file order"),
            Clock::Irregular { change: None, .. } => format!("{count} rows, irregular spacing"),
            Clock::Irregular { change: Some(c), .. } => {
                format!(
                    "{count} rows, bar size changes part-way ({} then {} from {})",
                    c.before.adjective(),
                    c.after.adjective(),
                    c.at
                )
            }
            Clock::Regular { bar, calendar } => {
                let noun = if bar.is_intraday() { "bars" } else { "rows" };
                let words = match calendar {
                    Calendar::Timetable(table) if bar.is_intraday() => {
                        format!(", {} {}", table.session(), table.weekdays())
                    }
                    Calendar::Timetable(table) => format!(", {}", table.weekdays()),
                    Calendar::Weekday(day) => format!(" ({}s)", weekday_name(*day)),
                    Calendar::Month(anchor) => format!(
                        " ({})",
                        anchor.words(match bar {
                            BarSize::Months(m) => *m,
                            _ => 1,
                        })
                    ),
                    Calendar::Fixed => String::new(),
                };
                format!(
                    "{count} {} {noun}{}",
                    bar.adjective(),
                    words.replace("24 h 7 days", "24 h, 7 days")
                )
            }
        }
    }

    /// What the page does with rows that are not on a regular clock, said once; `None` for a
    /// regular clock.
    pub fn irregular_note(&self) -> Option<String> {
        match self {
            Clock::Undated => None,
            Clock::Irregular { change: None, .. } => Some(
                "no gap between rows dominates (irregular spacing): rows are used as equal steps, and forecast steps are numbered, not dated"
                    .into(),
            ),
            Clock::Irregular { change: Some(c), .. } => Some(format!(
                "the bar size changes part-way: {} bars, then {} bars from {} ({} rows); set bars={} to aggregate the whole file to {} \
                 bars, or last={} to keep only the {} part. Until then rows are used as equal steps and forecast steps are numbered",
                c.before.adjective(),
                c.after.adjective(),
                c.at,
                thousands(c.rows_after),
                coarser(c.before, c.after).label(),
                coarser(c.before, c.after).adjective(),
                c.rows_after,
                c.after.adjective(),
            )),
            Clock::Regular { .. } => None,
        }
    }

    /// `n` bars in words: `30 hourly bars`, `1 daily bar`, or `30 rows` without a bar size.
    pub fn bars(&self, n: usize) -> String {
        let plural = if n == 1 { "" } else { "s" };
        match self.bar() {
            Some(bar) => format!("{n} {} bar{plural}", bar.adjective()),
            None => format!("{n} row{plural}"),
        }
    }

    /// About how long `n` bars span in calendar words: `2 days`, `6.9 trading days`, `4.6
    /// months`; `None` without a bar size.
    pub fn span(&self, n: usize) -> Option<String> {
        let Clock::Regular { bar, calendar } = self else { return None };
        let n = n as f64;
        let (amount, unit) = match (bar, calendar) {
            (BarSize::Minutes(_), Calendar::Timetable(t)) => {
                let unit = if t.days_per_week() == 7 && t.session() == "24 h" {
                    "day"
                } else {
                    "trading day"
                };
                (n / t.bars_per_day().max(1) as f64, unit)
            }
            (BarSize::Days(1), Calendar::Timetable(t)) => {
                return Some(weeks_words(n / t.days_per_week().max(1) as f64));
            }
            _ => return Some(weeks_words(n * bar.minutes() / (7.0 * DAY_MINUTES as f64))),
        };
        Some(amount_words(amount, unit))
    }

    /// The forecast's note on holidays, for clocks that step over weekdays.
    pub fn holiday_note(&self) -> Option<&'static str> {
        match self {
            Clock::Regular { calendar: Calendar::Timetable(table), .. }
                if !table.trades_on(Weekday::Sat) || !table.trades_on(Weekday::Sun) =>
            {
                Some(
                    "forecast stamps skip the hours and days the data never trades; holidays are not predicted",
                )
            }
            _ => None,
        }
    }
}

/// The larger of two bar sizes.
fn coarser(a: BarSize, b: BarSize) -> BarSize {
    if a.minutes() >= b.minutes() { a } else { b }
}

fn weekday_name(day: u32) -> &'static str {
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][day as usize % 7]
}

/// `12.5 weeks`, `4.6 months`, `2.3 years`.
fn weeks_words(weeks: f64) -> String {
    if weeks < 8.0 {
        amount_words(weeks, "week")
    } else if weeks < 104.0 {
        amount_words(weeks * 7.0 / 30.436875, "month")
    } else {
        amount_words(weeks * 7.0 / 365.25, "year")
    }
}

/// `2 days`, `1 day`, `6.9 trading days`.
fn amount_words(amount: f64, unit: &str) -> String {
    let rounded = (amount * 10.0).round() / 10.0;
    let plural = if rounded == 1.0 { "" } else { "s" };
    if rounded.fract() == 0.0 {
        format!("{rounded:.0} {unit}{plural}")
    } else {
        format!("{rounded:.1} {unit}{plural}")
    }
}

/// `5000` as `5,000`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests;
