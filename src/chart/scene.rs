//! The price chart's series, built once per table and run, and what one view of them needs: the
//! visible points (thinned to what a canvas can show), the y range they span, and the values at
//! a date for the hover readout. Plain Rust, tested natively; drawing is in [`super::prices`].

use std::ops::Range;

pub use super::axis::Axis;
use super::bars::{Bar, Bars, resolve};
use super::studies::{Pane, PaneKind, studies};
use super::view::Span;
use crate::data::Table;
use crate::data::numbers::format_price;
use crate::forecast::ForecastDay;
use crate::training::{ChartIndicators, ChartStyle, RunResult};

/// One of the price chart's series. [`Key::id`] names it in the page (`legend-<id>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Actual,
    TrainFit,
    TestFit,
    Forecast,
    Band80,
    Band95,
    /// A pinned earlier run's test fit and forecast, by the run's id.
    Pinned(u64),
    /// Moving averages and Bollinger bands over the price, by period.
    Sma(usize),
    Ema(usize),
    Bollinger,
    /// A pane's main line (RSI, MACD) or its volume, and the MACD's signal line.
    Pane(PaneKind),
    MacdSignal,
}

impl Key {
    /// The series' id in the page's test ids and in the readout.
    pub fn id(&self) -> String {
        match self {
            Key::Actual => "actual".into(),
            Key::TrainFit => "train-fit".into(),
            Key::TestFit => "test-fit".into(),
            Key::Forecast => "forecast".into(),
            Key::Band80 => "band-80".into(),
            Key::Band95 => "band-95".into(),
            Key::Pinned(run) => format!("pinned-{run}"),
            Key::Sma(period) => format!("sma-{period}"),
            Key::Ema(period) => format!("ema-{period}"),
            Key::Bollinger => "bollinger".into(),
            Key::Pane(pane) => pane.id().into(),
            Key::MacdSignal => "macd-signal".into(),
        }
    }
}

/// A line, or a band between two lines, with x ascending.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub key: Key,
    pub label: String,
    pub xs: Vec<f64>,
    /// The values; a band's upper edge.
    pub ys: Vec<f64>,
    /// A band's lower edge.
    pub lows: Option<Vec<f64>>,
}

impl Series {
    /// A series from points, leaving out any that are not finite: nothing is drawn from NaN.
    pub(super) fn line(
        key: Key,
        label: impl Into<String>,
        points: impl IntoIterator<Item = (f64, f64)>,
    ) -> Self {
        let (xs, ys) = points.into_iter().filter(|(x, y)| x.is_finite() && y.is_finite()).unzip();
        Series { key, label: label.into(), xs, ys, lows: None }
    }

    /// A band from (x, low, high) points, leaving out any that are not finite.
    pub(super) fn band(
        key: Key,
        label: &str,
        points: impl IntoIterator<Item = (f64, f64, f64)>,
    ) -> Self {
        let kept = points
            .into_iter()
            .filter(|(x, low, high)| x.is_finite() && low.is_finite() && high.is_finite());
        let (mut xs, mut ys, mut lows) = (Vec::new(), Vec::new(), Vec::new());
        for (x, low, high) in kept {
            xs.push(x);
            ys.push(high);
            lows.push(low);
        }
        Series { key, label: label.into(), xs, ys, lows: Some(lows) }
    }

    /// Indices of the points inside `span`, plus one on each side so lines run to the edges.
    pub fn visible(&self, span: Span) -> Range<usize> {
        let first = self.xs.partition_point(|&x| x < span.start);
        let last = self.xs.partition_point(|&x| x <= span.end);
        first.saturating_sub(1)..(last + 1).min(self.xs.len())
    }

    /// The visible points, at most `max` of them (see [`thin`]).
    pub fn points(&self, span: Span, max: usize) -> Vec<(f64, f64)> {
        let range = self.visible(span);
        thin(&self.xs[range.clone()], &self.ys[range], max)
    }

    /// The index of the point nearest to `x`, if the series has one within half a bar.
    pub(super) fn at(&self, x: f64, bar: f64) -> Option<usize> {
        let after = self.xs.partition_point(|&v| v < x);
        [after.checked_sub(1), Some(after)]
            .into_iter()
            .flatten()
            .filter(|&i| i < self.xs.len())
            .min_by(|&a, &b| (self.xs[a] - x).abs().total_cmp(&(self.xs[b] - x).abs()))
            .filter(|&i| (self.xs[i] - x).abs() <= 0.5 * bar)
    }
}

/// Keeps at most about `max` points: per bucket of neighbours the first, lowest, highest and
/// last, so a million rows draw as fast as a few thousand and no spike is lost.
pub fn thin(xs: &[f64], ys: &[f64], max: usize) -> Vec<(f64, f64)> {
    if xs.len() <= max {
        return xs.iter().copied().zip(ys.iter().copied()).collect();
    }
    let bucket = xs.len().div_ceil((max / 4).max(1));
    let mut kept = Vec::with_capacity(max);
    for start in (0..xs.len()).step_by(bucket) {
        let end = (start + bucket).min(xs.len());
        let (mut low, mut high) = (start, start);
        for i in start..end {
            if ys[i] < ys[low] {
                low = i;
            }
            if ys[i] > ys[high] {
                high = i;
            }
        }
        let mut picks = [start, low.min(high), low.max(high), end - 1];
        picks.sort_unstable();
        let mut previous = None;
        for i in picks {
            if previous.replace(i) != Some(i) {
                kept.push((xs[i], ys[i]));
            }
        }
    }
    kept
}

/// The views the chart's buttons jump to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    All,
    TestForecast,
    LastYear,
}

/// An earlier run drawn over the chart: its test fit and forecast as one dashed line.
#[derive(Debug, Clone, PartialEq)]
pub struct Overlay {
    pub run: u64,
    pub label: String,
    pub points: Vec<(f64, f64)>,
}

/// Everything the price chart can show for one table, target and run.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    pub target: String,
    pub axis: Axis,
    /// Decimals the target's prices are written with.
    pub decimals: u8,
    /// Drawn in order, bands first and the actual price last (on top).
    pub series: Vec<Series>,
    pub bounds: Span,
    /// Where the test part starts, when a run is shown.
    pub test_start: Option<f64>,
    /// The last actual row's x.
    pub last_actual: f64,
    /// How the actual prices are drawn, with their bars for candles and OHLC bars.
    pub style: ChartStyle,
    pub bars: Option<Bars>,
    /// The panes under the price, top to bottom.
    pub panes: Vec<Pane>,
    /// What could not be drawn as asked, and why (a file without open, high or low; an
    /// indicator longer than the data).
    pub notes: Vec<String>,
}

/// A run's test fit and forecast as one line of (x, price) points, at most `max` of them: what
/// a pinned run keeps to be drawn over later runs.
pub fn run_line(table: &Table, result: &RunResult, max: usize) -> Vec<(f64, f64)> {
    let axis = Axis::of(table, &result.forecast);
    let xs = axis.rows(table);
    let fit = result.test_fit.iter().enumerate().map(|(i, &v)| (xs[result.test_start + i], v));
    let forecast = result.forecast.iter().map(|d| (axis.forecast(table, d), d.value));
    let (xs, ys): (Vec<f64>, Vec<f64>) =
        fit.chain(forecast).filter(|(x, y)| x.is_finite() && y.is_finite()).unzip();
    thin(&xs, &ys, max)
}

impl Scene {
    /// The series of `target` in `table`, with a run's fits, forecast and bands when given, and
    /// pinned runs' lines.
    pub fn new(
        table: &Table,
        target: &str,
        result: Option<&RunResult>,
        pinned: &[Overlay],
    ) -> Result<Scene, String> {
        let column = table.column(target).ok_or_else(|| format!("no column '{target}'"))?;
        if table.is_empty() {
            return Err("the table has no rows".into());
        }
        let axis = Axis::of(table, result.map_or(&[][..], |r| &r.forecast));
        let xs = axis.rows(table);
        let from = |start: usize, values: &[f64]| -> Vec<(f64, f64)> {
            values.iter().enumerate().map(|(i, &v)| (xs[start + i], v)).collect()
        };
        let mut series = Vec::new();
        let mut test_start = None;
        if let Some(r) = result {
            let band = |width: fn(&ForecastDay) -> f64| {
                r.forecast
                    .iter()
                    .map(|d| (axis.forecast(table, d), d.value - width(d), d.value + width(d)))
                    .collect::<Vec<_>>()
            };
            series.push(Series::band(Key::Band95, "95% band", band(|d| d.half_width_95)));
            series.push(Series::band(Key::Band80, "80% band", band(|d| d.half_width_80)));
            series.push(Series::line(
                Key::TrainFit,
                "fit, training part",
                from(r.train_start, &r.train_fit),
            ));
            series.push(Series::line(
                Key::TestFit,
                "fit, test part",
                from(r.test_start, &r.test_fit),
            ));
            series.push(Series::line(
                Key::Forecast,
                "forecast",
                r.forecast.iter().map(|d| (axis.forecast(table, d), d.value)),
            ));
            test_start = xs.get(r.test_start).copied();
        }
        for overlay in pinned {
            series.push(Series::line(
                Key::Pinned(overlay.run),
                overlay.label.clone(),
                overlay.points.iter().copied(),
            ));
        }
        series.push(Series::line(Key::Actual, "actual", from(0, &column.values)));
        let (start, end) = series
            .iter()
            .flat_map(|s| [s.xs.first(), s.xs.last()])
            .flatten()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| (lo.min(x), hi.max(x)));
        if !start.is_finite() {
            return Err(format!("the column '{target}' has no finite values to draw"));
        }
        let decimals = column.decimals;
        Ok(Scene {
            target: target.into(),
            axis,
            decimals,
            series,
            bounds: Span::new(start, end),
            test_start,
            last_actual: xs[xs.len() - 1],
            style: ChartStyle::Line,
            bars: None,
            panes: Vec::new(),
            notes: Vec::new(),
        })
    }

    /// This scene with the actual prices drawn in the style `asked` (`None`: `auto`), as
    /// [`resolve`] decides for `table`, the table it was made from.
    pub fn with_style(self, table: &Table, asked: Option<ChartStyle>) -> Scene {
        let bars = Bars::of(table, &self.target, &self.axis.rows(table));
        let (style, bars, note) = resolve(asked, bars);
        let notes = self.notes.iter().cloned().chain(note).collect();
        Scene { style, bars, notes, ..self }
    }

    /// This scene with the `asked` indicators of `table` (the table it was made from): their
    /// lines under the actual price, their panes under the chart.
    pub fn with_indicators(mut self, table: &Table, asked: &ChartIndicators) -> Scene {
        let Some(target) = table.column(&self.target) else { return self };
        let studies = studies(table, target, &self.axis.rows(table), asked);
        let actual = self.series.len() - 1;
        self.series.splice(actual..actual, studies.overlays);
        self.panes = studies.panes;
        self.notes.extend(studies.notes);
        self
    }

    /// The span a view button shows: everything; the test part and forecast (with a little of
    /// the training part before it for context); or the last year (250 rows without dates).
    pub fn preset(&self, preset: Preset) -> Span {
        let end = self.bounds.end;
        let span = match (preset, self.test_start) {
            (Preset::All, _) | (Preset::TestForecast, None) => self.bounds,
            (Preset::TestForecast, Some(test)) => Span::new(test - 0.1 * (end - test), end),
            (Preset::LastYear, _) => Span::new(self.axis.year_before(self.last_actual), end),
        };
        span.inside(self.bounds)
    }

    /// The narrowest view a zoom may reach: five bars, so a line is still a line.
    pub fn narrowest(&self) -> f64 {
        5.0 * self.axis.bar()
    }

    /// What the view of `span` draws: the series `shown` says, each thinned to at most `max`
    /// points (see [`thin`]; twice that for the actual price's line), the bars grouped into at
    /// most `room`, and the y range they need, padded by 5% (an empty view gets a unit range,
    /// never NaN). Thinning and grouping keep each column's extremes, so the range is exact, and
    /// a view's work is one pass over what it shows.
    pub fn view(&self, span: Span, shown: impl Fn(Key) -> bool, max: usize, room: usize) -> View {
        let bars = self.bars.as_ref().filter(|_| shown(Key::Actual));
        let lines: Vec<Line> = self
            .series
            .iter()
            .filter(|s| shown(s.key) && !(s.key == Key::Actual && bars.is_some()))
            .map(|s| {
                let range = s.visible(span);
                let most = if s.key == Key::Actual { 2 * max } else { max };
                let xs = &s.xs[range.clone()];
                let lows = s.lows.as_ref().map(|lows| thin(xs, &lows[range.clone()], most));
                Line { key: s.key, points: thin(xs, &s.ys[range], most), lows }
            })
            .collect();
        let bars = bars.map(|b| b.shown(span, room)).unwrap_or_default();
        let ys = lines.iter().flat_map(|l| l.points.iter().chain(l.lows.iter().flatten()));
        let ys = ys.map(|p| p.1).chain(bars.iter().flat_map(|b| [b.low, b.high]));
        let (low, high) =
            ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), y| (lo.min(y), hi.max(y)));
        let y = if low.is_finite() {
            let pad = ((high - low) * 0.05).max(high.abs().max(1.0) * 1e-6);
            (low - pad, high + pad)
        } else {
            (0.0, 1.0)
        };
        View { lines, bars, y }
    }

    /// The values of the shown series at the data point nearest to `x`.
    pub fn readout(&self, x: f64, shown: impl Fn(Key) -> bool) -> Option<Readout> {
        let shown: Vec<&Series> = self.series.iter().filter(|s| shown(s.key)).collect();
        let nearest = shown
            .iter()
            .filter_map(|s| {
                let after = s.xs.partition_point(|&v| v < x);
                [after.checked_sub(1), Some(after)]
                    .into_iter()
                    .flatten()
                    .filter_map(|i| s.xs.get(i).copied())
                    .min_by(|a, b| (a - x).abs().total_cmp(&(b - x).abs()))
            })
            .min_by(|a, b| (a - x).abs().total_cmp(&(b - x).abs()))?;
        // Drawn last means on top: list the actual price first, bands last.
        let values: Vec<Reading> = shown
            .iter()
            .rev()
            .filter_map(|s| {
                let i = s.at(nearest, self.axis.bar())?;
                let price = |v: f64| format_price(v, self.decimals);
                let bar = self.bars.as_ref().filter(|_| s.key == Key::Actual);
                let (value, y) = match (&s.lows, bar.and_then(|b| b.at(s.xs[i]))) {
                    (Some(lows), _) => (format!("{}–{}", price(lows[i]), price(s.ys[i])), None),
                    (None, Some(bar)) => {
                        let [o, h, l, c] = [bar.open, bar.high, bar.low, bar.close].map(price);
                        (format!("O {o} H {h} L {l} C {c}"), Some(s.ys[i]))
                    }
                    (None, None) => (price(s.ys[i]), Some(s.ys[i])),
                };
                Some(Reading { key: s.key, label: s.label.clone(), value, y })
            })
            .collect();
        let panes =
            self.panes.iter().filter_map(|p| p.reading(nearest, self.axis.bar(), self.decimals));
        let values = values.into_iter().chain(panes).collect();
        Some(Readout { x: nearest, date: self.axis.label(nearest), values })
    }
}

/// A series as a view draws it: its points (a band's upper edge) and a band's lower edge.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub key: Key,
    pub points: Vec<(f64, f64)>,
    pub lows: Option<Vec<(f64, f64)>>,
}

/// What one view of the price chart draws (see [`Scene::view`]).
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    /// Bands first, the actual price last, as the scene orders them.
    pub lines: Vec<Line>,
    /// The bars of candles or OHLC bars, grouped to the view's columns.
    pub bars: Vec<Bar>,
    pub y: (f64, f64),
}

/// What the hover readout says: a date and each shown series' value there.
#[derive(Debug, Clone, PartialEq)]
pub struct Readout {
    pub x: f64,
    /// The stamp (`YYYY-MM-DD`, `YYYY-MM-DD HH:MM` intraday), or `row N` without dates.
    pub date: String,
    /// Each shown series with a point there.
    pub values: Vec<Reading>,
}

/// One series' value in the readout.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub key: Key,
    pub label: String,
    /// The price, or a band's `low–high`.
    pub value: String,
    /// Where a line's crosshair dot goes (none for a band).
    pub y: Option<f64>,
}

impl Readout {
    /// One line for the page and screen readers: the date, then each series and value.
    pub fn text(&self) -> String {
        let values = self.values.iter().map(|r| format!("{} {}", r.label, r.value));
        std::iter::once(self.date.clone()).chain(values).collect::<Vec<_>>().join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, NaiveDate};

    use crate::data::parse::parse_csv;
    use crate::data::stamp::Stamp;
    use crate::evaluation::Metrics;

    fn table() -> Table {
        let mut csv = String::from("Date,Close\n");
        for day in 1..=28 {
            csv.push_str(&format!("2024-02-{day:02},{}\n", 100 + day));
        }
        parse_csv(csv.as_bytes()).unwrap()
    }

    fn result() -> RunResult {
        let metrics = Metrics { rmse: 1.0, mae: 1.0, mape: 1.0 };
        let date = |d| Some(Stamp::from_date(NaiveDate::from_ymd_opt(2024, 3, d).unwrap()));
        let day = |step: usize, d| ForecastDay {
            step,
            stamp: date(d),
            value: 130.0 + step as f64,
            half_width_80: 1.0,
            half_width_95: 2.0,
        };
        RunResult {
            epochs_done: 1,
            stopped: false,
            early_stop: None,
            search: None,
            train: metrics,
            test: metrics,
            test_direction: None,
            naive: metrics,
            train_start: 5,
            train_fit: vec![106.5; 15],
            test_start: 20,
            test_fit: vec![121.0, f64::NAN, 123.0, 124.0, 125.0, 126.0, 127.0, 128.0],
            forecast: vec![day(1, 1), day(2, 4)],
            coverage: crate::forecast::bands::Coverage {
                horizon: 2,
                one_day: None,
                horizon_days: None,
            },
            backtest: None,
            notes: Vec::new(),
        }
    }

    fn x(day: u32) -> f64 {
        NaiveDate::from_ymd_opt(2024, 2, day).unwrap().num_days_from_ce() as f64
    }

    #[test]
    fn a_run_adds_fits_bands_and_forecast_under_the_actual_price() {
        let scene = Scene::new(&table(), "Close", Some(&result()), &[]).unwrap();
        let keys: Vec<Key> = scene.series.iter().map(|s| s.key).collect();
        assert_eq!(
            keys,
            [Key::Band95, Key::Band80, Key::TrainFit, Key::TestFit, Key::Forecast, Key::Actual]
        );
        let test_fit = &scene.series[3];
        assert_eq!(test_fit.xs.len(), 7, "the NaN prediction is left out");
        assert_eq!(
            scene.bounds,
            Span::new(x(1), x(1) + 32.0),
            "through the last forecast day, March 4"
        );
        assert_eq!(scene.test_start, Some(x(21)));
    }

    #[test]
    fn presets_show_everything_the_test_part_or_the_last_year() {
        let scene = Scene::new(&table(), "Close", Some(&result()), &[]).unwrap();
        assert_eq!(scene.preset(Preset::All), scene.bounds);
        let test = scene.preset(Preset::TestForecast);
        assert_eq!(test.end, scene.bounds.end);
        assert!(
            test.start < x(21) && test.start > x(19),
            "a little before the test part: {test:?}"
        );
        assert_eq!(scene.preset(Preset::LastYear), scene.bounds, "less than a year of data");
        let plain = Scene::new(&table(), "Close", None, &[]).unwrap();
        assert_eq!(plain.preset(Preset::TestForecast), plain.bounds, "no run: everything");
    }

    #[test]
    fn the_y_range_fits_the_visible_shown_series() {
        let scene = Scene::new(&table(), "Close", Some(&result()), &[]).unwrap();
        let early = Span::new(x(2), x(4));
        let (low, high) = scene.view(early, |k| k == Key::Actual, 100, 100).y;
        // Feb 1..5 are visible (one point beyond each edge): prices 101..105
        assert!(
            (low - (101.0 - 0.2)).abs() < 1e-9 && (high - (105.0 + 0.2)).abs() < 1e-9,
            "{low} {high}"
        );
        let (_, with_bands) = scene.view(scene.bounds, |_| true, 100, 100).y;
        assert!(with_bands >= 132.0 + 2.0, "the 95% band's top is in range");
        assert_eq!(
            scene.view(early, |_| false, 100, 100).y,
            (0.0, 1.0),
            "nothing shown: a plain range, not NaN"
        );
    }

    #[test]
    fn readout_lists_each_shown_series_at_the_nearest_day() {
        let scene = Scene::new(&table(), "Close", Some(&result()), &[]).unwrap();
        let readout = scene.readout(x(23) + 0.3, |_| true).unwrap();
        assert_eq!(readout.date, "2024-02-23");
        assert_eq!(readout.text(), "2024-02-23 · actual 123.00 · fit, test part 123.00");
        let forecast = scene.readout(x(1) + 29.9, |k| k != Key::Band95).unwrap();
        assert_eq!(forecast.text(), "2024-03-01 · forecast 131.00 · 80% band 130.00–132.00");
        assert!(scene.readout(x(23), |_| false).is_none());
    }

    /// With candles the y range holds the visible highs and lows, and the readout reads the
    /// bar's open, high, low and close; a line keeps the close alone.
    #[test]
    fn candles_widen_the_y_range_and_read_out_the_bar() {
        let csv = "Date,Open,High,Low,Close\n2024-01-01,10,12,9,11\n2024-01-02,11,15,10,10.5\n\
                   2024-01-03,10.5,13,6,12\n";
        let table = parse_csv(csv.as_bytes()).unwrap();
        let scene = Scene::new(&table, "Close", None, &[]).unwrap().with_style(&table, None);
        assert_eq!((scene.style, scene.notes.len()), (ChartStyle::Candles, 0));
        let (low, high) = scene.view(scene.bounds, |k| k == Key::Actual, 100, 100).y;
        assert!(low < 6.0 && high > 15.0, "{low} {high}");
        let day = scene.readout(scene.bounds.start + 1.0, |_| true).unwrap();
        assert_eq!(day.text(), "2024-01-02 · actual O 11.00 H 15.00 L 10.00 C 10.50");
        let line = Scene::new(&table, "Close", None, &[])
            .unwrap()
            .with_style(&table, Some(ChartStyle::Line));
        assert!(line.bars.is_none());
        assert!(line.view(line.bounds, |_| true, 100, 100).y.1 < 13.0);
        assert_eq!(
            line.readout(line.bounds.start + 1.0, |_| true).unwrap().text(),
            "2024-01-02 · actual 10.50"
        );
    }

    #[test]
    fn thinning_keeps_extremes_and_ends() {
        let xs: Vec<f64> = (0..100_000).map(f64::from).collect();
        let mut ys = vec![1.0; 100_000];
        ys[54_321] = 50.0;
        ys[77_777] = -50.0;
        let kept = thin(&xs, &ys, 400);
        assert!(kept.len() <= 400);
        assert_eq!(kept.first(), Some(&(0.0, 1.0)));
        assert_eq!(kept.last(), Some(&(99_999.0, 1.0)));
        assert!(kept.contains(&(54_321.0, 50.0)) && kept.contains(&(77_777.0, -50.0)));
        assert!(kept.windows(2).all(|w| w[0].0 < w[1].0), "x still ascending");
    }

    #[test]
    fn visible_points_reach_one_past_each_edge() {
        let scene = Scene::new(&table(), "Close", None, &[]).unwrap();
        let actual = &scene.series[0];
        assert_eq!(actual.visible(Span::new(x(10) + 0.5, x(12) + 0.5)), 9..13);
        assert_eq!(
            actual.points(Span::new(x(27), x(28) + 5.0), 100),
            vec![(x(26), 126.0), (x(27), 127.0), (x(28), 128.0)]
        );
    }

    /// Hourly bars: x counts bars, and the readout shows each bar's time of day.
    #[test]
    fn intraday_rows_are_placed_and_read_at_their_time_of_day() {
        let mut csv = String::from("Datetime,Close\n");
        for hour in 0..48 {
            csv +=
                &format!("2024-02-{:02} {:02}:00:00,1.0{:03}5\n", 5 + hour / 24, hour % 24, hour);
        }
        let table = parse_csv(csv.as_bytes()).unwrap();
        let scene = Scene::new(&table, "Close", None, &[]).unwrap();
        assert!(matches!(scene.axis, Axis::Bars { .. }));
        assert_eq!(scene.decimals, 5);
        assert_eq!(scene.series[0].xs[10], 10.0);
        let readout = scene.readout(10.3, |_| true).unwrap();
        assert_eq!(readout.text(), "2024-02-05 10:00 · actual 1.00105");
        assert_eq!(scene.narrowest(), 5.0);
    }

    #[test]
    fn a_pinned_run_is_its_test_fit_and_forecast() {
        let line = run_line(&table(), &result(), 100);
        assert_eq!(line.len(), 7 + 2);
        assert_eq!(line[0], (x(21), 121.0));
        let overlay = Overlay { run: 7, label: "run 7".into(), points: line };
        let scene = Scene::new(&table(), "Close", None, &[overlay]).unwrap();
        assert_eq!(scene.series[0].key.id(), "pinned-7");
    }
}
