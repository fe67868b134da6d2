//! The page: a thin leptos layer over the worker. It holds signals, draws, and sends messages.

mod client;
mod data_panel;
mod loss_chart;
mod price_chart;
mod results;
mod runs;
mod settings_form;
mod share;
mod speeds;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::data::Table;
use crate::data::parse::ParseOptions;
use crate::evaluation::runs::RunRecord;
use crate::protocol::{FromWorker, RunResult};
use crate::training::{BatchProgress, EpochReport, Settings};

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

/// What the error line shows, which decides what clears it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A failed load or run: the next good load replaces it.
    Failure,
    /// A refused setting (or a chart that could not be drawn): stands until the setting is fixed.
    Setting,
    /// The worker crashed and was restarted: stands over the reload that follows.
    Crash,
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
    /// The choices it was parsed with (ticker, day order), changed to parse it again.
    pub options: ParseOptions,
}

/// Every piece of page state, as signals that components read and the worker's messages write.
#[derive(Clone, Copy)]
pub struct AppState {
    pub settings: RwSignal<Settings>,
    pub dataset: RwSignal<Option<Dataset>>,
    pub status: RwSignal<Status>,
    pub error: RwSignal<Option<String>>,
    /// What the shown error is, which decides what clears it.
    pub error_kind: RwSignal<ErrorKind>,
    /// Why WebGPU failed in this page's last run on it, if it did: `auto` then trains on the CPU.
    pub gpu_failed: RwSignal<Option<String>>,
    /// (epochs done, epochs asked for)
    pub epoch: RwSignal<(usize, usize)>,
    pub seconds: RwSignal<f64>,
    /// Backend name and why it was chosen.
    pub backend: RwSignal<Option<(String, String)>>,
    pub history: RwSignal<Vec<EpochReport>>,
    /// The latest epoch of a backtest fold, while one trains.
    pub backtest_epoch: RwSignal<Option<EpochReport>>,
    /// Percent of a large file parsed so far, while it loads.
    pub parse_percent: RwSignal<Option<f64>>,
    pub result: RwSignal<Option<RunResult>>,
    /// Percent of the run done (training, then each backtest fold), for the progress bar.
    pub progress: RwSignal<f64>,
    /// The Runs table of the loaded data, newest first.
    pub runs: RwSignal<Vec<RunRecord>>,
}

impl AppState {
    fn new(settings: Settings) -> Self {
        Self {
            settings: RwSignal::new(settings),
            dataset: RwSignal::new(None),
            status: RwSignal::new(Status::Loading),
            error: RwSignal::new(None),
            error_kind: RwSignal::new(ErrorKind::Failure),
            gpu_failed: RwSignal::new(None),
            epoch: RwSignal::new((0, 0)),
            seconds: RwSignal::new(0.0),
            backend: RwSignal::new(None),
            history: RwSignal::new(Vec::new()),
            backtest_epoch: RwSignal::new(None),
            parse_percent: RwSignal::new(None),
            result: RwSignal::new(None),
            progress: RwSignal::new(0.0),
            runs: RwSignal::new(Vec::new()),
        }
    }

    /// Shows a failed load or run; `status` becomes `error`.
    pub fn fail(&self, message: String) {
        self.error.set(Some(message));
        self.error_kind.set(ErrorKind::Failure);
        self.status.set(Status::Error);
    }

    /// Shows a refused setting (or a chart that could not be drawn); `status` is unchanged.
    pub fn refuse(&self, message: String) {
        self.error.set(Some(message));
        self.error_kind.set(ErrorKind::Setting);
    }

    /// The worker crashed: says so, remembers a WebGPU failure, and starts a new worker with
    /// the data loaded again, so the page stays usable.
    fn recover(&self, message: String) {
        let on_gpu = self.status.get_untracked() == Status::Training
            && self
                .backend
                .with_untracked(|b| b.as_ref().is_some_and(|(name, _)| name.starts_with("WebGPU")));
        let next = if on_gpu {
            self.gpu_failed.set(Some(message.clone()));
            "; from now on runs with backend 'auto' train on the CPU (reload the page to try WebGPU again)"
        } else {
            ""
        };
        self.fail(format!("the run was ended: the training worker crashed ({message}); it was restarted and the data loaded again{next}"));
        self.error_kind.set(ErrorKind::Crash);
        client::restart(*self);
    }

    /// Shows a table that parsed (here or in the worker) as the data of the next run.
    pub fn show(&self, dataset: Dataset) {
        self.parse_percent.set(None);
        self.dataset.set(Some(dataset));
        runs::load(*self);
        self.result.set(None);
        self.history.set(Vec::new());
        self.epoch.set((0, 0));
        client::loaded();
        // A failed load or run is over once a file loads; a refused setting still stands,
        // and a crash is told until the reload that follows it is done.
        match self.error_kind.get_untracked() {
            ErrorKind::Failure => self.error.set(None),
            ErrorKind::Setting => {}
            ErrorKind::Crash => self.error_kind.set(ErrorKind::Failure),
        }
        self.status.set(Status::Idle);
    }

    /// Moves the progress bar to where training is (a backtest's folds are shares of the run).
    fn show_progress(&self, progress: BatchProgress) {
        let folds = self.settings.with_untracked(|s| if s.backtest { s.folds } else { 0 });
        self.progress.set(progress.percent(folds));
    }

    /// Applies one message from the worker.
    fn apply(&self, message: FromWorker) {
        match message {
            FromWorker::Ready => {}
            FromWorker::Parsed { load, .. } | FromWorker::ParseFailed { load, .. }
                if !client::is_current(load) => {}
            FromWorker::Parsed { file_name, table, seconds, memory_bytes, options, .. } => self
                .show(Dataset {
                    file_name,
                    table,
                    seconds,
                    memory_bytes: Some(memory_bytes),
                    options,
                }),
            FromWorker::Kept { .. } => {}
            FromWorker::ParseProgress { percent } => self.parse_percent.set(Some(percent)),
            FromWorker::ParseFailed { file_name, message, .. } => {
                self.parse_percent.set(None);
                self.fail(format!("{file_name} was not loaded: {message}"));
            }
            FromWorker::Backend { name, note } => self.backend.set(Some((name, note))),
            FromWorker::SpeedMeasured { measurement } => speeds::keep(measurement),
            FromWorker::Epoch { report, .. } if report.fold.is_some() => {
                self.show_progress(BatchProgress::after(&report));
                self.backtest_epoch.set(Some(report));
            }
            FromWorker::Progress { progress } => self.show_progress(progress),
            FromWorker::Epoch { report, seconds } => {
                self.show_progress(BatchProgress::after(&report));
                self.epoch.set((report.epoch, report.epochs));
                self.seconds.set(seconds);
                self.history.update(|h| h.push(report));
            }
            FromWorker::Done { result } => {
                self.backtest_epoch.set(None);
                self.epoch.update(|(done, _)| *done = result.epochs_done);
                self.result.set(Some(result));
                self.progress.set(100.0);
                self.status.set(Status::Done);
                runs::record(*self, false);
            }
            FromWorker::ModelSaved { file } => {
                if let Err(message) =
                    share::download_text(&file, "stocklstm-model.json", "application/json")
                {
                    self.refuse(format!("the model could not be saved: {message}"));
                }
            }
            FromWorker::ModelLoaded { mut settings, result } => {
                // The data stays as loaded: the model's own bars= and last= described its data.
                let (bars, last) = self.settings.with_untracked(|s| (s.bars, s.last));
                (settings.bars, settings.last) = (bars, last);
                self.settings.set(settings);
                self.history.set(Vec::new());
                self.epoch.set((0, 0));
                self.backend
                    .set(Some(("CPU".into(), "a saved model, evaluated without training".into())));
                self.result.set(Some(result));
                self.error.set(None);
                self.progress.set(100.0);
                self.status.set(Status::Done);
                runs::record(*self, true);
            }
            FromWorker::Failed { message } => self.fail(message),
            FromWorker::Crashed { message } => self.recover(message),
            // Answers to the diagnostics messages, which the page never sends.
            FromWorker::RecurrenceChecked { .. } | FromWorker::LaunchesCounted { .. } => {}
        }
    }
}

/// Replaces the static shell in `index.html` (`#app`, what paints before any wasm arrives) with
/// the app; mounts on the body if there is no shell.
pub fn mount() {
    let shell =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app"));
    match shell.and_then(|shell| shell.dyn_into::<web_sys::HtmlElement>().ok()) {
        Some(shell) => {
            shell.set_inner_html("");
            leptos::mount::mount_to(shell, App).forget();
        }
        None => leptos::mount::mount_to_body(App),
    }
}

/// While training, the tab's title starts with the percent done ("37% · StockLSTM"), so a run
/// in a background tab can be watched from the tab strip.
fn show_progress_in_title(state: AppState) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let title = document.title();
    Effect::new(move |_| {
        let shown = match state.status.get() {
            Status::Training => format!("{:.0}% · StockLSTM", state.progress.get()),
            _ => title.clone(),
        };
        document.set_title(&shown);
    });
}

#[component]
fn App() -> impl IntoView {
    let query = settings_form::page_query();
    let (settings, errors) = Settings::from_query(&query);
    let data_url = crate::query::data_url(&query);
    let state = AppState::new(settings);
    if !errors.is_empty() {
        let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
        state.refuse(format!(
            "the link's settings were not all valid, defaults kept for: {}",
            errors.join("; ")
        ));
    }
    settings_form::keep_url_in_sync(state, data_url.clone());
    show_progress_in_title(state);
    client::start(state, data_url);
    view! {
        <header>
            <h1>"StockLSTM"</h1>
            <p class="tagline">"Train a stacked LSTM on a stock price history, in this tab. Your data never leaves the browser."</p>
        </header>
        <p data-testid="error" class="error" hidden=move || state.error.get().is_none()>
            {move || state.error.get().unwrap_or_default()}
        </p>
        <main>
            <aside>
                <data_panel::DataPanel state=state />
                <settings_form::SettingsForm state=state />
            </aside>
            <section class="results">
                <results::Results state=state />
            </section>
        </main>
    }
}
