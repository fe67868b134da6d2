//! Draws a view of the price chart's [`Scene`] with plotters: bands, fits, forecast, pinned runs
//! dashed, and the actual price on top, as a line, candles or OHLC bars; only the visible
//! points, thinned (or bars grouped) to the canvas' width.

use plotters::prelude::*;
use web_sys::HtmlCanvasElement;

use super::bars::Bar;
use super::scene::{Key, Scene};
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
    }
}

/// Draws the series `shown` says inside `span`, with the y axis fitted to them, and returns where
/// the plotting area landed (for the pointer and the crosshair).
pub fn draw_prices(
    canvas: &HtmlCanvasElement,
    scene: &Scene,
    span: Span,
    shown: impl Fn(Key) -> bool + Copy,
) -> Result<Frame, String> {
    let root: Area = fit_width(canvas, 0.44, 240)?;
    let y = scene.y_range(span, shown);
    let max_points = 2 * canvas.width() as usize;
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(64)
        .build_cartesian_2d(span.start..span.end, y.0..y.1)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_labels(if canvas.width() < 500 { 4 } else { 8 })
        .x_label_formatter(&|x| scene.axis.tick(*x, span))
        .y_label_formatter(&|y| format_price(*y, scene.decimals))
        .x_desc(scene.axis.name())
        .y_desc(scene.target.as_str())
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(|e| e.to_string())?;
    let frame = frame_of(&chart, span, y);
    let clipped = clip_to(canvas, &frame)?;
    // Bars go underneath, so the fits, forecast and bands stay in view over them.
    let bars = scene.bars.as_ref().filter(|_| shown(Key::Actual));
    if let Some(bars) = bars {
        let plot_px = chart.plotting_area().dim_in_pixel().0;
        let bars = bars.shown(span, (plot_px / BAR_PIXELS).max(1) as usize);
        // The x distance between two drawn bars, and their width in pixels.
        let step = bars.windows(2).map(|w| w[1].x - w[0].x).fold(f64::INFINITY, f64::min);
        let step = if step.is_finite() { step } else { scene.axis.bar() };
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
    let lines =
        scene.series.iter().filter(|s| shown(s.key) && !(s.key == Key::Actual && bars.is_some()));
    for series in lines {
        let color = color(series.key);
        let drawn = match (&series.lows, series.key) {
            (Some(lows), key) => {
                let range = series.visible(span);
                let upper = series.xs[range.clone()]
                    .iter()
                    .copied()
                    .zip(series.ys[range.clone()].iter().copied());
                let lower =
                    series.xs[range.clone()].iter().copied().zip(lows[range].iter().copied()).rev();
                let opacity = if key == Key::Band95 { 0.15 } else { 0.3 };
                chart.draw_series(std::iter::once(Polygon::new(
                    upper.chain(lower).collect::<Vec<_>>(),
                    color.mix(opacity).filled(),
                )))
            }
            (None, Key::Pinned(_)) => chart.draw_series(DashedLineSeries::new(
                series.points(span, max_points),
                6,
                4,
                color.stroke_width(2),
            )),
            (None, key) => {
                let width = if key == Key::Actual { 2 } else { 1 };
                chart.draw_series(LineSeries::new(
                    series.points(span, max_points),
                    color.stroke_width(width),
                ))
            }
        };
        drawn.map_err(|e| e.to_string())?;
    }
    clipped.restore();
    root.present().map_err(|e| e.to_string())?;
    Ok(frame)
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
