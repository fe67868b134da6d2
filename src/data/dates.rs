//! Dates as exporters write them: the many formats, and which of `01/02` is the day.

use chrono::NaiveDate;

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

/// Splits a stamp cell into its date and the rest (a time of day, an offset):
/// `2018-09-28T16:00:00Z` → (`2018-09-28`, `16:00:00Z`), `28.09.2018 09:00` → (`28.09.2018`,
/// `09:00`), `Sep 28, 2018` → (`Sep 28, 2018`, ``).
pub fn split_stamp(value: &str) -> (&str, &str) {
    let value = value.trim();
    let bytes = value.as_bytes();
    if bytes.len() > 10
        && (bytes[4] == b'-' || bytes[4] == b'/' || bytes[4] == b'.')
        && matches!(bytes[10], b'T' | b' ')
    {
        return (&value[..10], &value[10..]);
    }
    match value.split_once(' ') {
        Some((first, rest))
            if first.len() >= 8
                && !first.ends_with(',')
                && first.bytes().next().is_some_and(|b| b.is_ascii_digit()) =>
        {
            (first, rest)
        }
        _ => (value, ""),
    }
}

/// The date at the start of a stamp cell, its time of day ignored.
fn date_part(value: &str) -> &str {
    split_stamp(value).0
}

/// `YYYY-MM-DD` read without chrono's format machinery: the common case on files of a million
/// rows.
fn iso_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| {
        text[range]
            .bytes()
            .try_fold(0u32, |n, d| d.is_ascii_digit().then(|| n * 10 + (d - b'0') as u32))
    };
    NaiveDate::from_ymd_opt(number(0..4)? as i32, number(5..7)?, number(8..10)?)
}

/// Parses the date of one cell (time of day ignored) in any of the formats common exporters
/// write.
pub fn parse_date(value: &str, order: DayOrder) -> Option<NaiveDate> {
    parse_date_part(date_part(value.trim().trim_matches('"')), order)
}

/// Parses a date without a time of day in any of the formats common exporters write.
pub fn parse_date_part(text: &str, order: DayOrder) -> Option<NaiveDate> {
    if text.is_empty() {
        return None;
    }
    if let Some(date) = iso_date(text) {
        return Some(date);
    }
    for format in ["%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"] {
        if let Ok(date) = NaiveDate::parse_from_str(text, format) {
            return Some(date);
        }
    }
    let numeric = match order {
        DayOrder::MonthFirst => ["%m/%d/%Y", "%m.%d.%Y", "%m-%d-%Y"],
        DayOrder::DayFirst => ["%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"],
    };
    for format in numeric {
        if let Ok(date) = NaiveDate::parse_from_str(text, format) {
            return Some(date);
        }
    }
    for format in
        ["%b %d, %Y", "%B %d, %Y", "%d-%b-%Y", "%d-%B-%Y", "%d %b %Y", "%d %B %Y", "%d-%b-%y"]
    {
        if let Ok(date) = NaiveDate::parse_from_str(text, format) {
            return Some(date);
        }
    }
    None
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
}
