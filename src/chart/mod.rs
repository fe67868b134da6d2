//! The charts: which part of the data a view shows and what is under the pointer ([`view`],
//! [`scene`]: plain Rust, tested natively), and drawing them with plotters on the page's
//! canvases ([`prices`], [`losses`], [`crosshair`]: the page's binary only).

pub mod axis;
pub mod bars;
pub mod scene;
pub mod studies;
pub mod view;

#[cfg(all(target_arch = "wasm32", feature = "page"))]
pub mod crosshair;
#[cfg(all(target_arch = "wasm32", feature = "page"))]
pub mod losses;
#[cfg(all(target_arch = "wasm32", feature = "page"))]
pub mod prices;

#[cfg(all(target_arch = "wasm32", feature = "page"))]
pub use canvas::{Area, clip_to, context, fit_width, frame_of};

#[cfg(all(target_arch = "wasm32", feature = "page"))]
mod canvas {
    use plotters::coord::Shift;
    use plotters::coord::types::RangedCoordf64;
    use plotters::prelude::*;
    use plotters_canvas::CanvasBackend;
    use wasm_bindgen::JsCast;
    use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

    use super::view::{Frame, Span};

    /// A whole canvas as a plotters drawing area.
    pub type Area = DrawingArea<CanvasBackend, Shift>;

    /// The canvas' 2D context (the one plotters draws with).
    pub fn context(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, String> {
        let context =
            canvas.get_context("2d").ok().flatten().ok_or("the canvas has no 2D context")?;
        Ok(context.unchecked_into())
    }

    /// Sizes the canvas' pixels to the width it is shown at (so a phone gets a chart drawn for
    /// its width, not a shrunken desktop one), `aspect` high but at least `min_height`, and
    /// clears it to white.
    pub fn fit_width(
        canvas: &HtmlCanvasElement,
        aspect: f64,
        min_height: u32,
    ) -> Result<Area, String> {
        let shown = canvas.client_width();
        if shown > 0 {
            let width = shown as u32;
            let height = ((width as f64 * aspect) as u32).max(min_height);
            if canvas.width() != width || canvas.height() != height {
                canvas.set_width(width);
                canvas.set_height(height);
            }
        }
        let backend = CanvasBackend::with_canvas_object(canvas.clone())
            .ok_or("the canvas has no 2D context")?;
        let root = backend.into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        Ok(root)
    }

    /// Where `chart`'s plotting area is on the canvas, showing `x` and `y`.
    pub fn frame_of(
        chart: &ChartContext<CanvasBackend, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
        x: Span,
        y: (f64, f64),
    ) -> Frame {
        let (columns, rows) = chart.plotting_area().get_pixel_range();
        Frame {
            left: columns.start as f64,
            right: columns.end as f64,
            top: rows.start as f64,
            bottom: rows.end as f64,
            x,
            y,
        }
    }

    /// Restricts drawing to `frame`'s plotting area until `restore` (plotters does not clip, and
    /// the lines run one point past each edge of the view).
    pub fn clip_to(
        canvas: &HtmlCanvasElement,
        frame: &Frame,
    ) -> Result<CanvasRenderingContext2d, String> {
        let context = context(canvas)?;
        context.save();
        context.begin_path();
        context.rect(frame.left, frame.top, frame.right - frame.left, frame.bottom - frame.top);
        context.clip();
        Ok(context)
    }
}
