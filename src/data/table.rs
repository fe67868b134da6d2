//! The cleaned price table and the record of what cleaning did to it.

use serde::{Deserialize, Serialize};

use super::clock::{Clock, thousands};
use super::dates::DayOrder;
use super::ordering::offsets_words;
use super::prepare_error::PrepareError;
use super::stamp::{EpochUnit, Offset, Stamp, offset_label};

/// One numeric column of the file, cleaned: every value is finite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub values: Vec<f64>,
    /// Decimals to show its values with: the file's precision (see
    /// [`super::numbers::display_decimals`]), so EUR/USD keeps its pips.
    #[serde(default)]
    pub decimals: u8,
}

impl Column {
    /// A value of this column (or a forecast of it) written as the file writes them.
    pub fn format(&self, value: f64) -> String {
        super::numbers::format_price(value, self.decimals)
    }
}

/// A price history ready for modelling: rows oldest first, one value per row in every column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// One stamp per row, strictly increasing; `None` when the file had no date column and rows
    /// are taken in file order.
    pub stamps: Option<Vec<Stamp>>,
    /// The rows' bar size and calendar, detected from the stamps.
    pub clock: Clock,
    pub columns: Vec<Column>,
    pub report: CleaningReport,
}

/// Everything cleaning changed, so the page can show it instead of hiding it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CleaningReport {
    /// Data rows in the file, blank lines not counted.
    pub source_rows: usize,
    pub delimiter: char,
    /// Every ticker of a file listing several stocks, in file order, and the one used.
    pub tickers: Vec<String>,
    pub ticker: Option<String>,
    /// Lines above the header that were skipped (a title or source line).
    pub skipped_lines: Vec<String>,
    /// The file had no header row: columns are named by position.
    pub headerless: bool,
    /// In a file without a header, the columns (1-based) named as a bar's open, high, …
    pub bar_columns: Vec<(usize, String)>,
    pub date_column: Option<String>,
    /// A time-of-day column joined to the dates.
    pub time_column: Option<String>,
    /// The file has times of day but no dates (rows are used in file order).
    pub times_without_dates: bool,
    /// Further stamp columns (a bar's close time), not used.
    pub other_stamp_columns: Vec<String>,
    /// How numeric dates were read, when the file had such dates.
    pub day_order: Option<DayOrder>,
    /// The date column held Unix epoch counts in this unit (read as UTC).
    pub epoch: Option<EpochUnit>,
    /// Offsets from UTC written with the stamps, in the order first seen.
    pub offsets: Vec<Offset>,
    /// Wall-clock times would have repeated or reversed (a daylight-saving change in 24 h
    /// data): every stamp was moved to this offset, the last one seen.
    pub one_clock: Option<Offset>,
    /// Stamps carry a time of day.
    pub timed: bool,
    /// No date in the column proved the order (every day and month was 12 or less): the page
    /// lets the person choose.
    pub day_order_unproven: bool,
    /// The file listed the newest day first and was turned around.
    pub reversed: bool,
    /// Rows were out of order and were sorted by date.
    pub resorted: bool,
    pub duplicate_dates: usize,
    /// Of the repeated stamps, those whose values differed from the kept row's.
    pub conflicting_duplicates: usize,
    pub unreadable_dates: usize,
    pub rows_with_missing_values: usize,
    pub thousands_separators: usize,
    pub currency_signs: usize,
    /// Columns that could not be used (text, or mostly empty), with the reason.
    pub ignored_columns: Vec<String>,
    /// What `bars=` and `last=` did.
    pub reshaped: Vec<String>,
    /// Things the person should act on: a bar size that changes part-way, times without
    /// dates, a setting not applied, a file too long to train quickly.
    pub warnings: Vec<String>,
}

impl CleaningReport {
    /// The cleaning steps that changed something, one sentence each.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        notes.extend(
            self.skipped_lines
                .iter()
                .map(|line| format!("line above the header skipped: '{line}'")),
        );
        if self.headerless {
            let named = match (self.bar_columns.first(), self.bar_columns.last()) {
                (Some((first, _)), Some((last, _))) => {
                    let names: Vec<&str> =
                        self.bar_columns.iter().map(|(_, n)| n.as_str()).collect();
                    format!(
                        "; columns {first}–{last} read as {} (the usual order: choose another target column if that is wrong)",
                        names.join(", ")
                    )
                }
                _ => String::new(),
            };
            notes.push(format!("no header row: columns named by position{named}"));
        }
        match (&self.ticker, self.tickers.len()) {
            (Some(ticker), 1) => notes.push(format!("ticker {ticker}")),
            (Some(ticker), n) => notes
                .push(format!("ticker {ticker} (the file lists {n}: {})", self.tickers.join(", "))),
            (None, _) => {}
        }
        match &self.date_column {
            Some(name) => {
                let order = match (self.day_order, self.epoch) {
                    (_, Some(unit)) => format!(", read as {} (UTC)", unit.name()),
                    (Some(DayOrder::MonthFirst), _) => ", read as month/day/year".into(),
                    (Some(DayOrder::DayFirst), _) => ", read as day/month/year".into(),
                    (None, None) => String::new(),
                };
                let time = self
                    .time_column
                    .as_ref()
                    .map(|t| format!(" with times of day from column '{t}'"))
                    .unwrap_or_default();
                let unproven = if self.day_order_unproven {
                    " (no date proves the order: choose it below if wrong)"
                } else {
                    ""
                };
                notes.push(format!("dates from column '{name}'{time}{order}{unproven}"));
            }
            None if self.times_without_dates => {}
            None => notes.push("no date column found: rows are used in file order".into()),
        }
        if !self.other_stamp_columns.is_empty() {
            let used = self.date_column.as_deref().unwrap_or("");
            notes.push(format!("another time column ignored: '{}' (of two, the first is used: '{used}', a bar's open)", self.other_stamp_columns.join("', '")));
        }
        match (self.offsets.as_slice(), self.one_clock) {
            ([], _) => {}
            ([0], _) => notes.push("times kept as written, in UTC".into()),
            ([one], _) => notes.push(format!("times kept as written, at offset {}", offset_label(*one))),
            (several, None) => notes.push(format!("times kept as written; offsets {} seen (a daylight-saving change)", offsets_words(several))),
            (several, Some(last)) => notes.push(format!(
                "offsets {} seen (a daylight-saving change): written times would repeat or go back there, so every time is shown at {} (the last offset), no bar lost or doubled",
                offsets_words(several),
                offset_label(last)
            )),
        }
        if self.reversed {
            notes.push("file was newest-first: reversed to oldest-first".into());
        }
        if self.resorted {
            notes.push("rows were out of date order: sorted by date".into());
        }
        let (one, many) = if self.timed {
            ("duplicate stamp", "duplicate stamps")
        } else {
            ("duplicate date", "duplicate dates")
        };
        let conflicting = match self.conflicting_duplicates {
            0 => String::new(),
            n => format!(", {n} of them with other values than the row kept"),
        };
        let counts = [
            (self.duplicate_dates, one, many, format!("dropped (first kept){conflicting}")),
            (
                self.unreadable_dates,
                "row with an unreadable date",
                "rows with unreadable dates",
                "dropped".into(),
            ),
            (
                self.rows_with_missing_values,
                "row with missing values",
                "rows with missing values",
                "dropped".into(),
            ),
            (
                self.thousands_separators,
                "value with thousands separators",
                "values with thousands separators",
                "read".into(),
            ),
            (
                self.currency_signs,
                "value with a currency sign",
                "values with currency signs",
                "read".into(),
            ),
        ];
        for (count, one, many, done) in counts {
            if count > 0 {
                notes.push(format!(
                    "{} {} {done}",
                    thousands(count),
                    if count == 1 { one } else { many }
                ));
            }
        }
        notes.extend(self.ignored_columns.iter().map(|c| format!("ignored column {c}")));
        notes.extend(self.reshaped.iter().cloned());
        notes
    }
}

impl Table {
    /// A table of `columns` with the clock of its `stamps`.
    pub fn new(stamps: Option<Vec<Stamp>>, columns: Vec<Column>, report: CleaningReport) -> Self {
        let clock = stamps.as_deref().map_or(Clock::Undated, Clock::detect);
        Table { stamps, clock, columns, report }
    }

    /// Number of rows after cleaning.
    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, |c| c.values.len())
    }

    /// True for a table without rows (parsing never returns one).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Finds a column by name, ignoring case and surrounding spaces.
    pub fn column(&self, name: &str) -> Option<&Column> {
        let name = name.trim();
        self.columns.iter().find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// The column a stock model predicts when the person has not chosen one: the adjusted close
    /// (splits and dividends accounted for) when there is one, else the closing price under the
    /// names exporters use, else a column named like a closing price, else the first column.
    pub fn default_target(&self) -> &Column {
        const EXACT: [&str; 7] =
            ["Adj Close", "Close", "Close/Last", "Price", "Close Price", "Last", "c"];
        const LIKE: [&str; 5] = ["close", "schluss", "clôture", "price", "last"];
        EXACT
            .iter()
            .find_map(|name| self.column(name))
            .or_else(|| {
                LIKE.iter().find_map(|word| {
                    self.columns.iter().find(|c| c.name.to_lowercase().contains(word))
                })
            })
            .unwrap_or(&self.columns[0])
    }

    /// The target the settings ask for, or why not (naming the columns there are).
    pub fn target(&self, requested: Option<&str>) -> Result<&Column, PrepareError> {
        match requested {
            None => Ok(self.default_target()),
            Some(name) => self.column(name).ok_or_else(|| PrepareError::NoTarget {
                name: name.to_string(),
                columns: self.column_names(),
            }),
        }
    }

    /// The numeric columns' names, in file order.
    pub fn column_names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }

    /// The column to chart and summarise: the requested one, or the default while the request
    /// does not fit this file (the refusal is shown when training starts).
    pub fn target_or_default(&self, requested: Option<&str>) -> &Column {
        self.target(requested).unwrap_or_else(|_| self.default_target())
    }

    /// Takes the numbers out, leaving the names, clock and report: a large table crosses from
    /// the worker to the page as typed arrays (a copy) rather than as JSON (a long parse).
    /// Stamps come out as their seconds (exact in an `f64`).
    pub fn take_values(&mut self) -> (Option<Vec<f64>>, Vec<Vec<f64>>) {
        let stamps = self
            .stamps
            .as_mut()
            .map(|stamps| std::mem::take(stamps).into_iter().map(|s| s.0 as f64).collect());
        (stamps, self.columns.iter_mut().map(|c| std::mem::take(&mut c.values)).collect())
    }

    /// Puts back what [`Table::take_values`] took.
    pub fn restore_values(
        &mut self,
        stamps: Option<Vec<f64>>,
        values: Vec<Vec<f64>>,
    ) -> Result<(), String> {
        if values.len() != self.columns.len() || stamps.is_some() != self.stamps.is_some() {
            return Err("the table's values do not match its columns".into());
        }
        if let Some(stamps) = stamps {
            self.stamps = Some(stamps.into_iter().map(|s| Stamp(s as i64)).collect());
        }
        for (column, values) in self.columns.iter_mut().zip(values) {
            column.values = values;
        }
        Ok(())
    }

    /// The first and last stamp, when the file had dates.
    pub fn stamp_range(&self) -> Option<(Stamp, Stamp)> {
        let stamps = self.stamps.as_ref()?;
        Some((*stamps.first()?, *stamps.last()?))
    }

    /// The row's stamp as the data writes it, or `row N` (counted from 1) without dates.
    pub fn row_label(&self, row: usize) -> String {
        match &self.stamps {
            Some(stamps) => self.clock.label(stamps[row]),
            None => format!("row {}", row + 1),
        }
    }

    /// The stamps of the `horizon` bars after the last row on the data's own clock (`None`
    /// each when the rows have no regular clock: forecast steps are then numbered).
    pub fn forecast_stamps(&self, horizon: usize) -> Vec<Option<Stamp>> {
        self.clock.next_stamps(self.stamp_range().map(|(_, last)| last), horizon)
    }

    /// The one-line summary the page shows above the chart: `5,000 hourly bars, 24 h Mon–Fri,
    /// 2017-04-19 08:00 to 2018-02-07 15:00, target column 'Close'`.
    pub fn summary(&self, target: &str) -> String {
        let range = match self.stamp_range() {
            Some((first, last)) => {
                format!(", {} to {}", self.clock.label(first), self.clock.label(last))
            }
            None => String::new(),
        };
        format!("{}{range}, target column '{target}'", self.clock.describe(self.len()))
    }

    /// What the person should act on about the data: the report's warnings, then how rows
    /// without a regular clock are used.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = self.report.warnings.clone();
        if self.report.times_without_dates {
            let column = self.report.time_column.as_deref().unwrap_or("");
            warnings.push(format!(
                "column '{column}' holds times of day but no column holds dates: rows are used in file order and forecast steps are \
                 numbered; export the file with its dates (a Date column beside the times) for a dated forecast"
            ));
        }
        warnings.extend(self.clock.irregular_note());
        warnings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_taken_out_and_put_back_give_the_same_table() {
        let table =
            crate::data::parse::parse_csv(b"Date,Open,Close\n2020-01-02,1,2\n2020-01-03,3,4\n")
                .unwrap();
        let mut light = table.clone();
        let (stamps, values) = light.take_values();
        assert!(light.columns.iter().all(|c| c.values.is_empty()));
        assert_eq!(values, vec![vec![1.0, 3.0], vec![2.0, 4.0]]);
        light.restore_values(stamps, values).unwrap();
        assert_eq!(light, table);
        assert!(light.restore_values(None, vec![]).is_err());
    }

    #[test]
    fn notes_name_each_cleaning_step_with_its_count() {
        let report = CleaningReport {
            date_column: Some("Date".into()),
            reversed: true,
            duplicate_dates: 2,
            rows_with_missing_values: 1,
            ..Default::default()
        };
        assert_eq!(
            report.notes(),
            vec![
                "dates from column 'Date'",
                "file was newest-first: reversed to oldest-first",
                "2 duplicate dates dropped (first kept)",
                "1 row with missing values dropped",
            ]
        );
    }
}
