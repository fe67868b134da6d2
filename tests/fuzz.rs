//! Property-based fuzzing of the CSV parser with proptest: arbitrary bytes, and CSV-shaped files
//! built from the cells exporters write (dates in many formats, numbers with separators, currency
//! signs and suffixes, missing markers, text, quotes, odd separators and line ends). The parser
//! must never panic; every rejection is a message; every accepted table keeps its invariants.

use proptest::prelude::*;
use stocklstm::data::parse::parse_csv;

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        (2000u32..2030, 1u32..13, 1u32..32).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
        (1u32..13, 1u32..32, 2000u32..2030).prop_map(|(m, d, y)| format!("{m:02}/{d:02}/{y}")),
        (1u32..32, 1u32..13, 2000u32..2030).prop_map(|(d, m, y)| format!("{d:02}.{m:02}.{y}")),
        (-1e6f64..1e6).prop_map(|x| format!("{x:.2}")),
        (0u64..10_000_000).prop_map(|x| format!("\"{},{:03}.50\"", x / 1000, x % 1000)),
        (0u32..1000).prop_map(|x| format!("${x}.25")),
        (0u32..1000).prop_map(|x| format!("{x}.5M")),
        prop::sample::select(vec![
            "",
            "null",
            "-",
            "NaN",
            "inf",
            "abc",
            "\"",
            "\"\"",
            "1e400",
            "Total",
            "Sep 28, 2018"
        ])
        .prop_map(String::from),
    ]
}

fn csv_file() -> impl Strategy<Value = Vec<u8>> {
    let separator = prop::sample::select(vec![",", ";", "\t"]);
    let line_end = prop::sample::select(vec!["\n", "\r\n", "\n\n"]);
    let rows = prop::collection::vec(prop::collection::vec(cell(), 1..6), 0..30);
    let header = prop::collection::vec(
        prop::sample::select(vec!["Date", "Close", "Open", "Volume", "Ticker", "x", ""]),
        1..6,
    );
    (header, rows, separator, line_end, any::<bool>()).prop_map(|(header, rows, sep, end, bom)| {
        let mut text = if bom { String::from("\u{feff}") } else { String::new() };
        text += &header.join(sep);
        for row in rows {
            text += end;
            text += &row.join(sep);
        }
        text.into_bytes()
    })
}

fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    match parse_csv(bytes) {
        Err(error) => prop_assert!(!error.to_string().is_empty()),
        Ok(table) => {
            prop_assert!(!table.is_empty());
            for column in &table.columns {
                prop_assert_eq!(column.values.len(), table.len());
                prop_assert!(column.values.iter().all(|v| v.is_finite()));
            }
            if let Some(dates) = &table.stamps {
                prop_assert!(dates.windows(2).all(|w| w[0] < w[1]));
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        check(&bytes)?;
    }

    #[test]
    fn csv_shaped_files_never_panic(bytes in csv_file()) {
        check(&bytes)?;
    }
}
