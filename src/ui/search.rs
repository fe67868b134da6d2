//! The settings search's leaderboard: a row per trial, best first, each with Apply; shown while
//! the search runs and with its run's result.

use leptos::prelude::*;

use super::Handle;
use crate::data::numbers::format_statistic;
use crate::training::leaderboard::{Leaderboard, Outcome, Trial};
use crate::view::{Action, Status};

/// What the search did, in a line: trials, time, folds, and why it ended early.
fn summary(board: &Leaderboard) -> String {
    let folds: Vec<String> =
        board.folds.iter().map(|(start, end)| format!("rows {}–{}", start + 1, end)).collect();
    let budget = board.budget.map(|b| format!(" of a {b} s budget")).unwrap_or_default();
    let ended =
        board.ended_early.as_ref().map(|why| format!(" Ended early: {why}.")).unwrap_or_default();
    format!(
        "{} trials in {:.0} s{budget}, ranked by validation RMSE on {} walk-forward folds ({}), before the calibration block; the test part was not used.{ended}",
        board.trials.len(),
        board.seconds,
        board.folds.len(),
        folds.join(", ")
    )
}

fn row(handle: Handle, trial: Trial, best: bool, finished: bool) -> impl IntoView {
    let training = move || handle.view.status.get() == Status::Training;
    let number = trial.number;
    let (val, naive, figures) = match &trial.outcome {
        Outcome::Scored { val_rmse, naive_rmse } => (
            val_rmse.to_string(),
            naive_rmse.to_string(),
            [format_statistic(*val_rmse), format_statistic(*naive_rmse)],
        ),
        Outcome::Failed { reason } => {
            (String::new(), String::new(), [format!("failed: {reason}"), "—".into()])
        }
    };
    let [val_text, naive_text] = figures;
    let changes = if trial.changes.is_empty() {
        "your settings".to_string()
    } else {
        trial.changes.replace('&', " ")
    };
    view! {
        <tr data-testid="search-row" data-number=number data-val-rmse=val data-val-naive=naive
            data-settings=trial.chosen_settings().to_query() data-rung=trial.rung>
            <td data-label="#">{number}
                {best.then(|| view! { " "<span class="badge" data-testid="search-best">{if finished { "chosen" } else { "best so far" }}</span> })}</td>
            <td data-label="Changed settings">{changes}</td>
            <td data-label="Rung">{trial.rung + 1}</td>
            <td data-label="Epochs">{format!("{} of {}", trial.chosen_epochs, trial.epochs)}</td>
            <td data-label="Seconds">{format!("{:.1}", trial.seconds)}</td>
            <td data-label="Validation RMSE">{val_text}</td>
            <td data-label="Naive validation RMSE">{naive_text}</td>
            <td><button class="small" data-testid="search-apply" prop:disabled=training
                on:click=move |_| handle.send(Action::ApplyTrial(number))>"Apply"</button></td>
        </tr>
    }
}

#[component]
pub fn Search(handle: Handle) -> impl IntoView {
    let board = handle.view.leaderboard;
    move || {
        board.get().map(|board| {
            let best = board.best().map(|t| t.number);
            let rows = board
                .trials
                .iter()
                .map(|trial| row(handle, trial.clone(), Some(trial.number) == best, board.finished))
                .collect_view();
            view! {
                <h3>"Settings search"</h3>
                <p class="note" data-testid="search-summary">{summary(&board)}</p>
                <div class="runs-box">
                    <table data-testid="search" class="runs">
                        <thead><tr><th>"#"</th><th>"Changed settings"</th><th>"Rung"</th><th>"Epochs chosen"</th><th>"Seconds"</th>
                            <th>"Validation RMSE"</th><th>"Naive validation RMSE"</th><th></th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
        })
    }
}
