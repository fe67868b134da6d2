//! The settings inputs, Train and Stop, and keeping the address bar in step with the settings.

use std::sync::Arc;

use leptos::prelude::*;

use super::{Handle, Slices};
use crate::data::windows::describe_blocks;
use crate::training::Settings;
use crate::training::leaderboard::search_cost;
use crate::training::registry::{Kind, Place, SPECS, Spec};
use crate::view::{Action, Status};

/// The page's query string.
pub fn page_query() -> String {
    web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default()
}

/// Rewrites the address bar whenever settings change, so copying the URL reproduces the setup
/// (and keeps naming the linked CSV, if the data came from one).
pub fn keep_url_in_sync(settings: Memo<Arc<Settings>>, data_url: Option<String>) {
    Effect::new(move |_| {
        let query = settings.with(|s| s.link_query(data_url.as_deref()));
        if let Some(window) = web_sys::window()
            && let Ok(history) = window.history()
        {
            let _ = history.replace_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&format!("?{query}")),
            );
        }
    });
}

/// The values of a multi-select's chosen options, comma-separated (as the `features` key
/// takes them); read through JS properties, which needs no more web-sys bindings.
fn chosen_options(ev: &leptos::ev::Event) -> String {
    let options =
        ev.target().and_then(|t| js_sys::Reflect::get(&t, &"selectedOptions".into()).ok());
    let values = options.map(|o| {
        js_sys::Array::from(&o)
            .iter()
            .filter_map(|o| js_sys::Reflect::get(&o, &"value".into()).ok()?.as_string())
            .collect::<Vec<_>>()
    });
    values.unwrap_or_default().join(",")
}

/// A bar count setting in the data's words: `48 hourly bars ≈ 2 trading days`.
fn span_words(view: Slices, key: &str) -> String {
    let bars = view.settings.with(|s| if key == "window" { s.window } else { s.horizon });
    view.dataset.with(|d| {
        d.as_ref().map_or_else(String::new, |d| {
            let clock = &d.table.clock;
            match clock.span(bars) {
                Some(span) => format!("{} ≈ {span}", clock.bars(bars)),
                None => clock.bars(bars),
            }
        })
    })
}

/// The input of one registry setting, by its kind: a number, a choice, the loaded file's
/// columns (the target) or a multi-select of inputs; with its help on hover and, for counts of
/// bars, what they span. `disabled` while training or loading.
pub fn setting_input(
    handle: Handle,
    spec: &'static Spec,
    disabled: impl Fn() -> bool + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let key = spec.key;
    let view = handle.view;
    let current = move || view.settings.with(|s| s.get(key));
    let apply = move |value: String| handle.send(Action::SetSetting { key, value });
    let input = match spec.kind {
        Kind::Whole { min, max } => view! {
            <input type="number" step="1" min=min max=max.to_string() placeholder=spec.unset.unwrap_or_default().replace('`', "") data-setting=key
                prop:disabled=disabled prop:value=current on:change=move |ev| apply(event_target_value(&ev)) />
        }
        .into_any(),
        Kind::WholeOr { word, min, max } if max - min < 32 => view! {
            <select data-setting=key prop:disabled=disabled on:change=move |ev| apply(event_target_value(&ev))>
                {std::iter::once(word.to_string()).chain((min..=max).map(|n| n.to_string())).map(|value| {
                    let (chosen, text) = (value.clone(), value.clone());
                    view! { <option value=value selected=move || current() == chosen>{text}</option> }
                }).collect_view()}
            </select>
        }
        .into_any(),
        Kind::WholeOr { word, min, max } => view! {
            <input type="text" inputmode="numeric" placeholder=format!("{word} or {min}–{max}") data-setting=key
                prop:disabled=disabled prop:value=current on:change=move |ev| apply(event_target_value(&ev)) />
        }
        .into_any(),
        Kind::Periods { .. } | Kind::Parts(_) => view! {
            <input type="text" placeholder=spec.unset.unwrap_or_default() data-setting=key
                prop:disabled=disabled prop:value=current on:change=move |ev| apply(event_target_value(&ev)) />
        }
        .into_any(),
        Kind::Decimal { min, max, .. } => view! {
            <input type="number" step="any" min=min max=max data-setting=key
                prop:disabled=disabled prop:value=current on:change=move |ev| apply(event_target_value(&ev)) />
        }
        .into_any(),
        Kind::Choice(options) => view! {
            <select data-setting=key prop:disabled=disabled on:change=move |ev| apply(event_target_value(&ev))>
                {options.iter().map(|(value, text)| view! { <option value=*value selected=move || current() == *value>{*text}</option> }).collect_view()}
            </select>
        }
        .into_any(),
        Kind::Text => view! {
            <select data-setting=key prop:disabled=disabled on:change=move |ev| apply(event_target_value(&ev))>
                {move || {
                    let chosen = chosen_target(view);
                    columns(view).into_iter().map(|name| {
                        let selected = name == chosen;
                        view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
                    }).collect_view()
                }}
            </select>
        }
        .into_any(),
        Kind::Names { .. } => view! {
            <select multiple data-testid=key data-setting=key prop:disabled=disabled on:change=move |ev| apply(chosen_options(&ev))>
                {move || feature_choices(view).into_iter().map(|name| {
                    let selected = view.settings.with(|s| s.features.iter().any(|f| f.eq_ignore_ascii_case(&name)));
                    view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
                }).collect_view()}
            </select>
        }
        .into_any(),
    };
    view! {
        <label title=spec.help>{spec.label}
            {input}
            {spec.counts_bars.then(|| view! { <small class="hint" data-testid=format!("{key}-span")>{move || span_words(view, key)}</small> })}
        </label>
    }
}

/// The loaded file's numeric columns.
fn columns(view: Slices) -> Vec<String> {
    view.dataset.with(|d| {
        d.as_ref()
            .map(|d| d.table.columns.iter().map(|c| c.name.clone()).collect())
            .unwrap_or_default()
    })
}

/// The target column in use: the chosen one, or the file's default.
fn chosen_target(view: Slices) -> String {
    let requested = view.settings.with(|s| s.target.clone());
    view.dataset
        .with(|d| d.as_ref().map(|d| d.table.target_or_default(requested.as_deref()).name.clone()))
        .unwrap_or_default()
}

/// The extra inputs the loaded file offers beside the target.
fn feature_choices(view: Slices) -> Vec<String> {
    let target = chosen_target(view);
    view.dataset.with(|d| {
        d.as_ref().map(|d| crate::data::inputs::choices(&d.table, &target)).unwrap_or_default()
    })
}

#[component]
pub fn SettingsForm(handle: Handle) -> impl IntoView {
    let view = handle.view;
    let training = move || view.status.get() == Status::Training;
    view! {
        <section class="panel settings">
            <h2>"Settings"</h2>
            <div class="grid">
                {SPECS.iter().filter(|spec| spec.place == Place::Model).map(|spec| setting_input(handle, spec, training)).collect_view()}
            </div>
            <p class="note" data-testid="blocks">{move || view.dataset.with(|d| {
                d.as_ref().map(|d| describe_blocks(d.table.len(), view.settings.with(|s| s.split)))
            })}</p>
            <p class="note" data-testid="search-cost" hidden=move || view.settings.with(|s| !s.search)>
                {move || view.settings.with(|s| search_cost(s))}</p>
            <div class="actions">
                <button data-testid="train-button" prop:disabled=move || training() || view.dataset.with(Option::is_none)
                    on:click=move |_| handle.send(Action::Train)>"Train"</button>
                <button data-testid="stop-button" prop:disabled=move || !training()
                    on:click=move |_| handle.send(Action::Stop)>"Stop"</button>
            </div>
        </section>
    }
}
