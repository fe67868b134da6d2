//! What each person action does to the view: loading data, changing settings, training,
//! stopping, saving and loading models, exporting results.

use std::sync::Arc;

use super::export::results_csv;
use super::{Action, Command, Download, Notice, Phase, RunView};
use crate::data::parse::ParseOptions;
use crate::protocol::ToWorker;
use crate::training::Settings;

impl RunView {
    /// Applies one person action.
    pub fn act(&mut self, action: Action) -> Vec<Command> {
        match action {
            Action::LoadData => self.load_started(),
            Action::ChooseTicker(ticker) => self.reparse(|o| o.ticker = Some(ticker)),
            Action::ChooseDayOrder(order) => self.reparse(|o| o.day_order = Some(order)),
            Action::SetSetting { key, value } => self.setting_changed(key, &value),
            Action::Refuse(text) => self.setting_refused(text),
            Action::Fail(text) => self.failed(text),
            Action::Train => self.train_started(),
            Action::Stop => self.stop_pressed(),
            Action::SaveModel => self.save_model_pressed(),
            Action::LoadModel => self.model_load_started(),
            Action::ExportResults => self.results_exported(),
            Action::RestoreRun(id) => self.run_restored(id),
            Action::ApplyTrial(number) => self.trial_applied(number),
            Action::TogglePin(id) => self.run_pin_toggled(id),
            Action::DeleteRun(id) => self.run_deleted(id),
            Action::ExportRuns => self.runs_exported(),
        }
    }

    /// The page opened, or a file was picked or dropped: it is read and parsed with no choices
    /// about tickers or day order, and the settings' `bars=` and `last=`. Ignored while a load or
    /// a run is under way.
    pub fn load_started(&mut self) -> Vec<Command> {
        if self.is_busy() {
            return Vec::new();
        }
        self.phase = Phase::Loading;
        vec![Command::ReadData(self.fresh_options())]
    }

    /// The shown file is parsed again with a changed choice (ticker, day order, bars).
    pub fn reparse(&mut self, change: impl FnOnce(&mut ParseOptions)) -> Vec<Command> {
        let Some(mut options) = self.dataset.as_ref().map(|d| d.options.clone()) else {
            return Vec::new();
        };
        change(&mut options);
        self.phase = Phase::Loading;
        let load = self.next_load();
        vec![Command::Send(ToWorker::Reparse { options, load })]
    }

    /// A setting typed in the form: applied (ending a refused setting's notice; `bars` and `last`
    /// reshape the loaded data, which is parsed again), or refused with a message.
    pub fn setting_changed(&mut self, key: &str, value: &str) -> Vec<Command> {
        let mut settings = Settings::clone(&self.settings);
        if let Err(error) = settings.set(key, value) {
            return self.setting_refused(error.to_string());
        }
        self.settings = Arc::new(settings);
        self.notice = self.notice.take().and_then(Notice::after_setting_accepted);
        if matches!(key, "bars" | "last") {
            let reshape = self.settings.reshape();
            return self.reparse(|options| options.reshape = reshape);
        }
        Vec::new()
    }

    /// A refused setting, or something the page could not do: told until a setting is accepted;
    /// the phase is unchanged.
    pub fn setting_refused(&mut self, text: String) -> Vec<Command> {
        self.notice = Some(Notice::setting(text));
        Vec::new()
    }

    /// Train pressed: refused (as a failure) when there is no data or the settings do not fit
    /// it; otherwise the last result, losses and backend go and the worker trains.
    pub fn train_started(&mut self) -> Vec<Command> {
        if self.is_training() {
            return Vec::new();
        }
        let checked = match &self.dataset {
            Some(dataset) => self.settings.check(&dataset.table).map_err(|e| e.to_string()),
            None => Err("load a CSV file first".to_string()),
        };
        if let Err(message) = checked {
            return self.failed(message);
        }
        self.notice = None;
        self.result = None;
        self.history = Arc::default();
        self.backtest_epoch = None;
        self.calibration = None;
        self.search = None;
        self.backend = None;
        self.epoch = (0, self.settings.epochs);
        self.seconds = 0.0;
        self.progress = 0.0;
        self.phase = if self.settings.search { Phase::Searching } else { Phase::Training };
        vec![Command::Train {
            settings: Settings::clone(&self.settings),
            gpu_failed: self.gpu_failed.clone(),
        }]
    }

    /// Apply pressed on a leaderboard row: the trial's settings, with the epochs it chose, go
    /// into the form (and so the address bar); the data's own settings stay.
    pub fn trial_applied(&mut self, number: usize) -> Vec<Command> {
        let Some(trial) =
            self.leaderboard().and_then(|b| b.trials.iter().find(|t| t.number == number))
        else {
            return Vec::new();
        };
        let settings = self.with_own_machine(trial.chosen_settings());
        self.settings = Arc::new(settings);
        self.notice = self.notice.take().and_then(Notice::after_setting_accepted);
        Vec::new()
    }

    /// `settings` (a search's, as the worker ran them) with this page's data and machine
    /// settings: `bars`, `last`, `backend` and `workers` as the person set them.
    pub(super) fn with_own_machine(&self, settings: Settings) -> Settings {
        let own = &self.settings;
        Settings {
            bars: own.bars,
            last: own.last,
            backend: own.backend,
            workers: own.workers,
            ..settings
        }
    }

    /// Stop pressed: the worker ends the run and sends the model trained so far.
    pub fn stop_pressed(&mut self) -> Vec<Command> {
        if !self.is_training() {
            return Vec::new();
        }
        vec![Command::Send(ToWorker::Stop)]
    }

    pub fn save_model_pressed(&mut self) -> Vec<Command> {
        vec![Command::Send(ToWorker::SaveModel)]
    }

    /// A model file was picked: read and evaluated on the loaded data, or refused without data.
    pub fn model_load_started(&mut self) -> Vec<Command> {
        if self.dataset.is_none() {
            return self.failed("load a CSV file first, then the model to use on it".into());
        }
        self.phase = Phase::Loading;
        vec![Command::ReadModelFile]
    }

    /// Export CSV pressed: the actual prices, fits, forecast and bands of the shown result.
    pub fn results_exported(&mut self) -> Vec<Command> {
        let (Some(dataset), Some(result)) = (&self.dataset, &self.result) else {
            return Vec::new();
        };
        let target = dataset.table.target_or_default(self.settings.target.as_deref());
        vec![Command::Download(Download {
            text: results_csv(&dataset.table, &target.name, result, &self.settings.indicators),
            name: "stocklstm-results.csv",
            mime: "text/csv",
            failure: "the CSV could not be exported",
        })]
    }
}
