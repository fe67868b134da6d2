//! Dates as exporters write them, and the business-day calendar forecasts continue on.

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// Which of the two small numbers in `01/02/2020` is the day. Decided once per column, since a
/// single row such as `01/02/2020` cannot tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DayOrder {
    MonthFirst,
    DayFirst,
}

/// Picks the day order for a whole column: a first field above 12 proves day-first, a second
/// field above 12 proves month-first; with no proof either way (the `bool` is then false), US
/// month-first is assumed for `/` and day-first for `.` and `-` (European style).
pub fn detect_day_order<'a>(values: impl Iterator<Item = &'a str>) -> (DayOrder, bool) {
    let mut slash = false;
    for value in values {
        let Some((a, b, sep)) = numeric_day_month(value) else { continue };
        if a > 12 {
            return (DayOrder::DayFirst, true);
        }
        if b > 12 {
            return (DayOrder::MonthFirst, true);
        }
        slash |= sep == '/';
    }
    (if slash { DayOrder::MonthFirst } else { DayOrder::DayFirst }, false)
}

/// The first two fields of `dd?mm?yyyy`-shaped dates (year last), with their separator.
fn numeric_day_month(value: &str) -> Option<(u32, u32, char)> {
    let value = date_part(value);
    let sep = ['/', '.', '-'].into_iter().find(|s| value.contains(*s))?;
    let mut fields = value.split(sep);
    let (a, b, year) = (fields.next()?, fields.next()?, fields.next()?);
    if year.len() != 4 || a.len() > 2 || b.len() > 2 {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?, sep))
}

/// Drops a time of day (`2018-09-28 00:00:00`, `2018-09-28T16:00:00Z`) so only the date is parsed.
fn date_part(value: &str) -> &str {
    let value = value.trim();
    if value.len() > 10 && value.as_bytes()[4] == b'-' {
        return value[..10].trim_end_matches(['T', ' ']);
    }
    value.split(' ').next().filter(|first| first.len() >= 8 && !first.ends_with(',')).unwrap_or(value)
}

/// Parses one date cell in any of the formats common exporters write.
pub fn parse_date(value: &str, order: DayOrder) -> Option<NaiveDate> {
    let text = value.trim().trim_matches('"');
    if text.is_empty() {
        return None;
    }
    let iso_like = date_part(text);
    for format in ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"] {
        if let Ok(date) = NaiveDate::parse_from_str(iso_like, format) {
            return Some(date);
        }
    }
    let numeric = match order {
        DayOrder::MonthFirst => ["%m/%d/%Y", "%m.%d.%Y", "%m-%d-%Y"],
        DayOrder::DayFirst => ["%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"],
    };
    for format in numeric {
        if let Ok(date) = NaiveDate::parse_from_str(iso_like, format) {
            return Some(date);
        }
    }
    for format in ["%b %d, %Y", "%B %d, %Y", "%d-%b-%Y", "%d-%B-%Y", "%d %b %Y", "%d %B %Y", "%d-%b-%y"] {
        if let Ok(date) = NaiveDate::parse_from_str(text, format) {
            return Some(date);
        }
    }
    None
}

/// The unit of a time column written as a Unix epoch count (API exports): seconds or milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum EpochUnit {
    Seconds,
    Milliseconds,
}

/// Plausible epoch seconds: 1973-03-03 (1e8, so that prices and small counts are never taken
/// for dates) to 2100-01-01.
const EPOCH_SECONDS: std::ops::RangeInclusive<f64> = 1e8..=4_102_444_800.0;

impl EpochUnit {
    fn per_second(self) -> f64 {
        match self {
            Self::Seconds => 1.0,
            Self::Milliseconds => 1000.0,
        }
    }

    /// The words the cleaning notes use.
    pub fn name(self) -> &'static str {
        match self {
            Self::Seconds => "Unix epoch seconds",
            Self::Milliseconds => "Unix epoch milliseconds",
        }
    }
}

/// The whole number a cell holds, if it holds one (`1672704000`, `1672704000.0`).
fn whole_number(cell: &str) -> Option<f64> {
    let value: f64 = cell.trim().trim_matches('"').parse().ok()?;
    (value.is_finite() && value.fract() == 0.0).then_some(value)
}

/// The epoch unit of a column whose cells are all whole numbers of plausible epoch seconds, or
/// all plausible epoch milliseconds (1973–2100); `None` for anything else, an empty column too.
/// Cells that are empty or missing are skipped (as summary lines are for text dates).
pub fn detect_epoch<'a>(cells: impl Iterator<Item = &'a str>) -> Option<EpochUnit> {
    let mut unit = None;
    for cell in cells.filter(|c| !c.trim().is_empty()) {
        let value = whole_number(cell)?;
        let this = [EpochUnit::Seconds, EpochUnit::Milliseconds].into_iter().find(|u| EPOCH_SECONDS.contains(&(value / u.per_second())))?;
        if unit.is_some_and(|u| u != this) {
            return None;
        }
        unit = Some(this);
    }
    unit
}

/// The UTC day of an epoch count in `unit`.
pub fn parse_epoch(cell: &str, unit: EpochUnit) -> Option<NaiveDate> {
    let seconds = whole_number(cell)? / unit.per_second();
    EPOCH_SECONDS.contains(&seconds).then(|| chrono::DateTime::from_timestamp(seconds.floor() as i64, 0)).flatten().map(|t| t.date_naive())
}

/// How a date column is read: as text in a day order, or as epoch counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateReading {
    Text(DayOrder),
    Epoch(EpochUnit),
}

impl DateReading {
    /// The date in one cell, `None` when it cannot be read this way.
    pub fn read(self, cell: &str) -> Option<NaiveDate> {
        match self {
            Self::Text(order) => parse_date(cell, order),
            Self::Epoch(unit) => parse_epoch(cell, unit),
        }
    }
}

/// The trading day after `date`, skipping Saturdays and Sundays (holidays are not known).
pub fn next_business_day(date: NaiveDate) -> NaiveDate {
    let mut next = date + Days::new(1);
    while matches!(next.weekday(), Weekday::Sat | Weekday::Sun) {
        next = next + Days::new(1);
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_the_formats_exporters_write() {
        let us = DayOrder::MonthFirst;
        assert_eq!(parse_date("2018-09-28", us), Some(d(2018, 9, 28)));
        assert_eq!(parse_date("2018-09-28 00:00:00", us), Some(d(2018, 9, 28)));
        assert_eq!(parse_date("2018-09-28T16:00:00Z", us), Some(d(2018, 9, 28)));
        assert_eq!(parse_date("09/28/2018", us), Some(d(2018, 9, 28)));
        assert_eq!(parse_date("Sep 28, 2018", us), Some(d(2018, 9, 28)));
        assert_eq!(parse_date("28-Sep-2018", us), Some(d(2018, 9, 28)));
        assert_eq!(parse_date("28-September-2018", us), Some(d(2018, 9, 28)));
        assert_eq!(parse_date("20180928", us), Some(d(2018, 9, 28)));
        assert_eq!(parse_date("28.09.2018", DayOrder::DayFirst), Some(d(2018, 9, 28)));
        assert_eq!(parse_date("233.75", us), None);
        assert_eq!(parse_date("", us), None);
    }

    #[test]
    fn day_order_is_decided_by_the_whole_column() {
        let us = ["01/02/2020", "01/15/2020"];
        assert_eq!(detect_day_order(us.into_iter()), (DayOrder::MonthFirst, true));
        let eu = ["01/02/2020", "15/01/2020"];
        assert_eq!(detect_day_order(eu.into_iter()), (DayOrder::DayFirst, true));
        assert_eq!(detect_day_order(["01.02.2020"].into_iter()), (DayOrder::DayFirst, false));
        assert_eq!(detect_day_order(["01/02/2020"].into_iter()), (DayOrder::MonthFirst, false));
    }

    #[test]
    fn epoch_columns_are_recognised_as_a_whole() {
        let seconds = ["1672704000", "1672790400.0", ""];
        assert_eq!(detect_epoch(seconds.into_iter()), Some(EpochUnit::Seconds));
        assert_eq!(detect_epoch(["1672704000000", "1672790400000"].into_iter()), Some(EpochUnit::Milliseconds));
        assert_eq!(parse_epoch("1672704000", EpochUnit::Seconds), Some(d(2023, 1, 3)));
        assert_eq!(parse_epoch("1672790399999", EpochUnit::Milliseconds), Some(d(2023, 1, 3)));
        assert_eq!(DateReading::Epoch(EpochUnit::Seconds).read("1672704000"), Some(d(2023, 1, 3)));
        // Prices, volumes, fractions, units mixed, dates past 2100: not epoch columns.
        assert_eq!(detect_epoch(["125.07", "130.15"].into_iter()), None);
        assert_eq!(detect_epoch(["1672704000.5"].into_iter()), None);
        assert_eq!(detect_epoch(["1672704000", "1672704000000"].into_iter()), None);
        assert_eq!(detect_epoch(["5000000000"].into_iter()), None);
        assert_eq!(detect_epoch(["2023-01-03"].into_iter()), None);
        assert_eq!(detect_epoch([""].into_iter()), None);
    }

    #[test]
    fn business_days_skip_weekends() {
        assert_eq!(next_business_day(d(2018, 9, 28)), d(2018, 10, 1)); // Friday → Monday
        assert_eq!(next_business_day(d(2018, 10, 1)), d(2018, 10, 2));
        assert_eq!(next_business_day(d(2018, 9, 29)), d(2018, 10, 1)); // Saturday → Monday
    }
}
