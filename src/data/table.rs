//! The cleaned price table and the record of what cleaning did to it.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::dates::{DayOrder, EpochUnit};

/// One numeric column of the file, cleaned: every value is finite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub values: Vec<f64>,
}

/// A price history ready for modelling: rows oldest first, one value per row in every column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// One date per row, strictly increasing; `None` when the file had no date column and rows
    /// are taken in file order.
    pub dates: Option<Vec<NaiveDate>>,
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
    pub date_column: Option<String>,
    /// How numeric dates were read, when the file had such dates.
    pub day_order: Option<DayOrder>,
    /// The date column held Unix epoch counts in this unit (read as UTC days).
    #[serde(default)]
    pub epoch: Option<EpochUnit>,
    /// No date in the column proved the order (every day and month was 12 or less): the page
    /// lets the person choose.
    pub day_order_unproven: bool,
    /// The file listed the newest day first and was turned around.
    pub reversed: bool,
    /// Rows were out of order and were sorted by date.
    pub resorted: bool,
    pub duplicate_dates: usize,
    pub unreadable_dates: usize,
    pub rows_with_missing_values: usize,
    pub thousands_separators: usize,
    pub currency_signs: usize,
    /// Columns that could not be used (text, or mostly empty), with the reason.
    pub ignored_columns: Vec<String>,
}

impl CleaningReport {
    /// The cleaning steps that changed something, one sentence each.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if let Some(ticker) = &self.ticker {
            notes.push(format!("ticker {ticker} (the file lists {}: {})", self.tickers.len(), self.tickers.join(", ")));
        }
        match &self.date_column {
            Some(name) => {
                let order = match (self.day_order, self.epoch) {
                    (_, Some(unit)) => format!(", read as {} (UTC days)", unit.name()),
                    (Some(DayOrder::MonthFirst), _) => ", read as month/day/year".into(),
                    (Some(DayOrder::DayFirst), _) => ", read as day/month/year".into(),
                    (None, None) => String::new(),
                };
                let unproven = if self.day_order_unproven { " (no date proves the order: choose it below if wrong)" } else { "" };
                notes.push(format!("dates from column '{name}'{order}{unproven}"));
            }
            None => notes.push("no date column found: rows are used in file order".into()),
        }
        if self.reversed {
            notes.push("file was newest-first: reversed to oldest-first".into());
        }
        if self.resorted {
            notes.push("rows were out of date order: sorted by date".into());
        }
        let counts = [
            (self.duplicate_dates, "duplicate date", "duplicate dates", "dropped (first kept)"),
            (self.unreadable_dates, "row with an unreadable date", "rows with unreadable dates", "dropped"),
            (self.rows_with_missing_values, "row with missing values", "rows with missing values", "dropped"),
            (self.thousands_separators, "value with thousands separators", "values with thousands separators", "read"),
            (self.currency_signs, "value with a currency sign", "values with currency signs", "read"),
        ];
        for (count, one, many, done) in counts {
            if count > 0 {
                notes.push(format!("{count} {} {done}", if count == 1 { one } else { many }));
            }
        }
        notes.extend(self.ignored_columns.iter().map(|c| format!("ignored column {c}")));
        notes
    }
}

impl Table {
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
        const EXACT: [&str; 6] = ["Adj Close", "Close", "Close/Last", "Price", "Close Price", "Last"];
        const LIKE: [&str; 5] = ["close", "schluss", "clôture", "price", "last"];
        EXACT
            .iter()
            .find_map(|name| self.column(name))
            .or_else(|| {
                LIKE.iter().find_map(|word| self.columns.iter().find(|c| c.name.to_lowercase().contains(word)))
            })
            .unwrap_or(&self.columns[0])
    }

    /// The target the settings ask for, or a message naming the columns there are.
    pub fn target(&self, requested: Option<&str>) -> Result<&Column, String> {
        match requested {
            None => Ok(self.default_target()),
            Some(name) => self.column(name).ok_or_else(|| {
                let names: Vec<&str> = self.columns.iter().map(|c| c.name.as_str()).collect();
                format!("target column '{name}' is not in this file; its numeric columns are: {}", names.join(", "))
            }),
        }
    }

    /// The column to chart and summarise: the requested one, or the default while the request
    /// does not fit this file (the refusal is shown when training starts).
    pub fn target_or_default(&self, requested: Option<&str>) -> &Column {
        self.target(requested).unwrap_or_else(|_| self.default_target())
    }

    /// Takes the numbers out, leaving the names and the report: a large table crosses from the
    /// worker to the page as typed arrays (a copy) rather than as JSON (a long parse).
    /// Dates come out as days since 0001-01-01.
    pub fn take_values(&mut self) -> (Option<Vec<i32>>, Vec<Vec<f64>>) {
        let days = self.dates.as_mut().map(|dates| std::mem::take(dates).into_iter().map(|d| d.num_days_from_ce()).collect());
        (days, self.columns.iter_mut().map(|c| std::mem::take(&mut c.values)).collect())
    }

    /// Puts back what [`Table::take_values`] took.
    pub fn restore_values(&mut self, days: Option<Vec<i32>>, values: Vec<Vec<f64>>) -> Result<(), String> {
        if values.len() != self.columns.len() || days.is_some() != self.dates.is_some() {
            return Err("the table's values do not match its columns".into());
        }
        if let Some(days) = days {
            let dates: Option<Vec<NaiveDate>> = days.into_iter().map(NaiveDate::from_num_days_from_ce_opt).collect();
            self.dates = Some(dates.ok_or("a date is out of range")?);
        }
        for (column, values) in self.columns.iter_mut().zip(values) {
            column.values = values;
        }
        Ok(())
    }

    /// First and last date as `YYYY-MM-DD`, when the file had dates.
    pub fn date_range(&self) -> Option<(NaiveDate, NaiveDate)> {
        let dates = self.dates.as_ref()?;
        Some((*dates.first()?, *dates.last()?))
    }

    /// The one-line summary the page shows above the chart.
    pub fn summary(&self, target: &str) -> String {
        let range = match self.date_range() {
            Some((first, last)) => format!("{first} to {last}"),
            None => "in file order".into(),
        };
        format!("{} rows, {range}, target column '{target}'", self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_taken_out_and_put_back_give_the_same_table() {
        let table = crate::data::parse::parse_csv(b"Date,Open,Close\n2020-01-02,1,2\n2020-01-03,3,4\n").unwrap();
        let mut light = table.clone();
        let (days, values) = light.take_values();
        assert!(light.columns.iter().all(|c| c.values.is_empty()));
        assert_eq!(values, vec![vec![1.0, 3.0], vec![2.0, 4.0]]);
        light.restore_values(days, values).unwrap();
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
