//! The Runs table: every finished run on this data, newest first, kept in `localStorage` so
//! runs can be compared after a reload; each can be restored, pinned over the chart or deleted,
//! and the table exported as CSV.

use leptos::prelude::*;

use super::Handle;
use crate::view::history::RunRecord;
use crate::view::{Action, Status};

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The runs kept under `key` (none where storage is unavailable or unreadable).
pub fn read(key: &str) -> Vec<RunRecord> {
    let text = storage().and_then(|s| s.get_item(key).ok().flatten()).unwrap_or_default();
    serde_json::from_str(&text).unwrap_or_default()
}

/// Keeps `runs` under `key`; says why not when the browser refuses (storage full or blocked).
pub fn write(key: &str, runs: &[RunRecord]) -> Result<(), String> {
    let text = serde_json::to_string(runs).map_err(|e| e.to_string())?;
    storage()
        .ok_or("no storage")?
        .set_item(key, &text)
        .map_err(|_| "the browser's storage is full or blocked".to_string())
}

/// The person's clock as `YYYY-MM-DD HH:MM`.
pub fn local_time() -> String {
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

fn figure(value: f64) -> String {
    format!("{value:.4}")
}

#[component]
pub fn Runs(handle: Handle) -> impl IntoView {
    let view = handle.view;
    let training = move || view.status.get() == Status::Training;
    view! {
        <h3>"Runs on this data"</h3>
        <p class="note" hidden=move || view.runs.with(|r| !r.is_empty())>"Each finished run is added here, to compare, restore or pin over the chart."</p>
        <div class="runs-box">
            <table data-testid="runs" class="runs">
                <thead><tr><th>"Finished"</th><th>"Test RMSE"</th><th>"Naive RMSE"</th><th>"Verdict"</th><th>"Changed settings"</th>
                    <th>"Backend"</th><th>"s/epoch"</th><th>"Train RMSE"</th><th>"MAE"</th><th>"MAPE %"</th><th>"Direction %"</th><th></th></tr></thead>
                <tbody>{move || view.runs.get().iter().map(|run| {
                    let id = run.id;
                    let pinned = run.pinned;
                    view! {
                        <tr data-run=id.to_string() data-from-model=run.from_model_file.to_string()>
                            <td data-label="Finished">{run.finished.clone()}</td>
                            <td data-label="Test RMSE" data-testid="run-test-rmse">{figure(run.test.rmse)}</td>
                            <td data-label="Naive RMSE" data-testid="run-naive-rmse">{figure(run.naive_rmse)}</td>
                            <td data-label="Verdict" class="verdict-cell" data-testid="run-verdict">{run.verdict.clone()}</td>
                            <td data-label="Settings">{run.changed_settings()}{run.from_model_file.then_some(" (loaded model file)")}</td>
                            <td data-label="Backend">{run.backend.clone()}</td>
                            <td data-label="s/epoch">{run.seconds_per_epoch.map(|s| format!("{s:.2}")).unwrap_or_else(|| "—".into())}</td>
                            <td data-label="Train RMSE">{figure(run.train_rmse)}</td>
                            <td data-label="MAE">{figure(run.test.mae)}</td>
                            <td data-label="MAPE %">{figure(run.test.mape)}</td>
                            <td data-label="Direction %">{run.direction.map(figure).unwrap_or_else(|| "—".into())}</td>
                            <td class="run-actions">
                                <button class="small" data-testid="run-restore" prop:disabled=training on:click=move |_| handle.send(Action::RestoreRun(id))>"Restore"</button>
                                <button class="small" data-testid="run-pin" aria-pressed=pinned.to_string()
                                    on:click=move |_| handle.send(Action::TogglePin(id))>{if pinned { "Unpin" } else { "Pin" }}</button>
                                <button class="small" data-testid="run-delete" on:click=move |_| handle.send(Action::DeleteRun(id))>"Delete"</button>
                            </td>
                        </tr>
                    }
                }).collect_view()}</tbody>
            </table>
        </div>
        <button class="small" data-testid="runs-export" prop:disabled=move || view.runs.with(|r| r.is_empty()) on:click=move |_| handle.send(Action::ExportRuns)>"Export runs as CSV"</button>
    }
}
