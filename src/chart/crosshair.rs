//! The hover crosshair, drawn on a transparent canvas over a chart so that moving the pointer
//! never redraws the chart itself.

use web_sys::HtmlCanvasElement;

use super::context;
use super::view::Frame;

/// Clears `overlay` to the size of `chart`, then, for a position, draws a vertical line at `x`
/// from the top of `frame` down to `bottom` (through the panes under it) and a dot at each
/// (y, colour) point of `frame`.
pub fn draw_crosshair(
    overlay: &HtmlCanvasElement,
    chart: &HtmlCanvasElement,
    frame: &Frame,
    bottom: f64,
    at: Option<(f64, &[(f64, String)])>,
) -> Result<(), String> {
    if overlay.width() != chart.width() || overlay.height() != chart.height() {
        overlay.set_width(chart.width());
        overlay.set_height(chart.height());
    }
    let context = context(overlay)?;
    context.clear_rect(0.0, 0.0, overlay.width() as f64, overlay.height() as f64);
    let Some((x, points)) = at else { return Ok(()) };
    let px = frame.px_of(x).round() + 0.5;
    context.set_stroke_style_str("rgba(0, 0, 0, 0.45)");
    context.set_line_width(1.0);
    context.begin_path();
    context.move_to(px, frame.top);
    context.line_to(px, bottom.max(frame.bottom));
    context.stroke();
    for (y, color) in points {
        let py = frame.py_of(*y);
        if (frame.top..=frame.bottom).contains(&py) {
            context.set_fill_style_str(color);
            context.begin_path();
            context
                .arc(px, py, 3.5, 0.0, std::f64::consts::TAU)
                .map_err(|_| "the crosshair could not be drawn")?;
            context.fill();
        }
    }
    Ok(())
}
