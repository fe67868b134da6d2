//! Draws a view of the price chart's [`Scene`] with plotters: bands, fits, forecast, pinned runs
//! dashed, overlays, and the actual price on top, as a line, candles or OHLC bars; then the panes
//! under it (volume, RSI, MACD) on the same x. Only the visible points, thinned (or bars grouped)
//! to the canvas' width.

use plotters::prelude::*;
use web_sys::HtmlCanvasElement;

use super::bars::Bar;
use super::scene::{Key, Scene};
use super::studies::{Pane, PaneKind};
use super::view::{Frame, Span};
use super::{Area, clip_to, fit_width, frame_of};
use crate::data::numbers::format_price;
use crate::training::ChartStyle;

const ACTUAL: RGBColor = RGBColor(34, 34, 34);
const TRAIN_FIT: RGBColor = RGBColor(31, 119, 180);
const TEST_FIT: RGBColor = RGBColor(214, 39, 40);
const FORECAST: RGBColor = RGBColor(44, 160, 44);
/// A bar that rose (drawn hollow) and one that fell (filled): told apart without colour too,
/// and drawn paler than the fit lines that go over them.
const RISE: RGBColor = RGBColor(0, 128, 96);
const FALL: RGBColor = RGBColor(200, 40, 40);
/// Least pixels a bar takes: more bars than that are grouped.
const BAR_PIXELS: u32 = 3;
/// The chart's height over its width, and each pane's, and their least heights in pixels.
const PRICE_ASPECT: f64 = 0.44;
const PANE_ASPECT: f64 = 0.12;
const PRICE_MIN: u32 = 240;
const PANE_MIN: u32 = 72;
const OVERLAYS: [RGBColor; 4] = [
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(23, 190, 207),
    RGBColor(188, 189, 34),
];
const PINNED: [RGBColor; 4] = [
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(23, 190, 207),
];

/// Each series' colour, which the page's legend repeats (`#rrggbb`).
pub fn color(key: Key) -> RGBColor {
    match key {
        Key::Actual => ACTUAL,
        Key::TrainFit => TRAIN_FIT,
        Key::TestFit => TEST_FIT,
        Key::Forecast | Key::Band80 | Key::Band95 => FORECAST,
        Key::Pinned(run) => PINNED[(run % PINNED.len() as u64) as usize],
        Key::Sma(period) | Key::Ema(period) => {
            let shift = if matches!(key, Key::Ema(_)) { 2 } else { 0 };
            OVERLAYS[(period + shift) % OVERLAYS.len()]
        }
        Key::Bollinger => RGBColor(100, 100, 160),
        Key::Pane(PaneKind::Rsi) => RGBColor(148, 103, 189),
        Key::Pane(_) => TRAIN_FIT,
        Key::MacdSignal => RGBColor(255, 127, 14),
    }
}

/// Where a drawn view landed: the price chart's plotting area, and each pane's.
pub struct Drawn {
    pub frame: Frame,
    pub panes: Vec<(PaneKind, String, Frame)>,
}

/// Draws the series `shown` says inside `span`, with the y axis fitted to them, and the scene's
/// panes under them; returns where the plotting areas landed (for the pointer and the crosshair).
pub fn draw_prices(
    canvas: &HtmlCanvasElement,
    scene: &Scene,
    span: Span,
    shown: impl Fn(Key) -> bool + Copy,
) -> Result<Drawn, String> {
    let count = scene.panes.len() as u32;
    let aspect = PRICE_ASPECT + PANE_ASPECT * count as f64;
    let root: Area = fit_width(canvas, aspect, PRICE_MIN + PANE_MIN * count)?;
    let height = root.dim_in_pixel().1;
    let pane_height = (height as f64 * PANE_ASPECT / aspect) as u32;
    let price_height = height - pane_height * count;
    let breaks: Vec<u32> = (0..count).map(|i| price_height + i * pane_height).collect();
    let areas = root.split_by_breakpoints::<u32, u32, _, _>([], breaks);
    let frame = draw_price_area(canvas, &areas[0], scene, span, shown, count == 0)?;
    let mut panes = Vec::with_capacity(scene.panes.len());
    for (i, (pane, area)) in scene.panes.iter().zip(&areas[1..]).enumerate() {
        let last = i + 1 == scene.panes.len();
        panes.push((
            pane.kind,
            pane.label.clone(),
            draw_pane(canvas, area, pane, scene, span, last)?,
        ));
    }
    root.present().map_err(|e| e.to_string())?;
    Ok(Drawn { frame, panes })
}

/// The price chart itself, in `root`; the x axis' labels when `labelled` (no pane under it).
fn draw_price_area(
    canvas: &HtmlCanvasElement,
    root: &Area,
    scene: &Scene,
    span: Span,
    shown: impl Fn(Key) -> bool + Copy,
    labelled: bool,
) -> Result<Frame, String> {
    // A point per pixel column for every line (the extremes of each kept), two for the price.
    let view = scene.view(span, shown, canvas.width() as usize, bar_room(canvas));
    let y = view.y;
    let mut chart = ChartBuilder::on(root)
        .margin(12)
        .x_label_area_size(if labelled { X_LABELS } else { 0 })
        .y_label_area_size(Y_LABELS)
        .build_cartesian_2d(span.start..span.end, y.0..y.1)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_labels(x_ticks(canvas))
        .x_label_formatter(&|x| scene.axis.tick(*x, span))
        .y_label_formatter(&|y| format_price(*y, scene.decimals))
        .x_desc(if labelled { scene.axis.name() } else { "" })
        .y_desc(scene.target.as_str())
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(|e| e.to_string())?;
    let frame = frame_of(&chart, span, y);
    let clipped = clip_to(canvas, &frame)?;
    // Bars go underneath, so the fits, forecast and bands stay in view over them.
    if !view.bars.is_empty() {
        let plot_px = chart.plotting_area().dim_in_pixel().0;
        let bars = &view.bars;
        // The x distance between two drawn bars, and their width in pixels.
        let step = bar_step(bars.iter().map(|b| b.x), scene);
        let body = ((step / span.width() * plot_px as f64 * 0.7) as u32).max(1);
        match scene.style {
            ChartStyle::Ohlc => chart.draw_series(bars.iter().map(|b| ohlc_bar(b, 0.35 * step))),
            _ => chart.draw_series(bars.iter().map(|b| {
                let (rise, fall) = (RISE.mix(0.75).stroke_width(1), FALL.mix(0.55).filled());
                CandleStick::new(b.x, b.open, b.high, b.low, b.close, rise, fall, body)
            })),
        }
        .map_err(|e| e.to_string())?;
    }
    for line in view.lines {
        let color = color(line.key);
        let drawn = match (line.lows, line.key) {
            (Some(lower), key) => {
                let opacity = match key {
                    Key::Band95 => 0.15,
                    Key::Bollinger => 0.08,
                    _ => 0.3,
                };
                if key == Key::Bollinger {
                    // Bollinger bands read as two lines, the fill between them faint.
                    for edge in [&line.points, &lower] {
                        chart
                            .draw_series(LineSeries::new(
                                edge.iter().copied(),
                                color.stroke_width(1),
                            ))
                            .map_err(|e| e.to_string())?;
                    }
                }
                let outline: Vec<(f64, f64)> =
                    line.points.into_iter().chain(lower.into_iter().rev()).collect();
                chart.draw_series(std::iter::once(Polygon::new(
                    outline,
                    color.mix(opacity).filled(),
                )))
            }
            (None, Key::Pinned(_)) => {
                chart.draw_series(DashedLineSeries::new(line.points, 6, 4, color.stroke_width(2)))
            }
            (None, key) => {
                let width =
                    if matches!(key, Key::Actual | Key::Sma(_) | Key::Ema(_)) { 2 } else { 1 };
                chart.draw_series(LineSeries::new(line.points, color.stroke_width(width)))
            }
        };
        drawn.map_err(|e| e.to_string())?;
    }
    clipped.restore();
    Ok(frame)
}

/// Pixels of the x axis' labels (under the lowest area) and of the y axis' (every area alike,
/// so that all share one x scale).
const X_LABELS: u32 = 36;
const Y_LABELS: u32 = 64;

/// How many bars the plotting area has room for, one per [`BAR_PIXELS`] columns: the same for
/// the price and every pane, so their groups line up.
fn bar_room(canvas: &HtmlCanvasElement) -> usize {
    (canvas.width().saturating_sub(Y_LABELS + 24) / BAR_PIXELS).max(1) as usize
}

/// The x distance between two drawn bars at `xs` (ascending): the least gap, or one bar of the
/// data when fewer than two are drawn.
fn bar_step(xs: impl Iterator<Item = f64>, scene: &Scene) -> f64 {
    let mut previous = None;
    let step = xs.fold(f64::INFINITY, |step, x| match previous.replace(x) {
        Some(before) => step.min(x - before),
        None => step,
    });
    if step.is_finite() { step } else { scene.axis.bar() }
}

/// How many date labels the x axis takes at this width.
fn x_ticks(canvas: &HtmlCanvasElement) -> usize {
    if canvas.width() < 500 { 4 } else { 8 }
}

/// One pane in `area` on the price chart's x: its bars grouped to the room there is, its lines
/// thinned, its guides; the x axis' labels when it is the `last`.
fn draw_pane(
    canvas: &HtmlCanvasElement,
    area: &Area,
    pane: &Pane,
    scene: &Scene,
    span: Span,
    last: bool,
) -> Result<Frame, String> {
    let view = pane.view(span, canvas.width() as usize, bar_room(canvas));
    let y = view.y;
    let mut chart = ChartBuilder::on(area)
        .margin_left(12)
        .margin_right(12)
        .margin_top(6)
        .margin_bottom(if last { 12 } else { 0 })
        .x_label_area_size(if last { X_LABELS } else { 0 })
        .y_label_area_size(Y_LABELS)
        .build_cartesian_2d(span.start..span.end, y.0..y.1)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_labels(if last { x_ticks(canvas) } else { 0 })
        .x_label_formatter(&|x| scene.axis.tick(*x, span))
        .x_desc(if last { scene.axis.name() } else { "" })
        .y_labels(3)
        .y_label_formatter(&|v| compact(*v))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(|e| e.to_string())?;
    let frame = frame_of(&chart, span, y);
    let clipped = clip_to(canvas, &frame)?;
    let guides = pane
        .guides
        .iter()
        .map(|&g| PathElement::new(vec![(span.start, g), (span.end, g)], BLACK.mix(0.25)));
    chart.draw_series(guides).map_err(|e| e.to_string())?;
    let half = 0.35 * bar_step(view.bars.iter().map(|b| b.x), scene);
    chart
        .draw_series(view.bars.iter().map(|b| {
            let color = if b.rising() { RISE.mix(0.45) } else { FALL.mix(0.45) };
            Rectangle::new([(b.x - half, 0.0), (b.x + half, b.value)], color.filled())
        }))
        .map_err(|e| e.to_string())?;
    for (key, points) in view.lines {
        chart
            .draw_series(LineSeries::new(points, color(key).stroke_width(1)))
            .map_err(|e| e.to_string())?;
    }
    clipped.restore();
    Ok(frame)
}

/// An axis label short enough for a pane: `12.3M`, `450k`, `0.0012`.
fn compact(value: f64) -> String {
    let size = value.abs();
    match size {
        _ if size >= 1e9 => format!("{:.1}B", value / 1e9),
        _ if size >= 1e6 => format!("{:.1}M", value / 1e6),
        _ if size >= 1e4 => format!("{:.0}k", value / 1e3),
        _ if size >= 10.0 || size == 0.0 => format!("{value:.0}"),
        _ => format!("{value:.*}", (2 - size.log10().floor() as i32).clamp(1, 8) as usize),
    }
}

/// An OHLC bar: a line from low to high, the open ticked `tick` to the left and the close to
/// the right, in the bar's colour (its direction also shows in which tick is higher).
fn ohlc_bar(bar: &Bar, tick: f64) -> PathElement<(f64, f64)> {
    let color = if bar.rising() { RISE.mix(0.75) } else { FALL.mix(0.55) };
    let (x, open, close) = (bar.x, bar.open, bar.close);
    let points = vec![
        (x - tick, open),
        (x, open),
        (x, bar.low),
        (x, bar.high),
        (x, close),
        (x + tick, close),
    ];
    PathElement::new(points, color.stroke_width(1))
}
