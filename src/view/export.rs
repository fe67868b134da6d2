//! The run's numbers as a CSV a spreadsheet opens: every row's actual price and fits, then the
//! forecast bars with their intervals, then how often the bands held the price.

use crate::chart::studies::columns;
use crate::data::Table;
use crate::data::numbers::format_price;
use crate::forecast::bands::{Coverage, StepCoverage};
use crate::training::{ChartIndicators, RunResult};

/// Lines `"{label} 80%,a,b"` and `"{label} 95%,a,b"`: percent of days inside each band 1 day
/// and h days ahead, empty where there were no such days.
fn coverage_lines(label: &str, coverage: &Coverage) -> String {
    let cell = |c: Option<StepCoverage>, level: usize| {
        c.map(|c| format!("{:.1}", c.percent[level])).unwrap_or_default()
    };
    ["80%", "95%"]
        .iter()
        .enumerate()
        .map(|(level, name)| {
            format!(
                "{label} {name},{},{}\n",
                cell(coverage.one_day, level),
                cell(coverage.horizon_days, level)
            )
        })
        .collect()
}

/// Decimals of the export's model values: the price's own, and at least four.
const MIN_DECIMALS: u8 = 4;

/// One line per table row and per forecast bar (its stamp first, `YYYY-MM-DD HH:MM` for
/// intraday data), with a column per indicator the chart shows; empty cells where a series has
/// no value.
pub fn results_csv(
    table: &Table,
    target: &str,
    result: &RunResult,
    indicators: &ChartIndicators,
) -> String {
    let column = table.target_or_default(Some(target));
    let shown = columns(&column.values, indicators);
    let mut out =
        String::from("date,actual,fit_train,fit_test,forecast,low_80,high_80,low_95,high_95");
    shown.iter().for_each(|(name, _)| out += &format!(",{name}"));
    out.push('\n');
    let price = |v: f64| format_price(v, column.decimals.max(MIN_DECIMALS));
    let fit = |start: usize, values: &[f64], row: usize| {
        row.checked_sub(start).and_then(|i| values.get(i)).map(|&v| price(v)).unwrap_or_default()
    };
    for (row, value) in column.values.iter().enumerate() {
        let train = fit(result.train_start, &result.train_fit, row);
        let test = fit(result.test_start, &result.test_fit, row);
        out += &format!("{},{value},{train},{test},,,,,", table.row_label(row));
        shown.iter().for_each(|(_, values)| {
            out += &format!(",{}", values[row].map(price).unwrap_or_default())
        });
        out.push('\n');
    }
    for day in &result.forecast {
        let stamp =
            day.stamp.map_or_else(|| format!("bar +{}", day.step), |s| table.clock.label(s));
        let (v, h80, h95) = (day.value, day.half_width_80, day.half_width_95);
        out += &format!(
            "{stamp},,,,{},{},{},{},{}{}\n",
            price(v),
            price(v - h80),
            price(v + h80),
            price(v - h95),
            price(v + h95),
            ",".repeat(shown.len())
        );
    }
    let clock = &table.clock;
    out += &format!(
        "band coverage (% of bars inside),{} ahead,{} ahead\n",
        clock.bars(1),
        clock.bars(result.coverage.horizon)
    );
    out += &coverage_lines("test part", &result.coverage);
    for (i, fold) in result.backtest.iter().flat_map(|b| &b.coverage).enumerate() {
        out += &coverage_lines(&format!("backtest fold {}", i + 1), fold);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::parse::parse_csv;
    use crate::evaluation::Metrics;
    use crate::forecast::ForecastDay;

    #[test]
    fn lists_actuals_fits_and_forecast_with_intervals() {
        let table =
            parse_csv(b"Date,Close\n2024-01-01,1\n2024-01-02,2\n2024-01-03,3\n2024-01-04,4\n")
                .unwrap();
        let m = Metrics { rmse: 1.0, mae: 1.0, mape: 1.0 };
        let result = RunResult {
            epochs_done: 1,
            stopped: false,
            early_stop: None,
            search: None,
            train: m,
            test: m,
            test_direction: None,
            naive: m,
            train_start: 1,
            train_fit: vec![2.5],
            test_start: 2,
            test_fit: vec![3.5, 4.5],
            forecast: vec![ForecastDay {
                step: 1,
                stamp: None,
                value: 5.0,
                half_width_80: 1.0,
                half_width_95: 2.0,
            }],
            coverage: Coverage {
                horizon: 5,
                one_day: Some(StepCoverage { percent: [78.25, 94.0], days: 100 }),
                horizon_days: None,
            },
            backtest: None,
            notes: Vec::new(),
        };
        let csv = results_csv(&table, "Close", &result, &ChartIndicators::default());
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "date,actual,fit_train,fit_test,forecast,low_80,high_80,low_95,high_95"
        );
        assert_eq!(lines[1], "2024-01-01,1,,,,,,,");
        assert_eq!(lines[2], "2024-01-02,2,2.5000,,,,,,");
        assert_eq!(lines[4], "2024-01-04,4,,4.5000,,,,,");
        assert_eq!(lines[5], "bar +1,,,,5.0000,4.0000,6.0000,3.0000,7.0000");
        assert_eq!(
            lines[6..],
            [
                "band coverage (% of bars inside),1 daily bar ahead,5 daily bars ahead",
                "test part 80%,78.2,",
                "test part 95%,94.0,"
            ]
        );
        let sma = ChartIndicators { sma: vec![2], ..ChartIndicators::default() };
        let csv = results_csv(&table, "Close", &result, &sma);
        let lines: Vec<&str> = csv.lines().collect();
        assert!(lines[0].ends_with(",high_95,sma_2"));
        assert_eq!(lines[1..3], ["2024-01-01,1,,,,,,,,", "2024-01-02,2,2.5000,,,,,,,1.5000"]);
        assert_eq!(lines[5], "bar +1,,,,5.0000,4.0000,6.0000,3.0000,7.0000,");
    }
}
