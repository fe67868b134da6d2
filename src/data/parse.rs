//! Reads a CSV as price exporters write it and cleans it into a [`Table`].
//!
//! Every rejection is a [`ParseError`] whose text is shown to the person as it is, so each one
//! says what was found and what would work instead.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::cells::Cells;
use super::dates::DayOrder;
use super::layout::{self, decode};
use super::numbers::{Cell, display_decimals, read_number};
use super::ordering::{self, Row};
use super::resample::{self, Reshape};
use super::stamp_columns::{ReadStamp, Reading, StampColumns};
use super::table::{CleaningReport, Column, Table};

/// Why a file could not become a price table.
#[derive(Debug, Clone, PartialEq)]
pub enum ParseError {
    Empty,
    NotText {
        byte: usize,
    },
    NotUtf16 {
        byte: usize,
    },
    HeaderOnly,
    NoNumericColumn {
        columns: Vec<String>,
    },
    NoUsableRows {
        source_rows: usize,
        missing: usize,
        unreadable_dates: usize,
    },
    UnknownTicker {
        ticker: String,
        tickers: Vec<String>,
    },
    /// A column named like a time of day whose cells are not times, beside dates that repeat.
    UnreadableTimes {
        column: String,
        example: String,
    },
    Csv(String),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => {
                write!(f, "the file is empty: expected a CSV with a header row and one row per day")
            }
            Self::NotText { byte } => write!(
                f,
                "this is not a text CSV file: byte {byte} is not UTF-8 text (is it a spreadsheet, zip or image?); export the data as CSV and try again"
            ),
            Self::NotUtf16 { byte } => write!(
                f,
                "the file starts like UTF-16 text (Excel's \"Unicode Text\") but byte {byte} is not UTF-16 text; save it again or export it as CSV"
            ),
            Self::HeaderOnly => write!(f, "the file has a header row but no data rows"),
            Self::NoNumericColumn { columns } => write!(
                f,
                "no numeric price column found; the columns are: {} (expected e.g. Date,Open,High,Low,Close,Volume)",
                columns.join(", ")
            ),
            Self::NoUsableRows { source_rows, missing, unreadable_dates } => write!(
                f,
                "none of the {source_rows} rows is usable: {missing} have missing values and {unreadable_dates} have dates that could not be read"
            ),
            Self::UnreadableTimes { column, example } => write!(
                f,
                "column '{column}' should hold each row's time of day, but '{example}' is not a time; the dates repeat, so without \
                 times the bars of a day would collapse into one. Write times as 09:30, 09:30:00, 093000 or 9:30 AM, or remove \
                 the column for a file of one row per day"
            ),
            Self::Csv(message) => write!(f, "the file is not valid CSV: {message}"),
            Self::UnknownTicker { ticker, tickers } => {
                write!(
                    f,
                    "ticker '{ticker}' is not in this file; its tickers are: {}",
                    tickers.join(", ")
                )
            }
        }
    }
}

impl std::error::Error for ParseError {}

/// Parses and cleans a CSV file; see [`CleaningReport`] for what cleaning may change.
pub fn parse_csv(bytes: &[u8]) -> Result<Table, ParseError> {
    parse_csv_with(bytes, &ParseOptions::default())
}

/// Choices the person made about a file that cannot be read from the file alone.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ParseOptions {
    /// The ticker to keep in a file listing several (default: the first).
    pub ticker: Option<String>,
    /// How to read dates such as `01/02/2020` when the column does not prove an order.
    pub day_order: Option<DayOrder>,
    /// A coarser bar size and the most recent bars to keep (`bars=`, `last=`).
    #[serde(default)]
    pub reshape: Reshape,
}

/// Column names that hold a ticker, in files listing several stocks.
const TICKER_NAMES: [&str; 3] = ["ticker", "symbol", "stock"];

/// Like [`parse_csv`], with the person's `options`.
pub fn parse_csv_with(bytes: &[u8], options: &ParseOptions) -> Result<Table, ParseError> {
    parse_csv_reporting(bytes, options, &mut |_| {})
}

/// Rows read between two progress reports of [`parse_csv_reporting`].
pub const PROGRESS_EVERY: usize = 100_000;

/// Like [`parse_csv_with`], calling `progress` with the byte offset reached every
/// [`PROGRESS_EVERY`] rows, so a large file shows how far it has got.
pub fn parse_csv_reporting(
    bytes: &[u8],
    options: &ParseOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<Table, ParseError> {
    let text = decode(bytes)?;
    let layout = layout::detect(&text);
    let body = &text[layout.start..];
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(layout.delimiter as u8)
        .has_headers(!layout.headerless)
        .flexible(true)
        .from_reader(body.as_bytes());
    let header: Vec<String> = if layout.headerless {
        Vec::new()
    } else {
        reader
            .headers()
            .map_err(|e| ParseError::Csv(e.to_string()))?
            .iter()
            .map(|n| n.trim().to_string())
            .collect()
    };
    let mut cells = Cells::default();
    let mut record = csv::ByteRecord::new();
    let mut read = 0;
    while reader.read_byte_record(&mut record).map_err(|e| ParseError::Csv(e.to_string()))? {
        read += 1;
        if read % PROGRESS_EVERY == 0 {
            // Offsets in the decoded text, scaled to the file's bytes (UTF-16 takes about twice).
            let at = layout.start as u64 + record.position().map_or(0, |p| p.byte());
            progress(at * bytes.len() as u64 / text.len().max(1) as u64);
        }
        // The text is UTF-8 and fields split at ASCII separators, so each field is UTF-8 too.
        let fields = record.iter().map(|field| std::str::from_utf8(field).unwrap_or(""));
        if fields.clone().any(|cell| !cell.trim().is_empty()) {
            cells.push_row(fields);
        }
    }
    if cells.rows() == 0 {
        return Err(ParseError::HeaderOnly);
    }
    let width = cells.width().max(header.len());
    let mut names: Vec<String> = (0..width)
        .map(|i| {
            header
                .get(i)
                .filter(|n| !n.is_empty())
                .map_or_else(|| format!("column {}", i + 1), String::clone)
        })
        .collect();
    let mut report = CleaningReport {
        delimiter: layout.delimiter,
        skipped_lines: layout.skipped,
        headerless: layout.headerless,
        ..Default::default()
    };
    let ticker_column =
        names.iter().position(|n| TICKER_NAMES.contains(&n.trim().to_lowercase().as_str()));
    if let Some(c) = ticker_column {
        keep_ticker(&mut cells, c, options.ticker.as_deref(), &mut report)?;
    }
    report.source_rows = cells.rows();

    let stamps = StampColumns::find(&names, &cells, ticker_column, options.day_order)?;
    if let Some((order, proven)) = stamps.day_order {
        report.day_order = Some(order);
        report.day_order_unproven = !proven;
    }
    if let Some((_, Reading::Epoch(unit))) = stamps.main {
        report.epoch = Some(unit);
    }
    report.date_column = stamps.main.map(|(c, _)| names[c].clone());
    report.time_column = stamps.time.map(|c| names[c].clone());
    report.times_without_dates = stamps.times_without_dates();
    report.other_stamp_columns = stamps.others.iter().map(|&c| names[c].clone()).collect();

    // Each row's stamp: `Some(None)` for an unreadable one, `None` without a stamp column.
    let read: Vec<Option<ReadStamp>> =
        (0..cells.rows()).map(|row| stamps.read(&cells, row)).collect();
    let stamped_rows = read.iter().filter(|d| !matches!(d, Some(None))).count();

    let not_numbers: Vec<usize> = stamps.columns().chain(ticker_column).collect();
    let mut numeric: Vec<(usize, Vec<Cell>)> = Vec::new();
    for (c, name) in names.iter().enumerate().filter(|(c, _)| !not_numbers.contains(c)) {
        let column: Vec<Cell> =
            cells.column(c).map(|cell| read_number(cell, layout.delimiter)).collect();
        let values = column.iter().filter(|v| matches!(v, Cell::Value { .. })).count();
        let text = column.iter().filter(|v| matches!(v, Cell::Text)).count();
        // Missing values among rows that have a readable stamp (summary lines do not count).
        let missing = column
            .iter()
            .zip(&read)
            .filter(|(v, d)| v.value().is_none() && !matches!(d, Some(None)))
            .count();
        if values == 0 || text * 20 > values {
            report.ignored_columns.push(format!("'{name}' (not numeric)"));
        } else if missing * 4 > stamped_rows {
            let share = 100 * missing / stamped_rows;
            report.ignored_columns.push(format!("'{name}' ({share}% of its values missing)"));
        } else {
            numeric.push((c, column));
        }
    }
    drop(cells);
    if numeric.is_empty() {
        return Err(ParseError::NoNumericColumn { columns: names });
    }
    if layout.headerless {
        name_bar_columns(&mut names, &numeric, &mut report);
    }

    let mut kept: Vec<Row> = Vec::with_capacity(read.len());
    for (r, stamp) in read.into_iter().enumerate() {
        let (stamp, offset) = match stamp {
            Some(None) => {
                report.unreadable_dates += 1;
                continue;
            }
            Some(Some((stamp, offset))) => (Some(stamp), offset),
            None => (None, None),
        };
        if numeric.iter().all(|(_, cells)| cells[r].value().is_some()) {
            for (_, cells) in &numeric {
                if let Cell::Value { thousands, currency, .. } = cells[r] {
                    report.thousands_separators += usize::from(thousands);
                    report.currency_signs += usize::from(currency);
                }
            }
            kept.push(Row { stamp, offset, source: r });
        } else {
            report.rows_with_missing_values += 1;
        }
    }
    if kept.is_empty() {
        return Err(ParseError::NoUsableRows {
            source_rows: report.source_rows,
            missing: report.rows_with_missing_values,
            unreadable_dates: report.unreadable_dates,
        });
    }
    if stamps.main.is_some() {
        let same_values = |a: usize, b: usize| {
            numeric.iter().all(|(_, cells)| cells[a].value() == cells[b].value())
        };
        ordering::order(&mut kept, &mut report, same_values);
    }

    let stamps =
        stamps.main.map(|_| kept.iter().map(|row| row.stamp.expect("stamped rows")).collect());
    let columns = numeric
        .into_iter()
        .map(|(c, cells)| {
            let values: Vec<f64> = kept
                .iter()
                .map(|row| cells[row.source].value().expect("kept rows have values"))
                .collect();
            let written = cells.iter().filter_map(|cell| match cell {
                Cell::Value { decimals, .. } => Some(*decimals),
                _ => None,
            });
            let decimals = display_decimals(written.max().unwrap_or(0), median_magnitude(&values));
            Column { name: names[c].clone(), values, decimals }
        })
        .collect();
    let mut table = Table::new(stamps, columns, report);
    resample::reshape(&mut table, &options.reshape);
    Ok(table)
}

/// A typical absolute value of a column (the median of a few hundred), to size its decimals.
fn median_magnitude(values: &[f64]) -> f64 {
    let step = (values.len() / 256).max(1);
    let mut sample: Vec<f64> = values.iter().step_by(step).map(|v| v.abs()).collect();
    sample.sort_by(f64::total_cmp);
    sample.get(sample.len() / 2).copied().unwrap_or(0.0)
}

/// Keeps the rows of one ticker in a file listing several: the chosen one, else the first.
fn keep_ticker(
    cells: &mut Cells,
    column: usize,
    wanted: Option<&str>,
    report: &mut CleaningReport,
) -> Result<(), ParseError> {
    let mut tickers: Vec<String> = Vec::new();
    for name in cells.column(column) {
        if !name.is_empty() && !tickers.iter().any(|t| t == name) {
            tickers.push(name.to_string());
        }
    }
    let chosen = match wanted {
        Some(wanted) => {
            tickers.iter().find(|t| t.eq_ignore_ascii_case(wanted)).cloned().ok_or_else(|| {
                ParseError::UnknownTicker { ticker: wanted.to_string(), tickers: tickers.clone() }
            })?
        }
        None => tickers.first().cloned().unwrap_or_default(),
    };
    let keep: Vec<bool> = cells.column(column).map(|name| name == chosen).collect();
    cells.retain(|row| keep[row]);
    report.ticker = Some(chosen);
    report.tickers = tickers;
    Ok(())
}

/// Names the numeric columns of a file without a header that hold a bar (after the stamp:
/// open, high, low, close and volume, in the usual order) and records it.
fn name_bar_columns(
    names: &mut [String],
    numeric: &[(usize, Vec<Cell>)],
    report: &mut CleaningReport,
) {
    let values: Vec<Vec<Option<f64>>> = numeric
        .iter()
        .take(5)
        .map(|(_, cells)| cells.iter().map(|c| c.value()).collect())
        .collect();
    let named = layout::bar_columns(&values);
    for (i, name) in layout::BAR_COLUMNS.iter().take(named).enumerate() {
        let c = numeric[i].0;
        report.bar_columns.push((c + 1, name.to_string()));
        names[c] = name.to_string();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::stamp::Stamp;
    use crate::testutil::ibm_sample;

    fn day(y: i32, m: u32, d: u32) -> Stamp {
        Stamp::from_date(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }

    #[test]
    fn reads_yahoo_style_ascending() {
        let csv = b"Date,Open,High,Low,Close,Adj Close,Volume\n\
            2020-01-02,1,2,0.5,1.5,1.4,100\n2020-01-03,1.5,2,1,1.8,1.7,200\n";
        let table = parse_csv(csv).unwrap();
        assert_eq!(table.len(), 2);
        assert_eq!(table.stamps.as_ref().unwrap(), &vec![day(2020, 1, 2), day(2020, 1, 3)]);
        assert_eq!(table.default_target().name, "Adj Close");
        assert_eq!(table.column("close").unwrap().values, vec![1.5, 1.8]);
        assert!(!table.report.reversed);
    }

    /// The sample with its rows newest first, as NSE, Nasdaq.com and Alpha Vantage write them.
    #[test]
    fn reads_a_long_file_newest_first() {
        let text = String::from_utf8(ibm_sample()).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        lines[1..].reverse();
        let table = parse_csv(lines.join("\n").as_bytes()).unwrap();
        assert_eq!(table.len(), 3270);
        assert!(table.report.reversed);
        assert_eq!(table.stamp_range(), Some((day(2000, 3, 1), day(2013, 3, 1))));
        let oldest_first = crate::testutil::sample_table();
        assert_eq!((&table.stamps, &table.columns), (&oldest_first.stamps, &oldest_first.columns));
    }

    #[test]
    fn reads_bundled_ibm_sample() {
        let table = crate::testutil::sample_table();
        assert_eq!(table.len(), 3270);
        assert_eq!(table.stamp_range(), Some((day(2000, 3, 1), day(2013, 3, 1))));
        assert_eq!(table.default_target().name, "Adj Close");
        let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Open", "High", "Low", "Close", "Volume", "Adj Close"]);
    }

    #[test]
    fn sorts_drops_duplicates_and_missing_and_counts_them() {
        let csv = "Date,Close,Volume\n2020-01-03,3,1\n2020-01-01,1,1\n2020-01-02,null,1\n\
            2020-01-03,9,1\n2020-01-04,\"1,004.5\",1\n2020-01-05,$5,1\n\nTotal,,\n";
        let table = parse_csv(csv.as_bytes()).unwrap();
        let r = &table.report;
        assert!(r.resorted);
        assert_eq!((r.duplicate_dates, r.rows_with_missing_values, r.unreadable_dates), (1, 1, 1));
        assert_eq!((r.thousands_separators, r.currency_signs), (1, 1));
        assert_eq!(table.column("Close").unwrap().values, vec![1.0, 3.0, 1004.5, 5.0]);
    }

    #[test]
    fn reads_semicolon_files_with_decimal_commas_and_bom() {
        let csv = "\u{feff}Datum;Schluss\r\n28.09.2018;233,75\r\n27.09.2018;233,25\r\n";
        let table = parse_csv(csv.as_bytes()).unwrap();
        assert_eq!(table.report.delimiter, ';');
        assert_eq!(table.column("Schluss").unwrap().values, vec![233.25, 233.75]);
        assert_eq!(table.stamp_range(), Some((day(2018, 9, 27), day(2018, 9, 28))));
    }

    #[test]
    fn falls_back_to_row_order_without_dates() {
        let table = parse_csv(b"Close\n1\n2\n3\n").unwrap();
        assert_eq!(table.stamps, None);
        assert!(table.report.notes()[0].contains("file order"));
    }

    #[test]
    fn large_files_report_progress_by_byte_offset() {
        let mut csv = String::from("Date,Close\n");
        for day in 0..(2 * PROGRESS_EVERY + 10) {
            csv += &format!(
                "{},1\n",
                chrono::NaiveDate::from_num_days_from_ce_opt(700_000 + day as i32).unwrap()
            );
        }
        let mut offsets = Vec::new();
        let table = parse_csv_reporting(csv.as_bytes(), &ParseOptions::default(), &mut |at| {
            offsets.push(at)
        })
        .unwrap();
        assert_eq!(table.len(), 2 * PROGRESS_EVERY + 10);
        assert_eq!(offsets.len(), 2);
        assert!(
            offsets[0] > 0 && offsets[0] < offsets[1] && offsets[1] < csv.len() as u64,
            "{offsets:?}"
        );
    }

    #[test]
    fn rejects_bad_files_with_messages() {
        assert_eq!(parse_csv(b""), Err(ParseError::Empty));
        assert_eq!(parse_csv(b" \n\n"), Err(ParseError::Empty));
        assert_eq!(parse_csv(b"Date,Close\n"), Err(ParseError::HeaderOnly));
        assert_eq!(parse_csv(b"\x89PNG\r\n\x1a\n\0\0"), Err(ParseError::NotText { byte: 0 }));
        // UTF-16 with a BOM: empty, a lone surrogate (bytes 4–5), an odd last byte.
        assert_eq!(parse_csv(b"\xff\xfe \0\n\0"), Err(ParseError::Empty));
        assert_eq!(parse_csv(b"\xff\xfeA\0\x00\xd8B\0"), Err(ParseError::NotUtf16 { byte: 4 }));
        let odd = parse_csv(b"\xfe\xff\0A\0").unwrap_err();
        assert_eq!(odd, ParseError::NotUtf16 { byte: 4 });
        assert!(odd.to_string().contains("not UTF-16 text"), "{odd}");
        let no_numbers = parse_csv(b"Date,Name\n2020-01-01,a\n2020-01-02,b\n").unwrap_err();
        assert!(no_numbers.to_string().contains("no numeric price column"), "{no_numbers}");
        assert!(no_numbers.to_string().contains("Date, Name"), "{no_numbers}");
        // Ten columns, each missing one value (10%: kept), on a different row: no row is whole.
        let mut csv = String::from("Date,c0,c1,c2,c3,c4,c5,c6,c7,c8,c9\n");
        for row in 0..10 {
            let cells: Vec<&str> = (0..10).map(|c| if c == row { "" } else { "1" }).collect();
            csv += &format!("2020-01-{:02},{}\n", row + 1, cells.join(","));
        }
        let all_missing = parse_csv(csv.as_bytes()).unwrap_err();
        assert_eq!(
            all_missing,
            ParseError::NoUsableRows { source_rows: 10, missing: 10, unreadable_dates: 0 }
        );
    }
}
