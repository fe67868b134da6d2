//! The price chart people explore: the wheel, a pinch or the +/− keys zoom the date axis around
//! the pointer, a drag or the arrow keys pan, double-click or Home shows everything, the buttons
//! jump to a view, the legend hides series, and hovering reads every shown series at a date.
//! plotters draws the view; the crosshair goes on a transparent canvas above it, so hovering
//! never redraws the chart.

use std::sync::Arc;

use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{
    AddEventListenerOptions, HtmlCanvasElement, KeyboardEvent, PointerEvent, WheelEvent,
};

use super::AppState;
use crate::chart::crosshair::draw_crosshair;
use crate::chart::prices::{color, draw_prices};
use crate::chart::scene::{Key, Overlay, Preset, Readout, Scene};
use crate::chart::view::{Frame, Span};

/// How much one wheel notch (100 pixels of `deltaY`) zooms.
const WHEEL_ZOOM: f64 = 1.25;
/// How much one +/− key press zooms, and how far an arrow key pans (a share of the view).
const KEY_ZOOM: f64 = 0.8;
const KEY_PAN: f64 = 0.1;

/// A series' colour as CSS, for its legend swatch and crosshair dot.
fn css_color(key: Key) -> String {
    let c = color(key);
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// What identifies the data and the run a scene shows: a new one resets the view.
#[derive(Clone, PartialEq)]
struct Shown {
    data: Option<(String, usize)>,
    run: Option<(usize, usize, u64)>,
}

/// Where the chart is: the scene, the view, hidden series, the last drawn frame and the pointers
/// down on it.
#[derive(Clone, Copy)]
struct ChartState {
    scene: RwSignal<Option<Arc<Scene>>>,
    span: RwSignal<Option<Span>>,
    hidden: RwSignal<Vec<Key>>,
    readout: RwSignal<Option<Readout>>,
    frame: StoredValue<Option<Frame>>,
    /// Pointers down: (id, canvas x, canvas y).
    pointers: StoredValue<Vec<(i32, f64, f64)>>,
    canvas: NodeRef<Canvas>,
    overlay: NodeRef<Canvas>,
}

impl ChartState {
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

    fn preset(&self, preset: Preset) {
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
    fn hover(&self, x: Option<f64>) {
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
        let _ =
            draw_crosshair(&overlay, &canvas, &frame, readout.as_ref().map(|r| (r.x, &dots[..])));
        self.readout.set(readout);
        let _ = overlay.set_attribute("data-hover-ms", &format!("{:.2}", now_ms() - started));
    }

    fn wheel(&self, event: &WheelEvent) {
        let Some((px, _)) = self.canvas_point(event.offset_x() as f64, event.offset_y() as f64)
        else {
            return;
        };
        event.prevent_default();
        let notches = event.delta_y()
            / if event.delta_mode() == WheelEvent::DOM_DELTA_LINE { 3.0 } else { 100.0 };
        self.zoom(|_, frame| frame.x_at(px), WHEEL_ZOOM.powf(notches));
    }

    fn pointer_down(&self, event: &PointerEvent) {
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
    fn pointer_move(&self, event: &PointerEvent) {
        let Some((px, py)) = self.canvas_point(event.offset_x() as f64, event.offset_y() as f64)
        else {
            return;
        };
        let id = event.pointer_id();
        let before = self.pointers.get_value();
        let Some(index) = before.iter().position(|p| p.0 == id) else {
            let over = self.frame.get_value().filter(|f| f.holds(px, py));
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

    fn pointer_up(&self, event: &PointerEvent) {
        self.pointers.update_value(|p| p.retain(|p| p.0 != event.pointer_id()));
    }

    /// Arrow keys pan, +/− zoom, Home shows everything; the readout then reads the view's centre.
    fn key(&self, event: &KeyboardEvent) {
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
    fn draw(&self, state: AppState) {
        let Some(canvas) = self.canvas.get() else { return };
        let Some(scene) = self.scene.get() else { return };
        let span = self.span.get().unwrap_or(scene.bounds);
        let hidden = self.hidden.get();
        let started = now_ms();
        match draw_prices(&canvas, &scene, span, |k| !hidden.contains(&k)) {
            Ok(frame) => {
                // Where the plotting area is (canvas pixels) and the x span it shows, for tests
                // that point at a known date.
                let plot = format!(
                    "{} {} {} {} {} {}",
                    frame.left, frame.right, frame.top, frame.bottom, frame.x.start, frame.x.end
                );
                let _ = canvas.set_attribute("data-plot", &plot);
                self.frame.set_value(Some(frame));
            }
            Err(message) => state.refuse(format!("the price chart could not be drawn: {message}")),
        }
        let _ = canvas.set_attribute("data-draw-ms", &format!("{:.2}", now_ms() - started));
        let draws =
            canvas.get_attribute("data-draws").and_then(|d| d.parse::<u64>().ok()).unwrap_or(0) + 1;
        let _ = canvas.set_attribute("data-draws", &draws.to_string());
        // The chart moved under the crosshair: read the same day again where it is now shown.
        let x =
            self.readout.with_untracked(|r| r.as_ref().map(|r| r.x)).filter(|&x| span.contains(x));
        self.hover(x);
    }
}

/// Adds a wheel listener that may cancel scrolling (leptos' own listeners are passive for wheel).
fn on_wheel(canvas: &HtmlCanvasElement, chart: ChartState) {
    let listener = Closure::<dyn Fn(WheelEvent)>::new(move |event: WheelEvent| chart.wheel(&event));
    let options = AddEventListenerOptions::new();
    options.set_passive(false);
    let _ = canvas.add_event_listener_with_callback_and_add_event_listener_options(
        "wheel",
        listener.as_ref().unchecked_ref(),
        &options,
    );
    listener.forget();
}

/// Redraws on window resizes (a phone turned, a window narrowed): the canvas is drawn at the
/// width it is shown.
fn on_resize(redraw: RwSignal<u32>) {
    let listener = Closure::<dyn Fn()>::new(move || redraw.update(|n| *n += 1));
    if let Some(window) = web_sys::window() {
        let _ =
            window.add_event_listener_with_callback("resize", listener.as_ref().unchecked_ref());
    }
    listener.forget();
}

/// The pinned runs' lines, for the scene.
fn pinned(state: AppState) -> Vec<Overlay> {
    state.runs.with(|runs| {
        runs.iter()
            .filter(|r| r.pinned)
            .map(|r| Overlay {
                run: r.id,
                label: format!("pinned run {}", r.finished),
                points: r.line.clone(),
            })
            .collect()
    })
}

#[component]
pub fn PriceChart(state: AppState, canvas: NodeRef<Canvas>) -> impl IntoView {
    let chart = ChartState {
        scene: RwSignal::new(None),
        span: RwSignal::new(None),
        hidden: RwSignal::new(Vec::new()),
        readout: RwSignal::new(None),
        frame: StoredValue::new(None),
        pointers: StoredValue::new(Vec::new()),
        canvas,
        overlay: NodeRef::new(),
    };
    let redraw = RwSignal::new(0u32);
    let last_shown = StoredValue::new(Shown { data: None, run: None });
    // Rebuild the scene when the data, target, run or pinned runs change; a new data set shows
    // everything, a new run its test part and forecast, anything else keeps the view.
    Effect::new(move |_| {
        let overlays = pinned(state);
        let built = state.dataset.with(|dataset| {
            let dataset = dataset.as_ref()?;
            let target = state
                .settings
                .with(|s| dataset.table.target_or_default(s.target.as_deref()).name.clone());
            state.result.with(|result| {
                let shown = Shown {
                    data: Some((dataset.file_name.clone(), dataset.table.len())),
                    run: result
                        .as_ref()
                        .map(|r| (r.test_start, r.test_fit.len(), r.test.rmse.to_bits())),
                };
                Some((Scene::new(&dataset.table, &target, result.as_ref(), &overlays), shown))
            })
        });
        match built {
            None => chart.scene.set(None),
            Some((Err(message), _)) => {
                state.refuse(format!("the price chart could not be drawn: {message}"))
            }
            Some((Ok(scene), shown)) => {
                let before = last_shown.get_value();
                let span = if before.data != shown.data {
                    scene.preset(Preset::All)
                } else if shown.run.is_some() && before.run != shown.run {
                    scene.preset(Preset::TestForecast)
                } else {
                    chart.span.get_untracked().unwrap_or(scene.bounds).inside(scene.bounds)
                };
                last_shown.set_value(shown);
                chart.scene.set(Some(Arc::new(scene)));
                chart.span.set(Some(span));
            }
        }
    });
    Effect::new(move |_| {
        redraw.track();
        chart.draw(state);
    });
    Effect::new(move |_| {
        if let Some(canvas) = canvas.get() {
            on_wheel(&canvas, chart);
            on_resize(redraw);
        }
    });
    let range = move || {
        chart.scene.with(|s| s.as_ref().map(|s| s.axis.range(chart.span.get().unwrap_or(s.bounds))))
    };
    let legend = move || {
        chart.scene.with(|scene| {
            let Some(scene) = scene else { return Vec::new() };
            scene.series.iter().rev().map(|s| (s.key, s.label.clone())).collect::<Vec<_>>()
        })
    };
    let toggle = move |key: Key| {
        chart.hidden.update(|h| {
            if let Some(i) = h.iter().position(|k| *k == key) {
                h.remove(i);
            } else {
                h.push(key);
            }
        })
    };
    view! {
        <div class="chart-views" role="group" aria-label="Chart view">
            <button class="small" data-testid="view-all" on:click=move |_| chart.preset(Preset::All)>"All"</button>
            <button class="small" data-testid="view-test-forecast" on:click=move |_| chart.preset(Preset::TestForecast)>"Test + forecast"</button>
            <button class="small" data-testid="view-last-year" on:click=move |_| chart.preset(Preset::LastYear)>"Last year"</button>
            <span class="note">"Wheel or pinch to zoom, drag to pan, double-click to see all."</span>
        </div>
        <div class="chart-box">
            <canvas data-testid="chart" node_ref=canvas width="960" height="420" tabindex="0" role="img"
                aria-label="Price chart. Arrow keys pan, plus and minus zoom, Home shows everything; the values at the view's centre are read out below."
                data-range=range
                on:pointerdown=move |ev| chart.pointer_down(&ev)
                on:pointermove=move |ev| chart.pointer_move(&ev)
                on:pointerup=move |ev| chart.pointer_up(&ev)
                on:pointercancel=move |ev| chart.pointer_up(&ev)
                on:pointerleave=move |_| if chart.pointers.with_value(Vec::is_empty) { chart.hover(None) }
                on:dblclick=move |_| chart.preset(Preset::All)
                on:keydown=move |ev| chart.key(&ev)></canvas>
            <canvas class="overlay" node_ref=chart.overlay aria-hidden="true"></canvas>
        </div>
        <p class="readout" data-testid="chart-readout" aria-live="polite">
            {move || chart.readout.with(|r| r.as_ref().map(Readout::text).unwrap_or_else(|| "Hover over the chart to read its values.".into()))}
        </p>
        <div class="legend" role="group" aria-label="Series shown">
            {move || legend().into_iter().map(|(key, label)| view! {
                <button class="legend-entry" data-testid=format!("legend-{}", key.id())
                    aria-pressed=move || (!chart.hidden.with(|h| h.contains(&key))).to_string()
                    on:click=move |_| toggle(key)>
                    <span class="swatch" style=format!("background:{}", css_color(key))></span>{label}
                </button>
            }).collect_view()}
        </div>
    }
}
