//! Draws the training and validation loss per epoch, on a log scale (log10 on a linear axis, so
//! short ranges within one decade still get labels).

use plotters::prelude::*;
use web_sys::HtmlCanvasElement;

use super::view::{Frame, Span};
use super::{fit_width, frame_of};
use crate::training::EpochReport;

const TRAINING: RGBColor = RGBColor(31, 119, 180);
const VALIDATION: RGBColor = RGBColor(255, 127, 14);

/// Draws `history` and returns where the plotting area landed (for the hover readout).
pub fn draw_losses(canvas: &HtmlCanvasElement, history: &[EpochReport]) -> Result<Frame, String> {
    let root = fit_width(canvas, 0.27, 160)?;
    let logs = history
        .iter()
        .flat_map(|r| [Some(r.train_loss), r.val_loss])
        .flatten()
        .filter(|l| l.is_finite() && *l > 0.0)
        .map(f64::log10);
    let (low, high) =
        logs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), l| (lo.min(l), hi.max(l)));
    let (low, high) = if low.is_finite() { (low - 0.1, high + 0.1) } else { (-4.0, 0.0) };
    let epochs = history.last().map_or(2, |r| r.epochs.max(2));
    let x = Span::new(1.0, epochs as f64);
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(32)
        .y_label_area_size(64)
        .build_cartesian_2d(x.start..x.end, low..high)
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
        (
            (|r: &EpochReport| Some(r.train_loss)) as fn(&EpochReport) -> Option<f64>,
            TRAINING,
            "training loss",
        ),
        (|r: &EpochReport| r.val_loss, VALIDATION, "validation loss (validation block)"),
    ] {
        if history.iter().all(|r| pick(r).is_none()) {
            continue;
        }
        let points = history
            .iter()
            .filter_map(|r| Some((r.epoch as f64, pick(r)?)))
            .filter(|(_, l)| l.is_finite() && *l > 0.0);
        chart
            .draw_series(LineSeries::new(
                points.map(|(x, l)| (x, l.log10())),
                color.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?
            .label(label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .draw()
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())?;
    Ok(frame_of(&chart, x, (low, high)))
}
