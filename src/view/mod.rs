//! The page's state as plain Rust: one [`RunView`] in an explicit [`Phase`], changed only by a
//! method per message from the worker ([`events`]) and per person action ([`actions`],
//! [`runs`]). Each method returns the [`Command`]s the page must then carry out (talk to the
//! worker, read a file, use the browser's storage, download); the page holds the view in one
//! signal and draws what it derives. The Runs table's records are in [`history`], the results
//! CSV in [`export`]. Tested natively like the rest of the domain code.

mod actions;
mod command;
mod events;
mod export;
pub mod history;
mod notice;
mod runs;
#[cfg(test)]
mod tests;

use std::sync::Arc;

pub use command::{Action, Command, Download};
pub use notice::{Notice, NoticeKind};

use crate::data::Table;
use crate::data::clock::thousands;
use crate::data::parse::ParseOptions;
use crate::training::leaderboard::Leaderboard;
use crate::training::{EpochReport, Launches, RunResult, Settings};
use history::{RunRecord, data_key};

/// Where a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Nothing loaded or being loaded yet.
    NoData,
    /// A file (or a model file) is being read and parsed.
    Loading,
    /// Data is loaded and nothing runs: ready to train.
    Loaded,
    /// The settings search runs its trials (`search=on`), before the best one trains.
    Searching,
    /// The worker trains (the main model, then any backtest folds).
    Training,
    /// The last epoch is reported; the worker evaluates and forecasts until it sends the result.
    Finishing,
    /// The bands are calibrated: forecasts from every origin of the held-out data.
    Calibrating,
    /// The result of a full run, or of a loaded model, is shown.
    Done,
    /// The person stopped the run: the result is the model trained so far.
    Stopped,
    /// A load or a run failed; the notice says why.
    Failed,
}

/// What the page is doing, exposed as `data-state` for people and tests alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Idle,
    Loading,
    Training,
    Done,
    Error,
}

impl Status {
    /// The `data-state` value tests and styles read.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Idle => "idle",
            Status::Loading => "loading",
            Status::Training => "training",
            Status::Done => "done",
            Status::Error => "error",
        }
    }
}

/// How far the bands' calibration has got.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calibration {
    /// Origins forecast from so far, of `total`.
    pub done: usize,
    pub total: usize,
    /// Seconds since the calibration began.
    pub seconds: f64,
}

/// The loaded file.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub file_name: String,
    pub table: Table,
    /// Parse time, and the worker's memory afterwards when the worker parsed it (the page parses
    /// small files itself), shown so large files' cost is visible.
    pub seconds: f64,
    pub memory_bytes: Option<f64>,
    /// The choices it was parsed with (ticker, day order, bars), changed to parse it again.
    pub options: ParseOptions,
}

/// The backend training runs on, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backend {
    pub name: String,
    pub note: String,
}

/// Everything the page shows about the data and the run. The large parts are shared (`Arc`),
/// so the page can hand out snapshots and tell changes apart by pointer.
#[derive(Debug, Clone, PartialEq)]
pub struct RunView {
    phase: Phase,
    /// Replaced, never changed in place, on every accepted write (a setting, a restored run, a
    /// loaded model's), so the page tells a write apart by pointer and shows the settings again
    /// after each one, even one that leaves them equal ("0.0010" typed is shown as "0.001").
    settings: Arc<Settings>,
    dataset: Option<Arc<Dataset>>,
    notice: Option<Notice>,
    /// Why WebGPU failed in this page's last run on it, if it did: `auto` then trains on the CPU.
    gpu_failed: Option<String>,
    /// (epochs done, epochs asked for)
    epoch: (usize, usize),
    /// Seconds the main model has trained.
    seconds: f64,
    backend: Option<Backend>,
    history: Arc<Vec<EpochReport>>,
    /// The latest epoch of a backtest fold, while one trains.
    backtest_epoch: Option<EpochReport>,
    /// The bands' calibration while it runs: origins done, of how many, in how many seconds.
    calibration: Option<Calibration>,
    /// The settings search's leaderboard while its run is under way (then the result's).
    search: Option<Arc<Leaderboard>>,
    /// Percent of a large file parsed so far, while it loads.
    parse_percent: Option<f64>,
    result: Option<Arc<RunResult>>,
    /// Results shown since the page opened: the shown result's number, which tells a new run
    /// from the one before it.
    results: u64,
    /// Percent of the run done (training, then each backtest fold), for the progress bar.
    progress: f64,
    /// The Runs table of the loaded data, newest first.
    runs: Arc<Vec<RunRecord>>,
    /// The number of the latest load (file, link or parse again): answers to earlier ones are
    /// stale.
    load: u64,
}

impl RunView {
    /// A page with these settings and no data yet.
    pub fn new(settings: Settings) -> Self {
        Self {
            phase: Phase::NoData,
            settings: Arc::new(settings),
            dataset: None,
            notice: None,
            gpu_failed: None,
            epoch: (0, 0),
            seconds: 0.0,
            backend: None,
            history: Arc::default(),
            backtest_epoch: None,
            calibration: None,
            search: None,
            parse_percent: None,
            result: None,
            results: 0,
            progress: 0.0,
            runs: Arc::default(),
            load: 0,
        }
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    pub fn settings(&self) -> &Arc<Settings> {
        &self.settings
    }

    pub fn dataset(&self) -> Option<&Arc<Dataset>> {
        self.dataset.as_ref()
    }

    pub fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
    }

    pub fn gpu_failed(&self) -> Option<&str> {
        self.gpu_failed.as_deref()
    }

    /// (epochs done, epochs asked for)
    pub fn epoch(&self) -> (usize, usize) {
        self.epoch
    }

    pub fn seconds(&self) -> f64 {
        self.seconds
    }

    pub fn backend(&self) -> Option<&Backend> {
        self.backend.as_ref()
    }

    /// The main model's epoch reports so far.
    pub fn history(&self) -> &Arc<Vec<EpochReport>> {
        &self.history
    }

    pub fn backtest_epoch(&self) -> Option<&EpochReport> {
        self.backtest_epoch.as_ref()
    }

    pub fn parse_percent(&self) -> Option<f64> {
        self.parse_percent
    }

    pub fn result(&self) -> Option<&Arc<RunResult>> {
        self.result.as_ref()
    }

    /// The settings search's leaderboard: the running search's, or the shown result's.
    pub fn leaderboard(&self) -> Option<&Leaderboard> {
        self.search.as_deref().or_else(|| self.result.as_ref()?.search.as_deref())
    }

    /// The shown result's number (counted from 1 since the page opened), `None` without one.
    pub fn result_number(&self) -> Option<u64> {
        self.result.as_ref().map(|_| self.results)
    }

    /// Percent of the run done.
    pub fn progress(&self) -> f64 {
        self.progress
    }

    pub fn runs(&self) -> &Arc<Vec<RunRecord>> {
        &self.runs
    }

    /// The `data-state` the phase shows as.
    pub fn status(&self) -> Status {
        match self.phase {
            Phase::NoData | Phase::Loaded => Status::Idle,
            Phase::Loading => Status::Loading,
            Phase::Searching | Phase::Training | Phase::Finishing | Phase::Calibrating => {
                Status::Training
            }
            Phase::Done | Phase::Stopped => Status::Done,
            Phase::Failed => Status::Error,
        }
    }

    /// The status line.
    pub fn status_text(&self) -> String {
        match self.phase {
            Phase::NoData => "No data yet: pick a CSV file.".into(),
            Phase::Loaded => "Ready: press Train.".into(),
            Phase::Loading => match self.parse_percent {
                Some(percent) => format!("Loading… {percent:.0}% of the file read"),
                None => "Loading…".into(),
            },
            Phase::Searching => match &self.search {
                Some(board) => board.status(),
                None => "Searching settings…".into(),
            },
            Phase::Training | Phase::Finishing => match &self.backtest_epoch {
                Some(EpochReport { fold: Some((i, k)), epoch, epochs, .. }) => {
                    format!("Backtest: fold {i}/{k}, epoch {epoch}/{epochs}…")
                }
                _ if self.search.is_some() => "Training the search's best settings…".into(),
                _ => "Training…".into(),
            },
            Phase::Calibrating => match self.calibration {
                Some(Calibration { done, total, .. }) => {
                    format!(
                        "Calibrating bands… {} of {} origins",
                        thousands(done),
                        thousands(total)
                    )
                }
                None => "Calibrating bands…".into(),
            },
            Phase::Done => "Done.".into(),
            Phase::Stopped => "Stopped early: results are for the model trained so far.".into(),
            Phase::Failed => "Something was rejected: see the message above.".into(),
        }
    }

    /// While training, seconds per epoch and the time left ("1.20 s/epoch, about 2m 05s left");
    /// while calibrating, the calibration's time left.
    pub fn eta(&self) -> Option<String> {
        if let (Phase::Searching, Some(board)) = (self.phase, &self.search) {
            return board.budget.map(|budget| {
                let left = (budget as f64 - board.seconds).max(0.0);
                format!("about {} of the budget left", duration(left))
            });
        }
        if let (Phase::Calibrating, Some(c)) = (self.phase, self.calibration) {
            return (c.done > 0).then(|| {
                let left = c.seconds / c.done as f64 * c.total.saturating_sub(c.done) as f64;
                format!("about {} left", duration(left))
            });
        }
        let (done, total) = self.epoch;
        (self.is_training() && done > 0).then(|| {
            let per_epoch = self.seconds / done as f64;
            format!(
                "{per_epoch:.2} s/epoch, about {} left",
                duration(per_epoch * total.saturating_sub(done) as f64)
            )
        })
    }

    /// Whether the worker is training or finishing a run (Train disabled, Stop enabled).
    pub fn is_training(&self) -> bool {
        matches!(
            self.phase,
            Phase::Searching | Phase::Training | Phase::Finishing | Phase::Calibrating
        )
    }

    /// What the tab's title starts with while a run is under way: "37%", "Calibrating 40%".
    pub fn title_prefix(&self) -> Option<String> {
        match self.phase {
            Phase::Calibrating => Some(format!("Calibrating {:.0}%", self.progress)),
            Phase::Searching => Some(format!("Searching {:.0}%", self.progress)),
            _ if self.is_training() => Some(format!("{:.0}%", self.progress)),
            _ => None,
        }
    }

    /// Whether a load or a run is under way (no other file may be loaded).
    pub fn is_busy(&self) -> bool {
        self.is_training() || self.phase == Phase::Loading
    }

    /// GPU kernel launches of the latest epoch that counted them (WebGPU only).
    pub fn launches(&self) -> Option<Launches> {
        self.history.iter().rev().find_map(|r| r.launches)
    }

    /// The storage key of the loaded data's Runs table.
    pub fn runs_key(&self) -> Option<String> {
        self.dataset.as_ref().map(|d| data_key(&d.file_name, &d.table))
    }

    /// The parse choices for a newly loaded file: none about tickers or day order, and the
    /// settings' `bars=` and `last=`.
    fn fresh_options(&self) -> ParseOptions {
        ParseOptions { reshape: self.settings.reshape(), ..Default::default() }
    }

    /// Numbers a new load, making every earlier one stale.
    pub fn next_load(&mut self) -> u64 {
        self.load += 1;
        self.load
    }

    /// Whether the worker's answer to load `load` is about the latest load (not one the person
    /// has since replaced with another file or choice).
    fn is_current(&self, load: u64) -> bool {
        load == self.load
    }
}

/// Seconds as `42s` or `2m 05s`.
fn duration(seconds: f64) -> String {
    let seconds = seconds.round() as u64;
    if seconds >= 60 {
        format!("{}m {:02}s", seconds / 60, seconds % 60)
    } else {
        format!("{seconds}s")
    }
}
