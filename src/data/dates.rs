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
    fn business_days_skip_weekends() {
        assert_eq!(next_business_day(d(2018, 9, 28)), d(2018, 10, 1)); // Friday → Monday
        assert_eq!(next_business_day(d(2018, 10, 1)), d(2018, 10, 2));
        assert_eq!(next_business_day(d(2018, 9, 29)), d(2018, 10, 1)); // Saturday → Monday
    }
}
