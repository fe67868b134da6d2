//! A row's moment as the file shows it: a date with its time of day (a bar's stamp), read from
//! text (`2017-04-19 09:00:00`, `2024-03-01T09:15:00+05:30`, `3/1/2024 1:30 PM`), from a date
//! column joined with a time column, or from Unix epoch counts.

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike, Weekday};
use serde::{Deserialize, Serialize};

use super::dates::{DayOrder, parse_date_part, split_stamp};

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// Days from 0001-01-01 (chrono's `num_days_from_ce` origin) to 1970-01-01.
const UNIX_DAY_FROM_CE: i64 = 719_163;

/// A wall-clock moment to the second, as written in the file (no time zone applied), stored as
/// seconds since 1970-01-01 00:00 so that sorting, gaps and serialisation are plain integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Stamp(pub i64);

impl Stamp {
    /// Midnight at the start of `date`.
    pub fn from_date(date: NaiveDate) -> Self {
        Stamp((date.num_days_from_ce() as i64 - UNIX_DAY_FROM_CE) * DAY)
    }

    /// `date` at `seconds` after midnight.
    pub fn at(date: NaiveDate, seconds: u32) -> Self {
        Stamp(Self::from_date(date).0 + seconds as i64)
    }

    pub fn from_datetime(moment: NaiveDateTime) -> Self {
        Stamp(moment.and_utc().timestamp())
    }

    pub fn datetime(self) -> NaiveDateTime {
        DateTime::from_timestamp(self.0, 0).map_or(NaiveDateTime::MIN, |t| t.naive_utc())
    }

    pub fn date(self) -> NaiveDate {
        self.datetime().date()
    }

    pub fn weekday(self) -> Weekday {
        self.date().weekday()
    }

    /// Seconds since midnight.
    pub fn second_of_day(self) -> u32 {
        self.0.rem_euclid(DAY) as u32
    }

    /// Seconds since the Monday 00:00 that starts this stamp's week.
    pub fn second_of_week(self) -> i64 {
        // 1970-01-01 was a Thursday: shift so that weeks start on Mondays.
        (self.0 + 3 * DAY).rem_euclid(7 * DAY)
    }

    /// Whether the stamp has a time of day other than midnight.
    pub fn has_time(self) -> bool {
        self.second_of_day() != 0
    }

    /// The stamp as a (fractional) day number, the x axis of the charts: days since 0001-01-01
    /// as chrono counts them, so whole days keep the numbers they had when rows were days.
    pub fn day_number(self) -> f64 {
        self.0 as f64 / DAY as f64 + UNIX_DAY_FROM_CE as f64
    }

    /// The stamp at a day number (the inverse of [`Stamp::day_number`], to the second).
    pub fn from_day_number(day: f64) -> Self {
        Stamp(((day - UNIX_DAY_FROM_CE as f64) * DAY as f64).round() as i64)
    }

    /// `YYYY-MM-DD HH:MM` (with `:SS` when the seconds are not 0), or `YYYY-MM-DD` when `timed`
    /// is false: how intraday and daily-or-coarser data write their stamps.
    pub fn label(self, timed: bool) -> String {
        let t = self.datetime();
        match (timed, t.second()) {
            (false, _) => t.format("%Y-%m-%d").to_string(),
            (true, 0) => t.format("%Y-%m-%d %H:%M").to_string(),
            (true, _) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        }
    }
}

impl fmt::Display for Stamp {
    /// The date, with the time of day when it is not midnight.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label(self.has_time()))
    }
}

/// An offset from UTC written in a stamp (`+05:30`, `Z`), in seconds east of UTC.
pub type Offset = i32;

/// Writes an offset as ISO does: `+05:30`, `-04:00`, `UTC` for zero.
pub fn offset_label(offset: Offset) -> String {
    if offset == 0 {
        return "UTC".into();
    }
    let sign = if offset < 0 { '-' } else { '+' };
    let minutes = offset.unsigned_abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Reads one stamp cell: a date in any format [`parse_date_part`] knows, optionally followed by
/// a time of day and an offset. Returns the wall-clock stamp and the offset when one was written.
pub fn parse_stamp(cell: &str, order: DayOrder) -> Option<(Stamp, Option<Offset>)> {
    let (date, rest) = split_stamp(cell.trim().trim_matches('"'));
    let date = parse_date_part(date, order)?;
    if rest.is_empty() {
        return Some((Stamp::from_date(date), None));
    }
    let (seconds, offset) = parse_clock(rest)?;
    Some((Stamp::at(date, seconds), offset))
}

/// A time of day with an optional offset after it: `09:00:00`, `T16:00:00Z`, `09:15:00+05:30`,
/// `1:30 PM`, `00:00:00 UTC`, `090000` (after a `YYYYMMDD` date).
fn parse_clock(text: &str) -> Option<(u32, Option<Offset>)> {
    let text = text.trim_start_matches(['T', ' ']).trim_end();
    let end = text.find(['Z', 'z', '+', '-', ' ']).unwrap_or(text.len());
    let (time, mut rest) = text.split_at(end);
    let mut seconds = parse_time_of_day(time)?;
    let trimmed = rest.trim_start();
    if let Some(meridiem) = meridiem(trimmed) {
        seconds = apply_meridiem(seconds, meridiem)?;
        rest = &trimmed[2..];
    }
    let offset = match rest.trim() {
        "" => None,
        zone => Some(parse_offset(zone)?),
    };
    Some((seconds, offset))
}

/// `AM` or `PM` (any case) at the start of `text`: false for AM, true for PM.
fn meridiem(text: &str) -> Option<bool> {
    let head = text.get(..2)?;
    match head.to_ascii_uppercase().as_str() {
        "AM" => Some(false),
        "PM" => Some(true),
        _ => None,
    }
}

/// A 12-hour clock's time on the 24-hour clock (`12:05 AM` is 00:05, `12:05 PM` 12:05).
fn apply_meridiem(seconds: u32, pm: bool) -> Option<u32> {
    let hour = seconds / 3600;
    if !(1..=12).contains(&hour) {
        return None;
    }
    let hour = hour % 12 + if pm { 12 } else { 0 };
    Some(hour * 3600 + seconds % 3600)
}

/// `Z`, `UTC`, `GMT`, `+05:30`, `-0400`, `+05`.
fn parse_offset(zone: &str) -> Option<Offset> {
    if ["Z", "z", "UTC", "GMT"].contains(&zone) {
        return Some(0);
    }
    let (sign, digits) = match zone.as_bytes().first()? {
        b'+' => (1, &zone[1..]),
        b'-' => (-1, &zone[1..]),
        _ => return None,
    };
    let digits: String = digits.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (hours, minutes): (i32, i32) = match digits.len() {
        2 => (digits.parse().ok()?, 0),
        4 => (digits[..2].parse().ok()?, digits[2..].parse().ok()?),
        _ => return None,
    };
    (hours <= 14 && minutes < 60).then_some(sign * (hours * 3600 + minutes * 60))
}

/// A time of day in seconds: `9:30`, `09:30:00`, `09:30:00.000`, `093000`, `0930`, `9:30 AM`,
/// `01:30:00 PM`. `None` for anything else (a price, a date).
pub fn parse_time_of_day(cell: &str) -> Option<u32> {
    let text = cell.trim().trim_matches('"');
    let (clock, pm) =
        match text.len().checked_sub(2).and_then(|i| meridiem(&text[i..]).map(|pm| (i, pm))) {
            Some((i, pm)) => (text[..i].trim_end(), Some(pm)),
            None => (text, None),
        };
    let seconds = if clock.contains(':') {
        let mut fields = clock.split(':');
        let hour = small_number(fields.next()?, 1..=2)?;
        let minute = small_number(fields.next()?, 2..=2)?;
        let second = match fields.next() {
            Some(s) => small_number(s.split('.').next()?, 2..=2)?,
            None => 0,
        };
        if fields.next().is_some() || hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        hour * 3600 + minute * 60 + second
    } else {
        // `HHMMSS` (MetaTrader, HistData) or `HHMM`; never a 1–3 digit number.
        let (hour, minute, second) = match clock.len() {
            6 => (
                small_number(&clock[..2], 2..=2)?,
                small_number(&clock[2..4], 2..=2)?,
                small_number(&clock[4..], 2..=2)?,
            ),
            4 => (small_number(&clock[..2], 2..=2)?, small_number(&clock[2..], 2..=2)?, 0),
            _ => return None,
        };
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        hour * 3600 + minute * 60 + second
    };
    match pm {
        Some(pm) => apply_meridiem(seconds, pm),
        None => Some(seconds),
    }
}

/// A number of `digits` ASCII digits.
fn small_number(text: &str, digits: std::ops::RangeInclusive<usize>) -> Option<u32> {
    (digits.contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// The unit of a time column written as a Unix epoch count (API exports and exchange dumps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum EpochUnit {
    Seconds,
    Milliseconds,
    Microseconds,
    Nanoseconds,
}

/// Plausible epoch seconds: 1973-03-03 (1e8, so that prices and small counts are never taken
/// for dates) to 2100-01-01.
const EPOCH_SECONDS: std::ops::RangeInclusive<i64> = 100_000_000..=4_102_444_800;

impl EpochUnit {
    const ALL: [EpochUnit; 4] =
        [Self::Seconds, Self::Milliseconds, Self::Microseconds, Self::Nanoseconds];

    fn per_second(self) -> i64 {
        match self {
            Self::Seconds => 1,
            Self::Milliseconds => 1_000,
            Self::Microseconds => 1_000_000,
            Self::Nanoseconds => 1_000_000_000,
        }
    }

    /// The words the cleaning notes use.
    pub fn name(self) -> &'static str {
        match self {
            Self::Seconds => "Unix epoch seconds",
            Self::Milliseconds => "Unix epoch milliseconds",
            Self::Microseconds => "Unix epoch microseconds",
            Self::Nanoseconds => "Unix epoch nanoseconds",
        }
    }

    /// The unit whose plausible range holds `count` (the ranges do not overlap: each unit is a
    /// thousand times the last, and the range spans less than a factor of 41).
    fn of(count: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|u| EPOCH_SECONDS.contains(&(count / u.per_second())))
    }
}

/// The whole number a cell holds, if it holds one (`1672704000`, `1672704000.0`).
fn whole_number(cell: &str) -> Option<i64> {
    let text = cell.trim().trim_matches('"');
    let digits = text.strip_suffix(".0").unwrap_or(text);
    if let Ok(value) = digits.parse::<i64>() {
        return Some(value);
    }
    let value: f64 = text.parse().ok()?;
    (value.is_finite() && value.fract() == 0.0 && value.abs() < 9e18).then_some(value as i64)
}

/// The epoch unit of a column whose cells are all whole numbers of plausible epoch counts in
/// one unit (1973–2100, the unit told apart by magnitude); `None` for anything else, an empty
/// column too. Cells that are empty are skipped (as summary lines are for text dates).
pub fn detect_epoch<'a>(cells: impl Iterator<Item = &'a str>) -> Option<EpochUnit> {
    let mut unit = None;
    for cell in cells.filter(|c| !c.trim().is_empty()) {
        let this = EpochUnit::of(whole_number(cell)?)?;
        if unit.is_some_and(|u| u != this) {
            return None;
        }
        unit = Some(this);
    }
    unit
}

/// The UTC moment of an epoch count in `unit`, to the second (finer parts are dropped).
pub fn parse_epoch(cell: &str, unit: EpochUnit) -> Option<Stamp> {
    let seconds = whole_number(cell)?.div_euclid(unit.per_second());
    EPOCH_SECONDS.contains(&seconds).then_some(Stamp(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> Stamp {
        Stamp::at(NaiveDate::from_ymd_opt(y, m, d).unwrap(), h * 3600 + min * 60)
    }

    #[test]
    fn stamps_keep_their_time_of_day_and_offset() {
        let us = DayOrder::MonthFirst;
        assert_eq!(parse_stamp("2017-04-19 09:00:00", us), Some((at(2017, 4, 19, 9, 0), None)));
        assert_eq!(
            parse_stamp("2018-09-28T16:00:00Z", us),
            Some((at(2018, 9, 28, 16, 0), Some(0)))
        );
        assert_eq!(
            parse_stamp("2024-03-01 09:15:00+05:30", us),
            Some((at(2024, 3, 1, 9, 15), Some(19_800)))
        );
        assert_eq!(
            parse_stamp("2024-03-08 09:30:00-05:00", us),
            Some((at(2024, 3, 8, 9, 30), Some(-18_000)))
        );
        assert_eq!(parse_stamp("3/1/2024 1:30 PM", us), Some((at(2024, 3, 1, 13, 30), None)));
        assert_eq!(parse_stamp("03/01/2024 12:05:00 AM", us), Some((at(2024, 3, 1, 0, 5), None)));
        assert_eq!(
            parse_stamp("2013-04-28 00:00:00 UTC", us),
            Some((at(2013, 4, 28, 0, 0), Some(0)))
        );
        assert_eq!(parse_stamp("20170419 090000", us), Some((at(2017, 4, 19, 9, 0), None)));
        assert_eq!(
            parse_stamp("19.04.2017 09:00:00.000", DayOrder::DayFirst),
            Some((at(2017, 4, 19, 9, 0), None))
        );
        assert_eq!(parse_stamp("2018-09-28", us), Some((at(2018, 9, 28, 0, 0), None)));
        assert_eq!(parse_stamp("2018-09-28 25:00", us), None);
        assert_eq!(parse_stamp("2018-09-28 09:00 Mars", us), None);
    }

    #[test]
    fn times_of_day_in_the_forms_exporters_write() {
        assert_eq!(parse_time_of_day("09:30"), Some(34_200));
        assert_eq!(parse_time_of_day("9:30"), Some(34_200));
        assert_eq!(parse_time_of_day("09:30:15"), Some(34_215));
        assert_eq!(parse_time_of_day("093000"), Some(34_200));
        assert_eq!(parse_time_of_day("0930"), Some(34_200));
        assert_eq!(parse_time_of_day("1:30 PM"), Some(48_600));
        assert_eq!(parse_time_of_day("12:00 AM"), Some(0));
        assert_eq!(parse_time_of_day("13:30 PM"), None);
        assert_eq!(parse_time_of_day("233.75"), None);
        assert_eq!(parse_time_of_day("9h30"), None);
        assert_eq!(parse_time_of_day("930"), None);
    }

    #[test]
    fn epoch_units_are_told_apart_by_magnitude() {
        let start = at(2023, 1, 3, 0, 0);
        assert_eq!(
            detect_epoch(["1672704000", "1672790400.0", ""].into_iter()),
            Some(EpochUnit::Seconds)
        );
        assert_eq!(detect_epoch(["1672704000000"].into_iter()), Some(EpochUnit::Milliseconds));
        assert_eq!(detect_epoch(["1672704000000000"].into_iter()), Some(EpochUnit::Microseconds));
        assert_eq!(detect_epoch(["1672704000000000000"].into_iter()), Some(EpochUnit::Nanoseconds));
        assert_eq!(parse_epoch("1672704000", EpochUnit::Seconds), Some(start));
        assert_eq!(
            parse_epoch("1672707599999", EpochUnit::Milliseconds),
            Some(Stamp(start.0 + 3599))
        );
        assert_eq!(
            parse_epoch("1672736400000000", EpochUnit::Microseconds),
            Some(at(2023, 1, 3, 9, 0))
        );
        // Prices, volumes, fractions, units mixed, dates past 2100: not epoch columns.
        assert_eq!(detect_epoch(["125.07", "130.15"].into_iter()), None);
        assert_eq!(detect_epoch(["1672704000.5"].into_iter()), None);
        assert_eq!(detect_epoch(["1672704000", "1672704000000"].into_iter()), None);
        assert_eq!(detect_epoch(["5000000000"].into_iter()), None);
        assert_eq!(detect_epoch(["2023-01-03"].into_iter()), None);
        assert_eq!(detect_epoch([""].into_iter()), None);
    }

    #[test]
    fn stamps_print_as_their_data_writes_them() {
        let stamp = at(2018, 2, 7, 16, 0);
        assert_eq!(stamp.label(true), "2018-02-07 16:00");
        assert_eq!(stamp.label(false), "2018-02-07");
        assert_eq!(stamp.to_string(), "2018-02-07 16:00");
        assert_eq!(at(2018, 2, 7, 0, 0).to_string(), "2018-02-07");
        assert_eq!(stamp.weekday(), Weekday::Wed);
        assert_eq!(stamp.second_of_week(), 2 * DAY + 16 * 3600);
        let day = NaiveDate::from_ymd_opt(2018, 2, 7).unwrap();
        assert_eq!(Stamp::from_date(day).day_number(), day.num_days_from_ce() as f64);
        assert_eq!(Stamp::from_day_number(stamp.day_number()), stamp);
        assert_eq!(
            (offset_label(19_800), offset_label(-14_400), offset_label(0)),
            ("+05:30".into(), "-04:00".into(), "UTC".into())
        );
    }
}
