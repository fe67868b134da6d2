//! The shape of a file before its cells are read: its text encoding, separator, lines above
//! the header (a title or source line), whether it has a header row at all, and for a file
//! without one, which columns hold the usual open, high, low, close and volume.

use std::borrow::Cow;

use super::dates::{DayOrder, parse_date};
use super::numbers::{Cell, read_number};
use super::parse::ParseError;
use super::stamp::{detect_epoch, parse_time_of_day};

/// Turns the bytes into text, rejecting binary files with the offset of the first bad byte.
/// UTF-16 with a byte-order mark (Excel's "Unicode Text") is decoded; anything else must be
/// UTF-8.
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, ParseError> {
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

/// Lines looked at to find the separator and the header.
const SAMPLE_LINES: usize = 20;

/// Where the table starts in a file's text and how it is separated.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub delimiter: char,
    /// Lines above the header (a title or source line), skipped.
    pub skipped: Vec<String>,
    /// Byte offset of the header (or the first data row of a file without one).
    pub start: usize,
    /// The first line is data, not column names.
    pub headerless: bool,
}

/// Non-empty lines with their byte offsets.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_inclusive('\n')
        .scan(0, |offset, line| {
            let start = *offset;
            *offset += line.len();
            Some((start, line.trim_end_matches(['\r', '\n'])))
        })
        .filter(|(_, line)| !line.trim().is_empty())
}

/// Fields of one line under `delimiter`, quotes respected.
fn fields(line: &str, delimiter: char) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter as u8)
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(line.as_bytes());
    reader
        .records()
        .next()
        .and_then(Result::ok)
        .map(|r| r.iter().map(String::from).collect())
        .unwrap_or_default()
}

/// Finds the separator and the header: lines above it with no separator at all (a URL), or
/// with fewer than half the fields of the rows below (a title), are skipped; a first line of
/// numbers and stamps is data (a file without a header).
pub fn detect(text: &str) -> Layout {
    let sample: Vec<(usize, &str)> = lines(text).take(SAMPLE_LINES).collect();
    const DELIMITERS: [char; 3] = [',', ';', '\t'];
    let has_delimiter = |line: &str| line.contains(DELIMITERS);
    let mut first = sample.iter().position(|(_, l)| has_delimiter(l)).unwrap_or(0);
    let header = sample.get(first).map_or("", |(_, l)| *l);
    let delimiter = DELIMITERS
        .into_iter()
        .max_by_key(|d| (header.matches(*d).count(), *d == ','))
        .unwrap_or(',');
    let counts: Vec<usize> = sample.iter().map(|(_, l)| fields(l, delimiter).len()).collect();
    while first + 1 < sample.len() {
        let mut below = counts[first + 1..].to_vec();
        below.sort_unstable();
        let typical = below[below.len() / 2];
        if counts[first] * 2 >= typical {
            break;
        }
        first += 1;
    }
    let skipped = sample[..first].iter().map(|(_, l)| shorten(l)).collect();
    let start = sample.get(first).map_or(0, |(offset, _)| *offset);
    let headerless =
        sample.get(first).is_some_and(|(_, line)| is_data(&fields(line, delimiter), delimiter));
    Layout { delimiter, skipped, start, headerless }
}

/// A line as the notes quote it: at most 60 characters.
fn shorten(line: &str) -> String {
    let line = line.trim();
    match line.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_string(),
    }
}

/// Whether a row's cells are all numbers, dates, times or empty (data, not column names), with
/// at least one number.
fn is_data(cells: &[String], delimiter: char) -> bool {
    let number = |c: &str| matches!(read_number(c, delimiter), Cell::Value { .. });
    let stamp = |c: &str| {
        parse_date(c, DayOrder::MonthFirst).is_some()
            || parse_date(c, DayOrder::DayFirst).is_some()
            || parse_time_of_day(c).is_some()
    };
    cells.iter().any(|c| number(c))
        && cells.iter().all(|c| {
            c.is_empty()
                || number(c)
                || stamp(c)
                || detect_epoch(std::iter::once(c.as_str())).is_some()
        })
}

/// The names of the usual columns of a bar, in the order exchange and broker files without a
/// header write them after the stamp.
pub const BAR_COLUMNS: [&str; 5] = ["Open", "High", "Low", "Close", "Volume"];

/// In a file without a header: the first four numeric columns after the stamp, when they hold
/// a bar on (nearly) every row (high the largest, low the smallest), are Open, High, Low and
/// Close, and a fifth of values never below zero is Volume. Returns how many of
/// [`BAR_COLUMNS`] the numeric columns from `first` take.
pub fn bar_columns(columns: &[Vec<Option<f64>>]) -> usize {
    if columns.len() < 4 {
        return 0;
    }
    let rows = columns[0].len();
    let bar = |r: usize| -> Option<bool> {
        let [o, h, l, c] = [columns[0][r]?, columns[1][r]?, columns[2][r]?, columns[3][r]?];
        Some(h >= o.max(c).max(l) && l <= o.min(c))
    };
    let checked: Vec<bool> = (0..rows).filter_map(bar).collect();
    let bars = checked.iter().filter(|&&ok| ok).count();
    if checked.is_empty() || bars * 100 < checked.len() * 99 {
        return 0;
    }
    let volume = columns.get(4).is_some_and(|v| v.iter().flatten().all(|&x| x >= 0.0));
    if volume { 5 } else { 4 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_line_above_the_header_is_skipped() {
        let text = "https://www.CryptoDataDownload.com\nunix,date,symbol,open,close\n1714435200000,2024-04-30 00:00:00,BTC/USDT,1,2\n";
        let layout = detect(text);
        assert_eq!((layout.delimiter, layout.headerless), (',', false));
        assert_eq!(layout.skipped, ["https://www.CryptoDataDownload.com"]);
        assert!(text[layout.start..].starts_with("unix,date"));
        let title = "Bitcoin, daily\nDate,Open,High,Low,Close,Volume\n2024-01-01,1,2,0.5,1.5,10\n";
        assert_eq!(detect(title).skipped, ["Bitcoin, daily"]);
    }

    #[test]
    fn a_first_line_of_numbers_and_stamps_is_data() {
        let binance =
            "1735689600000000,64209.46,64227.69,64207.00,64209.47,1628.5,1735693199999999\n";
        assert!(detect(binance).headerless);
        assert!(detect("2018.01.22,04:00,1.24957,1.25015,1.24646,1.24836,1440\r\n").headerless);
        assert!(detect("20170419 090000;1.07160;1.07180;1.07100;1.07150;0\n").headerless);
        assert!(!detect("Date,Open,Close\n2024-01-01,1,2\n").headerless);
        assert!(!detect("Datum;Schluss\n28.09.2018;233,75\n").headerless);
        assert_eq!(detect("Datum;Schluss\n28.09.2018;233,75\n").delimiter, ';');
    }

    #[test]
    fn bars_are_recognised_by_their_high_and_low() {
        let column = |v: &[f64]| v.iter().map(|&x| Some(x)).collect::<Vec<_>>();
        let ohlcv = [
            column(&[1.0, 2.0]),
            column(&[2.0, 3.0]),
            column(&[0.5, 1.5]),
            column(&[1.5, 2.5]),
            column(&[10.0, 20.0]),
        ];
        assert_eq!(bar_columns(&ohlcv), 5);
        assert_eq!(bar_columns(&ohlcv[..4]), 4);
        let shuffled = [ohlcv[3].clone(), ohlcv[2].clone(), ohlcv[1].clone(), ohlcv[0].clone()];
        assert_eq!(bar_columns(&shuffled), 0);
    }
}
