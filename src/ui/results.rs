//! Progress, the price chart, metrics beside the naive baseline, the loss chart, the forecast
//! table and the Runs table.

use leptos::html::Canvas;
use leptos::prelude::*;

use super::{Handle, Slices};
use crate::data::clock::Clock;
use crate::data::numbers::format_statistic;
use crate::evaluation::verdict::verdict;
use crate::forecast::bands::{Coverage, StepCoverage};

fn number(value: f64) -> String {
    format_statistic(value)
}

/// A step's coverage of the 80% (`level` 0) or 95% (1) band as a plain percent, for the page's
/// `data-cov*` attributes; empty where there were no days.
fn percent(step: Option<StepCoverage>, level: usize) -> String {
    step.map(|s| format!("{:.1}", s.percent[level])).unwrap_or_default()
}

/// The measured coverage of the bands drawn, on the test part, as a sentence and as attributes.
fn coverage_line(c: Coverage, clock: &Clock) -> impl IntoView + use<> {
    view! {
        <p class="note" data-testid="coverage" data-cov80-1=percent(c.one_day, 0) data-cov95-1=percent(c.one_day, 1)
            data-cov80-h=percent(c.horizon_days, 0) data-cov95-h=percent(c.horizon_days, 1)>{c.sentence("test", clock)}</p>
    }
}

/// The loaded data's clock (undated before any data).
fn clock(view: Slices) -> Clock {
    view.dataset.with(|d| d.as_ref().map_or(Clock::Undated, |d| d.table.clock.clone()))
}

/// The forecast table's rows: each bar's stamp as the data writes it (or `bar +k` when the
/// forecast is not dated), the forecast and its bands in the target's decimals.
fn forecast_rows(view: Slices) -> impl IntoView {
    let target = view.settings.with(|s| s.target.clone());
    view.dataset.with(|d| {
        let d = d.as_ref()?;
        let column = d.table.target_or_default(target.as_deref());
        view.result.with(|r| {
            r.as_ref().map(|r| {
                r.forecast
                    .iter()
                    .map(|day| {
                        let stamp = day.stamp.map_or_else(|| format!("bar +{}", day.step), |s| d.table.clock.label(s));
                        // No band (a run stopped while calibrating them): a dash, not a point.
                        let range = |half: f64| if half > 0.0 { format!("{} – {}", column.format(day.value - half), column.format(day.value + half)) } else { "—".into() };
                        view! { <tr><td>{stamp}</td><td>{column.format(day.value)}</td><td>{range(day.half_width_80)}</td><td>{range(day.half_width_95)}</td></tr> }
                    })
                    .collect_view()
            })
        })
    })
}

#[component]
pub fn Results(handle: Handle) -> impl IntoView {
    let view = handle.view;
    let price_canvas = NodeRef::<Canvas>::new();
    let metric = move |pick: fn(&crate::training::RunResult) -> f64| {
        move || view.result.with(|r| r.as_ref().map(|r| number(pick(r))).unwrap_or_default())
    };
    view! {
        <div class="progress">
            <p data-testid="status" data-state=move || view.status.get().as_str()>{move || view.status_text.get()}</p>
            <p>"Backend: "<strong data-testid="backend">{move || view.backend.with(|b| b.as_ref().map(|b| b.name.clone()).unwrap_or_default())}</strong>
                {move || view.backend.with(|b| b.as_ref().map(|b| b.note.clone())).map(|note| view! { " — "<span class="note" data-testid="backend-note">{note}</span> })}
                {move || view.launches.get().map(|l| view! {
                    " · "<span data-testid="gpu-launches" data-per-epoch=l.per_epoch>{l.per_batch}</span>" GPU kernel launches per training batch"
                })}
            </p>
            <p class="progress-line">
                <progress data-testid="progress" max="100" prop:value=move || view.progress.get()></progress>
                <span data-testid="progress-percent">{move || format!("{:.0}%", view.progress.get())}</span>
            </p>
            <p>"Epoch "<span data-testid="epoch">{move || { let (d, t) = view.epoch.get(); format!("{d}/{t}") }}</span>
                " "<span class="eta">{move || view.eta.get()}</span></p>
        </div>
        <super::price_chart::PriceChart handle=handle canvas=price_canvas />
        <super::share::ShareBar handle=handle chart=price_canvas />
        <table class="metrics">
            <thead><tr><th></th><th>"RMSE"</th><th>"MAE"</th><th>"MAPE %"</th><th>"Direction right %"</th></tr></thead>
            <tbody>
                <tr><th>"Model, training part"</th><td data-testid="metric-train-rmse">{metric(|r| r.train.rmse)}</td>
                    <td>{metric(|r| r.train.mae)}</td><td>{metric(|r| r.train.mape)}</td></tr>
                <tr><th>"Model, test part"</th><td data-testid="metric-test-rmse">{metric(|r| r.test.rmse)}</td>
                    <td data-testid="metric-test-mae">{metric(|r| r.test.mae)}</td><td data-testid="metric-test-mape">{metric(|r| r.test.mape)}</td>
                    <td data-testid="metric-test-direction">{move || view.result.with(|r| r.as_ref().and_then(|r| r.test_direction).map(number))}</td></tr>
                <tr><th>"Naive “tomorrow = today”, test part"</th><td data-testid="metric-naive-rmse">{metric(|r| r.naive.rmse)}</td>
                    <td>{metric(|r| r.naive.mae)}</td><td>{metric(|r| r.naive.mape)}</td><td>"—"</td></tr>
            </tbody>
        </table>
        {move || view.result.with(|r| r.as_ref().and_then(|r| r.backtest.clone())).map(|b| view! {
            <table class="metrics backtest">
                <thead><tr><th>{format!("Backtest, {} expanding-window folds", b.folds)}</th><th>"RMSE mean"</th><th>"± std"</th></tr></thead>
                <tbody>
                    <tr><th>"Model"</th><td data-testid="metric-backtest-rmse">{number(b.model_rmse.mean)}</td><td>{number(b.model_rmse.std)}</td></tr>
                    <tr><th>"Naive"</th><td data-testid="metric-backtest-naive-rmse">{number(b.naive_rmse.mean)}</td><td>{number(b.naive_rmse.std)}</td></tr>
                </tbody>
            </table>
            <ul class="note" data-testid="backtest-coverage">{b.coverage.iter().enumerate().map(|(i, c)| view! {
                <li>{format!("Fold {}: {}", i + 1, c.sentence("its test", &clock(view)))}</li>
            }).collect_view()}</ul>
        })}
        <p class="verdict">{move || view.result.with(|r| r.as_ref().map(|r| verdict(r.test.rmse, r.naive.rmse)))}</p>
        {move || view.result.with(|r| r.as_ref().and_then(|r| r.early_stop)).map(|e| view! {
            <p class="note" data-testid="early-stop" data-best-epoch=e.best_epoch data-stopped-epoch=e.stopped_epoch>
                {format!("Early stopping: {}.", e.sentence())}</p>
        })}
        <super::search::Search handle=handle />
        <ul class="warnings" data-testid="run-notes">
            {move || view.result.with(|r| r.as_ref().map(|r| r.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()))}
        </ul>
        <h3>"Loss (MSE on scaled prices)"</h3>
        <super::loss_chart::LossChart handle=handle />
        <h3>"Forecast"</h3>
        <table data-testid="forecast" class="forecast">
            <thead><tr><th>{move || if clock(view).timed() { "Time" } else { "Date" }}</th><th>"Predicted"</th><th>"80% interval"</th><th>"95% interval"</th></tr></thead>
            <tbody>{move || forecast_rows(view)}</tbody>
        </table>
        {move || view.result.with(Option::is_some).then(|| clock(view).holiday_note()).flatten().map(|note| view! {
            <p class="note" data-testid="holiday-note">{format!("Stamps follow the data's calendar: {note}.")}</p>
        })}
        <details class="note method" data-testid="bands-method">
            <summary>"How the bands are made"</summary>
            <p>{crate::forecast::INTERVAL_METHOD}</p>
        </details>
        {move || (view.result.with(Option::is_some) && view.settings.with(|s| !s.features.is_empty())).then(|| view! { <p class="note" data-testid="inputs-method">{crate::forecast::INPUTS_METHOD}</p> })}
        {move || view.result.with(|r| r.as_ref().map(|r| coverage_line(r.coverage, &clock(view))))}
        <super::runs::Runs handle=handle />
    }
}
