//! The settings search's leaderboard: one row per trial, ranked as the search ranks them. Plain
//! data (no `model` feature), so the page shows what the worker sends.

use serde::{Deserialize, Serialize};

use super::settings::Settings;

/// Each rung of the search keeps the best 1/ETA of the one before and trains ETA times as long.
pub const ETA: usize = 3;
pub const RUNGS: usize = 4;
/// The share of a search's budget its first round may take: many short trials, so that the
/// few long ones (pruned, and often ended sooner by early stopping) have the rest.
pub const FIRST_ROUND_SHARE: f64 = 0.5;

/// The epochs of each rung for at most `epochs`: `epochs / 27`, `epochs / 9`, `epochs / 3`,
/// `epochs` (rounded up, at least one, no rung twice).
pub fn rung_epochs(epochs: usize) -> Vec<usize> {
    let mut rungs: Vec<usize> =
        (0..RUNGS).rev().map(|k| epochs.div_ceil(ETA.pow(k as u32)).max(1)).collect();
    rungs.dedup();
    rungs
}

/// Trials in each rung when the first has `trials`.
fn rung_trials(trials: usize, rungs: usize) -> Vec<usize> {
    std::iter::successors(Some(trials), |n| Some(n.div_ceil(ETA))).take(rungs).collect()
}

/// What a search with `settings` will cost, for the form: its budget, or its trials per rung.
pub fn search_cost(settings: &Settings) -> Option<String> {
    if !settings.search {
        return None;
    }
    let epochs = rung_epochs(settings.epochs);
    let first = match settings.trials {
        Some(trials) => {
            let rungs: Vec<String> = rung_trials(trials, epochs.len())
                .iter()
                .zip(&epochs)
                .map(|(n, e)| format!("{n} × {e} epochs"))
                .collect();
            format!(
                "The search trains {} on each of its 2 folds (early stopping may end a trial sooner)",
                rungs.join(", then ")
            )
        }
        None => format!(
            "The search takes about {} s: half for as many short trials ({} epochs) as fit, the rest for the best ones ({} epochs)",
            settings.budget,
            epochs[0],
            epochs[1..].iter().map(ToString::to_string).collect::<Vec<_>>().join(", then ")
        ),
    };
    Some(format!(
        "{first}; then its best settings train once more and are tested. Stop ends the search early with the best so far."
    ))
}

/// How a trial ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Outcome {
    /// Walk-forward validation RMSE in price units over the folds' validation days, and the
    /// naive baseline's on the same days.
    Scored { val_rmse: f64, naive_rmse: f64 },
    /// The loss diverged (or the settings could not train): recorded, and the search went on.
    Failed { reason: String },
}

/// One trial: a sampled set of settings, trained on each fold for its rung's epochs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trial {
    /// From 1, in the order the trials were sampled; trial 1 is the person's own settings.
    pub number: usize,
    /// The whole settings it trains with (search off), the row's `data-settings`.
    pub settings: Settings,
    /// Its settings that differ from the person's, as a query (`window=30&units=64`).
    pub changes: String,
    /// The highest rung it reached (0: the first, short round).
    pub rung: usize,
    /// Epochs it was allowed at that rung ...
    pub epochs: usize,
    /// ... and the epochs it chose there (early stopping's best, the mean over the folds):
    /// what its settings train for when it wins.
    pub chosen_epochs: usize,
    /// Seconds it took over all its rungs.
    pub seconds: f64,
    pub outcome: Outcome,
}

impl Trial {
    /// The validation RMSE, for a scored trial.
    pub fn val_rmse(&self) -> Option<f64> {
        match self.outcome {
            Outcome::Scored { val_rmse, .. } => Some(val_rmse),
            Outcome::Failed { .. } => None,
        }
    }

    /// The settings its row stands for (its Apply, its `data-settings`, the search's run when
    /// it wins): its own, with the epochs it chose and so no early stopping.
    pub fn chosen_settings(&self) -> Settings {
        Settings { epochs: self.chosen_epochs.max(1), patience: None, ..self.settings.clone() }
    }
}

/// The search so far, or finished.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Leaderboard {
    /// Best first: higher rungs first (their trials trained longer), then lower validation RMSE;
    /// failed trials last.
    pub trials: Vec<Trial>,
    /// Epochs of each rung, the first round's first.
    pub rung_epochs: Vec<usize>,
    /// The walk-forward folds' validation days, as row ranges `(start, end)` of the data.
    pub folds: Vec<(usize, usize)>,
    /// Seconds the search has taken, of the budget (`None` with `trials=`).
    pub seconds: f64,
    pub budget: Option<u64>,
    /// The first round's trials with `trials=` (`None` with a budget).
    pub planned_trials: Option<usize>,
    /// Why it ended early: Stop, or the budget spent before the last rung.
    pub ended_early: Option<String>,
    /// The search is over: the best is being (or has been) trained.
    pub finished: bool,
}

impl Leaderboard {
    /// The settings the search's run trains with: the best trial's chosen ones (its validation
    /// block is fitted).
    pub fn winner(&self) -> Option<Settings> {
        self.best().map(Trial::chosen_settings)
    }

    /// Percent of the search done: of the budget's seconds, or with `trials=` of the epochs its
    /// rungs plan.
    pub fn percent(&self) -> f64 {
        let done = match (self.budget, self.planned_trials) {
            (Some(budget), _) => self.seconds / budget.max(1) as f64,
            (None, Some(trials)) => {
                let rung_work = |rung: usize| self.rung_epochs[..=rung].iter().sum::<usize>();
                let done: usize = self.trials.iter().map(|t| rung_work(t.rung)).sum();
                let planned: usize = rung_trials(trials, self.rung_epochs.len())
                    .iter()
                    .zip(&self.rung_epochs)
                    .map(|(n, e)| n * e)
                    .sum();
                done as f64 / planned.max(1) as f64
            }
            (None, None) => 0.0,
        };
        (100.0 * done).clamp(0.0, 100.0)
    }

    /// The chosen trial: the first row, when it scored.
    pub fn best(&self) -> Option<&Trial> {
        self.trials.first().filter(|trial| trial.val_rmse().is_some())
    }

    /// Sorts the rows best first.
    pub fn rank(&mut self) {
        let key = |t: &Trial| (t.val_rmse().is_none(), std::cmp::Reverse(t.rung));
        self.trials.sort_by(|a, b| {
            key(a)
                .cmp(&key(b))
                .then(a.val_rmse().unwrap_or(0.0).total_cmp(&b.val_rmse().unwrap_or(0.0)))
                .then(a.number.cmp(&b.number))
        });
    }

    /// The page's status line while it runs: "Searching settings: 7 trials, rung 2 of 3, 43 s of
    /// 120 s".
    pub fn status(&self) -> String {
        let rung = self.trials.iter().map(|t| t.rung).max().unwrap_or(0);
        let trials = match self.trials.len() {
            1 => "1 trial".to_string(),
            n => format!("{n} trials"),
        };
        let time = match self.budget {
            Some(budget) => format!("{:.0} s of {budget} s", self.seconds),
            None => format!("{:.0} s", self.seconds),
        };
        format!(
            "Searching settings: {trials}, rung {} of {}, {time}",
            rung + 1,
            self.rung_epochs.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trial(number: usize, rung: usize, val_rmse: Option<f64>) -> Trial {
        let outcome = match val_rmse {
            Some(val_rmse) => Outcome::Scored { val_rmse, naive_rmse: 1.0 },
            None => Outcome::Failed { reason: "diverged".into() },
        };
        Trial {
            number,
            settings: Settings::default(),
            changes: String::new(),
            rung,
            epochs: 10,
            chosen_epochs: 4,
            seconds: 1.0,
            outcome,
        }
    }

    /// Higher rungs first, then lower RMSE, failed trials last; the best is the first scored.
    #[test]
    fn rows_rank_by_rung_then_rmse_with_failures_last() {
        let mut board = Leaderboard {
            trials: vec![
                trial(1, 0, Some(0.5)),
                trial(2, 1, Some(2.0)),
                trial(3, 0, None),
                trial(4, 1, Some(1.0)),
            ],
            rung_epochs: vec![3, 10],
            folds: vec![],
            seconds: 12.4,
            budget: Some(120),
            planned_trials: None,
            ended_early: None,
            finished: false,
        };
        board.rank();
        let order: Vec<usize> = board.trials.iter().map(|t| t.number).collect();
        assert_eq!(order, [4, 2, 1, 3]);
        assert_eq!(board.best().map(|t| t.number), Some(4));
        assert_eq!(board.best().unwrap().chosen_settings().epochs, 4);
        assert_eq!(board.winner().map(|s| (s.epochs, s.patience)), Some((4, None)));
        assert!((board.percent() - 100.0 * 12.4 / 120.0).abs() < 1e-9);
        let planned = Leaderboard { budget: None, planned_trials: Some(4), ..board.clone() };
        // 4 trials × 3 epochs + 2 × 10 planned; done: 2 trials at rung 2 (3 + 10 each), 2 at 1.
        assert!((planned.percent() - 100.0 * 32.0 / 32.0).abs() < 1e-9);
        assert_eq!(board.status(), "Searching settings: 4 trials, rung 2 of 2, 12 s of 120 s");
        assert_eq!(rung_epochs(100), [4, 12, 34, 100]);
        assert_eq!(rung_epochs(1), [1]);
        let cost = |query: &str| search_cost(&Settings::from_query(query).0);
        assert_eq!(cost("search=off"), None);
        assert_eq!(
            cost("search=on&trials=10&epochs=9").unwrap(),
            "The search trains 10 × 1 epochs, then 4 × 3 epochs, then 2 × 9 epochs on each of its 2 folds (early stopping may end a trial sooner); then its best settings train once more and are tested. Stop ends the search early with the best so far."
        );
        assert!(cost("search=on").unwrap().starts_with("The search takes about 120 s: half for as many short trials (4 epochs) as fit, the rest for the best ones (12, then 34, then 100 epochs)"));
        board.trials = vec![trial(1, 0, None)];
        assert!(board.best().is_none(), "no scored trial, no best");
    }
}
