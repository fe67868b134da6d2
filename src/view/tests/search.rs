//! The settings search in the view: its phase, status, progress and ETA, the run after it, the
//! leaderboard kept with the result, Apply, and the Runs table's record of the winner.

use super::*;
use crate::protocol::FromWorker;
use crate::training::leaderboard::{Leaderboard, Outcome, Trial};
use crate::view::{Action, Command, Phase, Status};

fn trial(number: usize, window: usize, val_rmse: f64) -> Trial {
    Trial {
        number,
        settings: Settings { window, ..settings() },
        changes: format!("window={window}"),
        rung: 0,
        epochs: 3,
        chosen_epochs: 2,
        seconds: 4.0,
        outcome: Outcome::Scored { val_rmse, naive_rmse: 1.2 },
    }
}

fn board(trials: Vec<Trial>, finished: bool) -> Leaderboard {
    Leaderboard {
        trials,
        rung_epochs: vec![1, 3],
        folds: vec![(40, 44), (44, 48)],
        seconds: 30.0,
        budget: Some(120),
        planned_trials: None,
        ended_early: None,
        finished,
    }
}

#[test]
fn a_search_shows_its_leaderboard_then_trains_its_best_and_keeps_the_board() {
    let mut view = loaded();
    view.setting_changed("search", "on");
    view.train_started();
    assert_eq!((view.phase(), view.status()), (Phase::Searching, Status::Training));
    assert_eq!(view.status_text(), "Searching settings…");
    let running = board(vec![trial(2, 5, 0.9), trial(1, 10, 1.1)], false);
    view.receive(FromWorker::Searched { board: Box::new(running.clone()) });
    assert_eq!(view.status_text(), "Searching settings: 2 trials, rung 1 of 2, 30 s of 120 s");
    assert_eq!(view.eta().as_deref(), Some("about 1m 30s of the budget left"));
    assert_eq!((view.progress(), view.title_prefix().as_deref()), (25.0, Some("Searching 25%")));
    assert_eq!(view.leaderboard(), Some(&running));

    view.receive(FromWorker::Searched { board: Box::new(board(running.trials.clone(), true)) });
    assert_eq!(view.phase(), Phase::Training);
    assert_eq!(view.status_text(), "Training the search's best settings…");
    let mut result = result(false);
    let mut trials = running.trials.clone();
    trials[0].settings.workers = Some(2); // as the worker ran it
    result.search = Some(Box::new(board(trials, true)));
    let commands = view.receive(FromWorker::Done { result });
    assert_eq!(commands, [Command::RecordRun { from_model_file: false }]);
    assert!(view.leaderboard().is_some_and(|b| b.finished), "the result's board is shown");
    view.record_run(1_000, "2026-12-04 17:00".into(), false);
    assert_eq!(view.runs()[0].settings.window, 5, "the Runs table records the winner");
    assert_eq!(view.runs()[0].settings.epochs, 2, "with the epochs it chose");
    assert_eq!(view.runs()[0].settings.workers, None, "and this page's workers");

    view.act(Action::ApplyTrial(1));
    let applied = view.settings();
    assert_eq!((applied.window, applied.epochs, applied.search), (10, 2, false));
    view.act(Action::ApplyTrial(99));
    assert_eq!(view.settings().window, 10, "no such trial: nothing changes");
}

/// Train with a search the data is too short for is refused before the worker starts, saying
/// how many rows it needs and which window fits.
#[test]
fn a_search_the_data_is_too_short_for_is_refused_naming_what_fits() {
    let mut view = loaded();
    view.setting_changed("search", "on");
    view.setting_changed("window", "25");
    assert!(view.train_started().is_empty());
    assert_eq!(view.phase(), Phase::Failed);
    let text = &view.notice().unwrap().text;
    assert!(
        text.starts_with("the settings search needs at least 87 rows with window 25"),
        "{text}"
    );
    assert!(text.ends_with("this data has 80: window=22 would fit, or a longer history"), "{text}");
}
