//! Every bar size and calendar in `tests/fixtures/` (files written in real exporters' layouts:
//! see `tests/fixtures/README.md`) is detected, summarised in words, and continued on its own
//! clock: the first two forecast stamps are those the market would print next.

use stocklstm::data::Table;
use stocklstm::data::bar::BarSize;
use stocklstm::data::parse::{ParseError, ParseOptions, parse_csv, parse_csv_with};
use stocklstm::data::resample::Reshape;

fn bytes(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn load(name: &str) -> Table {
    parse_csv(&bytes(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The clock's `data-frequency` and `data-week`, the summary's words and the next two stamps.
fn check(table: &Table, frequency: &str, week: Option<u32>, words: &str, next: [&str; 2]) {
    assert_eq!(table.clock.frequency().as_deref(), Some(frequency));
    assert_eq!(table.clock.week(), week);
    let summary = table.summary("x");
    assert!(summary.starts_with(words), "{summary}");
    let stamps: Vec<String> = table
        .forecast_stamps(2)
        .into_iter()
        .map(|s| table.clock.label(s.expect("a dated forecast")))
        .collect();
    assert_eq!(stamps, next);
}

fn notes(table: &Table) -> Vec<String> {
    table.report.notes()
}

#[test]
fn a_headerless_exchange_dump_with_two_stamp_columns_in_microseconds() {
    let t = load("binance-btcusdt-1h.csv");
    check(
        &t,
        "1h",
        Some(7),
        "504 hourly bars, 24 h, 7 days a week, 2025-01-01 00:00 to 2025-01-21 23:00",
        ["2025-01-22 00:00", "2025-01-22 01:00"],
    );
    assert_eq!(t.default_target().name, "Close");
    assert_eq!(t.column("Open").unwrap().values[0], 64209.46);
    assert!(t.column("column 7").is_none(), "the close time is not a price");
    let notes = notes(&t);
    assert!(notes[0].starts_with("no header row: columns named by position; columns 2–6 read as Open, High, Low, Close, Volume"), "{notes:?}");
    assert!(
        notes.contains(
            &"dates from column 'column 1', read as Unix epoch microseconds (UTC)".to_string()
        ),
        "{notes:?}"
    );
    assert!(notes.contains(&"another time column ignored: 'column 7' (of two, the first is used: 'column 1', a bar's open)".to_string()), "{notes:?}");
}

#[test]
fn a_source_line_above_the_header_newest_first_crypto_daily() {
    let t = load("cryptodatadownload-btc-daily.csv");
    check(
        &t,
        "1d",
        Some(7),
        "121 daily rows, 7 days a week, 2024-01-01 to 2024-04-30",
        ["2024-05-01", "2024-05-02"],
    );
    let notes = notes(&t);
    assert_eq!(notes[0], "line above the header skipped: 'https://www.CryptoDataDownload.com'");
    assert!(t.report.reversed);
    assert!(t.column("unix").is_none() && t.column("date").is_none());
}

#[test]
fn hourly_fx_24_by_5_from_pandas_keeps_its_pips() {
    let t = load("pandas-eurusd-1h.csv");
    check(
        &t,
        "1h",
        Some(5),
        "5,000 hourly bars, 24 h Mon–Fri, 2017-04-19 08:00 to 2018-02-07 15:00",
        ["2018-02-07 16:00", "2018-02-07 17:00"],
    );
    assert_eq!(t.len(), 5000, "no hour taken for a repeated day");
    let close = t.default_target();
    assert_eq!(close.decimals, 5);
    assert_eq!(close.format(close.values[0]), "1.07160");
}

#[test]
fn a_date_and_a_time_column_are_joined_with_or_without_a_header() {
    let stooq = load("stooq-eurusd-1h.csv");
    check(
        &stooq,
        "1h",
        Some(5),
        "300 hourly bars, 24 h Mon–Fri, 2018-01-22 04:00 to 2018-02-07 15:00",
        ["2018-02-07 16:00", "2018-02-07 17:00"],
    );
    assert_eq!(notes(&stooq)[0], "dates from column 'Date' with times of day from column 'Time'");
    let mt4 = load("mt4-eurusd-h1.csv");
    check(
        &mt4,
        "1h",
        Some(5),
        "300 hourly bars, 24 h Mon–Fri, 2018-01-22 04:00 to 2018-02-07 15:00",
        ["2018-02-07 16:00", "2018-02-07 17:00"],
    );
    assert_eq!(mt4.default_target().values, stooq.default_target().values);
    assert!(
        notes(&mt4)[0].contains("columns 3–7 read as Open, High, Low, Close, Volume"),
        "{:?}",
        notes(&mt4)
    );
}

/// A US equity session in 5-minute bars, across the March daylight-saving change: wall-clock
/// times are kept, so the session stays 09:30–15:55 and no bar is lost or doubled.
#[test]
fn a_us_equity_five_minute_session_across_a_daylight_saving_change() {
    let t = load("yfinance-spy-5m.csv");
    check(
        &t,
        "5min",
        Some(5),
        "780 5-minute bars, 09:30–15:55 Mon–Fri, 2024-03-04 09:30 to 2024-03-15 15:55",
        ["2024-03-18 09:30", "2024-03-18 09:35"],
    );
    assert_eq!((t.len(), t.report.duplicate_dates), (780, 0));
    assert!(
        notes(&t).contains(
            &"times kept as written; offsets -05:00 and -04:00 seen (a daylight-saving change)"
                .to_string()
        )
    );
    assert_eq!(t.clock.span(78).as_deref(), Some("1 trading day"));
}

#[test]
fn a_token_priced_in_millionths_seven_days_a_week() {
    let t = load("coingecko-shib-daily.csv");
    check(
        &t,
        "1d",
        Some(7),
        "400 daily rows, 7 days a week, 2023-12-01 to 2025-01-03",
        ["2025-01-04", "2025-01-05"],
    );
    let price = t.default_target();
    assert_eq!((price.name.as_str(), price.decimals), ("price", 8));
    assert_eq!(price.format(price.values[0]), "0.00001041");
}

#[test]
fn weekly_bars_keep_their_monday_even_over_holidays() {
    let t = load("yahoo-weekly.csv");
    check(
        &t,
        "1w",
        None,
        "261 weekly rows (Mondays), 2020-01-06 to 2024-12-30",
        ["2025-01-06", "2025-01-13"],
    );
}

#[test]
fn months_quarters_and_years_keep_their_place_in_the_period() {
    check(
        &load("btc-usd-monthly-month-end.csv"),
        "1M",
        None,
        "156 monthly rows (month-end), 2012-01-31 to 2024-12-31",
        ["2025-01-31", "2025-02-28"],
    );
    check(
        &load("yahoo-monthly.csv"),
        "1M",
        None,
        "120 monthly rows (month-start), 2015-01-01 to 2024-12-01",
        ["2025-01-01", "2025-02-01"],
    );
    check(
        &load("fred-quarterly.csv"),
        "1Q",
        None,
        "100 quarterly rows (quarter-start), 2000-01-01 to 2024-10-01",
        ["2025-01-01", "2025-04-01"],
    );
    check(
        &load("fred-annual.csv"),
        "1Y",
        None,
        "40 yearly rows (year-start), 1985-01-01 to 2024-01-01",
        ["2025-01-01", "2026-01-01"],
    );
}

/// The bundled sample: business days with their holidays.
#[test]
fn a_daily_file_with_holidays_is_daily_mon_to_fri() {
    let bytes =
        std::fs::read(format!("{}/public/sample/IBM.csv", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let t = parse_csv(&bytes).unwrap();
    check(
        &t,
        "1d",
        Some(5),
        "3,270 daily rows, Mon–Fri, 2000-03-01 to 2013-03-01",
        ["2013-03-04", "2013-03-05"],
    );
    assert!(t.clock.holiday_note().is_some());
}

/// A daily history followed by hourly bars: said, with the settings that fix it, nothing lost;
/// `bars=1d` then makes it one daily series, `last=` keeps the hourly part.
#[test]
fn a_bar_size_that_changes_part_way_is_said_and_fixed_by_bars_or_last() {
    let file = bytes("mixed-daily-then-hourly.csv");
    let t = parse_csv(&file).unwrap();
    assert_eq!(t.clock.frequency().as_deref(), Some("irregular"));
    assert_eq!(t.len(), 390, "nothing lost");
    assert_eq!(t.forecast_stamps(2), vec![None, None], "numbered, not dated");
    let warning = &t.warnings()[0];
    assert!(warning.starts_with("the bar size changes part-way: daily bars, then hourly bars from 2024-01-02 09:30 (140 rows); set bars=1d"), "{warning}");
    let reshaped = |bars: Option<BarSize>, last: Option<usize>| {
        parse_csv_with(
            &file,
            &ParseOptions { reshape: Reshape { bars, last }, ..Default::default() },
        )
        .unwrap()
    };
    let daily = reshaped(Some(BarSize::DAY), None);
    check(&daily, "1d", Some(5), "270 daily rows, Mon–Fri", ["2024-01-31", "2024-02-01"]);
    let hourly = reshaped(None, Some(140));
    check(
        &hourly,
        "1h",
        Some(5),
        "140 hourly bars, 09:30–15:30 Mon–Fri",
        ["2024-01-31 09:30", "2024-01-31 10:30"],
    );
}

/// A year of 1-minute bars (24/7 crypto: 525,600 rows) loads and aggregates to hours.
#[test]
fn a_year_of_minutes_aggregates_to_hours() {
    let mut csv = String::with_capacity(40 * 525_600);
    csv.push_str("open_time,open,high,low,close,volume\n");
    let start = 1_704_067_200_i64; // 2024-01-01 00:00 UTC
    for minute in 0..525_600_i64 {
        let p = 40_000.0 + (minute % 600) as f64;
        csv += &format!(
            "{},{p},{},{},{},1\n",
            (start + minute * 60) * 1000,
            p + 1.0,
            p - 1.0,
            p + 0.5
        );
    }
    let options = ParseOptions {
        reshape: Reshape { bars: Some(BarSize::Minutes(60)), last: None },
        ..Default::default()
    };
    let t = parse_csv_with(csv.as_bytes(), &options).unwrap();
    check(
        &t,
        "1h",
        Some(7),
        "8,760 hourly bars, 24 h, 7 days a week",
        ["2024-12-31 00:00", "2024-12-31 01:00"],
    );
}

#[test]
fn times_without_dates_and_unreadable_times_say_what_to_do() {
    let times = parse_csv(b"Time,Price\n09:30,1\n09:35,2\n09:40,3\n").unwrap();
    assert_eq!(times.clock.frequency(), None);
    assert_eq!(times.len(), 3, "nothing lost: rows in file order");
    assert!(
        times.warnings()[0]
            .starts_with("column 'Time' holds times of day but no column holds dates"),
        "{:?}",
        times.warnings()
    );
    let unreadable =
        parse_csv(b"Date,Time,Close\n2024-03-01,9h30,1\n2024-03-01,9h35,2\n2024-03-01,9h40,3\n")
            .unwrap_err();
    assert_eq!(
        unreadable,
        ParseError::UnreadableTimes { column: "Time".into(), example: "9h30".into() }
    );
    assert!(unreadable.to_string().contains("Write times as 09:30"), "{unreadable}");
}

#[test]
fn repeated_stamps_with_other_prices_are_counted_and_the_first_kept() {
    let t = parse_csv(b"Datetime,Close\n2024-03-01 09:00,1\n2024-03-01 10:00,2\n2024-03-01 10:00,2.5\n2024-03-01 11:00,3\n").unwrap();
    assert_eq!(t.default_target().values, [1.0, 2.0, 3.0]);
    assert!(notes(&t).contains(&"1 duplicate stamp dropped (first kept), 1 of them with other values than the row kept".to_string()), "{:?}", notes(&t));
}
