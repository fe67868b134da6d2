//! Where a month, quarter or year bar sits in its period: month-end, month-start, the last or
//! first weekday, or a day of the month.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::super::stamp::Stamp;

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
    pub(super) fn detect(stamps: &[Stamp]) -> Self {
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
    pub(super) fn place(self, date: NaiveDate) -> NaiveDate {
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
    pub(super) fn words(self, months: u32) -> String {
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
