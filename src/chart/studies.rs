//! The chart's indicators: moving averages and Bollinger bands drawn over the price (as more
//! [`Series`] of the scene), and the panes under it (volume, RSI, MACD), each with its own y
//! axis and the price's x. Built once per scene; a view groups a pane's bars per pixel column as
//! the price's bars are. Plain Rust, tested natively; drawn by [`super::prices`].

use super::bars::per_column;
use super::scene::{Key, Reading, Series};
use super::view::Span;
use crate::data::clock::thousands;
use crate::data::indicators::{Band, Bollinger, Ema, Macd, MacdValue, Rsi, Sma, series};
use crate::data::inputs::volume_column;
use crate::data::numbers::{format_price, format_statistic};
use crate::data::{Column, Table};
use crate::training::ChartIndicators;

/// MACD's periods, as TA-Lib's defaults and every trading screen use them.
const MACD: (usize, usize, usize) = (12, 26, 9);

/// Which pane; its id names it in the page (`volume-pane`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaneKind {
    Volume,
    Rsi,
    Macd,
}

impl PaneKind {
    pub fn id(self) -> &'static str {
        match self {
            PaneKind::Volume => "volume",
            PaneKind::Rsi => "rsi",
            PaneKind::Macd => "macd",
        }
    }
}

/// A pane's bar: a bar's volume, or the MACD histogram at a bar. It is drawn rising (hollow,
/// green) when `to >= from`: the bar's open and close for volume, 0 and the value for the
/// histogram.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PaneBar {
    pub x: f64,
    pub value: f64,
    pub from: f64,
    pub to: f64,
}

impl PaneBar {
    pub fn rising(&self) -> bool {
        self.to >= self.from
    }
}

/// What one view of a pane draws (see [`Pane::view`]).
#[derive(Debug, Clone, PartialEq)]
pub struct PaneView {
    pub bars: Vec<PaneBar>,
    pub lines: Vec<(Key, Vec<(f64, f64)>)>,
    pub y: (f64, f64),
}

/// One pane under the price.
#[derive(Debug, Clone, PartialEq)]
pub struct Pane {
    pub kind: PaneKind,
    /// What the pane shows (`RSI 14`), in its corner and in the readout.
    pub label: String,
    pub lines: Vec<Series>,
    pub bars: Vec<PaneBar>,
    /// Bars grouped for a view add up (volume) or keep the last (a histogram).
    sums: bool,
    /// A fixed y range (RSI's 0–100); otherwise the visible values'.
    pub fixed: Option<(f64, f64)>,
    /// Levels marked across the pane: RSI's 30 and 70, MACD's zero.
    pub guides: Vec<f64>,
}

impl Pane {
    /// The bars inside `span`, grouped into at most `max` when there are more: volume added up,
    /// a histogram's last value kept; coloured by the group's first `from` and last `to`.
    fn shown(&self, span: Span, max: usize) -> Vec<PaneBar> {
        per_column(&self.bars, |b| b.x, span, max)
            .map(|bars| {
                let last = bars[bars.len() - 1];
                let value = if self.sums { bars.iter().map(|b| b.value).sum() } else { last.value };
                PaneBar { x: bars[0].x, value, from: bars[0].from, to: last.to }
            })
            .collect()
    }

    /// What the view of `span` draws of the pane: its bars grouped into at most `room`, its
    /// lines thinned to `max` points, and the y range: the fixed one, or all of those with zero,
    /// padded by 5% (summed volume fits, as grouping and thinning keep the extremes).
    pub fn view(&self, span: Span, max: usize, room: usize) -> PaneView {
        let bars = self.shown(span, room);
        let lines: Vec<(Key, Vec<(f64, f64)>)> =
            self.lines.iter().map(|s| (s.key, s.points(span, max))).collect();
        let values = lines.iter().flat_map(|(_, points)| points.iter().map(|p| p.1));
        let (low, high) = bars
            .iter()
            .map(|b| b.value)
            .chain(values)
            .fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let pad = ((high - low) * 0.05).max(1e-9);
        let y = self.fixed.unwrap_or((if low < 0.0 { low - pad } else { 0.0 }, high + pad));
        PaneView { bars, lines, y }
    }

    /// The pane's bar nearest to `x`, if one is within half a bar (`bar` wide): found by
    /// bisection, as a hover over 100,000 bars must be quick.
    fn bar_at(&self, x: f64, bar: f64) -> Option<&PaneBar> {
        let after = self.bars.partition_point(|b| b.x < x);
        let near = [after.checked_sub(1), Some(after)].into_iter().flatten();
        near.filter_map(|i| self.bars.get(i))
            .min_by(|a, b| (a.x - x).abs().total_cmp(&(b.x - x).abs()))
            .filter(|b| (b.x - x).abs() <= 0.5 * bar)
    }

    /// The pane's values at the bar at `x` (`bar` wide), for the readout.
    pub fn reading(&self, x: f64, bar: f64, decimals: u8) -> Option<Reading> {
        let value = match self.kind {
            PaneKind::Volume => volume_text(self.bar_at(x, bar)?.value),
            _ => {
                // RSI reads in points, MACD in the price's units with two more decimals.
                let decimals =
                    if self.kind == PaneKind::Rsi { 2 } else { decimals.saturating_add(2).min(8) };
                let number = |value: f64| format_price(value, decimals);
                let lines = self.lines.iter().filter_map(|s| Some((s, s.ys[s.at(x, bar)?])));
                // The pane's label names its first line; the others say what they are.
                let values = lines.enumerate().map(|(i, (s, y))| match i {
                    0 => number(y),
                    _ => format!("{} {}", s.label, number(y)),
                });
                let histogram =
                    self.bar_at(x, bar).map(|b| format!("histogram {}", number(b.value)));
                let all: Vec<String> = values.chain(histogram).collect();
                if all.is_empty() {
                    return None;
                }
                all.join(", ")
            }
        };
        Some(Reading { key: Key::Pane(self.kind), label: self.label.clone(), value, y: None })
    }
}

/// A volume as people read it: whole with thousands separated, small ones with their decimals.
fn volume_text(volume: f64) -> String {
    if volume >= 1000.0 { thousands(volume.round() as usize) } else { format_statistic(volume) }
}

/// What the indicators add to one scene: lines over the price, panes under it, and notes on
/// those the data is too short for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Studies {
    pub overlays: Vec<Series>,
    pub panes: Vec<Pane>,
    pub notes: Vec<String>,
}

/// One indicator asked for, computed at every bar: what the chart draws and the CSV lists.
enum Computed {
    Sma(usize, Vec<Option<f64>>),
    Ema(usize, Vec<Option<f64>>),
    Bollinger(usize, f64, Vec<Option<Band>>),
    Rsi(usize, Vec<Option<f64>>),
    Macd(Vec<Option<MacdValue>>),
}

impl Computed {
    /// The indicators `asked`, each over every bar of `prices`: averages, band, RSI, MACD.
    fn all(prices: &[f64], asked: &ChartIndicators) -> Vec<Computed> {
        let sma = asked.sma.iter().map(|&n| Computed::Sma(n, series(prices, Sma::new(n))));
        let ema = asked.ema.iter().map(|&n| Computed::Ema(n, series(prices, Ema::new(n))));
        let bollinger = asked
            .bollinger
            .map(|(n, k)| Computed::Bollinger(n, k, series(prices, Bollinger::new(n, k))));
        let rsi = asked.rsi.map(|n| Computed::Rsi(n, series(prices, Rsi::new(n))));
        let (fast, slow, signal) = MACD;
        let macd =
            asked.macd.then(|| Computed::Macd(series(prices, Macd::new(fast, slow, signal))));
        sma.chain(ema).chain(bollinger).chain(rsi).chain(macd).collect()
    }

    /// The setting that asked for it and the bars it needs before its first value.
    fn needs(&self) -> (String, usize) {
        match self {
            Computed::Sma(n, _) => (format!("sma={n}"), *n),
            Computed::Ema(n, _) => (format!("ema={n}"), *n),
            Computed::Bollinger(n, k, _) => (format!("bollinger={n},{k}"), *n),
            Computed::Rsi(n, _) => (format!("rsi={n}"), n + 1),
            Computed::Macd(_) => ("macd=on".into(), MACD.1 + MACD.2 - 1),
        }
    }

    /// Its columns in the CSV, one value per bar.
    fn columns(self) -> Vec<(String, Vec<Option<f64>>)> {
        let parts = |values: Vec<Option<MacdValue>>, parts: [(&str, Part<MacdValue>); 3]| {
            parts.map(|(name, part)| {
                (name.to_string(), values.iter().map(|v| v.map(part)).collect())
            })
        };
        match self {
            Computed::Sma(n, values) => vec![(format!("sma_{n}"), values)],
            Computed::Ema(n, values) => vec![(format!("ema_{n}"), values)],
            Computed::Bollinger(n, _, bands) => {
                let edges: [(&str, Part<Band>); 2] =
                    [("lower", |b| b.lower), ("upper", |b| b.upper)];
                edges
                    .map(|(edge, part)| {
                        (
                            format!("bollinger_{edge}_{n}"),
                            bands.iter().map(|b| b.map(part)).collect(),
                        )
                    })
                    .to_vec()
            }
            Computed::Rsi(n, values) => vec![(format!("rsi_{n}"), values)],
            Computed::Macd(values) => parts(
                values,
                [
                    ("macd", |m| m.line),
                    ("macd_signal", |m| m.signal),
                    ("macd_histogram", |m| m.histogram),
                ],
            )
            .to_vec(),
        }
    }
}

/// The indicators `asked` for the `target` column of `table`, at x positions `xs`.
pub fn studies(table: &Table, target: &Column, xs: &[f64], asked: &ChartIndicators) -> Studies {
    let rows = target.values.len();
    let mut studies = Studies::default();
    if asked.volume
        && let Some(volume) = volume_column(table)
    {
        studies.panes.push(volume_pane(table, target, volume, xs));
    }
    let line = |key: Key, label: String, values: Vec<Option<f64>>| {
        Series::line(key, label, xs.iter().zip(values).filter_map(|(&x, v)| Some((x, v?))))
    };
    for computed in Computed::all(&target.values, asked) {
        let (setting, needs) = computed.needs();
        if needs > rows {
            studies.notes.push(format!(
                "{setting} needs {} bars before its first value; this data has {}, so it is not drawn",
                thousands(needs),
                thousands(rows)
            ));
        }
        match computed {
            Computed::Sma(n, values) => {
                studies.overlays.push(line(Key::Sma(n), format!("SMA {n}"), values))
            }
            Computed::Ema(n, values) => {
                studies.overlays.push(line(Key::Ema(n), format!("EMA {n}"), values))
            }
            Computed::Bollinger(n, k, bands) => {
                let points =
                    xs.iter().zip(bands).filter_map(|(&x, b)| Some((x, b?.lower, b?.upper)));
                // The band first, so the lines are drawn over it.
                let band = Series::band(Key::Bollinger, &format!("Bollinger {n}, {k}"), points);
                studies.overlays.insert(0, band);
            }
            Computed::Rsi(n, values) => studies.panes.push(Pane {
                kind: PaneKind::Rsi,
                label: format!("RSI {n}"),
                lines: vec![line(Key::Pane(PaneKind::Rsi), "RSI".into(), values)],
                bars: Vec::new(),
                sums: false,
                fixed: Some((0.0, 100.0)),
                guides: vec![30.0, 70.0],
            }),
            Computed::Macd(values) => {
                let (fast, slow, signal) = MACD;
                let part = |f: Part<MacdValue>| values.iter().map(|v| v.map(f)).collect::<Vec<_>>();
                let histogram = xs.iter().zip(&values).filter_map(|(&x, v)| {
                    let value = v.as_ref()?.histogram;
                    Some(PaneBar { x, value, from: 0.0, to: value })
                });
                studies.panes.push(Pane {
                    kind: PaneKind::Macd,
                    label: format!("MACD {fast}, {slow}, {signal}"),
                    lines: vec![
                        line(Key::Pane(PaneKind::Macd), "MACD".into(), part(|m| m.line)),
                        line(Key::MacdSignal, "signal".into(), part(|m| m.signal)),
                    ],
                    bars: histogram.collect(),
                    sums: false,
                    fixed: None,
                    guides: vec![0.0],
                });
            }
        }
    }
    studies
}

/// The indicators `asked` of `prices`, a column each with one value per row (`None` before it
/// is defined): what the results CSV adds beside the prices (`sma_20`, `ema_12`,
/// `bollinger_lower_20`, `bollinger_upper_20`, `rsi_14`, `macd`, `macd_signal`, `macd_histogram`).
pub fn columns(prices: &[f64], asked: &ChartIndicators) -> Vec<(String, Vec<Option<f64>>)> {
    Computed::all(prices, asked).into_iter().flat_map(Computed::columns).collect()
}

/// One number of an indicator's value (a band's lower edge, MACD's signal).
type Part<T> = fn(T) -> f64;

/// The volume pane: each bar's volume, rising when the bar closed at or above its open (or the
/// close before it, for a file without opens).
fn volume_pane(table: &Table, target: &Column, volume: &Column, xs: &[f64]) -> Pane {
    let closes = &table.column("Close").unwrap_or(target).values;
    let opens = table.column("Open").map(|c| c.values.as_slice());
    let bars = (0..closes.len()).filter_map(|row| {
        let from = opens.map_or(closes[row.saturating_sub(1)], |opens| opens[row]);
        let bar = PaneBar { x: xs[row], value: volume.values[row], from, to: closes[row] };
        (bar.value.is_finite() && bar.value >= 0.0).then_some(bar)
    });
    Pane {
        kind: PaneKind::Volume,
        label: volume.name.clone(),
        lines: Vec::new(),
        bars: bars.collect(),
        sums: true,
        fixed: None,
        guides: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::scene::Scene;
    use crate::data::parse::parse_csv;

    /// Forty daily bars with volume: rising on even rows (close above open), falling on odd.
    fn table() -> Table {
        let mut csv = String::from("Date,Open,High,Low,Close,Volume\n");
        for day in 0..40 {
            let close = 100.0 + day as f64;
            let open = if day % 2 == 0 { close - 1.0 } else { close + 1.0 };
            let date =
                chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(day);
            csv += &format!(
                "{date},{open},{},{},{close},{}\n",
                close + 2.0,
                close - 2.0,
                1000 + day * 10
            );
        }
        parse_csv(csv.as_bytes()).unwrap()
    }

    fn asked() -> ChartIndicators {
        ChartIndicators {
            sma: vec![5],
            bollinger: Some((5, 2.0)),
            rsi: Some(14),
            macd: true,
            ..Default::default()
        }
    }

    /// Overlays start where their indicator is defined (nothing drawn before, never a zero);
    /// the panes come volume, RSI, MACD.
    #[test]
    fn indicators_are_absent_before_they_are_defined() {
        let table = table();
        let xs: Vec<f64> = (0..40).map(f64::from).collect();
        let studies = studies(&table, table.column("Close").unwrap(), &xs, &asked());
        let (bollinger, sma) = (&studies.overlays[0], &studies.overlays[1]);
        assert_eq!((sma.key, sma.xs[0], sma.ys[0]), (Key::Sma(5), 4.0, 102.0));
        assert_eq!((bollinger.key, bollinger.xs.len()), (Key::Bollinger, 36), "from bar 4");
        let kinds: Vec<PaneKind> = studies.panes.iter().map(|p| p.kind).collect();
        assert_eq!(kinds, [PaneKind::Volume, PaneKind::Rsi, PaneKind::Macd]);
        assert_eq!(studies.panes[1].lines[0].xs[0], 14.0, "RSI 14 from bar 14");
        assert_eq!(studies.panes[2].bars[0].x, 33.0, "MACD from bar 33");
        assert!(studies.notes.is_empty());
        let short = ChartIndicators { ema: vec![60], ..Default::default() };
        let short = super::studies(&table, table.column("Close").unwrap(), &xs, &short);
        assert!(short.overlays[0].xs.is_empty());
        assert_eq!(
            short.notes,
            ["ema=60 needs 60 bars before its first value; this data has 40, so it is not drawn"]
        );
    }

    /// The CSV's columns: one per indicator line, empty before it is defined.
    #[test]
    fn every_shown_indicator_is_a_column() {
        let prices: Vec<f64> = (0..40).map(|i| 100.0 + i as f64).collect();
        let columns = columns(&prices, &ChartIndicators { ema: vec![3], ..asked() });
        let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "sma_5",
                "ema_3",
                "bollinger_lower_5",
                "bollinger_upper_5",
                "rsi_14",
                "macd",
                "macd_signal",
                "macd_histogram"
            ]
        );
        assert_eq!(columns[0].1[3..5], [None, Some(102.0)]);
        assert_eq!(columns[4].1[13..15], [None, Some(100.0)]);
        assert_eq!(columns[7].1.iter().position(Option::is_some), Some(33));
    }

    /// More bars than pixel columns: volume adds up per group, coloured by the group's first
    /// open and last close; the y range holds the summed bars.
    #[test]
    fn volume_groups_per_column_and_sums() {
        let table = table();
        let xs: Vec<f64> = (0..40).map(f64::from).collect();
        let pane = &studies(&table, table.column("Close").unwrap(), &xs, &asked()).panes[0];
        assert_eq!(pane.label, "Volume");
        assert!(pane.bars[0].rising() && !pane.bars[1].rising());
        let all = Span::new(0.0, 39.0);
        assert_eq!(pane.shown(all, 100).len(), 40);
        let grouped = pane.shown(all, 4);
        assert_eq!(grouped.len(), 4);
        // bars 0..10: volumes 1000..1090, first open 99, last close 109
        assert_eq!(grouped[0], PaneBar { x: 0.0, value: 10_450.0, from: 99.0, to: 109.0 });
        let (low, high) = pane.view(all, 100, 4).y;
        assert_eq!(low, 0.0);
        assert!(high > 10_450.0 + 300.0 * 10.0 && high < 15_000.0, "{high}");
        assert_eq!(pane.view(all, 100, 100).bars.len(), 40);
    }

    /// The readout reads the bar, every overlay and every pane at the hovered day.
    #[test]
    fn the_readout_reads_overlays_and_panes() {
        let table = table();
        let scene = Scene::new(&table, "Close", None, &[])
            .unwrap()
            .with_style(&table, None)
            .with_indicators(&table, &asked());
        let readout = scene.readout(scene.bounds.start + 35.0, |_| true).unwrap();
        let text = readout.text();
        assert_eq!(
            text,
            "2024-02-05 · actual O 136.00 H 137.00 L 133.00 C 135.00 · SMA 5 133.00 · Bollinger 5, 2 130.17–135.83 · Volume 1,350 · RSI 14 100.00 · MACD 12, 26, 9 7.0000, signal 7.0000, histogram 0.0000"
        );
        let early = scene.readout(scene.bounds.start + 2.0, |_| true).unwrap().text();
        assert_eq!(early, "2024-01-03 · actual O 101.00 H 104.00 L 100.00 C 102.00 · Volume 1,020");
    }
}
