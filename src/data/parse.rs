//! Reads a CSV as price exporters write it and cleans it into a [`Table`].
//!
//! Every rejection is a [`ParseError`] whose text is shown to the person as it is, so each one
//! says what was found and what would work instead.

use std::borrow::Cow;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::dates::{DateReading, DayOrder, EpochUnit, detect_day_order, detect_epoch, parse_date};
use super::table::{CleaningReport, Column, Table};

/// Why a file could not become a price table.
#[derive(Debug, Clone, PartialEq)]
pub enum ParseError {
    Empty,
    NotText { byte: usize },
    NotUtf16 { byte: usize },
    HeaderOnly,
    NoNumericColumn { columns: Vec<String> },
    NoUsableRows { source_rows: usize, missing: usize, unreadable_dates: usize },
    UnknownTicker { ticker: String, tickers: Vec<String> },
    Csv(String),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => write!(f, "the file is empty: expected a CSV with a header row and one row per day"),
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
            Self::Csv(message) => write!(f, "the file is not valid CSV: {message}"),
            Self::UnknownTicker { ticker, tickers } => {
                write!(f, "ticker '{ticker}' is not in this file; its tickers are: {}", tickers.join(", "))
            }
        }
    }
}

impl std::error::Error for ParseError {}

/// Cells exporters write for "no value".
const MISSING: [&str; 11] = ["", "null", "nan", "n/a", "na", "-", "--", ".", "none", "#n/a", "nil"];

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
pub fn parse_csv_reporting(bytes: &[u8], options: &ParseOptions, progress: &mut dyn FnMut(u64)) -> Result<Table, ParseError> {
    let ticker = options.ticker.as_deref();
    let text = decode(bytes)?;
    let delimiter = detect_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter as u8)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| ParseError::Csv(e.to_string()))?.clone();
    let names: Vec<String> = header
        .iter()
        .enumerate()
        .map(|(i, name)| if name.is_empty() { format!("column {}", i + 1) } else { name.to_string() })
        .collect();
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| ParseError::Csv(e.to_string()))?;
        if i % PROGRESS_EVERY == PROGRESS_EVERY - 1 {
            // Offsets in the decoded text, scaled to the file's bytes (UTF-16 takes about twice).
            progress(record.position().map_or(0, |p| p.byte() * bytes.len() as u64 / text.len().max(1) as u64));
        }
        if record.iter().any(|cell| !cell.is_empty()) {
            rows.push(record);
        }
    }
    if rows.is_empty() {
        return Err(ParseError::HeaderOnly);
    }
    let mut report = CleaningReport { delimiter, ..Default::default() };
    let ticker_column = names.iter().position(|n| TICKER_NAMES.contains(&n.trim().to_lowercase().as_str()));
    if let Some(c) = ticker_column {
        let mut tickers: Vec<String> = Vec::new();
        for row in &rows {
            let name = cell(row, c);
            if !name.is_empty() && !tickers.iter().any(|t| t == name) {
                tickers.push(name.to_string());
            }
        }
        let chosen = match ticker {
            Some(wanted) => tickers.iter().find(|t| t.eq_ignore_ascii_case(wanted)).cloned().ok_or_else(|| {
                ParseError::UnknownTicker { ticker: wanted.to_string(), tickers: tickers.clone() }
            })?,
            None => tickers.first().cloned().unwrap_or_default(),
        };
        rows.retain(|row| cell(row, c) == chosen);
        report.ticker = Some(chosen);
        report.tickers = tickers;
    }
    report.source_rows = rows.len();

    let date_source = match find_date_column(&names, &rows) {
        Some(c) => {
            let (detected, proven) = detect_day_order(rows.iter().map(|r| cell(r, c)));
            let order = options.day_order.unwrap_or(detected);
            if rows.iter().take(50).any(|r| is_numeric_date(cell(r, c))) {
                report.day_order = Some(order);
                report.day_order_unproven = !proven;
            }
            Some((c, DateReading::Text(order)))
        }
        None => find_epoch_column(&names, &rows, ticker_column).map(|(c, unit)| {
            report.epoch = Some(unit);
            (c, DateReading::Epoch(unit))
        }),
    };
    let date_column = date_source.map(|(c, _)| c);
    report.date_column = date_column.map(|c| names[c].clone());

    // Each row's date: `Some(None)` for an unreadable date, `None` without a date column.
    let dates: Vec<Option<Option<NaiveDate>>> =
        rows.iter().map(|row| date_source.map(|(c, reading)| reading.read(cell(row, c)))).collect();
    let dated_rows = dates.iter().filter(|d| !matches!(d, Some(None))).count();

    let mut numeric = Vec::new();
    for (c, name) in names.iter().enumerate().filter(|(c, _)| Some(*c) != date_column && Some(*c) != ticker_column) {
        let cells: Vec<Cell> = rows.iter().map(|r| read_number(cell(r, c), delimiter)).collect();
        let values = cells.iter().filter(|v| matches!(v, Cell::Value { .. })).count();
        let text = cells.iter().filter(|v| matches!(v, Cell::Text)).count();
        // Missing values among rows that have a readable date (summary lines do not count).
        let missing = cells.iter().zip(&dates).filter(|(v, d)| v.value().is_none() && !matches!(d, Some(None))).count();
        if values == 0 || text * 20 > values {
            report.ignored_columns.push(format!("'{name}' (not numeric)"));
        } else if missing * 4 > dated_rows {
            let share = 100 * missing / dated_rows;
            report.ignored_columns.push(format!("'{name}' ({share}% of its values missing)"));
        } else {
            numeric.push((name.clone(), cells));
        }
    }
    if numeric.is_empty() {
        return Err(ParseError::NoNumericColumn { columns: names });
    }

    let mut kept: Vec<(Option<NaiveDate>, Vec<f64>)> = Vec::with_capacity(rows.len());
    for (r, date) in dates.into_iter().enumerate() {
        let date = match date {
            Some(None) => {
                report.unreadable_dates += 1;
                continue;
            }
            Some(date) => date,
            None => None,
        };
        let values: Option<Vec<f64>> = numeric.iter().map(|(_, cells)| cells[r].value()).collect();
        match values {
            Some(values) => {
                for (_, cells) in &numeric {
                    if let Cell::Value { thousands, currency, .. } = cells[r] {
                        report.thousands_separators += usize::from(thousands);
                        report.currency_signs += usize::from(currency);
                    }
                }
                kept.push((date, values));
            }
            None => report.rows_with_missing_values += 1,
        }
    }
    if kept.is_empty() {
        return Err(ParseError::NoUsableRows {
            source_rows: report.source_rows,
            missing: report.rows_with_missing_values,
            unreadable_dates: report.unreadable_dates,
        });
    }
    if date_column.is_some() {
        order_by_date(&mut kept, &mut report);
    }

    let dates = date_column.map(|_| kept.iter().map(|(d, _)| d.expect("dated rows")).collect());
    let columns = numeric
        .into_iter()
        .enumerate()
        .map(|(i, (name, _))| Column { name, values: kept.iter().map(|(_, v)| v[i]).collect() })
        .collect();
    Ok(Table { dates, columns, report })
}

fn cell(row: &csv::StringRecord, column: usize) -> &str {
    row.get(column).unwrap_or("")
}

/// Turns the bytes into text, rejecting binary files with the offset of the first bad byte.
/// UTF-16 with a byte-order mark (Excel's "Unicode Text") is decoded; anything else must be
/// UTF-8.
fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, ParseError> {
    if let Some(text) = decode_utf16(bytes)? {
        return if text.trim().is_empty() { Err(ParseError::Empty) } else { Ok(Cow::Owned(text)) };
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ParseError::Empty);
    }
    let nul = bytes.iter().take(1 << 16).position(|&b| b == 0);
    let text = std::str::from_utf8(bytes);
    let invalid = text.as_ref().err().map(|e| e.valid_up_to());
    if let Some(byte) = nul.into_iter().chain(invalid).min() {
        return Err(ParseError::NotText { byte });
    }
    let text = text.expect("checked above");
    Ok(Cow::Borrowed(text.strip_prefix('\u{feff}').unwrap_or(text)))
}

/// The text of a file that starts with a UTF-16 byte-order mark (`FF FE` little-endian, `FE FF`
/// big-endian); `None` for a file without one. A NUL or an unpaired surrogate is refused with
/// its byte offset.
fn decode_utf16(bytes: &[u8]) -> Result<Option<String>, ParseError> {
    let big_endian = match bytes {
        [0xFF, 0xFE, ..] => false,
        [0xFE, 0xFF, ..] => true,
        _ => return Ok(None),
    };
    let units = bytes[2..].chunks(2).map(|pair| match (pair, big_endian) {
        ([a, b], false) => u16::from_le_bytes([*a, *b]),
        ([a, b], true) => u16::from_be_bytes([*a, *b]),
        _ => 0, // an odd last byte: refused as a NUL would be
    });
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut unit = 0;
    for decoded in char::decode_utf16(units) {
        match decoded {
            Ok(c) if c != '\0' => {
                text.push(c);
                unit += c.len_utf16();
            }
            _ => return Err(ParseError::NotUtf16 { byte: 2 + 2 * unit }),
        }
    }
    Ok(Some(text))
}

/// The separator used in the header line: comma, semicolon or tab, whichever appears most.
fn detect_delimiter(text: &str) -> char {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    [',', ';', '\t']
        .into_iter()
        .max_by_key(|d| (header.matches(*d).count(), *d == ','))
        .unwrap_or(',')
}

/// The date column: one named like a date whose cells parse as dates, else the first column
/// whose cells mostly parse as dates.
fn find_date_column(names: &[String], rows: &[csv::StringRecord]) -> Option<usize> {
    let sample: Vec<&csv::StringRecord> = rows.iter().take(200).collect();
    let date_share = |c: usize| {
        let cells: Vec<&str> = sample.iter().map(|r| cell(r, c)).collect();
        let (order, _) = detect_day_order(cells.iter().copied());
        let dated = cells.iter().filter(|text| parse_date(text, order).is_some()).count();
        dated as f64 / cells.len() as f64
    };
    // A date-named column may carry a few summary or junk rows; an unnamed one must be clearly dates.
    (0..names.len())
        .find(|&c| named_like_date(&names[c]) && date_share(c) >= 0.5)
        .or_else(|| (0..names.len()).find(|&c| date_share(c) >= 0.9))
}

fn named_like_date(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["date", "time", "day", "epoch", "unix"].iter().any(|w| name.contains(w))
}

/// A time column written as Unix epoch seconds or milliseconds (API exports): a date-named
/// column whose every cell is a plausible epoch count, or else a first column that is one and
/// runs strictly up or down (so that a first column of large counts is not taken for dates).
fn find_epoch_column(names: &[String], rows: &[csv::StringRecord], ticker_column: Option<usize>) -> Option<(usize, EpochUnit)> {
    let unit = |c: usize| detect_epoch(rows.iter().map(|r| cell(r, c)));
    let monotone = |c: usize| {
        let values: Vec<f64> = rows.iter().filter_map(|r| cell(r, c).trim().parse().ok()).collect();
        values.windows(2).all(|w| w[0] < w[1]) || values.windows(2).all(|w| w[0] > w[1])
    };
    let candidates = (0..names.len()).filter(|&c| Some(c) != ticker_column);
    candidates
        .clone()
        .find(|&c| named_like_date(&names[c]) && unit(c).is_some())
        .or_else(|| candidates.take(1).find(|&c| monotone(c) && unit(c).is_some()))
        .and_then(|c| Some((c, unit(c)?)))
}

fn is_numeric_date(cell: &str) -> bool {
    cell.trim().split(['/', '.', '-']).next().is_some_and(|first| first.len() <= 2 && first.parse::<u32>().is_ok())
}

/// Sorts rows oldest first and drops repeated dates, recording both.
fn order_by_date(rows: &mut Vec<(Option<NaiveDate>, Vec<f64>)>, report: &mut CleaningReport) {
    let ascending = rows.windows(2).all(|w| w[0].0 <= w[1].0);
    let descending = rows.windows(2).all(|w| w[0].0 >= w[1].0);
    if !ascending {
        if descending {
            rows.reverse();
            report.reversed = true;
        } else {
            rows.sort_by_key(|(date, _)| *date);
            report.resorted = true;
        }
    }
    let before = rows.len();
    rows.dedup_by(|later, earlier| later.0 == earlier.0);
    report.duplicate_dates = before - rows.len();
}

/// One cell of a would-be numeric column.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cell {
    Value { value: f64, thousands: bool, currency: bool },
    Missing,
    Text,
}

impl Cell {
    fn value(self) -> Option<f64> {
        match self {
            Cell::Value { value, .. } => Some(value),
            _ => None,
        }
    }
}

/// Reads a number the way exporters write it: `$1,234.50`, `233,75` (decimal comma in `;` files),
/// `1.23M`, `-0.5%`.
fn read_number(raw: &str, delimiter: char) -> Cell {
    let cell = raw.trim().trim_matches('"').trim();
    if MISSING.iter().any(|m| cell.eq_ignore_ascii_case(m)) {
        return Cell::Missing;
    }
    let (negative, cell) = match cell.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, cell),
    };
    let unsigned = cell.trim_start_matches(['$', '€', '£', '¥', '₹']).trim_start();
    let currency = unsigned.len() != cell.len();
    let unsigned = unsigned.trim_end_matches('%');
    let (digits, scale) = match unsigned.char_indices().last() {
        Some((i, 'K' | 'k')) => (&unsigned[..i], 1e3),
        Some((i, 'M' | 'm')) => (&unsigned[..i], 1e6),
        Some((i, 'B' | 'b')) => (&unsigned[..i], 1e9),
        _ => (unsigned, 1.0),
    };
    let (plain, thousands) = separate(digits, delimiter);
    match plain.parse::<f64>() {
        Ok(value) if value.is_finite() && !plain.is_empty() => {
            let value = if negative { -value } else { value } * scale;
            Cell::Value { value, thousands, currency }
        }
        _ => Cell::Text,
    }
}

/// Removes thousands separators and makes the decimal separator a dot. The last of `,` and `.`
/// is the decimal separator when both appear; a repeated one separates thousands; a lone comma
/// is decimal in `;` and tab separated files (European spreadsheets) and thousands otherwise.
fn separate(digits: &str, delimiter: char) -> (String, bool) {
    let (commas, dots) = (digits.matches(',').count(), digits.matches('.').count());
    let decimal = match (commas, dots) {
        (0, 0) => return (digits.to_string(), false),
        (0, 1) => '.',
        (0, _) => ',',
        (1, 0) if delimiter != ',' => ',',
        (_, 0) => '.',
        _ if digits.rfind(',') > digits.rfind('.') => ',',
        _ => '.',
    };
    let thousands = if decimal == '.' { ',' } else { '.' };
    let had_thousands = digits.contains(thousands);
    (digits.replace(thousands, "").replace(decimal, "."), had_thousands)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// The bundled sample, `public/sample/IBM.csv`: oldest first.
    pub fn ibm_sample() -> Vec<u8> {
        let path = format!("{}/public/sample/IBM.csv", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn reads_yahoo_style_ascending() {
        let csv = b"Date,Open,High,Low,Close,Adj Close,Volume\n\
            2020-01-02,1,2,0.5,1.5,1.4,100\n2020-01-03,1.5,2,1,1.8,1.7,200\n";
        let table = parse_csv(csv).unwrap();
        assert_eq!(table.len(), 2);
        assert_eq!(table.dates.as_ref().unwrap(), &vec![day(2020, 1, 2), day(2020, 1, 3)]);
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
        assert_eq!(table.date_range(), Some((day(2000, 3, 1), day(2013, 3, 1))));
        let oldest_first = parse_csv(&ibm_sample()).unwrap();
        assert_eq!((&table.dates, &table.columns), (&oldest_first.dates, &oldest_first.columns));
    }

    #[test]
    fn reads_bundled_ibm_sample() {
        let table = parse_csv(&ibm_sample()).unwrap();
        assert_eq!(table.len(), 3270);
        assert_eq!(table.date_range(), Some((day(2000, 3, 1), day(2013, 3, 1))));
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
        assert_eq!(table.date_range(), Some((day(2018, 9, 27), day(2018, 9, 28))));
    }

    #[test]
    fn falls_back_to_row_order_without_dates() {
        let table = parse_csv(b"Close\n1\n2\n3\n").unwrap();
        assert_eq!(table.dates, None);
        assert!(table.report.notes()[0].contains("file order"));
    }

    #[test]
    fn large_files_report_progress_by_byte_offset() {
        let mut csv = String::from("Date,Close\n");
        for day in 0..(2 * PROGRESS_EVERY + 10) {
            csv += &format!("{},1\n", chrono::NaiveDate::from_num_days_from_ce_opt(700_000 + day as i32).unwrap());
        }
        let mut offsets = Vec::new();
        let table = parse_csv_reporting(csv.as_bytes(), &ParseOptions::default(), &mut |at| offsets.push(at)).unwrap();
        assert_eq!(table.len(), 2 * PROGRESS_EVERY + 10);
        assert_eq!(offsets.len(), 2);
        assert!(offsets[0] > 0 && offsets[0] < offsets[1] && offsets[1] < csv.len() as u64, "{offsets:?}");
    }

    #[test]
    fn reads_number_styles() {
        let value = |raw, d| read_number(raw, d).value();
        assert_eq!(value("1,234.50", ','), Some(1234.5));
        assert_eq!(value("1.234,50", ';'), Some(1234.5));
        assert_eq!(value("233,75", ';'), Some(233.75));
        assert_eq!(value("3.069.914", ';'), Some(3_069_914.0));
        assert_eq!(value("1,234,567", ','), Some(1_234_567.0));
        assert_eq!(value("0.5", ';'), Some(0.5));
        assert_eq!(value("$123.45", ','), Some(123.45));
        assert_eq!(value("1.23M", ','), Some(1_230_000.0));
        assert_eq!(value("-0.5%", ','), Some(-0.5));
        assert_eq!(read_number("null", ','), Cell::Missing);
        assert_eq!(read_number("abc", ','), Cell::Text);
        assert_eq!(read_number("inf", ','), Cell::Text);
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
        assert_eq!(all_missing, ParseError::NoUsableRows { source_rows: 10, missing: 10, unreadable_dates: 0 });
    }
}
