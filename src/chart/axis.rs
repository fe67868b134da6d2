//! What the price chart's x axis counts, and how its values read as stamps: day numbers for
//! daily and coarser data, bars for intraday data (so nights and weekends take no room, as on a
//! trading screen), rows for data without dates.

use super::view::Span;
use crate::data::Table;
use crate::data::stamp::{DAY, Stamp};
use crate::forecast::ForecastDay;

/// The x axis of one table (and run).
#[derive(Debug, Clone, PartialEq)]
pub enum Axis {
    /// Rows without dates: x is the row number.
    Rows,
    /// x is a day number, the time of day its fraction. `timed`: labels show the time of day;
    /// `bar`: one bar's width in days.
    Days { timed: bool, bar: f64 },
    /// Intraday bars: x counts bars; `stamps` are the rows' and then the forecast's.
    Bars { stamps: Vec<Stamp> },
}

/// Rows shown by "Last year" without dates: about a year of trading days.
const YEAR_OF_ROWS: f64 = 250.0;

impl Axis {
    /// The axis for `table`'s rows and a run's `forecast` after them.
    pub fn of(table: &Table, forecast: &[ForecastDay]) -> Axis {
        let Some(stamps) = &table.stamps else { return Axis::Rows };
        match table.clock.bar() {
            Some(bar) if bar.is_intraday() => Axis::Bars {
                stamps: stamps
                    .iter()
                    .copied()
                    .chain(forecast.iter().filter_map(|d| d.stamp))
                    .collect(),
            },
            Some(bar) => Axis::Days { timed: false, bar: bar.minutes() / 1440.0 },
            None => Axis::Days { timed: table.clock.timed(), bar: median_gap(stamps) },
        }
    }

    /// The x of every row of `table`.
    pub fn rows(&self, table: &Table) -> Vec<f64> {
        match (self, &table.stamps) {
            (Axis::Days { .. }, Some(stamps)) => stamps.iter().map(|s| s.day_number()).collect(),
            _ => (0..table.len()).map(|i| i as f64).collect(),
        }
    }

    /// The x of a forecast bar: its stamp, or `step` bars after the last row when the forecast
    /// is not dated.
    pub fn forecast(&self, table: &Table, day: &ForecastDay) -> f64 {
        match (self, day.stamp, &table.stamps) {
            (Axis::Days { .. }, Some(stamp), _) => stamp.day_number(),
            (Axis::Days { bar, .. }, None, Some(stamps)) => {
                stamps[stamps.len() - 1].day_number() + day.step as f64 * bar
            }
            _ => (table.len() - 1 + day.step) as f64,
        }
    }

    /// One bar's width in x units.
    pub fn bar(&self) -> f64 {
        match self {
            Axis::Days { bar, .. } => *bar,
            _ => 1.0,
        }
    }

    /// The stamp at `x`, for axes of stamps.
    fn stamp(&self, x: f64) -> Option<Stamp> {
        match self {
            Axis::Rows => None,
            Axis::Days { .. } => Some(Stamp::from_day_number(x)),
            Axis::Bars { stamps } => stamps
                .get((x.round().max(0.0) as usize).min(stamps.len().saturating_sub(1)))
                .copied(),
        }
    }

    /// `x` as the data writes its stamps (`YYYY-MM-DD`, or with `HH:MM` intraday), or as a row
    /// number when the data has no dates.
    pub fn label(&self, x: f64) -> String {
        match (self, self.stamp(x)) {
            (Axis::Days { timed: false, .. }, _) => Stamp::from_day_number(x.round()).label(false),
            (_, Some(stamp)) => stamp.label(true),
            (_, None) => format!("row {}", x.round()),
        }
    }

    /// A tick label: months over long spans, days over short ones, times (intraday) over ten
    /// days or less.
    pub fn tick(&self, x: f64, span: Span) -> String {
        let (Some(stamp), Some(first), Some(last)) =
            (self.stamp(x), self.stamp(span.start), self.stamp(span.end))
        else {
            return format!("{x:.0}");
        };
        let days = (last.0 - first.0) as f64 / DAY as f64;
        let timed = !matches!(self, Axis::Days { timed: false, .. });
        let format = match days {
            _ if timed && days <= 10.0 => "%m-%d %H:%M",
            _ if days > 400.0 => "%Y-%m",
            _ => "%Y-%m-%d",
        };
        stamp.datetime().format(format).to_string()
    }

    /// The first and last whole day (bar, or row) in `span`: the chart's `data-range`.
    pub fn range(&self, span: Span) -> String {
        match self {
            Axis::Days { timed: true, .. } => {
                format!("{}..{}", self.label(span.start), self.label(span.end))
            }
            Axis::Rows => format!("{:.0}..{:.0}", span.start.ceil(), span.end.floor()),
            _ => format!("{}..{}", self.label(span.start.ceil()), self.label(span.end.floor())),
        }
    }

    /// The x a year before `x` (the "Last year" view).
    pub fn year_before(&self, x: f64) -> f64 {
        match (self, self.stamp(x)) {
            (Axis::Bars { stamps }, Some(stamp)) => {
                stamps.partition_point(|s| s.0 < stamp.0 - 365 * DAY) as f64
            }
            (Axis::Days { .. }, _) => x - 365.0,
            _ => x - YEAR_OF_ROWS,
        }
    }

    /// The x name under the axis.
    pub fn name(&self) -> &'static str {
        match self {
            Axis::Rows => "row",
            Axis::Days { timed: false, .. } => "date",
            _ => "time",
        }
    }
}

/// The median gap between stamps, in days (a bar's width for rows without a regular bar size).
fn median_gap(stamps: &[Stamp]) -> f64 {
    let mut gaps: Vec<i64> = stamps.windows(2).map(|w| w[1].0 - w[0].0).collect();
    gaps.sort_unstable();
    gaps.get(gaps.len() / 2).map_or(1.0, |&g| g as f64 / DAY as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::parse::parse_csv;

    fn x(day: u32) -> f64 {
        Stamp::from_date(chrono::NaiveDate::from_ymd_opt(2024, 2, day).unwrap()).day_number()
    }

    #[test]
    fn daily_rows_are_day_numbers_and_undated_rows_row_numbers() {
        let table = parse_csv(b"Date,Close\n2024-02-01,1\n2024-02-02,2\n2024-02-05,3\n").unwrap();
        let daily = Axis::of(&table, &[]);
        assert_eq!(daily, Axis::Days { timed: false, bar: 1.0 });
        assert_eq!(daily.rows(&table), [x(1), x(2), x(5)]);
        assert_eq!(daily.range(Span::new(x(3) - 0.5, x(9) + 0.5)), "2024-02-03..2024-02-09");
        assert_eq!(daily.tick(x(3), Span::new(x(1), x(1) + 1000.0)), "2024-02");
        assert_eq!(daily.tick(x(3), Span::new(x(1), x(1) + 100.0)), "2024-02-03");
        assert_eq!(daily.year_before(x(5)), x(5) - 365.0);
        assert_eq!(Axis::Rows.range(Span::new(2.5, 9.0)), "3..9");
        assert_eq!(Axis::Rows.label(17.0), "row 17");
        assert_eq!(Axis::Rows.year_before(300.0), 50.0);
    }

    /// A session's bars sit side by side: the night and the weekend take no room, and the
    /// forecast continues right after the last bar.
    #[test]
    fn intraday_bars_are_counted_and_read_as_their_stamps() {
        let csv = "Datetime,Close\n2024-02-02 15:00,1\n2024-02-02 16:00,2\n2024-02-05 09:00,3\n2024-02-05 10:00,4\n";
        let table = parse_csv(csv.as_bytes()).unwrap();
        let next = table.forecast_stamps(1)[0].unwrap();
        let forecast = [ForecastDay {
            step: 1,
            stamp: Some(next),
            value: 5.0,
            half_width_80: 0.0,
            half_width_95: 0.0,
        }];
        let axis = Axis::of(&table, &forecast);
        assert_eq!(axis.rows(&table), [0.0, 1.0, 2.0, 3.0]);
        assert_eq!(axis.forecast(&table, &forecast[0]), 4.0);
        assert_eq!(
            (axis.label(2.2), axis.label(4.0)),
            ("2024-02-05 09:00".into(), next.label(true))
        );
        assert_eq!(axis.range(Span::new(0.6, 3.2)), "2024-02-02 16:00..2024-02-05 10:00");
        assert_eq!(axis.tick(2.0, Span::new(0.0, 4.0)), "02-05 09:00");
        assert_eq!((axis.bar(), axis.name()), (1.0, "time"));
    }
}
