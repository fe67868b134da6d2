use super::*;
use chrono::{Months, NaiveDate};

fn day(y: i32, m: u32, d: u32) -> Stamp {
    Stamp::from_date(NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> Stamp {
    Stamp(day(y, m, d).0 + (h * 3600 + min * 60) as i64)
}

fn labels(clock: &Clock, last: Stamp, n: usize) -> Vec<String> {
    clock.next_stamps(Some(last), n).into_iter().map(|s| clock.label(s.unwrap())).collect()
}

/// Every day from `first` to `last` for which `keep` is true.
fn days(first: Stamp, last: Stamp, keep: impl Fn(Stamp) -> bool) -> Vec<Stamp> {
    (0..=(last.0 - first.0) / DAY).map(|i| Stamp(first.0 + i * DAY)).filter(|s| keep(*s)).collect()
}

fn weekday(s: Stamp) -> bool {
    s.weekday().num_days_from_monday() < 5
}

#[test]
fn business_days_with_holidays_are_daily_mon_to_fri() {
    let holidays = [day(2024, 1, 1), day(2024, 1, 15), day(2024, 2, 19), day(2024, 3, 29)];
    let stamps = days(day(2024, 1, 2), day(2024, 4, 26), |s| weekday(s) && !holidays.contains(&s));
    let clock = Clock::detect(&stamps);
    assert_eq!((clock.frequency().as_deref(), clock.week()), (Some("1d"), Some(5)));
    assert_eq!(clock.describe(stamps.len()), "81 daily rows, Mon–Fri");
    assert_eq!(labels(&clock, day(2024, 4, 26), 2), ["2024-04-29", "2024-04-30"]);
    assert!(clock.holiday_note().is_some());
    assert_eq!(clock.bars(30), "30 daily bars");
    assert_eq!(clock.span(100).as_deref(), Some("4.6 months"));
}

#[test]
fn crypto_days_run_seven_days_a_week() {
    let stamps = days(day(2024, 1, 1), day(2024, 6, 30), |_| true);
    let clock = Clock::detect(&stamps);
    assert_eq!((clock.frequency().as_deref(), clock.week()), (Some("1d"), Some(7)));
    assert_eq!(clock.describe(1500), "1,500 daily rows, 7 days a week");
    assert_eq!(
        labels(&clock, day(2024, 6, 28), 2),
        ["2024-06-29", "2024-06-30"],
        "Friday → Saturday"
    );
    assert_eq!(clock.holiday_note(), None);
}

#[test]
fn weekly_bars_keep_their_weekday() {
    let stamps = days(day(2020, 1, 6), day(2024, 12, 30), |s| s.weekday() == Weekday::Mon);
    let clock = Clock::detect(&stamps);
    assert_eq!((clock.frequency().as_deref(), clock.week()), (Some("1w"), None));
    assert_eq!(clock.describe(stamps.len()), "261 weekly rows (Mondays)");
    assert_eq!(labels(&clock, day(2024, 12, 30), 2), ["2025-01-06", "2025-01-13"]);
}

#[test]
fn months_keep_their_end_or_start() {
    let ends: Vec<Stamp> = (0..156)
        .map(|i| {
            let first = NaiveDate::from_ymd_opt(2012, 1, 1).unwrap() + Months::new(i);
            Stamp::from_date(MonthAnchor::End.place(first))
        })
        .collect();
    let clock = Clock::detect(&ends);
    assert_eq!(clock.frequency().as_deref(), Some("1M"));
    assert_eq!(clock.describe(156), "156 monthly rows (month-end)");
    assert_eq!(labels(&clock, day(2024, 12, 31), 3), ["2025-01-31", "2025-02-28", "2025-03-31"]);
    assert_eq!(labels(&clock, day(2024, 1, 31), 1), ["2024-02-29"]);
    let starts: Vec<Stamp> = (0..120)
        .map(|i| Stamp::from_date(NaiveDate::from_ymd_opt(2015, 1, 1).unwrap() + Months::new(i)))
        .collect();
    let clock = Clock::detect(&starts);
    assert_eq!(clock.describe(120), "120 monthly rows (month-start)");
    assert_eq!(labels(&clock, day(2024, 12, 1), 2), ["2025-01-01", "2025-02-01"]);
}

#[test]
fn quarters_and_years() {
    let quarters: Vec<Stamp> = (0..100)
        .map(|i| {
            Stamp::from_date(NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + Months::new(3 * i))
        })
        .collect();
    let clock = Clock::detect(&quarters);
    assert_eq!(clock.frequency().as_deref(), Some("1Q"));
    assert_eq!(clock.describe(100), "100 quarterly rows (quarter-start)");
    assert_eq!(labels(&clock, day(2024, 10, 1), 2), ["2025-01-01", "2025-04-01"]);
    let quarter_ends: Vec<Stamp> = (0..40)
        .map(|i| {
            Stamp::from_date(
                MonthAnchor::End
                    .place(NaiveDate::from_ymd_opt(2000, 3, 1).unwrap() + Months::new(3 * i)),
            )
        })
        .collect();
    assert_eq!(
        labels(&Clock::detect(&quarter_ends), day(2009, 12, 31), 2),
        ["2010-03-31", "2010-06-30"]
    );
    let years: Vec<Stamp> = (1985..2025).map(|y| day(y, 1, 1)).collect();
    let clock = Clock::detect(&years);
    assert_eq!(
        (clock.frequency().as_deref(), clock.describe(40)),
        (Some("1Y"), "40 yearly rows (year-start)".into())
    );
    assert_eq!(labels(&clock, day(2024, 1, 1), 1), ["2025-01-01"]);
}

#[test]
fn hourly_fx_24_by_5_with_a_few_missing_bars() {
    let mut stamps: Vec<Stamp> = days(day(2017, 4, 17), day(2018, 2, 7), weekday)
        .into_iter()
        .flat_map(|d| (0..24).map(move |h| Stamp(d.0 + h * 3600)))
        .filter(|s| *s <= at(2018, 2, 7, 15, 0))
        .collect();
    stamps.retain(|s| s.date() != NaiveDate::from_ymd_opt(2017, 12, 25).unwrap());
    stamps.remove(1000);
    let clock = Clock::detect(&stamps);
    assert_eq!((clock.frequency().as_deref(), clock.week()), (Some("1h"), Some(5)));
    assert_eq!(clock.describe(5000), "5,000 hourly bars, 24 h Mon–Fri");
    assert_eq!(labels(&clock, at(2018, 2, 7, 15, 0), 2), ["2018-02-07 16:00", "2018-02-07 17:00"]);
    assert_eq!(labels(&clock, at(2018, 2, 9, 23, 0), 1), ["2018-02-12 00:00"]);
    assert_eq!(clock.bars(30), "30 hourly bars");
    assert_eq!(clock.span(48).as_deref(), Some("2 trading days"));
}

#[test]
fn a_short_file_with_a_missing_day_is_still_daily() {
    let stamps = [day(2023, 1, 3), day(2023, 1, 4), day(2023, 1, 6), day(2023, 1, 9)];
    let clock = Clock::detect(&stamps);
    assert_eq!((clock.frequency().as_deref(), clock.week()), (Some("1d"), Some(5)));
    assert_eq!(labels(&clock, day(2023, 1, 9), 1), ["2023-01-10"]);
}

#[test]
fn two_four_hour_bars_a_session_are_four_hourly() {
    let stamps: Vec<Stamp> = days(day(2024, 1, 1), day(2024, 3, 29), weekday)
        .into_iter()
        .flat_map(|d| [at_day(d, 9, 30), at_day(d, 13, 30)])
        .collect();
    let clock = Clock::detect(&stamps);
    assert_eq!(
        (clock.frequency().as_deref(), clock.describe(10)),
        (Some("4h"), "10 4-hour bars, 09:30–13:30 Mon–Fri".into())
    );
    assert_eq!(
        labels(&clock, at(2024, 3, 29, 13, 30), 2),
        ["2024-04-01 09:30", "2024-04-01 13:30"]
    );
}

#[test]
fn no_dominant_gap_is_irregular() {
    let mut t = day(2024, 1, 1).0;
    let stamps: Vec<Stamp> = (0..200u64)
        .map(|i| {
            t += 3600 * (1 + (i * 7919 % 13) as i64) + 60 * (i % 7) as i64;
            Stamp(t)
        })
        .collect();
    let clock = Clock::detect(&stamps);
    assert_eq!(clock.frequency().as_deref(), Some("irregular"));
    assert_eq!(clock.next_stamps(stamps.last().copied(), 2), vec![None, None]);
    assert!(clock.irregular_note().unwrap().contains("numbered, not dated"));
    assert_eq!(clock.bars(3), "3 rows");
    assert_eq!(Clock::detect(&[]), Clock::Irregular { change: None, timed: false });
}

#[test]
fn a_daily_history_followed_by_hourly_bars_is_a_change_not_a_bar_size() {
    let daily = days(day(2023, 1, 2), day(2023, 12, 29), weekday);
    let hourly: Vec<Stamp> = days(day(2024, 1, 2), day(2024, 1, 31), weekday)
        .into_iter()
        .flat_map(|d| (0..7).map(move |h| at_day(d, 9 + h, 30)))
        .collect();
    let stamps: Vec<Stamp> = daily.iter().chain(&hourly).copied().collect();
    let clock = Clock::detect(&stamps);
    assert_eq!(clock.frequency().as_deref(), Some("irregular"));
    let Clock::Irregular { change: Some(change), timed: true } = &clock else {
        panic!("{clock:?}")
    };
    assert_eq!(
        (change.before, change.after, change.at, change.rows_after),
        (BarSize::DAY, BarSize::Minutes(60), at(2024, 1, 2, 9, 30), hourly.len())
    );
    let note = clock.irregular_note().unwrap();
    assert!(
        note.contains("set bars=1d") && note.contains(&format!("last={}", hourly.len())),
        "{note}"
    );
}

fn at_day(d: Stamp, h: u32, m: u32) -> Stamp {
    Stamp(d.0 + (h * 3600 + m * 60) as i64)
}

#[test]
fn numbers_get_thousands_separators() {
    assert_eq!(
        (thousands(5), thousands(5000), thousands(1234567)),
        ("5".into(), "5,000".into(), "1,234,567".into())
    );
}
