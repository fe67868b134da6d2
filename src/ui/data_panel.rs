//! Picking or dropping a CSV, and the summary of what was loaded and how it was cleaned.

use leptos::prelude::*;
use web_sys::{DragEvent, HtmlInputElement};

use super::Handle;
use super::settings_form::setting_input;
use crate::data::dates::DayOrder;
use crate::training::registry::{Place, SPECS};
use crate::view::{Action, Status};

#[component]
pub fn DataPanel(handle: Handle) -> impl IntoView {
    let view = handle.view;
    let busy = move || matches!(view.status.get(), Status::Training | Status::Loading);
    let on_pick = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            handle.load_csv(file);
        }
        input.set_value("");
    };
    let on_drop = move |ev: DragEvent| {
        ev.prevent_default();
        if let Some(file) =
            ev.data_transfer().and_then(|t| t.files()).and_then(|files| files.get(0))
        {
            handle.load_csv(file);
        }
    };
    let summary = move || {
        view.dataset.with(|dataset| {
            dataset.as_ref().map(|d| {
                let target = view
                    .settings
                    .with(|s| d.table.target_or_default(s.target.as_deref()).name.clone());
                let mut notes = d.table.report.notes();
                notes.push(match d.memory_bytes {
                    Some(memory) => format!(
                        "parsed in {:.2} s (worker memory {:.0} MB)",
                        d.seconds,
                        memory / 1e6
                    ),
                    None => format!("parsed in {:.2} s", d.seconds),
                });
                (d.file_name.clone(), d.table.summary(&target), notes, d.table.warnings())
            })
        })
    };
    let clock = move || {
        view.dataset.with(|d| d.as_ref().map(|d| (d.table.clock.frequency(), d.table.clock.week())))
    };
    view! {
        <section class="panel data" on:dragover=|ev: DragEvent| ev.prevent_default() on:drop=on_drop>
            <h2>"Data"</h2>
            <label class="file">
                "CSV file (or drop it here): "
                <input type="file" accept=".csv,.txt,text/csv,text/plain" data-testid="csv-input"
                    on:change=on_pick prop:disabled=busy />
            </label>
            {move || {
                let (tickers, chosen) = view.dataset.with(|d| {
                    d.as_ref().map(|d| (d.table.report.tickers.clone(), d.table.report.ticker.clone())).unwrap_or_default()
                });
                (tickers.len() > 1).then(|| view! {
                    <label class="ticker">"Ticker "
                        <select data-testid="ticker-select" prop:disabled=busy
                            on:change=move |ev| {
                                handle.send(Action::ChooseTicker(event_target_value(&ev)));
                            }>
                            {tickers.into_iter().map(|t| {
                                let selected = chosen.as_deref() == Some(t.as_str());
                                view! { <option value=t.clone() selected=selected>{t.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                })
            }}
            {move || {
                let (order, choosable) = view.dataset.with(|d| {
                    d.as_ref().map_or((None, false), |d| {
                        let r = &d.table.report;
                        (r.day_order, r.day_order_unproven || d.options.day_order.is_some())
                    })
                });
                choosable.then(|| {
                    let options = [(DayOrder::MonthFirst, "month/day/year"), (DayOrder::DayFirst, "day/month/year")];
                    view! {
                        <label class="day-order">"Dates are "
                            <select data-testid="day-order-select" prop:disabled=busy
                                on:change=move |ev| {
                                    let order = if event_target_value(&ev) == "day/month/year" { DayOrder::DayFirst } else { DayOrder::MonthFirst };
                                    handle.send(Action::ChooseDayOrder(order));
                                }>
                                {options.into_iter().map(|(value, text)| view! {
                                    <option value=text selected=order == Some(value)>{text}</option>
                                }).collect_view()}
                            </select>
                        </label>
                    }
                })
            }}
            <div class="reshape">
                {SPECS.iter().filter(|spec| spec.place == Place::Data).map(|spec| setting_input(handle, spec, busy)).collect_view()}
            </div>
            <div data-testid="dataset-summary" class="summary"
                data-frequency=move || clock().and_then(|c| c.0)
                data-week=move || clock().and_then(|c| c.1).map(|w| w.to_string())>
                {move || match summary() {
                    Some((name, line, notes, warnings)) => view! {
                        <p><strong>{name}</strong>": "{line}</p>
                        <ul class="warnings" data-testid="data-warnings">{warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
                        <ul class="notes">{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                    }.into_any(),
                    None => view! { <p>"Loading the sample…"</p> }.into_any(),
                }}
            </div>
        </section>
    }
}
