//! The Runs table in the view: recording a finished run, and restoring, pinning, deleting and
//! exporting runs. The page keeps the table in the browser's storage ([`Command::SaveRuns`]).

use std::sync::Arc;

use super::history::{RunContext, RunRecord, add, runs_csv};
use super::{Command, Download, RunView};
use crate::chart::scene::run_line;
use crate::training::Settings;

/// Points a pinned run keeps of its test fit and forecast.
const LINE_POINTS: usize = 2000;

impl RunView {
    /// The Runs table kept for the loaded data was read.
    pub fn runs_read(&mut self, runs: Vec<RunRecord>) -> Vec<Command> {
        self.runs = Arc::new(runs);
        Vec::new()
    }

    /// Adds the shown result to the Runs table, finished at `now_ms` (milliseconds since 1970)
    /// and `finished` on the person's clock (`YYYY-MM-DD HH:MM`); `from_model_file` marks a model
    /// loaded from a file. The table is then kept.
    pub fn record_run(
        &mut self,
        now_ms: u64,
        finished: String,
        from_model_file: bool,
    ) -> Vec<Command> {
        let (Some(dataset), Some(result)) = (&self.dataset, &self.result) else {
            return Vec::new();
        };
        let newest = self.runs.iter().map(|r| r.id).max().unwrap_or(0);
        let context = RunContext {
            id: now_ms.max(newest + 1),
            finished,
            backend: self.backend.as_ref().map(|b| b.name.clone()).unwrap_or_default(),
            seconds_per_epoch: (!from_model_file && result.epochs_done > 0)
                .then(|| self.seconds / result.epochs_done as f64),
            from_model_file,
            line: run_line(&dataset.table, result, LINE_POINTS),
        };
        // A search's run is its winner's settings.
        let winner = result.search.as_ref().and_then(|b| b.winner());
        let settings =
            winner.map_or_else(|| Settings::clone(&self.settings), |w| self.with_own_machine(w));
        let record = RunRecord::new(&settings, result, context);
        add(Arc::make_mut(&mut self.runs), record);
        self.save_runs()
    }

    /// Restore pressed: the run's settings go back into the form.
    pub fn run_restored(&mut self, id: u64) -> Vec<Command> {
        if let Some(run) = self.runs.iter().find(|r| r.id == id) {
            self.settings = Arc::new(run.settings.clone());
        }
        Vec::new()
    }

    /// Pin or Unpin pressed: the run is drawn over the chart, or no longer.
    pub fn run_pin_toggled(&mut self, id: u64) -> Vec<Command> {
        self.change_run(id, |runs, i| runs[i].pinned = !runs[i].pinned)
    }

    pub fn run_deleted(&mut self, id: u64) -> Vec<Command> {
        self.change_run(id, |runs, i| {
            runs.remove(i);
        })
    }

    /// Export runs pressed: the table as CSV.
    pub fn runs_exported(&mut self) -> Vec<Command> {
        vec![Command::Download(Download {
            text: runs_csv(&self.runs),
            name: "stocklstm-runs.csv",
            mime: "text/csv",
            failure: "the Runs table could not be exported",
        })]
    }

    fn change_run(
        &mut self,
        id: u64,
        edit: impl FnOnce(&mut Vec<RunRecord>, usize),
    ) -> Vec<Command> {
        if let Some(i) = self.runs.iter().position(|r| r.id == id) {
            edit(Arc::make_mut(&mut self.runs), i);
        }
        self.save_runs()
    }

    /// Keeps the table under the loaded data's key (nothing without data).
    fn save_runs(&self) -> Vec<Command> {
        match self.runs_key() {
            Some(key) => vec![Command::SaveRuns { key, runs: Arc::clone(&self.runs) }],
            None => Vec::new(),
        }
    }
}
