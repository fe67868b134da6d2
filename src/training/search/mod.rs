//! The settings search (`search=on`): random trials over the searched settings (see [`space`]),
//! scored by walk-forward validation RMSE on the training part and pruned by successive halving
//! (Hyperband's inner loop): every trial trains a few epochs (`epochs`/27), the best third of
//! a rung trains three times as long in the next, up to `epochs`. Each trial trains with early
//! stopping on every fold, one trial after another, each batch shared by every worker. The
//! test part is never read: the folds end before the calibration block, and each fold is
//! scaled on its own rows.
//!
//! With `trials=N` the first round has N trials and the search is the same on any machine;
//! with `budget=` seconds, the first round takes half the budget and the rungs after it end
//! when the budget is spent.

use std::ops::Range;

use burn::tensor::Device;

use super::error::TrainError;
use super::host::InnerHost;
use super::leaderboard::{ETA, FIRST_ROUND_SHARE, Leaderboard, Outcome, Trial, rung_epochs};
use super::report::StopReason;
use super::run::{fit, prepare};
use super::settings::Settings;
use super::trainer::{TrainingHost, train};
use crate::data::Table;
use crate::data::windows::{check_search_length, search_folds};
use crate::evaluation::{metrics, naive_predictions};
use crate::rng::SeededRng;
use space::{Space, changes};

mod space;
#[cfg(test)]
mod tests;

/// Mixed into the seed for the draws, so they are not the initial weights' stream.
const SEARCH_SALT: u64 = 0x5EA2_C400_D2A1_0001;
/// Early stopping's patience inside trials, when the settings have none.
const TRIAL_PATIENCE: usize = 10;
/// Most first-round trials a budget may run.
const MOST_TRIALS: usize = 1000;
/// Draws made to find settings not tried yet before a repeat is taken.
const DRAWS: usize = 20;

/// Runs the search for `settings` on `table` and returns its finished leaderboard (best
/// first), telling the host after every trial. Stop ends it with the trials done so far.
pub async fn search(
    table: &Table,
    settings: &Settings,
    device: &Device,
    host: &mut impl TrainingHost,
) -> Result<Leaderboard, TrainError> {
    let unsearched = Settings::default();
    let (budget, trials) = (unsearched.budget, unsearched.trials);
    let base = Settings { search: false, backtest: false, budget, trials, ..settings.clone() };
    let rows = prepare(table, &base)?.prices.len();
    check_search_length(rows, base.window, base.split)?;
    let folds = search_folds(rows, base.split);
    let budget = settings.trials.is_none().then_some(settings.budget);
    let mut search = Search {
        scorer: Scorer { table, folds: &folds, device },
        board: Leaderboard {
            trials: Vec::new(),
            rung_epochs: rung_epochs(base.epochs),
            folds: folds.iter().map(|f| (f.start, f.end)).collect(),
            seconds: 0.0,
            budget,
            planned_trials: settings.trials,
            ended_early: None,
            finished: false,
        },
        started: host.seconds(),
    };
    search.first_round(&base, &Space::new(table, &base, rows), host).await?;
    for rung in 1..search.board.rung_epochs.len() {
        if search.board.ended_early.is_some() {
            break;
        }
        search.promote(rung, host).await?;
    }
    if search.board.ended_early.as_deref() == Some(STOPPED) {
        host.stop_handled();
    }
    search.board.finished = true;
    search.tell(host);
    Ok(search.board)
}

/// Why a search stopped when the person pressed Stop.
pub const STOPPED: &str = "stopped: the best so far is trained";

/// A search under way: what scores trials, the board so far, and when it began on the host's
/// clock.
struct Search<'a> {
    scorer: Scorer<'a>,
    board: Leaderboard,
    started: f64,
}

impl Search<'_> {
    /// The host's clock at `share` of the budget (none with `trials=`): trials are cut there,
    /// as by Stop.
    fn deadline(&self, share: f64) -> Option<f64> {
        self.board.budget.map(|budget| self.started + budget as f64 * share)
    }

    /// The first round: `base` (the person's settings) and then settings drawn from `space`,
    /// each trained for the first rung's epochs, until `trials=` are done or the first round's
    /// share of the budget is spent (the trial under way then is cut and dropped; the first
    /// trial is never cut, so the search has one).
    async fn first_round(
        &mut self,
        base: &Settings,
        space: &Space,
        host: &mut impl TrainingHost,
    ) -> Result<(), TrainError> {
        let mut rng = SeededRng::new(base.seed ^ SEARCH_SALT);
        let mut tried: Vec<Settings> = Vec::new();
        let epochs = self.board.rung_epochs[0];
        while tried.len() < self.board.planned_trials.unwrap_or(MOST_TRIALS) {
            let cut = self.deadline(FIRST_ROUND_SHARE).filter(|_| !tried.is_empty());
            if passed(host, cut) {
                break;
            }
            let candidate =
                if tried.is_empty() { base.clone() } else { draw(space, &mut rng, base, &tried) };
            tried.push(candidate.clone());
            let begun = host.seconds();
            let Some((outcome, chosen_epochs)) =
                self.scorer.score(&candidate, epochs, cut, host).await?
            else {
                self.board.ended_early = host.stop_requested().then(|| STOPPED.to_string());
                break;
            };
            self.board.trials.push(Trial {
                number: tried.len(),
                changes: changes(&candidate, base),
                settings: candidate,
                rung: 0,
                epochs,
                chosen_epochs,
                seconds: host.seconds() - begun,
                outcome,
            });
            self.tell(host);
        }
        Ok(())
    }

    /// Rung `rung`: the best third of the trials that scored in the rung before train again for
    /// this rung's epochs, best first, until the budget is spent.
    async fn promote(
        &mut self,
        rung: usize,
        host: &mut impl TrainingHost,
    ) -> Result<(), TrainError> {
        let before: Vec<usize> = self
            .board
            .trials
            .iter()
            .filter(|t| t.rung == rung - 1 && t.val_rmse().is_some())
            .map(|t| t.number)
            .collect();
        let epochs = self.board.rung_epochs[rung];
        for number in before.iter().take(before.len().div_ceil(ETA)) {
            let cut = self.deadline(1.0);
            let index = self.board.trials.iter().position(|t| t.number == *number).expect("ranked");
            let begun = host.seconds();
            let candidate = self.board.trials[index].settings.clone();
            let scored = match passed(host, cut) {
                true => None,
                false => self.scorer.score(&candidate, epochs, cut, host).await?,
            };
            let Some((outcome, chosen_epochs)) = scored else {
                let rungs = self.board.rung_epochs.len();
                self.board.ended_early = Some(match host.stop_requested() {
                    true => STOPPED.into(),
                    false => format!(
                        "the budget was spent in rung {} of {rungs}: the best so far is trained",
                        rung + 1
                    ),
                });
                return Ok(());
            };
            let trial = &mut self.board.trials[index];
            (trial.rung, trial.epochs, trial.chosen_epochs) = (rung, epochs, chosen_epochs);
            (trial.outcome, trial.seconds) = (outcome, trial.seconds + host.seconds() - begun);
            self.tell(host);
        }
        Ok(())
    }

    /// Ranks the board, times it and shows it.
    fn tell(&mut self, host: &mut impl TrainingHost) {
        self.board.rank();
        self.board.seconds = host.seconds() - self.started;
        host.searched(&self.board);
    }
}

/// Whether the host's clock has passed `deadline` (never without one).
fn passed(host: &impl TrainingHost, deadline: Option<f64>) -> bool {
    deadline.is_some_and(|deadline| host.seconds() >= deadline)
}

/// Settings from `space` not in `tried`, if [`DRAWS`] draws find some.
fn draw(space: &Space, rng: &mut SeededRng, base: &Settings, tried: &[Settings]) -> Settings {
    let mut candidate = space.sample(rng, base);
    for _ in 1..DRAWS {
        if !tried.contains(&candidate) {
            break;
        }
        candidate = space.sample(rng, base);
    }
    candidate
}

/// A trial's training as the search takes it: a diverged loss is a failed trial (recorded, and
/// the search goes on); any other error ends the search.
fn failed_trial<T>(trained: Result<T, TrainError>) -> Result<Result<T, Outcome>, TrainError> {
    match trained {
        Ok(trained) => Ok(Ok(trained)),
        Err(error @ TrainError::Diverged { .. }) => {
            Ok(Err(Outcome::Failed { reason: error.to_string() }))
        }
        Err(error) => Err(error),
    }
}

/// What scores a trial: the table and the folds' validation days.
struct Scorer<'a> {
    table: &'a Table,
    folds: &'a [Range<usize>],
    device: &'a Device,
}

impl Scorer<'_> {
    /// Trains `candidate` for at most `epochs` with early stopping on each fold and scores its
    /// one-bar predictions of the folds' validation days together, with the epochs it chose
    /// (the folds' best epochs, their mean). A diverged loss is a failed trial; `None` when the
    /// person pressed Stop or the host's clock passed `deadline`.
    async fn score(
        &self,
        candidate: &Settings,
        epochs: usize,
        deadline: Option<f64>,
        host: &mut impl TrainingHost,
    ) -> Result<Option<(Outcome, usize)>, TrainError> {
        let data = prepare(self.table, candidate)?;
        let patience = Some(candidate.patience.unwrap_or(TRIAL_PATIENCE));
        let trial = Settings { epochs, patience, ..candidate.clone() };
        let inference = self.device.clone().without_autodiff();
        let (mut actual, mut predicted, mut naive, mut chosen) = (vec![], vec![], vec![], 0);
        for days in self.folds {
            let fold = data.validation_fold(days.clone(), candidate.scaling);
            let mut quiet = InnerHost { inner: &mut *host, fold: None, deadline };
            let trained = match failed_trial(train(self.device, &fold, &trial, &mut quiet).await)? {
                Ok(trained) => trained,
                Err(failed) => return Ok(Some((failed, 0))),
            };
            if trained.stop == StopReason::Stopped {
                return Ok(None);
            }
            let targets = fold.validation_targets();
            predicted.extend(fit(&trained.model, &fold, targets.clone(), &inference).await?);
            actual.extend_from_slice(&fold.prices[targets.clone()]);
            naive.extend(naive_predictions(&fold.prices, targets));
            chosen += trained.early_stop.map_or(trained.epochs_done, |e| e.best_epoch);
        }
        let val_rmse = metrics(&actual, &predicted).rmse;
        if !val_rmse.is_finite() {
            let reason = "its predictions of the validation days were not finite".to_string();
            return Ok(Some((Outcome::Failed { reason }, 0)));
        }
        let naive_rmse = metrics(&actual, &naive).rmse;
        let chosen_epochs = (chosen as f64 / self.folds.len() as f64).round() as usize;
        Ok(Some((Outcome::Scored { val_rmse, naive_rmse }, chosen_epochs)))
    }
}
