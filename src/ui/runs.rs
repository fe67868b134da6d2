//! The Runs table: every finished run on this data, newest first, kept in `localStorage` so
//! runs can be compared after a reload; each can be restored, pinned over the chart or deleted,
//! and the table exported as CSV.

use leptos::prelude::*;

use super::{AppState, Status, share};
use crate::chart::scene::run_line;
use crate::evaluation::runs::{RunContext, RunRecord, add, data_key, runs_csv};

/// Points a pinned run keeps of its test fit and forecast.
const LINE_POINTS: usize = 2000;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The storage key of the loaded data's runs.
fn key(state: AppState) -> Option<String> {
    state.dataset.with_untracked(|d| d.as_ref().map(|d| data_key(&d.file_name, &d.table)))
}

/// Reads the loaded data's runs (none where storage is unavailable or unreadable).
pub fn load(state: AppState) {
    let text =
        key(state).and_then(|key| storage()?.get_item(&key).ok().flatten()).unwrap_or_default();
    state.runs.set(serde_json::from_str(&text).unwrap_or_default());
}

/// Writes the runs back; says so when the browser refuses (storage full or blocked).
fn save(state: AppState) {
    let Some(key) = key(state) else { return };
    let saved = state.runs.with_untracked(|runs| {
        let text = serde_json::to_string(runs).map_err(|e| e.to_string())?;
        storage()
            .ok_or("no storage")?
            .set_item(&key, &text)
            .map_err(|_| "the browser's storage is full or blocked".to_string())
    });
    if let Err(message) = saved {
        state.refuse(format!("the Runs table could not be kept for the next visit: {message}"));
    }
}

/// The person's clock as `YYYY-MM-DD HH:MM`.
fn local_time() -> String {
    let now = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        now.get_full_year(),
        now.get_month() + 1,
        now.get_date(),
        now.get_hours(),
        now.get_minutes()
    )
}

/// Adds the run just shown to the table; `from_model_file` marks a model loaded from a file.
pub fn record(state: AppState, from_model_file: bool) {
    let record = state.dataset.with_untracked(|dataset| {
        state.result.with_untracked(|result| {
            let (dataset, result) = (dataset.as_ref()?, result.as_ref()?);
            let newest =
                state.runs.with_untracked(|runs| runs.iter().map(|r| r.id).max().unwrap_or(0));
            let seconds = state.seconds.get_untracked();
            let context = RunContext {
                id: (js_sys::Date::now() as u64).max(newest + 1),
                finished: local_time(),
                backend: state
                    .backend
                    .with_untracked(|b| b.as_ref().map(|b| b.0.clone()).unwrap_or_default()),
                seconds_per_epoch: (!from_model_file && result.epochs_done > 0)
                    .then(|| seconds / result.epochs_done as f64),
                from_model_file,
                line: run_line(&dataset.table, result, LINE_POINTS),
            };
            Some(RunRecord::new(&state.settings.get_untracked(), result, context))
        })
    });
    if let Some(record) = record {
        state.runs.update(|runs| add(runs, record));
        save(state);
    }
}

fn figure(value: f64) -> String {
    format!("{value:.4}")
}

#[component]
pub fn Runs(state: AppState) -> impl IntoView {
    let change = move |id: u64, edit: fn(&mut Vec<RunRecord>, usize)| {
        state.runs.update(|runs| {
            if let Some(i) = runs.iter().position(|r| r.id == id) {
                edit(runs, i);
            }
        });
        save(state);
    };
    let restore = move |id: u64| {
        if let Some(settings) = state
            .runs
            .with_untracked(|runs| runs.iter().find(|r| r.id == id).map(|r| r.settings.clone()))
        {
            state.settings.set(settings);
        }
    };
    let export = move |_| {
        let csv = state.runs.with_untracked(|runs| runs_csv(runs));
        if let Err(message) = share::download_text(&csv, "stocklstm-runs.csv", "text/csv") {
            state.refuse(format!("the Runs table could not be exported: {message}"));
        }
    };
    let training = move || state.status.get() == Status::Training;
    view! {
        <h3>"Runs on this data"</h3>
        <p class="note" hidden=move || state.runs.with(|r| !r.is_empty())>"Each finished run is added here, to compare, restore or pin over the chart."</p>
        <div class="runs-box">
            <table data-testid="runs" class="runs">
                <thead><tr><th>"Finished"</th><th>"Changed settings"</th><th>"Backend"</th><th>"s/epoch"</th><th>"Train RMSE"</th>
                    <th>"Test RMSE"</th><th>"MAE"</th><th>"MAPE %"</th><th>"Direction %"</th><th>"Naive RMSE"</th><th>"Verdict"</th><th></th></tr></thead>
                <tbody>{move || state.runs.get().into_iter().map(|run| {
                    let id = run.id;
                    let pinned = run.pinned;
                    view! {
                        <tr data-run=id.to_string() data-from-model=run.from_model_file.to_string()>
                            <td data-label="Finished">{run.finished.clone()}</td>
                            <td data-label="Settings">{run.changed_settings()}{run.from_model_file.then_some(" (loaded model file)")}</td>
                            <td data-label="Backend">{run.backend.clone()}</td>
                            <td data-label="s/epoch">{run.seconds_per_epoch.map(|s| format!("{s:.2}")).unwrap_or_else(|| "—".into())}</td>
                            <td data-label="Train RMSE">{figure(run.train_rmse)}</td>
                            <td data-label="Test RMSE" data-testid="run-test-rmse">{figure(run.test.rmse)}</td>
                            <td data-label="MAE">{figure(run.test.mae)}</td>
                            <td data-label="MAPE %">{figure(run.test.mape)}</td>
                            <td data-label="Direction %">{run.direction.map(figure).unwrap_or_else(|| "—".into())}</td>
                            <td data-label="Naive RMSE">{figure(run.naive_rmse)}</td>
                            <td data-label="Verdict" class="verdict-cell">{run.verdict.clone()}</td>
                            <td class="run-actions">
                                <button class="small" data-testid="run-restore" prop:disabled=training on:click=move |_| restore(id)>"Restore"</button>
                                <button class="small" data-testid="run-pin" aria-pressed=pinned.to_string()
                                    on:click=move |_| change(id, |runs, i| runs[i].pinned = !runs[i].pinned)>{if pinned { "Unpin" } else { "Pin" }}</button>
                                <button class="small" data-testid="run-delete" on:click=move |_| change(id, |runs, i| { runs.remove(i); })>"Delete"</button>
                            </td>
                        </tr>
                    }
                }).collect_view()}</tbody>
            </table>
        </div>
        <button class="small" data-testid="runs-export" prop:disabled=move || state.runs.with(Vec::is_empty) on:click=export>"Export runs as CSV"</button>
    }
}
