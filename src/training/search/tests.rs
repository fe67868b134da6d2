//! The search's tests: seeded, blind to the test part, pruned by rungs, stoppable, and the run
//! that follows it.
use super::*;
use crate::data::parse::{ParseOptions, parse_csv_with};
use crate::data::resample::Reshape;
use crate::data::windows::train_len;
use crate::testutil::{RecordingHost, ibm_sample, small_settings};
use crate::training::run::run;
use crate::training::shares::NoHelpers;

/// The bundled sample's last `rows` rows.
fn recent(rows: usize) -> Table {
    let options =
        ParseOptions { reshape: Reshape { bars: None, last: Some(rows) }, ..Default::default() };
    parse_csv_with(&ibm_sample(), &options).unwrap()
}

fn searching() -> Settings {
    Settings { search: true, trials: Some(4), epochs: 6, horizon: 3, ..small_settings() }
}

fn board(table: &Table, settings: &Settings) -> Leaderboard {
    let device = Device::flex().autodiff();
    pollster::block_on(search(table, settings, &device, &mut RecordingHost::<NoHelpers>::default()))
        .unwrap()
}

/// Four trials: the person's settings first, every trial scored on both folds beside the
/// naive baseline; the best third of each rung trains longer in the next. The same seed gives
/// the same leaderboard; other prices in the test part (every column) change nothing.
#[test]
fn the_leaderboard_is_seeded_and_blind_to_the_test_part() {
    let table = recent(400);
    let first = board(&table, &searching());
    assert_eq!(first.rung_epochs, [1, 2, 6]);
    assert_eq!(
        first.folds,
        search_folds(400, 65).iter().map(|f| (f.start, f.end)).collect::<Vec<_>>()
    );
    let mut numbers: Vec<usize> = first.trials.iter().map(|t| t.number).collect();
    numbers.sort();
    assert_eq!(numbers, [1, 2, 3, 4]);
    let one = first.trials.iter().find(|t| t.number == 1).unwrap();
    assert_eq!((one.changes.as_str(), one.settings.window), ("", 12), "trial 1: the person's");
    let rungs: Vec<usize> = first.trials.iter().map(|t| t.rung).collect();
    assert_eq!(rungs, [2, 1, 0, 0], "4 trials, the best 2 to rung 2, the best of those to rung 3");
    assert!(first.trials.iter().all(|t| t.val_rmse().is_some_and(f64::is_finite)));
    assert!(
        first
            .trials
            .iter()
            .all(|t| matches!(t.outcome, Outcome::Scored { naive_rmse, .. } if naive_rmse > 0.0))
    );
    assert!(first.finished && first.ended_early.is_none() && first.best().is_some());

    assert_eq!(board(&table, &searching()), first, "the same seed, the same leaderboard");
    let mut altered = table.clone();
    let test_start = train_len(400, 65);
    for column in &mut altered.columns {
        for value in &mut column.values[test_start..] {
            *value = *value * 3.0 + 17.0;
        }
    }
    assert_ne!(altered, table);
    assert_eq!(board(&altered, &searching()), first, "the test part changes nothing");
    let other_seed = board(&table, &Settings { seed: 7, ..searching() });
    assert_ne!(other_seed.trials, first.trials);
}

/// A search run trains its best trial's settings with the epochs it chose, on the fit and
/// validation blocks (no validation loss), and keeps the leaderboard in the result.
#[test]
fn the_best_trial_is_trained_on_fit_and_validation_and_tested_once() {
    let table = recent(400);
    let mut host = RecordingHost::<NoHelpers>::default();
    let device = Device::flex().autodiff();
    let finished = pollster::block_on(run(&table, &searching(), &device, &mut host)).unwrap();
    let board = finished.result.search.clone().expect("the leaderboard is kept");
    let best = board.best().unwrap();
    assert_eq!(Some(finished.settings.clone()), board.winner());
    assert_eq!(finished.settings.epochs, best.chosen_epochs);
    assert!(!finished.settings.search);
    assert_eq!(host.reports.len(), best.chosen_settings().epochs, "only the winner reports epochs");
    assert!(host.reports.iter().all(|r| r.val_loss.is_none()));
    assert!(finished.result.test.rmse.is_finite() && finished.result.coverage.one_day.is_some());
    assert_eq!(host.boards.len(), 4 + 2 + 1 + 1, "after each trial of each rung, and at the end");
    assert_eq!(host.boards.last(), Some(&*board));
}

/// Stop during the second trial ends the search with the first and trains that one fully.
#[test]
fn stop_ends_the_search_with_the_best_so_far() {
    let table = recent(400);
    // Trial 1 trains 9 batches on its first fold and 11 on its second.
    let mut host = RecordingHost { stop_after: Some(21), ..RecordingHost::<NoHelpers>::default() };
    let device = Device::flex().autodiff();
    let finished = pollster::block_on(run(&table, &searching(), &device, &mut host)).unwrap();
    let board = finished.result.search.unwrap();
    assert_eq!(board.ended_early.as_deref(), Some(STOPPED));
    assert_eq!(board.trials.len(), 1);
    assert!(!finished.result.stopped, "the Stop was the search's");
    assert!(finished.result.coverage.one_day.is_some());
}

/// With a budget (a clock of one second a batch) the first round ends at half of it, the first
/// trial excepted, and every trial after it is cut at the budget's end: the search takes the
/// budget, to the batch.
#[test]
fn a_budget_bounds_the_search_to_the_batch() {
    let table = recent(400);
    let settings = Settings { trials: None, budget: 200, ..searching() };
    let mut host =
        RecordingHost::<NoHelpers> { seconds_per_batch: 1.0, ..RecordingHost::default() };
    let device = Device::flex().autodiff();
    let board = pollster::block_on(search(&table, &settings, &device, &mut host)).unwrap();
    assert!(board.trials.len() > 2, "{} trials", board.trials.len());
    assert!(board.seconds <= 201.0, "{} s", board.seconds);
    let first_round = host.boards.iter().take_while(|b| b.trials.iter().all(|t| t.rung == 0));
    let first_round = first_round.last().unwrap();
    assert!(first_round.seconds <= 100.0, "{} s in the first round", first_round.seconds);
    assert_eq!(first_round.trials.len(), board.trials.len(), "no trial after the first round");
    assert!(board.trials.iter().any(|t| t.rung > 0), "the best trained longer");
    assert!(board.best().is_some() && board.finished);
    assert_eq!(board.budget, Some(200));
}

/// A diverged trial is recorded as failed and the search goes on; other errors end it.
#[test]
fn a_diverged_trial_is_a_failed_row_and_other_errors_end_the_search() {
    let diverged = TrainError::Diverged { loss: f64::NAN, epoch: 3, lr: 0.01 };
    assert_eq!(
        failed_trial::<()>(Err(diverged)),
        Ok(Err(Outcome::Failed {
            reason: "training diverged: the loss became NaN in epoch 3; try a lower learning rate (now 0.01)".into()
        }))
    );
    let crashed = TrainError::Helper("the helper crashed".into());
    assert_eq!(failed_trial::<()>(Err(crashed.clone())), Err(crashed));
    assert_eq!(failed_trial(Ok(7)), Ok(Ok(7)));
}

/// Too short a history for the folds says how many rows the search needs and which window fits.
#[test]
fn a_history_too_short_for_the_folds_is_refused_naming_what_fits() {
    let table = recent(120);
    let settings = Settings { window: 40, ..searching() };
    let device = Device::flex().autodiff();
    let refused = pollster::block_on(run(
        &table,
        &settings,
        &device,
        &mut RecordingHost::<NoHelpers>::default(),
    ))
    .err()
    .unwrap();
    assert!(
        matches!(
            refused,
            TrainError::Prepare(crate::data::PrepareError::TooFewForSearch {
                rows: 120,
                window: 40,
                needed: 122,
                fits: Some(39)
            })
        ),
        "{refused:?}"
    );
}
