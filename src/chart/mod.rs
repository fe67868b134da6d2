//! Charts drawn with plotters on the page's canvases.

use chrono::{Datelike, NaiveDate};
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

use crate::data::Table;
use crate::forecast::ForecastDay;
use crate::protocol::RunResult;
use crate::training::EpochReport;

const ACTUAL: RGBColor = RGBColor(90, 90, 90);
const TRAIN_FIT: RGBColor = RGBColor(31, 119, 180);
const TEST_FIT: RGBColor = RGBColor(214, 39, 40);
const FORECAST: RGBColor = RGBColor(44, 160, 44);
const VALIDATION: RGBColor = RGBColor(255, 127, 14);

type Area = DrawingArea<CanvasBackend, Shift>;
type Chart<'a> = ChartContext<'a, CanvasBackend, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Most points a line keeps: a few per pixel column of the canvas.
const MAX_POINTS: usize = 4000;

/// Thins a long series to its first, lowest, highest and last point per bucket, so a million
/// rows draw as fast as a few thousand and no spike is lost.
fn thin(points: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    if points.len() <= MAX_POINTS {
        return points;
    }
    let bucket = points.len().div_ceil(MAX_POINTS / 4);
    points
        .chunks(bucket)
        .flat_map(|chunk| {
            let low = chunk.iter().min_by(|a, b| a.1.total_cmp(&b.1)).copied();
            let high = chunk.iter().max_by(|a, b| a.1.total_cmp(&b.1)).copied();
            let mut kept = [chunk.first().copied(), low, high, chunk.last().copied()];
            kept.sort_by(|a, b| a.map(|p| p.0).partial_cmp(&b.map(|p| p.0)).expect("finite x"));
            kept.into_iter().flatten()
        })
        .collect()
}

/// Draws one labelled line series.
fn line(chart: &mut Chart, points: impl IntoIterator<Item = (f64, f64)>, color: RGBColor, label: &str) -> Result<(), String> {
    chart
        .draw_series(LineSeries::new(thin(points.into_iter().collect()), color.stroke_width(2)))
        .map_err(|e| e.to_string())?
        .label(label)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
    Ok(())
}

/// Draws the legend and shows the result on the canvas.
fn finish(mut chart: Chart, root: &Area, position: SeriesLabelPosition) -> Result<(), String> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .draw()
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}

fn area(canvas: &HtmlCanvasElement) -> Result<Area, String> {
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or("the canvas has no 2D context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    Ok(root)
}

/// The x position of each row: its date as a day number, or its row number without dates.
fn row_positions(table: &Table) -> Vec<f64> {
    match &table.dates {
        Some(dates) => dates.iter().map(|d| d.num_days_from_ce() as f64).collect(),
        None => (0..table.len()).map(|i| i as f64).collect(),
    }
}

fn date_label(x: f64, dated: bool) -> String {
    if !dated {
        return format!("{x:.0}");
    }
    NaiveDate::from_num_days_from_ce_opt(x.round() as i32).map(|d| d.format("%Y-%m").to_string()).unwrap_or_default()
}

/// Actual prices, the train and test fits and the forecast, on one date axis.
pub fn draw_prices(canvas: &HtmlCanvasElement, table: &Table, target: &str, result: Option<&RunResult>) -> Result<(), String> {
    let root = area(canvas)?;
    let column = table.column(target).ok_or_else(|| format!("no column '{target}'"))?;
    let xs = row_positions(table);
    let dated = table.dates.is_some();
    let days = result.map_or(&[][..], |r| &r.forecast[..]);
    let day_x = |day: &ForecastDay| match day.date {
        Some(date) => date.num_days_from_ce() as f64,
        None => (table.len() - 1 + day.step) as f64,
    };
    let forecast: Vec<(f64, f64)> = days.iter().map(|d| (day_x(d), d.value)).collect();
    let band = |half_width: fn(&ForecastDay) -> f64| -> Vec<(f64, f64)> {
        let upper = days.iter().map(|d| (day_x(d), d.value + half_width(d)));
        let lower = days.iter().rev().map(|d| (day_x(d), d.value - half_width(d)));
        upper.chain(lower).collect()
    };
    let (band_80, band_95) = (band(|d| d.half_width_80), band(|d| d.half_width_95));
    let fits: Vec<f64> = result.map(|r| r.train_fit.iter().chain(&r.test_fit).copied().collect()).unwrap_or_default();
    let all_y = column.values.iter().chain(&fits).chain(band_95.iter().map(|(_, y)| y));
    let (low, high) = all_y.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &y| (lo.min(y), hi.max(y)));
    let pad = ((high - low) * 0.05).max(1e-6);
    let x_end = forecast.last().map_or(xs[xs.len() - 1], |(x, _)| *x);
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .caption(format!("{target}: actual, fit and forecast"), ("sans-serif", 18))
        .x_label_area_size(36)
        .y_label_area_size(64)
        .build_cartesian_2d(xs[0]..x_end.max(xs[0] + 1.0), (low - pad)..(high + pad))
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_labels(8)
        .x_label_formatter(&|x| date_label(*x, dated))
        .x_desc(if dated { "date" } else { "row" })
        .y_desc(target)
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(|e| e.to_string())?;
    let series = |start: usize, values: &[f64]| -> Vec<(f64, f64)> { values.iter().enumerate().map(|(i, &v)| (xs[start + i], v)).collect() };
    line(&mut chart, series(0, &column.values), ACTUAL, "actual")?;
    if let Some(r) = result {
        line(&mut chart, series(r.train_start, &r.train_fit), TRAIN_FIT, "fit, training part")?;
        line(&mut chart, series(r.test_start, &r.test_fit), TEST_FIT, "fit, test part")?;
        for (band, opacity, label) in [(band_95, 0.15, "95% interval"), (band_80, 0.3, "80% interval")] {
            chart
                .draw_series(std::iter::once(Polygon::new(band, FORECAST.mix(opacity).filled())))
                .map_err(|e| e.to_string())?
                .label(label)
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 18, y + 5)], FORECAST.mix(opacity).filled()));
        }
        line(&mut chart, forecast, FORECAST, "forecast")?;
    }
    finish(chart, &root, SeriesLabelPosition::UpperLeft)
}

/// Training and validation loss per epoch, on a log scale (log10 on a linear axis, so short
/// ranges within one decade still get labels).
pub fn draw_losses(canvas: &HtmlCanvasElement, history: &[EpochReport]) -> Result<(), String> {
    let root = area(canvas)?;
    let logs = history.iter().flat_map(|r| [r.train_loss, r.val_loss]).filter(|l| l.is_finite() && *l > 0.0).map(f64::log10);
    let (low, high) = logs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), l| (lo.min(l), hi.max(l)));
    let (low, high) = if low.is_finite() { (low - 0.1, high + 0.1) } else { (-4.0, 0.0) };
    let epochs = history.last().map_or(2, |r| r.epochs.max(2));
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(32)
        .y_label_area_size(64)
        .build_cartesian_2d(1f64..epochs as f64, low..high)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .y_desc("loss")
        .x_labels(epochs.min(10))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{:.1e}", 10f64.powf(*y)))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(|e| e.to_string())?;
    for (pick, color, label) in [
        ((|r: &EpochReport| r.train_loss) as fn(&EpochReport) -> f64, TRAIN_FIT, "training loss"),
        (|r: &EpochReport| r.val_loss, VALIDATION, "validation loss (test part)"),
    ] {
        let points = history.iter().map(|r| (r.epoch as f64, pick(r))).filter(|(_, l)| l.is_finite() && *l > 0.0);
        line(&mut chart, points.map(|(x, l)| (x, l.log10())), color, label)?;
    }
    finish(chart, &root, SeriesLabelPosition::UpperRight)
}
