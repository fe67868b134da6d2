//! What each message from the worker (and a table the page parsed itself) does to the view.

use std::sync::Arc;

use super::{Backend, Calibration, Command, Dataset, Download, Notice, Phase, RunView};
use crate::protocol::FromWorker;
use crate::training::leaderboard::Leaderboard;
use crate::training::{BatchProgress, EpochReport, RunResult, Settings};

impl RunView {
    /// Applies one message from the worker.
    pub fn receive(&mut self, message: FromWorker) -> Vec<Command> {
        match message {
            // Ready is the page's transport's business; Kept confirms a table already shown;
            // the diagnostics' answers are for messages the page never sends.
            FromWorker::Ready
            | FromWorker::Kept { .. }
            | FromWorker::RecurrenceChecked { .. }
            | FromWorker::LaunchesCounted { .. } => Vec::new(),
            FromWorker::Parsed { file_name, table, seconds, memory_bytes, options, load } => {
                let memory_bytes = Some(memory_bytes);
                self.parsed(load, Dataset { file_name, table, seconds, memory_bytes, options })
            }
            FromWorker::ParseFailed { file_name, message, load } => {
                self.parse_failed(load, &file_name, &message)
            }
            FromWorker::ParseProgress { percent } => self.parse_progress(percent),
            FromWorker::Backend { name, note } => self.backend_chosen(Backend { name, note }),
            FromWorker::SpeedMeasured { measurement } => vec![Command::KeepSpeed(measurement)],
            FromWorker::Epoch { report, seconds } => self.epoch_done(report, seconds),
            FromWorker::Progress { progress } => self.batch_progress(progress),
            FromWorker::Calibrating { done, total, seconds } => {
                self.calibrating(Calibration { done, total, seconds })
            }
            FromWorker::Searched { board } => self.searched(*board),
            FromWorker::Done { result } => self.done(result),
            FromWorker::ModelSaved { file } => self.model_saved(file),
            FromWorker::ModelLoaded { settings, result } => self.model_loaded(settings, result),
            FromWorker::Failed { message } => self.failed(message),
            FromWorker::Crashed { message } => self.worker_crashed(&message),
        }
    }

    /// The worker parsed load `load`'s file; dropped when a later load replaced it.
    pub fn parsed(&mut self, load: u64, dataset: Dataset) -> Vec<Command> {
        if !self.is_current(load) {
            return Vec::new();
        }
        self.shown(dataset)
    }

    /// A table that parsed (here or in the worker) becomes the data of the next run: the last
    /// run's result and losses go, its Runs table is read, and a failed load's notice is over.
    pub fn shown(&mut self, dataset: Dataset) -> Vec<Command> {
        self.parse_percent = None;
        self.dataset = Some(Arc::new(dataset));
        let key = self.runs_key().unwrap_or_default();
        self.runs = Arc::default();
        self.result = None;
        self.search = None;
        self.history = Arc::default();
        self.epoch = (0, 0);
        self.notice = self.notice.take().and_then(Notice::after_load);
        self.phase = Phase::Loaded;
        vec![Command::DataLoaded, Command::ReadRuns { key }]
    }

    /// The worker could not parse load `load`'s file.
    pub fn parse_failed(&mut self, load: u64, file_name: &str, message: &str) -> Vec<Command> {
        if !self.is_current(load) {
            return Vec::new();
        }
        self.parse_percent = None;
        self.failed(format!("{file_name} was not loaded: {message}"))
    }

    /// How far the worker has read a large file.
    pub fn parse_progress(&mut self, percent: f64) -> Vec<Command> {
        self.parse_percent = Some(percent);
        Vec::new()
    }

    pub fn backend_chosen(&mut self, backend: Backend) -> Vec<Command> {
        self.backend = Some(backend);
        Vec::new()
    }

    /// An epoch finished: the main model's joins the loss history, a backtest fold's is told in
    /// the status line. The last epoch of the run starts the work after training.
    pub fn epoch_done(&mut self, report: EpochReport, seconds: f64) -> Vec<Command> {
        self.show_progress(BatchProgress::after(&report));
        let last = report.epoch >= report.epochs
            && report.fold.map_or(!self.settings.backtest, |(i, k)| i == k);
        if report.fold.is_some() {
            // The main model's bands are calibrated; the backtest's folds train.
            if self.phase == Phase::Calibrating {
                (self.phase, self.calibration) = (Phase::Training, None);
            }
            self.backtest_epoch = Some(report);
        } else {
            self.epoch = (report.epoch, report.epochs);
            self.seconds = seconds;
            Arc::make_mut(&mut self.history).push(report);
        }
        if last && self.phase == Phase::Training {
            self.phase = Phase::Finishing;
        }
        Vec::new()
    }

    /// Batches done inside the epoch in progress.
    pub fn batch_progress(&mut self, progress: BatchProgress) -> Vec<Command> {
        self.show_progress(progress);
        Vec::new()
    }

    /// The bands' calibration after training moved on: its own phase, progress bar and ETA (a
    /// loaded model's calibration, while loading, is not a run's).
    pub fn calibrating(&mut self, calibration: Calibration) -> Vec<Command> {
        if self.is_training() {
            self.phase = Phase::Calibrating;
            self.progress = 100.0 * calibration.done as f64 / calibration.total.max(1) as f64;
            self.calibration = Some(calibration);
        }
        Vec::new()
    }

    /// The settings search's leaderboard after a trial: shown, with its progress; once it is
    /// over, the best trial's run trains.
    pub fn searched(&mut self, board: Leaderboard) -> Vec<Command> {
        if !self.is_training() {
            return Vec::new();
        }
        if board.finished {
            self.phase = Phase::Training;
            self.progress = 0.0;
        } else {
            self.phase = Phase::Searching;
            self.progress = board.percent();
        }
        self.search = Some(Arc::new(board));
        Vec::new()
    }

    /// Moves the progress bar to where training is (a backtest's folds are shares of the run).
    fn show_progress(&mut self, progress: BatchProgress) {
        let folds = if self.settings.backtest { self.settings.folds } else { 0 };
        self.progress = progress.percent(folds);
    }

    /// The run ended with a result (stopped early or not): shown, and recorded in the Runs table.
    pub fn done(&mut self, result: RunResult) -> Vec<Command> {
        self.backtest_epoch = None;
        self.calibration = None;
        self.search = None;
        self.epoch.0 = result.epochs_done;
        self.phase = if result.stopped { Phase::Stopped } else { Phase::Done };
        self.result = Some(Arc::new(result));
        self.results += 1;
        self.progress = 100.0;
        vec![Command::RecordRun { from_model_file: false }]
    }

    /// The last trained model as a file's text: offered as a download.
    pub fn model_saved(&mut self, file: String) -> Vec<Command> {
        vec![Command::Download(Download {
            text: file,
            name: "stocklstm-model.json",
            mime: "application/json",
            failure: "the model could not be saved",
        })]
    }

    /// A saved model was evaluated on the loaded data: its settings go into the form (the data
    /// stays as loaded, so `bars=` and `last=` are kept), its result is shown and recorded.
    pub fn model_loaded(&mut self, mut settings: Settings, result: RunResult) -> Vec<Command> {
        (settings.bars, settings.last) = (self.settings.bars, self.settings.last);
        self.settings = Arc::new(settings);
        self.history = Arc::default();
        self.epoch = (0, 0);
        self.backend = Some(Backend {
            name: "CPU".into(),
            note: "a saved model, evaluated without training".into(),
        });
        self.result = Some(Arc::new(result));
        self.results += 1;
        self.notice = None;
        self.progress = 100.0;
        self.phase = Phase::Done;
        vec![Command::RecordRun { from_model_file: true }]
    }

    /// A load or a run failed (in the worker or the page).
    pub fn failed(&mut self, text: String) -> Vec<Command> {
        self.notice = Some(Notice::failure(text));
        self.phase = Phase::Failed;
        Vec::new()
    }

    /// The worker crashed: says so, remembers a WebGPU failure (runs on `auto` then train on the
    /// CPU), and has the page start a new worker with the shown data loaded again.
    pub fn worker_crashed(&mut self, message: &str) -> Vec<Command> {
        let on_gpu = self.is_training()
            && self.backend.as_ref().is_some_and(|b| b.name.starts_with("WebGPU"));
        let next = if on_gpu {
            self.gpu_failed = Some(message.to_string());
            "; from now on runs with backend 'auto' train on the CPU (reload the page to try WebGPU again)"
        } else {
            ""
        };
        self.notice = Some(Notice::crash(format!(
            "the run was ended: the training worker crashed ({message}); it was restarted and the data loaded again{next}"
        )));
        self.phase = Phase::Failed;
        let options = self.dataset.as_ref().map(|d| d.options.clone()).unwrap_or_default();
        vec![Command::RestartWorker(options)]
    }
}
