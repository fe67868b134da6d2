//! A series' clock: its bar size and calendar, detected from the gaps between rows, and the
//! stamps that continue it (what a forecast is dated with).
//!
//! The bar size is the dominant gap between consecutive rows, as NeuralProphet infers a
//! frequency: weekends, nights, holidays and a few missing bars are other gaps and do not
//! change the verdict (pandas' `infer_freq`, which needs every gap equal, gives up on them).
//! Gaps of one calendar month (28–31 days), quarter or year count as one gap size.

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::bar::{BarSize, DAY_MINUTES};
use super::stamp::{DAY, Stamp};
use super::timetable::Timetable;

/// The gap between two rows, as bars are counted: seconds, or whole calendar months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Gap {
    Seconds(i64),
    Months(u32),
}

impl Gap {
    fn between(a: Stamp, b: Stamp) -> Gap {
        let days = (b.0 - a.0) / DAY;
        if !(20..=380).contains(&days) {
            return Gap::Seconds(b.0 - a.0);
        }
        let (from, to) = (a.date(), b.date());
        let months =
            (to.year() * 12 + to.month0() as i32) - (from.year() * 12 + from.month0() as i32);
        match (months, days) {
            (1, 20..=40) => Gap::Months(1),
            (3, 80..=100) => Gap::Months(3),
            (12, 350..=380) => Gap::Months(12),
            _ => Gap::Seconds(b.0 - a.0),
        }
    }

    /// The bar size of a series stepping by this gap, if it is one: whole minutes under a day,
    /// whole days, weeks, months.
    fn bar(self) -> Option<BarSize> {
        match self {
            Gap::Months(m) => Some(BarSize::Months(m)),
            Gap::Seconds(s) if s >= 60 && s % 60 == 0 && s < DAY => {
                Some(BarSize::Minutes((s / 60) as u32))
            }
            Gap::Seconds(s) if s > 0 && s % DAY == 0 => {
                Some(BarSize::Days((s / DAY) as u32).normalised())
            }
            Gap::Seconds(_) => None,
        }
    }
}

/// The commonest gap in `gaps` and how many times it occurs.
fn dominant(gaps: &[Gap]) -> Option<(Gap, usize)> {
    let mut counts: HashMap<Gap, usize> = HashMap::new();
    for &gap in gaps {
        *counts.entry(gap).or_default() += 1;
    }
    counts.into_iter().max_by_key(|&(gap, count)| (count, std::cmp::Reverse(gap_order(gap))))
}

/// Ties between gaps go to the shorter one.
fn gap_order(gap: Gap) -> i64 {
    match gap {
        Gap::Seconds(s) => s,
        Gap::Months(m) => m as i64 * 31 * DAY,
    }
}

/// Whether `count` of `total` gaps make a dominant gap: at least half of them.
fn is_dominant(count: usize, total: usize) -> bool {
    total > 0 && count * 2 >= total
}

/// Where a month-stepped series sits in its month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MonthAnchor {
    /// The last calendar day (Jan 31, Feb 28/29, …).
    End,
    /// The 1st.
    Start,
    /// The last Monday–Friday of the month (a trading month's last session).
    LastWeekday,
    /// The first Monday–Friday of the month.
    FirstWeekday,
    /// The same day of the month (the last day in shorter months).
    Day(u32),
}

/// At least this share (nine in ten) of a series' stamps must fit an anchor for it to be chosen.
fn fits_most(count: usize, total: usize) -> bool {
    count * 10 >= total * 9
}

impl MonthAnchor {
    fn detect(stamps: &[Stamp]) -> Self {
        let dates: Vec<NaiveDate> = stamps.iter().map(|s| s.date()).collect();
        let candidates = [Self::End, Self::Start, Self::LastWeekday, Self::FirstWeekday];
        candidates
            .into_iter()
            .find(|anchor| {
                fits_most(dates.iter().filter(|&&d| anchor.place(d) == d).count(), dates.len())
            })
            .unwrap_or_else(|| {
                let mut days = [0usize; 32];
                dates.iter().for_each(|d| days[d.day() as usize] += 1);
                Self::Day(
                    (1..32).max_by_key(|&d| (days[d], std::cmp::Reverse(d))).unwrap_or(1) as u32
                )
            })
    }

    /// The anchored day of `date`'s month.
    fn place(self, date: NaiveDate) -> NaiveDate {
        let first = date.with_day(1).expect("every month has a 1st");
        let last = first + Months::new(1) - chrono::Days::new(1);
        let weekday = |d: &NaiveDate| d.weekday().num_days_from_monday() < 5;
        match self {
            Self::End => last,
            Self::Start => first,
            Self::LastWeekday => {
                last.iter_days().rev().find(weekday).expect("a month has weekdays")
            }
            Self::FirstWeekday => first.iter_days().find(weekday).expect("a month has weekdays"),
            Self::Day(day) => first.with_day(day.min(last.day())).unwrap_or(last),
        }
    }

    /// The words after "monthly rows": `month-end`, `quarter-start`, `day 15`…
    fn words(self, months: u32) -> String {
        let period = match months {
            3 => "quarter",
            12 => "year",
            _ => "month",
        };
        match self {
            Self::End => format!("{period}-end"),
            Self::Start => format!("{period}-start"),
            Self::LastWeekday => format!("last weekday of the {period}"),
            Self::FirstWeekday => format!("first weekday of the {period}"),
            Self::Day(day) => format!("day {day} of the month"),
        }
    }
}

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

/// Up to this many consecutive stretches are compared to find a bar size that changes.
const STRETCHES: usize = 8;
/// Fewest gaps in a stretch.
const STRETCH_GAPS: usize = 20;

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

/// For stamps whose gaps vary only because of closed hours, weekends, holidays and missing
/// bars (a small daily file with a gap; two 4-hour bars a session): the shortest gap as the
/// bar, when at least half of the gaps step to the very next bar of its timetable.
fn session_bar(stamps: &[Stamp], gaps: &[Gap]) -> Option<BarSize> {
    let shortest = gaps
        .iter()
        .filter_map(|g| g.bar())
        .filter(|b| b.minutes() <= DAY_MINUTES as f64)
        .min_by(|a, b| a.minutes().total_cmp(&b.minutes()))?;
    let table = Timetable::learn(stamps, shortest.minutes() as u32);
    let steps = stamps.windows(2).filter(|w| table.next_after(w[0]) == w[1]).count();
    is_dominant(steps, gaps.len()).then_some(shortest)
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

/// A bar size that changes between the first and the last stretch of the file, each dominated
/// by its own gap.
fn bar_change(stamps: &[Stamp], gaps: &[Gap]) -> Option<BarChange> {
    let stretches = (gaps.len() / STRETCH_GAPS).min(STRETCHES);
    if stretches < 2 {
        return None;
    }
    let size = gaps.len().div_ceil(stretches);
    let dominants: Vec<Gap> = gaps
        .chunks(size)
        .filter_map(|chunk| {
            dominant(chunk)
                .filter(|&(_, count)| is_dominant(count, chunk.len()))
                .map(|(gap, _)| gap)
        })
        .collect();
    let (&first, &last) = (dominants.first()?, dominants.last()?);
    let (before, after) = (first.bar()?, last.bar()?);
    if before == after {
        return None;
    }
    // The later size starts at its first gap after which the earlier size never returns.
    let last_before = gaps.iter().rposition(|&g| g == first)?;
    let start = last_before + 1 + gaps[last_before + 1..].iter().position(|&g| g == last)?;
    Some(BarChange { before, after, at: stamps[start], rows_after: stamps.len() - start })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> Stamp {
        Stamp::from_date(NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> Stamp {
        Stamp(day(y, m, d).0 + (h * 3600 + min * 60) as i64)
    }

    fn labels(clock: &Clock, last: Stamp, n: usize) -> Vec<String> {
        clock.next_stamps(Some(last), n).into_iter().map(|s| clock.label(s.unwrap())).collect()
    }

    /// Every day from `first` to `last` for which `keep` is true.
    fn days(first: Stamp, last: Stamp, keep: impl Fn(Stamp) -> bool) -> Vec<Stamp> {
        (0..=(last.0 - first.0) / DAY)
            .map(|i| Stamp(first.0 + i * DAY))
            .filter(|s| keep(*s))
            .collect()
    }

    fn weekday(s: Stamp) -> bool {
        s.weekday().num_days_from_monday() < 5
    }

    #[test]
    fn business_days_with_holidays_are_daily_mon_to_fri() {
        let holidays = [day(2024, 1, 1), day(2024, 1, 15), day(2024, 2, 19), day(2024, 3, 29)];
        let stamps =
            days(day(2024, 1, 2), day(2024, 4, 26), |s| weekday(s) && !holidays.contains(&s));
        let clock = Clock::detect(&stamps);
        assert_eq!((clock.frequency().as_deref(), clock.week()), (Some("1d"), Some(5)));
        assert_eq!(clock.describe(stamps.len()), "81 daily rows, Mon–Fri");
        assert_eq!(labels(&clock, day(2024, 4, 26), 2), ["2024-04-29", "2024-04-30"]);
        assert!(clock.holiday_note().is_some());
        assert_eq!(clock.bars(30), "30 daily bars");
        assert_eq!(clock.span(100).as_deref(), Some("4.6 months"));
    }

    #[test]
    fn crypto_days_run_seven_days_a_week() {
        let stamps = days(day(2024, 1, 1), day(2024, 6, 30), |_| true);
        let clock = Clock::detect(&stamps);
        assert_eq!((clock.frequency().as_deref(), clock.week()), (Some("1d"), Some(7)));
        assert_eq!(clock.describe(1500), "1,500 daily rows, 7 days a week");
        assert_eq!(
            labels(&clock, day(2024, 6, 28), 2),
            ["2024-06-29", "2024-06-30"],
            "Friday → Saturday"
        );
        assert_eq!(clock.holiday_note(), None);
    }

    #[test]
    fn weekly_bars_keep_their_weekday() {
        let stamps = days(day(2020, 1, 6), day(2024, 12, 30), |s| s.weekday() == Weekday::Mon);
        let clock = Clock::detect(&stamps);
        assert_eq!((clock.frequency().as_deref(), clock.week()), (Some("1w"), None));
        assert_eq!(clock.describe(stamps.len()), "261 weekly rows (Mondays)");
        assert_eq!(labels(&clock, day(2024, 12, 30), 2), ["2025-01-06", "2025-01-13"]);
    }

    #[test]
    fn months_keep_their_end_or_start() {
        let ends: Vec<Stamp> = (0..156)
            .map(|i| {
                let first = NaiveDate::from_ymd_opt(2012, 1, 1).unwrap() + Months::new(i);
                Stamp::from_date(MonthAnchor::End.place(first))
            })
            .collect();
        let clock = Clock::detect(&ends);
        assert_eq!(clock.frequency().as_deref(), Some("1M"));
        assert_eq!(clock.describe(156), "156 monthly rows (month-end)");
        assert_eq!(
            labels(&clock, day(2024, 12, 31), 3),
            ["2025-01-31", "2025-02-28", "2025-03-31"]
        );
        assert_eq!(labels(&clock, day(2024, 1, 31), 1), ["2024-02-29"]);
        let starts: Vec<Stamp> = (0..120)
            .map(|i| {
                Stamp::from_date(NaiveDate::from_ymd_opt(2015, 1, 1).unwrap() + Months::new(i))
            })
            .collect();
        let clock = Clock::detect(&starts);
        assert_eq!(clock.describe(120), "120 monthly rows (month-start)");
        assert_eq!(labels(&clock, day(2024, 12, 1), 2), ["2025-01-01", "2025-02-01"]);
    }

    #[test]
    fn quarters_and_years() {
        let quarters: Vec<Stamp> = (0..100)
            .map(|i| {
                Stamp::from_date(NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + Months::new(3 * i))
            })
            .collect();
        let clock = Clock::detect(&quarters);
        assert_eq!(clock.frequency().as_deref(), Some("1Q"));
        assert_eq!(clock.describe(100), "100 quarterly rows (quarter-start)");
        assert_eq!(labels(&clock, day(2024, 10, 1), 2), ["2025-01-01", "2025-04-01"]);
        let quarter_ends: Vec<Stamp> = (0..40)
            .map(|i| {
                Stamp::from_date(
                    MonthAnchor::End
                        .place(NaiveDate::from_ymd_opt(2000, 3, 1).unwrap() + Months::new(3 * i)),
                )
            })
            .collect();
        assert_eq!(
            labels(&Clock::detect(&quarter_ends), day(2009, 12, 31), 2),
            ["2010-03-31", "2010-06-30"]
        );
        let years: Vec<Stamp> = (1985..2025).map(|y| day(y, 1, 1)).collect();
        let clock = Clock::detect(&years);
        assert_eq!(
            (clock.frequency().as_deref(), clock.describe(40)),
            (Some("1Y"), "40 yearly rows (year-start)".into())
        );
        assert_eq!(labels(&clock, day(2024, 1, 1), 1), ["2025-01-01"]);
    }

    #[test]
    fn hourly_fx_24_by_5_with_a_few_missing_bars() {
        let mut stamps: Vec<Stamp> = days(day(2017, 4, 17), day(2018, 2, 7), weekday)
            .into_iter()
            .flat_map(|d| (0..24).map(move |h| Stamp(d.0 + h * 3600)))
            .filter(|s| *s <= at(2018, 2, 7, 15, 0))
            .collect();
        stamps.retain(|s| s.date() != NaiveDate::from_ymd_opt(2017, 12, 25).unwrap());
        stamps.remove(1000);
        let clock = Clock::detect(&stamps);
        assert_eq!((clock.frequency().as_deref(), clock.week()), (Some("1h"), Some(5)));
        assert_eq!(clock.describe(5000), "5,000 hourly bars, 24 h Mon–Fri");
        assert_eq!(
            labels(&clock, at(2018, 2, 7, 15, 0), 2),
            ["2018-02-07 16:00", "2018-02-07 17:00"]
        );
        assert_eq!(labels(&clock, at(2018, 2, 9, 23, 0), 1), ["2018-02-12 00:00"]);
        assert_eq!(clock.bars(30), "30 hourly bars");
        assert_eq!(clock.span(48).as_deref(), Some("2 trading days"));
    }

    #[test]
    fn a_short_file_with_a_missing_day_is_still_daily() {
        let stamps = [day(2023, 1, 3), day(2023, 1, 4), day(2023, 1, 6), day(2023, 1, 9)];
        let clock = Clock::detect(&stamps);
        assert_eq!((clock.frequency().as_deref(), clock.week()), (Some("1d"), Some(5)));
        assert_eq!(labels(&clock, day(2023, 1, 9), 1), ["2023-01-10"]);
    }

    #[test]
    fn two_four_hour_bars_a_session_are_four_hourly() {
        let stamps: Vec<Stamp> = days(day(2024, 1, 1), day(2024, 3, 29), weekday)
            .into_iter()
            .flat_map(|d| [at_day(d, 9, 30), at_day(d, 13, 30)])
            .collect();
        let clock = Clock::detect(&stamps);
        assert_eq!(
            (clock.frequency().as_deref(), clock.describe(10)),
            (Some("4h"), "10 4-hour bars, 09:30–13:30 Mon–Fri".into())
        );
        assert_eq!(
            labels(&clock, at(2024, 3, 29, 13, 30), 2),
            ["2024-04-01 09:30", "2024-04-01 13:30"]
        );
    }

    #[test]
    fn no_dominant_gap_is_irregular() {
        let mut t = day(2024, 1, 1).0;
        let stamps: Vec<Stamp> = (0..200u64)
            .map(|i| {
                t += 3600 * (1 + (i * 7919 % 13) as i64) + 60 * (i % 7) as i64;
                Stamp(t)
            })
            .collect();
        let clock = Clock::detect(&stamps);
        assert_eq!(clock.frequency().as_deref(), Some("irregular"));
        assert_eq!(clock.next_stamps(stamps.last().copied(), 2), vec![None, None]);
        assert!(clock.irregular_note().unwrap().contains("numbered, not dated"));
        assert_eq!(clock.bars(3), "3 rows");
        assert_eq!(Clock::detect(&[]), Clock::Irregular { change: None, timed: false });
    }

    #[test]
    fn a_daily_history_followed_by_hourly_bars_is_a_change_not_a_bar_size() {
        let daily = days(day(2023, 1, 2), day(2023, 12, 29), weekday);
        let hourly: Vec<Stamp> = days(day(2024, 1, 2), day(2024, 1, 31), weekday)
            .into_iter()
            .flat_map(|d| (0..7).map(move |h| at_day(d, 9 + h, 30)))
            .collect();
        let stamps: Vec<Stamp> = daily.iter().chain(&hourly).copied().collect();
        let clock = Clock::detect(&stamps);
        assert_eq!(clock.frequency().as_deref(), Some("irregular"));
        let Clock::Irregular { change: Some(change), timed: true } = &clock else {
            panic!("{clock:?}")
        };
        assert_eq!(
            (change.before, change.after, change.at, change.rows_after),
            (BarSize::DAY, BarSize::Minutes(60), at(2024, 1, 2, 9, 30), hourly.len())
        );
        let note = clock.irregular_note().unwrap();
        assert!(
            note.contains("set bars=1d") && note.contains(&format!("last={}", hourly.len())),
            "{note}"
        );
    }

    fn at_day(d: Stamp, h: u32, m: u32) -> Stamp {
        Stamp(d.0 + (h * 3600 + m * 60) as i64)
    }

    #[test]
    fn numbers_get_thousands_separators() {
        assert_eq!(
            (thousands(5), thousands(5000), thousands(1234567)),
            ("5".into(), "5,000".into(), "1,234,567".into())
        );
    }
}
