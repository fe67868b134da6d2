//! Which part of the x axis a chart shows, and how zooming, panning and the view buttons move it.
//! Plain arithmetic on axis units (day numbers, or row numbers without dates), tested natively.

use crate::training::EpochReport;

/// A stretch of the x axis, `start < end`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    pub start: f64,
    pub end: f64,
}

impl Span {
    /// A span from `start` to `end`; an empty one is widened to one unit so it can be drawn.
    pub fn new(start: f64, end: f64) -> Self {
        Self { start, end: if end > start { end } else { start + 1.0 } }
    }

    pub fn width(&self) -> f64 {
        self.end - self.start
    }

    /// Whether `x` lies in the span, ends included.
    pub fn contains(&self, x: f64) -> bool {
        (self.start..=self.end).contains(&x)
    }

    /// Scales the width by `factor` (below 1 zooms in) keeping `anchor` where it is on screen:
    /// the point under the pointer stays under the pointer. Stays inside `bounds`, and no
    /// narrower than `narrowest` (a few bars, so a line is still a line).
    pub fn zoom(self, anchor: f64, factor: f64, bounds: Span, narrowest: f64) -> Span {
        let width = (self.width() * factor).clamp(narrowest.min(bounds.width()), bounds.width());
        let anchor = anchor.clamp(self.start, self.end);
        let left_share = (anchor - self.start) / self.width();
        let start = anchor - left_share * width;
        Span { start, end: start + width }.inside(bounds)
    }

    /// Moves the span by `dx` axis units, stopping at the ends of `bounds`.
    pub fn pan(self, dx: f64, bounds: Span) -> Span {
        Span { start: self.start + dx, end: self.end + dx }.inside(bounds)
    }

    /// Shifts (and if needed narrows) the span so that it lies inside `bounds`.
    pub fn inside(self, bounds: Span) -> Span {
        let width = self.width().min(bounds.width());
        let start = self.start.clamp(bounds.start, bounds.end - width);
        Span { start, end: start + width }
    }
}

/// Where a drawn chart's plotting area is on its canvas, and what it shows: turns a pointer's
/// pixel into an axis value and back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    /// Canvas pixels of the plotting area, left to right and top to bottom.
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    pub x: Span,
    /// The y axis' range, low to high.
    pub y: (f64, f64),
}

impl Frame {
    /// The x value at canvas pixel column `px` (clamped to the plotting area).
    pub fn x_at(&self, px: f64) -> f64 {
        let share = ((px - self.left) / (self.right - self.left).max(1.0)).clamp(0.0, 1.0);
        self.x.start + share * self.x.width()
    }

    /// The canvas pixel column of `x`.
    pub fn px_of(&self, x: f64) -> f64 {
        self.left + (x - self.x.start) / self.x.width() * (self.right - self.left)
    }

    /// The canvas pixel row of `y`.
    pub fn py_of(&self, y: f64) -> f64 {
        let (low, high) = self.y;
        self.bottom - (y - low) / (high - low).max(f64::MIN_POSITIVE) * (self.bottom - self.top)
    }

    /// Axis units per canvas pixel, to turn a drag into a pan.
    pub fn units_per_pixel(&self) -> f64 {
        self.x.width() / (self.right - self.left).max(1.0)
    }

    /// Whether canvas pixel (`px`, `py`) is inside the plotting area.
    pub fn holds(&self, px: f64, py: f64) -> bool {
        (self.left..=self.right).contains(&px) && (self.top..=self.bottom).contains(&py)
    }
}

/// The loss chart's readout at axis value `x`: the nearest epoch and both losses.
pub fn loss_readout(history: &[EpochReport], x: f64) -> Option<String> {
    let report = history
        .iter()
        .min_by(|a, b| (a.epoch as f64 - x).abs().total_cmp(&(b.epoch as f64 - x).abs()))?;
    let validation =
        report.val_loss.map(|loss| format!(" · validation loss {loss:.3e}")).unwrap_or_default();
    Some(format!("epoch {} · training loss {:.3e}{validation}", report.epoch, report.train_loss))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: Span = Span { start: 0.0, end: 1000.0 };

    #[test]
    fn zoom_keeps_the_anchor_in_place() {
        let view = ALL.zoom(250.0, 0.5, ALL, 5.0);
        assert_eq!(view, Span { start: 125.0, end: 625.0 });
        // the anchor sat a quarter of the way across before and after
        assert_eq!((250.0 - view.start) / view.width(), 0.25);
    }

    #[test]
    fn zoom_stops_at_the_bounds_and_a_minimum_width() {
        assert_eq!(Span { start: 100.0, end: 200.0 }.zoom(150.0, 100.0, ALL, 5.0), ALL);
        let narrow = ALL.zoom(500.0, 1e-9, ALL, 5.0);
        assert_eq!(narrow.width(), 5.0);
        assert!(narrow.contains(500.0));
        let near_end = Span { start: 900.0, end: 1000.0 }.zoom(990.0, 3.0, ALL, 5.0);
        assert_eq!(near_end, Span { start: 700.0, end: 1000.0 }, "shifted back inside");
    }

    #[test]
    fn pan_stops_at_either_end() {
        let view = Span { start: 100.0, end: 200.0 };
        assert_eq!(view.pan(50.0, ALL), Span { start: 150.0, end: 250.0 });
        assert_eq!(view.pan(-500.0, ALL), Span { start: 0.0, end: 100.0 });
        assert_eq!(view.pan(5000.0, ALL), Span { start: 900.0, end: 1000.0 });
    }

    #[test]
    fn frame_maps_pixels_to_values_and_back() {
        let frame = Frame {
            left: 50.0,
            right: 150.0,
            top: 10.0,
            bottom: 110.0,
            x: Span::new(0.0, 10.0),
            y: (0.0, 100.0),
        };
        assert_eq!(frame.x_at(100.0), 5.0);
        assert_eq!(frame.x_at(0.0), 0.0, "clamped to the plotting area");
        assert_eq!(frame.px_of(5.0), 100.0);
        assert_eq!(frame.py_of(100.0), 10.0);
        assert_eq!(frame.py_of(0.0), 110.0);
        assert_eq!(frame.units_per_pixel(), 0.1);
        assert!(frame.holds(60.0, 20.0) && !frame.holds(10.0, 20.0));
    }

    #[test]
    fn loss_readout_names_the_nearest_epoch() {
        let report = |epoch| EpochReport {
            epoch,
            epochs: 3,
            train_loss: 0.001 * epoch as f64,
            val_loss: Some(0.5),
            fold: None,
            launches: None,
        };
        let history = [report(1), report(2), report(3)];
        assert_eq!(
            loss_readout(&history, 2.4).unwrap(),
            "epoch 2 · training loss 2.000e-3 · validation loss 5.000e-1"
        );
        assert_eq!(loss_readout(&[], 2.0), None);
    }
}
