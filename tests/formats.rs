//! Every exporter format in `tests/fixtures/` loads without editing, with the right dates,
//! target column and values, and with its cleaning steps reported.

use chrono::NaiveDate;
use stocklstm::data::Table;
use stocklstm::data::dates::DayOrder;
use stocklstm::data::parse::parse_csv;

fn load(name: &str) -> Table {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    parse_csv(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The first and last day of a table with dates.
fn date_range(table: &Table) -> Option<(NaiveDate, NaiveDate)> {
    table.stamp_range().map(|(first, last)| (first.date(), last.date()))
}

/// Checks row count, date range, the default target and its first and last values.
fn check(
    table: &Table,
    rows: usize,
    first: NaiveDate,
    last: NaiveDate,
    target: &str,
    values: (f64, f64),
) {
    assert_eq!(table.len(), rows);
    assert_eq!(date_range(table), Some((first, last)));
    let column = table.default_target();
    assert_eq!(column.name, target);
    assert_eq!((column.values[0], column.values[rows - 1]), values);
}

#[test]
fn yahoo_with_null_rows() {
    let t = load("yahoo.csv");
    check(&t, 4, day(2023, 1, 3), day(2023, 1, 9), "Adj Close", (124.22, 129.27));
    assert_eq!(t.report.rows_with_missing_values, 1);
}

#[test]
fn nasdaq_dollars_month_first_newest_first() {
    let t = load("nasdaq.csv");
    check(&t, 5, day(2023, 1, 3), day(2023, 1, 9), "Close/Last", (125.07, 130.15));
    assert!(t.report.reversed);
    assert_eq!(t.report.currency_signs, 20, "four dollar columns, five rows");
    assert_eq!(t.report.day_order, Some(DayOrder::MonthFirst));
    assert!(t.report.day_order_unproven, "days 3 to 9 of January fit both orders");
}

#[test]
fn investing_quoted_thousands_suffixes_and_dashes() {
    let t = load("investing.csv");
    check(&t, 3, day(2018, 9, 26), day(2018, 9, 28), "Price", (1237.45, 1233.5));
    assert_eq!(t.column("Vol.").unwrap().values, vec![45_600.0, 5_080_000.0, 3_070_000.0]);
    assert_eq!(t.column("Change %").unwrap().values[0], 0.10);
    assert_eq!(t.report.rows_with_missing_values, 1, "the row with '-' volume");
    assert!(t.report.thousands_separators > 0);
}

#[test]
fn investing_numeric_dates_are_read_month_first_from_the_whole_column() {
    let t = load("investing-numeric-dates.csv");
    check(&t, 3, day(2018, 9, 13), day(2018, 9, 28), "Price", (234.2, 233.5));
}

#[test]
fn stooq_kaggle_and_alpha_vantage() {
    check(&load("stooq.csv"), 3, day(2023, 1, 3), day(2023, 1, 5), "Close", (125.07, 125.02));
    let kaggle = load("kaggle.csv");
    check(&kaggle, 3, day(2017, 11, 8), day(2017, 11, 10), "Close", (175.88, 174.81));
    assert!(kaggle.column("OpenInt").is_some());
    let alpha = load("alphavantage.csv");
    check(&alpha, 3, day(2023, 1, 3), day(2023, 1, 5), "close", (125.07, 125.02));
    assert_eq!(alpha.report.date_column.as_deref(), Some("timestamp"));
    assert!(alpha.report.reversed);
}

#[test]
fn nse_and_bse() {
    check(&load("nse.csv"), 3, day(2018, 9, 26), day(2018, 9, 28), "Close", (234.25, 233.75));
    let bse = load("bse.csv");
    check(&bse, 3, day(2018, 9, 26), day(2018, 9, 28), "Close Price", (234.25, 233.75));
    assert!(bse.column("% Deli. Qty to Traded Qty").is_some());
}

#[test]
fn european_semicolons_decimal_commas_and_day_first_dates() {
    let t = load("european.csv");
    check(&t, 3, day(2018, 9, 26), day(2018, 9, 28), "Schlusskurs", (234.25, 233.75));
    assert_eq!(t.report.delimiter, ';');
    assert_eq!(t.column("Volumen").unwrap().values[2], 3_069_914.0);
    assert_eq!(t.report.day_order, Some(DayOrder::DayFirst));
}

#[test]
fn tabs_bom_crlf_blank_lines_duplicates_and_a_summary_line() {
    let tabs = load("tab-separated.tsv");
    check(&tabs, 2, day(2023, 1, 3), day(2023, 1, 4), "Close", (125.07, 126.36));
    assert_eq!(tabs.report.delimiter, '\t');
    let t = load("bom-crlf-summary.csv");
    check(&t, 3, day(2023, 1, 3), day(2023, 1, 5), "Close", (125.07, 125.02));
    assert_eq!(t.report.duplicate_dates, 1);
    assert_eq!(t.report.unreadable_dates, 1, "the Total line");
}

#[test]
fn several_tickers_in_one_file_are_kept_apart() {
    use stocklstm::data::parse::{ParseError, ParseOptions, parse_csv_with};
    let parse_csv_ticker = |bytes: &[u8], ticker: Option<&str>| {
        parse_csv_with(
            bytes,
            &ParseOptions { ticker: ticker.map(String::from), ..Default::default() },
        )
    };
    let bytes = std::fs::read(format!("{}/tests/fixtures/tickers.csv", env!("CARGO_MANIFEST_DIR")))
        .unwrap();
    let first = parse_csv_ticker(&bytes, None).unwrap();
    check(&first, 3, day(2023, 1, 3), day(2023, 1, 5), "Close", (125.07, 125.02));
    assert_eq!(first.report.tickers, ["AAPL", "MSFT"]);
    assert_eq!(first.report.duplicate_dates, 0, "dates repeat across tickers, not within one");
    assert!(first.report.notes()[0].starts_with("ticker AAPL (the file lists 2: AAPL, MSFT)"));
    let msft = parse_csv_ticker(&bytes, Some("msft")).unwrap();
    check(&msft, 3, day(2023, 1, 3), day(2023, 1, 5), "Close", (239.58, 222.31));
    let missing = parse_csv_ticker(&bytes, Some("TSLA")).unwrap_err();
    assert_eq!(
        missing,
        ParseError::UnknownTicker {
            ticker: "TSLA".into(),
            tickers: vec!["AAPL".into(), "MSFT".into()]
        }
    );
    assert_eq!(
        missing.to_string(),
        "ticker 'TSLA' is not in this file; its tickers are: AAPL, MSFT"
    );
}

#[test]
fn dates_that_fit_both_orders_are_flagged_and_the_person_can_choose() {
    use stocklstm::data::parse::{ParseOptions, parse_csv_with};
    let bytes = b"Date,Close\n01/02/2020,1\n02/02/2020,2\n03/02/2020,3\n";
    let guessed = parse_csv(bytes).unwrap();
    assert_eq!(guessed.report.day_order, Some(DayOrder::MonthFirst));
    assert!(guessed.report.day_order_unproven);
    assert!(guessed.report.notes()[0].contains("no date proves the order"));
    assert_eq!(date_range(&guessed), Some((day(2020, 1, 2), day(2020, 3, 2))));
    let options = ParseOptions { day_order: Some(DayOrder::DayFirst), ..Default::default() };
    let chosen = parse_csv_with(bytes, &options).unwrap();
    assert_eq!(date_range(&chosen), Some((day(2020, 2, 1), day(2020, 2, 3))));
}

/// A seeded fuzzer: random bytes, and fixtures with bytes flipped, cut, duplicated and spliced.
/// The parser must never panic, and every rejection must be a message.
#[test]
fn random_and_mutated_files_never_panic() {
    use stocklstm::rng::SeededRng;
    let dir = format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    let seeds: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    let alphabet = b",;\t\n\r\"$%.-0123456789 aAeEnNuUlL/:KMB";
    let mut rng = SeededRng::new(2026);
    let mut below = |n: usize| (rng.next_u64() % n.max(1) as u64) as usize;
    for case in 0..4000 {
        let mut bytes = seeds[below(seeds.len())].clone();
        match case % 4 {
            0 => bytes = (0..below(300)).map(|_| below(256) as u8).collect(),
            1 => {
                for _ in 0..1 + below(8) {
                    let at = below(bytes.len());
                    if at < bytes.len() {
                        bytes[at] = alphabet[below(alphabet.len())];
                    }
                }
            }
            2 => {
                let (from, len) = (below(bytes.len()), below(40));
                let piece: Vec<u8> = bytes[from..(from + len).min(bytes.len())].to_vec();
                let at = below(bytes.len());
                bytes.splice(at..at, piece);
            }
            _ => bytes.truncate(below(bytes.len())),
        }
        match parse_csv(&bytes) {
            Err(error) => assert!(!error.to_string().is_empty(), "case {case}: empty message"),
            Ok(table) => {
                assert!(!table.is_empty(), "case {case}: a table has rows");
                for column in &table.columns {
                    assert_eq!(column.values.len(), table.len(), "case {case}");
                    assert!(
                        column.values.iter().all(|v| v.is_finite()),
                        "case {case}: {}",
                        column.name
                    );
                }
                if let Some(dates) = &table.stamps {
                    assert!(
                        dates.windows(2).all(|w| w[0] < w[1]),
                        "case {case}: dates strictly increase"
                    );
                }
            }
        }
    }
}

/// Excel's "Save as Unicode Text": UTF-16 little-endian with a byte-order mark, tabs, CRLF.
#[test]
fn excel_unicode_text_is_decoded_from_utf16() {
    let t = load("excel-unicode-text.txt");
    check(&t, 4, day(2023, 1, 3), day(2023, 1, 6), "Close", (125.07, 129.62));
    assert_eq!((t.report.delimiter, t.column("Volume").unwrap().values[0]), ('\t', 112_117_500.0));
    // The same file big-endian reads the same.
    let path = format!("{}/tests/fixtures/excel-unicode-text.txt", env!("CARGO_MANIFEST_DIR"));
    let little = std::fs::read(path).unwrap();
    let big: Vec<u8> = little.chunks(2).flat_map(|pair| [pair[1], pair[0]]).collect();
    assert_eq!(&big[..2], &[0xFE, 0xFF]);
    let from_big = parse_csv(&big).unwrap();
    assert_eq!((&from_big.stamps, &from_big.columns), (&t.stamps, &t.columns));
}

/// API exports: a time column of Unix epoch milliseconds (an unnamed first column, newest first)
/// or seconds (named `timestamp`, stamped at the US close in UTC) becomes dates, and the notes say so.
#[test]
fn epoch_seconds_and_milliseconds_are_dates() {
    let ms = load("api-epoch-ms.csv");
    assert_eq!(date_range(&ms), Some((day(2023, 1, 3), day(2023, 1, 5))));
    assert_eq!(ms.column("c").unwrap().values, vec![125.07, 126.36, 125.02]);
    assert!(ms.column("t").is_none(), "the time column is not a price column");
    assert!(ms.report.reversed);
    assert_eq!(
        ms.report.notes()[0],
        "dates from column 't', read as Unix epoch milliseconds (UTC)"
    );
    let seconds = load("api-epoch-seconds.csv");
    check(&seconds, 3, day(2023, 1, 3), day(2023, 1, 5), "close", (125.07, 125.02));
    assert_eq!(
        seconds.report.notes()[0],
        "dates from column 'timestamp', read as Unix epoch seconds (UTC)"
    );
    // The US close in UTC keeps its time of day; the rows are still daily, written as dates.
    assert_eq!(seconds.stamp_range().unwrap().0.to_string(), "2023-01-03 21:00");
    assert_eq!(seconds.clock.frequency().as_deref(), Some("1d"));
    assert_eq!(seconds.row_label(0), "2023-01-03");
}

/// Numbers that only look like epochs are left alone: a first column of prices, or of large
/// counts that do not run in one direction.
#[test]
fn prices_and_volumes_are_not_taken_for_epochs() {
    let prices = parse_csv(b"Close\n100\n101\n102\n").unwrap();
    assert_eq!(prices.stamps, None);
    let volumes = parse_csv(b"Volume,Close\n300000000,1\n200000000,2\n400000000,3\n").unwrap();
    assert_eq!(volumes.stamps, None);
    assert_eq!(volumes.columns.len(), 2);
}
