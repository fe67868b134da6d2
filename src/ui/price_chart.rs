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
use web_sys::{AddEventListenerOptions, HtmlCanvasElement, WheelEvent};

use super::chart_state::{ChartState, css_color};
use super::settings_form::setting_input;
use super::{Handle, Slices};
use crate::chart::scene::{Key, Overlay, Preset, Readout, Scene};
use crate::training::ChartStyle;
use crate::training::registry::{Place, SPECS};
use crate::view::Action;

/// What identifies the data and the run a scene shows: a new one resets the view.
#[derive(Clone, PartialEq)]
struct Shown {
    data: Option<(String, usize)>,
    run: Option<u64>,
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
fn pinned(view: Slices) -> Vec<Overlay> {
    view.runs.with(|runs| {
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
pub fn PriceChart(handle: Handle, canvas: NodeRef<Canvas>) -> impl IntoView {
    let chart = ChartState::new(canvas);
    let redraw = RwSignal::new(0u32);
    let view = handle.view;
    let last_shown = StoredValue::new(Shown { data: None, run: None });
    // Rebuild the scene when the data, target, run or pinned runs change; a new data set shows
    // everything, a new run its test part and forecast, anything else keeps the view.
    // The settings the scene is drawn from: a change to any other (epochs, window) leaves the
    // scene, and its indicators over every bar, as they are.
    let drawn_from = Memo::new(move |_| {
        view.settings.with(|s| (s.target.clone(), s.chart, s.indicators.clone()))
    });
    Effect::new(move |_| {
        let overlays = pinned(view);
        let built = view.dataset.with(|dataset| {
            let dataset = dataset.as_ref()?;
            let (asked, style, indicators) = drawn_from.get();
            let target = dataset.table.target_or_default(asked.as_deref()).name.clone();
            view.result.with(|result| {
                let shown = Shown {
                    data: Some((dataset.file_name.clone(), dataset.table.len())),
                    run: view.result_number.get(),
                };
                let scene = Scene::new(&dataset.table, &target, result.as_deref(), &overlays).map(
                    |scene| {
                        scene
                            .with_style(&dataset.table, style)
                            .with_indicators(&dataset.table, &indicators)
                    },
                );
                Some((scene, shown))
            })
        });
        match built {
            None => chart.scene.set(None),
            Some((Err(message), _)) => handle
                .send(Action::Refuse(format!("the price chart could not be drawn: {message}"))),
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
        chart.draw(handle);
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
    let style = move || chart.scene.with(|s| s.as_ref().map_or("line", |s| s.style.key()));
    let notes =
        move || chart.scene.with(|s| s.as_ref().map(|s| s.notes.join(" ")).unwrap_or_default());
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
            <label class="chart-style">"Chart "
                <select data-testid="chart-style" data-setting="chart" prop:value=style
                    on:change=move |ev| handle.send(Action::SetSetting { key: "chart", value: event_target_value(&ev) })>
                    {ChartStyle::ALL.into_iter().map(|s| view! {
                        <option value=s.key() selected=move || style() == s.key()>{s.key()}</option>
                    }).collect_view()}
                </select>
            </label>
            <span class="note">"Wheel or pinch to zoom, drag to pan, double-click to see all."</span>
        </div>
        <p class="note" data-testid="chart-note" hidden=move || notes().is_empty()>{notes}</p>
        <div class="indicators" data-testid="indicators" role="group" aria-label="Indicators">
            {SPECS.iter().filter(|spec| spec.place == Place::Chart && spec.key != "chart").map(|spec| setting_input(handle, spec, || false)).collect_view()}
        </div>
        <div class="chart-box">
            <canvas data-testid="chart" node_ref=canvas width="960" height="420" tabindex="0" role="img"
                aria-label="Price chart. Arrow keys pan, plus and minus zoom, Home shows everything; the values at the view's centre are read out below."
                data-range=range data-style=style
                on:pointerdown=move |ev| chart.pointer_down(&ev)
                on:pointermove=move |ev| chart.pointer_move(&ev)
                on:pointerup=move |ev| chart.pointer_up(&ev)
                on:pointercancel=move |ev| chart.pointer_up(&ev)
                on:pointerleave=move |_| if chart.pointers.with_value(Vec::is_empty) { chart.hover(None) }
                on:dblclick=move |_| chart.preset(Preset::All)
                on:keydown=move |ev| chart.key(&ev)></canvas>
            <canvas class="overlay" node_ref=chart.overlay aria-hidden="true"></canvas>
            {move || chart.panes.get().into_iter().map(|(kind, label, frame)| view! {
                <span class="pane-label" data-testid=format!("{}-pane", kind.id())
                    data-top=frame.top data-bottom=frame.bottom data-range=format!("{} {}", frame.y.0, frame.y.1)
                    style=format!("top:{}px;left:{}px", frame.top + 2.0, frame.left + 4.0)>{label}</span>
            }).collect_view()}
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
