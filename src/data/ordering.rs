//! Rows into time order: one clock for a file whose offsets change (a daylight-saving change),
//! oldest first, and each stamp once.

use super::stamp::{Offset, Stamp};
use super::table::CleaningReport;

/// One cleaned row on its way into the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub stamp: Option<Stamp>,
    /// The offset written with the stamp, if any.
    pub offset: Option<Offset>,
    /// The row's index among the file's rows, where its values are.
    pub source: usize,
}

/// Orders stamped `rows` oldest first and drops repeated stamps (the first kept), recording in
/// `report` the offsets seen, whether the rows were turned around or sorted, and the repeats
/// (`same_values(a, b)`: whether source rows `a` and `b` hold the same values).
///
/// Wall-clock times are kept as written, even when the offset changes part-way (a US session
/// stays 09:30–15:55 across the daylight-saving change). Only where wall-clock time would
/// lose or duplicate bars (24 h data in local time repeats an hour when clocks go back) is
/// every stamp moved to the last offset seen, so the rows keep their true order.
pub fn order(
    rows: &mut Vec<Row>,
    report: &mut CleaningReport,
    same_values: impl Fn(usize, usize) -> bool,
) {
    for row in rows.iter() {
        if let Some(offset) = row.offset
            && !report.offsets.contains(&offset)
        {
            report.offsets.push(offset);
        }
    }
    if report.offsets.len() > 1 && wall_clock_conflicts(rows) {
        let last = rows
            .iter()
            .filter_map(|r| Some((instant(r)?, r.offset?)))
            .max_by_key(|&(at, _)| at)
            .map(|(_, o)| o)
            .unwrap_or(0);
        for row in rows.iter_mut() {
            if let (Some(at), Some(_)) = (instant(row), row.offset) {
                row.stamp = Some(Stamp(at + last as i64));
                row.offset = Some(last);
            }
        }
        report.one_clock = Some(last);
    }
    let ascending = rows.windows(2).all(|w| w[0].stamp <= w[1].stamp);
    let descending = rows.windows(2).all(|w| w[0].stamp >= w[1].stamp);
    if !ascending {
        if descending {
            rows.reverse();
            report.reversed = true;
        } else {
            rows.sort_by_key(|row| row.stamp);
            report.resorted = true;
        }
    }
    let before = rows.len();
    let mut conflicting = 0;
    rows.dedup_by(|later, earlier| {
        let repeated = later.stamp == earlier.stamp;
        conflicting += usize::from(repeated && !same_values(later.source, earlier.source));
        repeated
    });
    report.duplicate_dates = before - rows.len();
    report.conflicting_duplicates = conflicting;
    report.timed = rows.iter().any(|r| r.stamp.is_some_and(Stamp::has_time));
}

/// The row's moment in UTC seconds, when it was written with an offset.
fn instant(row: &Row) -> Option<i64> {
    Some(row.stamp?.0 - row.offset? as i64)
}

/// Whether two different moments have the same or reversed wall-clock times.
fn wall_clock_conflicts(rows: &[Row]) -> bool {
    let mut moments: Vec<(i64, Stamp)> =
        rows.iter().filter_map(|r| Some((instant(r)?, r.stamp?))).collect();
    moments.sort_unstable();
    moments.windows(2).any(|w| w[0].0 < w[1].0 && w[0].1 >= w[1].1)
}

/// The offsets in words for the notes: `-05:00 and -04:00`.
pub fn offsets_words(offsets: &[Offset]) -> String {
    let labels: Vec<String> = offsets.iter().map(|&o| super::stamp::offset_label(o)).collect();
    match labels.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => labels.join(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::stamp::DAY;

    /// A row whose value is its source index: the tests' `same` compares those.
    fn row(hour: i64, offset: Option<Offset>, value: usize) -> Row {
        Row { stamp: Some(Stamp(19_000 * DAY + hour * 3600)), offset, source: value }
    }

    fn same(a: usize, b: usize) -> bool {
        a == b
    }

    #[test]
    fn a_session_across_a_daylight_saving_change_keeps_its_wall_clock() {
        // 15:00 at -05:00, then the next days' 09:00 and 10:00 at -04:00.
        let mut rows = vec![
            row(15, Some(-18_000), 1),
            row(24 + 9, Some(-14_400), 2),
            row(24 + 10, Some(-14_400), 3),
        ];
        let mut report = CleaningReport::default();
        order(&mut rows, &mut report, same);
        assert_eq!((report.offsets.clone(), report.one_clock), (vec![-18_000, -14_400], None));
        assert_eq!(rows[1].stamp, Some(Stamp(19_000 * DAY + 33 * 3600)));
        assert_eq!(offsets_words(&report.offsets), "-05:00 and -04:00");
    }

    #[test]
    fn a_repeated_wall_clock_hour_moves_every_stamp_to_the_last_offset() {
        // 24 h data in local time, clocks going back: 01:00 happens at -04:00, then at -05:00.
        let mut rows = vec![
            row(0, Some(-14_400), 1),
            row(1, Some(-14_400), 2),
            row(1, Some(-18_000), 3),
            row(2, Some(-18_000), 4),
        ];
        let mut report = CleaningReport::default();
        order(&mut rows, &mut report, same);
        assert_eq!(report.one_clock, Some(-18_000));
        assert_eq!(rows.len(), 4, "no bar lost");
        assert_eq!(report.duplicate_dates, 0, "no bar taken for a repeat");
        let hours: Vec<i64> =
            rows.iter().map(|r| (r.stamp.unwrap().0 - 19_000 * DAY) / 3600).collect();
        assert_eq!(hours, [-1, 0, 1, 2]);
    }

    #[test]
    fn repeated_stamps_with_other_prices_are_counted() {
        let mut rows = vec![
            row(1, None, 1),
            row(1, None, 1),
            row(2, None, 5),
            row(2, None, 6),
            row(3, None, 7),
        ];
        let mut report = CleaningReport::default();
        order(&mut rows, &mut report, same);
        assert_eq!((report.duplicate_dates, report.conflicting_duplicates, rows.len()), (2, 1, 3));
        assert_eq!(rows[1].source, 5, "the first is kept");
        assert!(report.timed);
    }
}
