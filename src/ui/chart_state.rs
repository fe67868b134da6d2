//! Where the price chart is and how it answers people: the scene and the view shown, hidden
//! series, the readout, and what the wheel, pointers and keys do to them. The component that
//! owns it is [`super::price_chart`].

use std::sync::Arc;

use leptos::html::Canvas;
use leptos::prelude::*;
use web_sys::{KeyboardEvent, PointerEvent, WheelEvent};

use super::Handle;
use crate::chart::crosshair::draw_crosshair;
use crate::chart::prices::{color, draw_prices};
use crate::chart::scene::{Key, Preset, Readout, Scene};
use crate::chart::studies::PaneKind;
use crate::chart::view::{Frame, Span};
use crate::view::Action;

/// How much one wheel notch (100 pixels of `deltaY`) zooms.
const WHEEL_ZOOM: f64 = 1.25;
/// How much one +/− key press zooms, and how far an arrow key pans (a share of the view).
const KEY_ZOOM: f64 = 0.8;
const KEY_PAN: f64 = 0.1;

/// A series' colour as CSS, for its legend swatch and crosshair dot.
pub(super) fn css_color(key: Key) -> String {
    let c = color(key);
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Where the chart is: the scene, the view, hidden series, the last drawn frame and the pointers
/// down on it.
#[derive(Clone, Copy)]
pub(super) struct ChartState {
    pub(super) scene: RwSignal<Option<Arc<Scene>>>,
    pub(super) span: RwSignal<Option<Span>>,
    pub(super) hidden: RwSignal<Vec<Key>>,
    pub(super) readout: RwSignal<Option<Readout>>,
    frame: StoredValue<Option<Frame>>,
    /// The panes drawn under the price: which, their label and where.
    pub(super) panes: RwSignal<Vec<(PaneKind, String, Frame)>>,
    /// Pointers down: (id, canvas x, canvas y).
    pub(super) pointers: StoredValue<Vec<(i32, f64, f64)>>,
    canvas: NodeRef<Canvas>,
    pub(super) overlay: NodeRef<Canvas>,
}

impl ChartState {
    /// A chart on `canvas` with nothing shown yet.
    pub(super) fn new(canvas: NodeRef<Canvas>) -> Self {
        Self {
            scene: RwSignal::new(None),
            span: RwSignal::new(None),
            hidden: RwSignal::new(Vec::new()),
            readout: RwSignal::new(None),
            frame: StoredValue::new(None),
            panes: RwSignal::new(Vec::new()),
            pointers: StoredValue::new(Vec::new()),
            canvas,
            overlay: NodeRef::new(),
        }
    }

    fn shown(&self, key: Key) -> bool {
        !self.hidden.with_untracked(|h| h.contains(&key))
    }

    /// Changes the view with `change(view, frame, scene)`, if a chart is drawn.
    fn change(&self, change: impl FnOnce(Span, &Frame, &Scene) -> Span) {
        let (Some(frame), Some(scene)) = (self.frame.get_value(), self.scene.get_untracked())
        else {
            return;
        };
        let span = self.span.get_untracked().unwrap_or(scene.bounds);
        self.span.set(Some(change(span, &frame, &scene)));
    }

    /// Zooms by `factor` around `anchor`.
    fn zoom(&self, anchor: impl FnOnce(Span, &Frame) -> f64, factor: f64) {
        self.change(|span, frame, scene| {
            span.zoom(anchor(span, frame), factor, scene.bounds, scene.narrowest())
        });
    }

    pub(super) fn preset(&self, preset: Preset) {
        if let Some(scene) = self.scene.get_untracked() {
            self.span.set(Some(scene.preset(preset)));
        }
    }

    /// Canvas pixels of a pointer event (the canvas may be shown scaled).
    fn canvas_point(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        let canvas = self.canvas.get_untracked()?;
        let scale = canvas.width() as f64 / canvas.client_width().max(1) as f64;
        Some((x * scale, y * scale))
    }

    /// Shows the readout and crosshair at axis value `x`, or clears them.
    pub(super) fn hover(&self, x: Option<f64>) {
        let started = now_ms();
        let (Some(scene), Some(frame), Some(canvas), Some(overlay)) = (
            self.scene.get_untracked(),
            self.frame.get_value(),
            self.canvas.get_untracked(),
            self.overlay.get_untracked(),
        ) else {
            return;
        };
        let readout = x.and_then(|x| scene.readout(x, |k| self.shown(k)));
        let dots: Vec<(f64, String)> = readout
            .iter()
            .flat_map(|r| r.values.iter().filter_map(|v| Some((v.y?, css_color(v.key)))))
            .collect();
        let bottom =
            self.panes.with_untracked(|p| p.last().map_or(frame.bottom, |(_, _, f)| f.bottom));
        let at = readout.as_ref().map(|r| (r.x, &dots[..]));
        let _ = draw_crosshair(&overlay, &canvas, &frame, bottom, at);
        self.readout.set(readout);
        let _ = overlay.set_attribute("data-hover-ms", &format!("{:.2}", now_ms() - started));
    }

    pub(super) fn wheel(&self, event: &WheelEvent) {
        let Some((px, _)) = self.canvas_point(event.offset_x() as f64, event.offset_y() as f64)
        else {
            return;
        };
        event.prevent_default();
        let notches = event.delta_y()
            / if event.delta_mode() == WheelEvent::DOM_DELTA_LINE { 3.0 } else { 100.0 };
        self.zoom(|_, frame| frame.x_at(px), WHEEL_ZOOM.powf(notches));
    }

    pub(super) fn pointer_down(&self, event: &PointerEvent) {
        let Some((px, py)) = self.canvas_point(event.offset_x() as f64, event.offset_y() as f64)
        else {
            return;
        };
        if let Some(canvas) = self.canvas.get_untracked() {
            let _ = canvas.set_pointer_capture(event.pointer_id());
        }
        self.pointers.update_value(|p| p.push((event.pointer_id(), px, py)));
    }

    /// A drag pans, two pointers pinch-zoom around their middle, a free mouse hovers.
    pub(super) fn pointer_move(&self, event: &PointerEvent) {
        let Some((px, py)) = self.canvas_point(event.offset_x() as f64, event.offset_y() as f64)
        else {
            return;
        };
        let id = event.pointer_id();
        let before = self.pointers.get_value();
        let Some(index) = before.iter().position(|p| p.0 == id) else {
            let on_pane = self.panes.with_untracked(|p| p.iter().any(|(_, _, f)| f.holds(px, py)));
            let over = self.frame.get_value().filter(|f| on_pane || f.holds(px, py));
            self.hover(over.map(|f| f.x_at(px)));
            return;
        };
        self.pointers.update_value(|p| p[index] = (id, px, py));
        match before.len() {
            1 => self.change(|span, frame, scene| {
                span.pan((before[0].1 - px) * frame.units_per_pixel(), scene.bounds)
            }),
            2 => {
                let other = before[1 - index];
                let (old, new) = ((before[index].1 - other.1).abs(), (px - other.1).abs());
                if old > 10.0 && new > 10.0 {
                    let middle = (px + other.1) / 2.0;
                    self.zoom(|_, frame| frame.x_at(middle), old / new);
                }
            }
            _ => {}
        }
    }

    pub(super) fn pointer_up(&self, event: &PointerEvent) {
        self.pointers.update_value(|p| p.retain(|p| p.0 != event.pointer_id()));
    }

    /// Arrow keys pan, +/− zoom, Home shows everything; the readout then reads the view's centre.
    pub(super) fn key(&self, event: &KeyboardEvent) {
        match event.key().as_str() {
            "ArrowLeft" => {
                self.change(|span, _, scene| span.pan(-KEY_PAN * span.width(), scene.bounds))
            }
            "ArrowRight" => {
                self.change(|span, _, scene| span.pan(KEY_PAN * span.width(), scene.bounds))
            }
            "+" | "=" => self.zoom(|span, _| (span.start + span.end) / 2.0, KEY_ZOOM),
            "-" | "_" => self.zoom(|span, _| (span.start + span.end) / 2.0, 1.0 / KEY_ZOOM),
            "Home" => self.preset(Preset::All),
            _ => return,
        }
        event.prevent_default();
        if let Some(span) = self.span.get_untracked() {
            self.hover(Some((span.start + span.end) / 2.0));
        }
    }

    /// Redraws the chart for the current scene, view and hidden series, and says how long it took.
    pub(super) fn draw(&self, handle: Handle) {
        let Some(canvas) = self.canvas.get() else { return };
        let Some(scene) = self.scene.get() else { return };
        let span = self.span.get().unwrap_or(scene.bounds);
        let hidden = self.hidden.get();
        let started = now_ms();
        match draw_prices(&canvas, &scene, span, |k| !hidden.contains(&k)) {
            Ok(drawn) => {
                let frame = drawn.frame;
                // Where the plotting area is (canvas pixels) and the x span it shows, for tests
                // that point at a known date.
                let plot = format!(
                    "{} {} {} {} {} {}",
                    frame.left, frame.right, frame.top, frame.bottom, frame.x.start, frame.x.end
                );
                let _ = canvas.set_attribute("data-plot", &plot);
                self.frame.set_value(Some(frame));
                if self.panes.with_untracked(|p| *p != drawn.panes) {
                    self.panes.set(drawn.panes);
                }
            }
            Err(message) => handle
                .send(Action::Refuse(format!("the price chart could not be drawn: {message}"))),
        }
        let _ = canvas.set_attribute("data-frame-ms", &format!("{:.2}", now_ms() - started));
        let draws =
            canvas.get_attribute("data-draws").and_then(|d| d.parse::<u64>().ok()).unwrap_or(0) + 1;
        let _ = canvas.set_attribute("data-draws", &draws.to_string());
        // The chart moved under the crosshair: read the same day again where it is now shown.
        let x =
            self.readout.with_untracked(|r| r.as_ref().map(|r| r.x)).filter(|&x| span.contains(x));
        self.hover(x);
    }
}
