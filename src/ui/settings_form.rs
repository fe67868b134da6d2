//! The settings inputs, Train and Stop, and keeping the address bar in step with the settings.

use leptos::prelude::*;

use super::{AppState, Status, client};
use crate::protocol::ToWorker;

/// The page's query string.
pub fn page_query() -> String {
    web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default()
}

/// Rewrites the address bar whenever settings change, so copying the URL reproduces the setup
/// (and keeps naming the linked CSV, if the data came from one).
pub fn keep_url_in_sync(state: AppState, data_url: Option<String>) {
    Effect::new(move |_| {
        let query = state.settings.with(|s| s.link_query(data_url.as_deref()));
        if let Some(window) = web_sys::window()
            && let Ok(history) = window.history()
        {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("?{query}")));
        }
    });
}

/// (URL key, label, input type) of the plain inputs, in form order.
const FIELDS: [(&str, &str, &str); 11] = [
    ("window", "Window (bars)", "number"),
    ("split", "Train %", "number"),
    ("layers", "LSTM layers", "number"),
    ("units", "Units per layer", "number"),
    ("dropout", "Dropout", "number"),
    ("epochs", "Epochs", "number"),
    ("batch", "Batch size", "number"),
    ("lr", "Learning rate", "number"),
    ("horizon", "Forecast (bars)", "number"),
    ("seed", "Seed", "number"),
    ("folds", "Backtest folds", "number"),
];

/// Applies one setting typed in the page; `bars` and `last` reshape the loaded data, which is
/// parsed again.
pub fn apply(state: AppState, key: &'static str, value: String) {
    let mut settings = state.settings.get_untracked();
    match settings.set(key, &value) {
        Ok(()) => {
            let reshape = settings.reshape();
            state.settings.set(settings);
            if state.error_kind.get_untracked() == super::ErrorKind::Setting {
                state.error.set(None);
            }
            if matches!(key, "bars" | "last") {
                client::reparse(state, |options| options.reshape = reshape);
            }
        }
        Err(message) => state.refuse(message),
    }
}

/// The values of a multi-select's chosen options, comma-separated (as the `features` key
/// takes them); read through JS properties, which needs no more web-sys bindings.
fn chosen_options(ev: &leptos::ev::Event) -> String {
    let options = ev.target().and_then(|t| js_sys::Reflect::get(&t, &"selectedOptions".into()).ok());
    let values = options.map(|o| js_sys::Array::from(&o).iter().filter_map(|o| js_sys::Reflect::get(&o, &"value".into()).ok()?.as_string()).collect::<Vec<_>>());
    values.unwrap_or_default().join(",")
}

/// A bar count setting in the data's words: `48 hourly bars ≈ 2 trading days`.
fn span_words(state: AppState, key: &str) -> String {
    let bars = state.settings.with(|s| if key == "window" { s.window } else { s.horizon });
    state.dataset.with(|d| {
        d.as_ref().map_or_else(String::new, |d| {
            let clock = &d.table.clock;
            match clock.span(bars) {
                Some(span) => format!("{} ≈ {span}", clock.bars(bars)),
                None => clock.bars(bars),
            }
        })
    })
}

fn start_training(state: AppState) {
    let settings = state.settings.get_untracked();
    let checked = state.dataset.with_untracked(|d| match d {
        Some(dataset) => settings.check(&dataset.table),
        None => Err("load a CSV file first".into()),
    });
    if let Err(message) = checked {
        state.fail(message);
        return;
    }
    state.error.set(None);
    state.result.set(None);
    state.history.set(Vec::new());
    state.backtest_epoch.set(None);
    state.backend.set(None);
    state.epoch.set((0, settings.epochs));
    state.seconds.set(0.0);
    state.progress.set(0.0);
    state.status.set(Status::Training);
    let gpu_failed = state.gpu_failed.get_untracked();
    client::send(&ToWorker::Train { settings, known: super::calibrations::known(), gpu_failed }, None);
}

#[component]
pub fn SettingsForm(state: AppState) -> impl IntoView {
    let training = move || state.status.get() == Status::Training;
    let columns = move || {
        state.dataset.with(|d| d.as_ref().map(|d| d.table.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>()).unwrap_or_default())
    };
    let chosen_target = move || {
        let requested = state.settings.with(|s| s.target.clone());
        state.dataset.with(|d| d.as_ref().map(|d| d.table.target_or_default(requested.as_deref()).name.clone())).unwrap_or_default()
    };
    let feature_choices = move || {
        let target = chosen_target();
        state.dataset.with(|d| d.as_ref().map(|d| crate::data::inputs::choices(&d.table, &target)).unwrap_or_default())
    };
    let select = move |key: &'static str, label: &'static str, options: &'static [(&'static str, &'static str)]| {
        view! {
            <label>{label}
                <select data-setting=key prop:disabled=training
                    on:change=move |ev| apply(state, key, event_target_value(&ev))>
                    {options.iter().map(|(value, text)| view! {
                        <option value=*value selected=move || state.settings.with(|s| s.get(key)) == *value>{*text}</option>
                    }).collect_view()}
                </select>
            </label>
        }
    };
    view! {
        <section class="panel settings">
            <h2>"Settings"</h2>
            <div class="grid">
                <label>"Target column"
                    <select data-setting="target" prop:disabled=training
                        on:change=move |ev| apply(state, "target", event_target_value(&ev))>
                        {move || columns().into_iter().map(|name| {
                            let selected = name == chosen_target();
                            view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>"Extra inputs (Ctrl/⌘-click for several)"
                    <select multiple data-testid="features" data-setting="features" prop:disabled=training
                        on:change=move |ev| apply(state, "features", chosen_options(&ev))>
                        {move || feature_choices().into_iter().map(|name| {
                            let selected = state.settings.with(|s| s.features.iter().any(|f| f.eq_ignore_ascii_case(&name)));
                            view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                {FIELDS.iter().map(|&(key, label, kind)| view! {
                    <label>{label}
                        <input type=kind step="any" data-setting=key prop:disabled=training
                            prop:value=move || state.settings.with(|s| s.get(key))
                            on:change=move |ev| apply(state, key, event_target_value(&ev)) />
                        {matches!(key, "window" | "horizon").then(|| view! {
                            <small class="hint" data-testid=format!("{key}-span")>{move || span_words(state, key)}</small>
                        })}
                    </label>
                }).collect_view()}
                {select("scaling", "Scaler fitted on", &[("train", "training part"), ("all", "all rows (notebook)")])}
                {select("predict", "Network predicts", &[("change", "change from last day"), ("level", "price level (notebook)")])}
                {select("backtest", "Backtest", &[("off", "off"), ("on", "on (retrains per fold)")])}
                {select("backend", "Backend", &[("auto", "auto"), ("webgpu", "WebGPU"), ("cpu", "CPU")])}
            </div>
            <div class="actions">
                <button data-testid="train-button" prop:disabled=move || training() || state.dataset.with(Option::is_none)
                    on:click=move |_| start_training(state)>"Train"</button>
                <button data-testid="stop-button" prop:disabled=move || !training()
                    on:click=move |_| client::send(&ToWorker::Stop, None)>"Stop"</button>
            </div>
        </section>
    }
}
