//! Which columns of a file hold its rows' stamps, and reading them: a date column (its cells
//! with a time of day, or joined with a time column beside it) or a Unix epoch column. Any other
//! column of stamps (a bar's close time beside its open time) is named, so it is never read as
//! a price.

use super::cells::Cells;
use super::dates::{DayOrder, detect_day_order, parse_date, split_stamp};
use super::parse::ParseError;
use super::stamp::{
    EpochUnit, Offset, Stamp, detect_epoch, parse_epoch, parse_stamp, parse_time_of_day,
};

/// How a stamp column is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    Text(DayOrder),
    Epoch(EpochUnit),
}

/// The stamp columns of a file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StampColumns {
    /// The column the stamps come from and how it is read; `None` when no column holds dates.
    pub main: Option<(usize, Reading)>,
    /// A time-of-day column joined to a date column without times (or, without one, a column
    /// of times with no dates to join them to).
    pub time: Option<usize>,
    /// Other columns of stamps (a bar's close time, a second date column): not read as numbers.
    pub others: Vec<usize>,
    /// For numeric dates (`01/02/2020`): the order used, and whether the column proved it.
    pub day_order: Option<(DayOrder, bool)>,
}

/// A row's stamp as read: `None` when its cells are not a stamp, else the wall-clock stamp and
/// the offset written with it.
pub type ReadStamp = Option<(Stamp, Option<Offset>)>;

/// Rows looked at to recognise a column.
const SAMPLE: usize = 200;

fn named_like_date(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["date", "time", "day", "epoch", "unix", "snapped"].iter().any(|w| name.contains(w))
}

fn named_like_time(name: &str) -> bool {
    let name = name.trim().trim_matches(['<', '>']).to_lowercase();
    ["time", "hour", "heure", "zeit", "uhrzeit", "hora"].contains(&name.as_str())
}

/// Share of `cells` for which `read` succeeds (0 for none).
fn share<'a>(cells: impl Iterator<Item = &'a str>, read: impl Fn(&str) -> bool) -> f64 {
    let (mut total, mut good) = (0, 0);
    for c in cells {
        total += 1;
        good += usize::from(read(c));
    }
    if total == 0 { 0.0 } else { good as f64 / total as f64 }
}

/// Whether a column's numbers run strictly up or down (a clock, unlike prices or volumes).
fn monotone(cells: &Cells, column: usize) -> bool {
    let values: Vec<f64> = cells.column(column).filter_map(|c| c.parse().ok()).collect();
    values.len() > 1
        && (values.windows(2).all(|w| w[0] < w[1]) || values.windows(2).all(|w| w[0] > w[1]))
}

impl StampColumns {
    /// Finds the stamp columns among `names` (skipping the ticker column), reading numeric dates
    /// in `order` when the person chose one. The leftmost column of stamps is used (of a bar's
    /// open and close time, the open). A time column named so whose cells are not times, beside
    /// dates that repeat, is refused: read without it, intraday bars would collapse into days.
    pub fn find(
        names: &[String],
        cells: &Cells,
        ticker: Option<usize>,
        order: Option<DayOrder>,
    ) -> Result<Self, ParseError> {
        let sample = |c: usize| cells.column(c).take(SAMPLE);
        let columns = || (0..names.len()).filter(move |&c| Some(c) != ticker);
        let date_share = |c: usize| {
            let (order, _) = detect_day_order(sample(c));
            share(sample(c), |text| parse_date(text, order).is_some())
        };
        let epoch = |c: usize| {
            detect_epoch(sample(c))?;
            detect_epoch(cells.column(c))
                .filter(|_| named_like_date(&names[c]) || monotone(cells, c))
        };
        let stamps: Vec<(usize, Option<EpochUnit>)> = columns()
            .filter_map(|c| {
                let share = date_share(c);
                if (named_like_date(&names[c]) && share >= 0.5) || share >= 0.9 {
                    Some((c, None))
                } else {
                    epoch(c).map(|unit| (c, Some(unit)))
                }
            })
            .collect();
        let mut found = StampColumns {
            others: stamps.iter().skip(1).map(|(c, _)| *c).collect(),
            ..Default::default()
        };
        match stamps.first() {
            Some(&(c, Some(unit))) => found.main = Some((c, Reading::Epoch(unit))),
            Some(&(c, None)) => {
                let (detected, proven) = detect_day_order(cells.column(c));
                let chosen = order.unwrap_or(detected);
                if cells.column(c).take(50).any(is_numeric_date) {
                    found.day_order = Some((chosen, proven));
                }
                found.main = Some((c, Reading::Text(chosen)));
                let dates_have_times = sample(c).any(|text| !split_stamp(text).1.is_empty());
                if !dates_have_times {
                    found.time = find_time_column(names, cells, c, &found.others, ticker)?;
                }
            }
            None => {
                // Times of day with no dates to join them to: kept out of the numbers.
                found.time = columns().find(|&c| {
                    named_like_time(&names[c])
                        && share(sample(c), |t| parse_time_of_day(t).is_some()) >= 0.9
                });
            }
        }
        Ok(found)
    }

    /// Reads one row's stamp: `None` without a stamp column, `Some(None)` when the cells cannot
    /// be read, else the wall-clock stamp and the offset written with it (epoch counts are UTC,
    /// as the notes say of the column).
    pub fn read(&self, cells: &Cells, row: usize) -> Option<ReadStamp> {
        let (column, reading) = self.main?;
        let text = cells.get(row, column);
        Some(match (reading, self.time) {
            (Reading::Epoch(unit), _) => parse_epoch(text, unit).map(|s| (s, None)),
            (Reading::Text(order), None) => parse_stamp(text, order),
            (Reading::Text(order), Some(time)) => parse_stamp(text, order)
                .zip(parse_time_of_day(cells.get(row, time)))
                .map(|((stamp, offset), seconds)| (Stamp::at(stamp.date(), seconds), offset)),
        })
    }

    /// Whether the file has times of day but no dates.
    pub fn times_without_dates(&self) -> bool {
        self.main.is_none() && self.time.is_some()
    }

    /// Columns that are stamps or times, not numbers.
    pub fn columns(&self) -> impl Iterator<Item = usize> + '_ {
        self.main.map(|(c, _)| c).into_iter().chain(self.time).chain(self.others.iter().copied())
    }
}

/// The time-of-day column beside date column `date`: one named like a time (`Time`, `<TIME>`,
/// `Hour`) whose cells are times, or the column right after the dates holding `09:00`-style
/// times (files without a header).
fn find_time_column(
    names: &[String],
    cells: &Cells,
    date: usize,
    others: &[usize],
    ticker: Option<usize>,
) -> Result<Option<usize>, ParseError> {
    let sample = |c: usize| cells.column(c).take(SAMPLE);
    let times = |c: usize| share(sample(c), |t| parse_time_of_day(t).is_some());
    let clock_like = |c: usize| share(sample(c), |t| t.contains(':') || t.len() == 6);
    let free = |c: usize| c != date && Some(c) != ticker && !others.contains(&c);
    if let Some(named) = (0..names.len()).find(|&c| free(c) && named_like_time(&names[c])) {
        // Like a date column, a named one may carry a few junk rows (dropped as unreadable).
        if times(named) >= 0.5 {
            return Ok(Some(named));
        }
        let dates: Vec<&str> = sample(date).collect();
        let repeats = dates.windows(2).any(|w| w[0] == w[1]);
        if repeats {
            let example =
                sample(named).find(|t| parse_time_of_day(t).is_none()).unwrap_or("").to_string();
            return Err(ParseError::UnreadableTimes { column: names[named].clone(), example });
        }
        return Ok(None);
    }
    let next = date + 1;
    Ok((next < names.len() && free(next) && times(next) >= 0.9 && clock_like(next) >= 0.9)
        .then_some(next))
}

fn is_numeric_date(cell: &str) -> bool {
    cell.trim()
        .split(['/', '.', '-'])
        .next()
        .is_some_and(|first| first.len() <= 2 && first.parse::<u32>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> (Vec<String>, Cells) {
        let mut lines = text.lines();
        let names = lines.next().unwrap().split(',').map(String::from).collect();
        let mut cells = Cells::default();
        lines.for_each(|line| cells.push_row(line.split(',')));
        (names, cells)
    }

    #[test]
    fn a_time_column_is_joined_to_its_dates() {
        let (names, rows) = records(
            "Date,Time,Open,Close\n2018-01-29,09:00:00,1,2\n2018-01-29,10:00:00,1,2\n2018-01-29,30:00:00,1,2\n",
        );
        let found = StampColumns::find(&names, &rows, None, None).unwrap();
        assert_eq!((found.main.map(|m| m.0), found.time), (Some(0), Some(1)));
        let (stamp, offset) = found.read(&rows, 1).unwrap().unwrap();
        assert_eq!((stamp.to_string(), offset), ("2018-01-29 10:00".into(), None));
        assert_eq!(found.read(&rows, 2), Some(None), "a time that is not one: an unreadable stamp");
        assert_eq!(found.columns().collect::<Vec<_>>(), [0, 1]);
    }

    #[test]
    fn of_two_stamp_columns_the_first_is_used() {
        let (names, rows) = records(
            "open_time,open,close,close_time\n1735689600000000,1,2,1735693199999999\n1735693200000000,2,3,1735696799999999\n",
        );
        let found = StampColumns::find(&names, &rows, None, None).unwrap();
        assert_eq!(found.main, Some((0, Reading::Epoch(EpochUnit::Microseconds))));
        assert_eq!(found.others, [3]);
        assert_eq!(found.read(&rows, 0).unwrap().unwrap().0.to_string(), "2025-01-01");
    }

    #[test]
    fn a_time_column_that_does_not_parse_beside_repeated_dates_is_refused() {
        let (names, rows) = records("Date,Time,Close\n2018-01-29,9h00,1\n2018-01-29,10h00,2\n");
        let error = StampColumns::find(&names, &rows, None, None).unwrap_err();
        assert_eq!(
            error,
            ParseError::UnreadableTimes { column: "Time".into(), example: "9h00".into() }
        );
        let (names, rows) = records("Date,Time,Close\n2018-01-29,n/a,1\n2018-01-30,n/a,2\n");
        assert_eq!(
            StampColumns::find(&names, &rows, None, None).unwrap().time,
            None,
            "one row a day: the dates suffice"
        );
    }

    #[test]
    fn times_without_dates_are_found_and_kept_out_of_the_numbers() {
        let (names, rows) = records("Time,Price\n093000,1\n093500,2\n");
        let found = StampColumns::find(&names, &rows, None, None).unwrap();
        assert!(found.times_without_dates());
        assert_eq!(found.read(&rows, 0), None);
    }
}
