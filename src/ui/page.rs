//! The page's hold on the run view ([`crate::view`]): one signal that only the view's methods
//! change, the read-only slices components draw from, the narrow [`Handle`] components get,
//! and the view's commands carried out.

use std::sync::Arc;

use leptos::prelude::*;

use super::{client, runs, share, speeds};
use crate::protocol::{FromWorker, ToWorker};
use crate::training::leaderboard::Leaderboard;
use crate::training::{EpochReport, Launches, RunResult, Settings};
use crate::view::history::RunRecord;
use crate::view::{Action, Backend, Command, Dataset, Notice, RunView, Status};

/// The run view in one signal, changed only through the view's event and action methods.
#[derive(Clone, Copy)]
pub struct Page {
    view: RwSignal<RunView>,
}

impl Page {
    pub fn new(settings: Settings) -> Self {
        Self { view: RwSignal::new(RunView::new(settings)) }
    }

    /// Applies one message from the worker.
    pub fn receive(self, message: FromWorker) {
        self.change(|view| view.receive(message));
    }

    /// Applies one person action.
    pub fn act(self, action: Action) {
        self.change(|view| view.act(action));
    }

    /// A load that failed in the page (fetch, read, parse, the worker's start).
    pub fn fail(self, text: String) {
        self.act(Action::Fail(text));
    }

    /// Shows a table the page parsed itself.
    pub fn shown(self, dataset: Dataset) {
        self.change(|view| view.shown(dataset));
    }

    /// Numbers a new load for the worker.
    pub fn next_load(self) -> u64 {
        self.view.try_update(RunView::next_load).unwrap_or_default()
    }

    /// What components get: read-only slices and actions. Made once (each call makes new memos).
    pub fn handle(self) -> Handle {
        Handle { view: Slices::of(self.view), page: self }
    }

    fn change(self, change: impl FnOnce(&mut RunView) -> Vec<Command>) {
        for command in self.view.try_update(change).unwrap_or_default() {
            self.run(command);
        }
    }

    /// Does what the view asked for outside itself.
    fn run(self, command: Command) {
        match command {
            Command::Send(message) => client::send(&message, None),
            Command::Train { settings, gpu_failed } => client::send(
                &ToWorker::Train { settings, known: speeds::known(), gpu_failed },
                None,
            ),
            Command::ReadData(options) => client::read_chosen(self, options),
            Command::ReadModelFile => client::read_model(self),
            Command::DataLoaded => client::loaded(),
            Command::RestartWorker(options) => client::restart(self, options),
            Command::ReadRuns { key } => {
                let read = runs::read(&key);
                self.change(|view| view.runs_read(read));
            }
            Command::RecordRun { from_model_file } => {
                let (now, finished) = (js_sys::Date::now() as u64, runs::local_time());
                self.change(|view| view.record_run(now, finished, from_model_file));
            }
            Command::SaveRuns { key, runs } => {
                if let Err(message) = runs::write(&key, &runs) {
                    let text =
                        format!("the Runs table could not be kept for the next visit: {message}");
                    self.act(Action::Refuse(text));
                }
            }
            Command::Download(file) => {
                if let Err(message) = share::download_text(&file.text, file.name, file.mime) {
                    self.act(Action::Refuse(format!("{}: {message}", file.failure)));
                }
            }
            Command::KeepSpeed(measurement) => speeds::keep(measurement),
        }
    }
}

/// What a component may do: read slices of the view and send actions. Nothing else writes.
#[derive(Clone, Copy)]
pub struct Handle {
    pub view: Slices,
    page: Page,
}

impl Handle {
    pub fn send(self, action: Action) {
        self.page.act(action);
    }

    /// A CSV file was picked or dropped.
    pub fn load_csv(self, file: web_sys::File) {
        client::choose_file(file);
        self.send(Action::LoadData);
    }

    /// A model file was picked.
    pub fn load_model(self, file: web_sys::File) {
        client::choose_model(file);
        self.send(Action::LoadModel);
    }
}

/// The view's parts as read-only memos: each notifies only when its part changes (the large
/// parts are compared by pointer), so progress ticks do not redraw charts or tables.
#[derive(Clone, Copy)]
pub struct Slices {
    pub status: Memo<Status>,
    pub status_text: Memo<String>,
    /// Seconds per epoch and the time left, while training.
    pub eta: Memo<Option<String>>,
    /// What the tab's title starts with while a run is under way.
    pub title_prefix: Memo<Option<String>>,
    pub notice: Memo<Option<Notice>>,
    /// Notifies on every accepted write, even one that leaves the settings equal, so the form
    /// shows them as they are held.
    pub settings: Memo<Arc<Settings>>,
    pub dataset: Memo<Option<Arc<Dataset>>>,
    pub result: Memo<Option<Arc<RunResult>>>,
    /// The shown result's number: a new run shows a new number.
    pub result_number: Memo<Option<u64>>,
    pub history: Memo<Arc<Vec<EpochReport>>>,
    pub runs: Memo<Arc<Vec<RunRecord>>>,
    /// (epochs done, epochs asked for)
    pub epoch: Memo<(usize, usize)>,
    pub progress: Memo<f64>,
    pub backend: Memo<Option<Backend>>,
    pub launches: Memo<Option<Launches>>,
    /// The settings search's leaderboard: the running search's or the shown result's.
    pub leaderboard: Memo<Option<Leaderboard>>,
}

impl Slices {
    fn of(view: RwSignal<RunView>) -> Self {
        Self {
            status: Memo::new(move |_| view.with(RunView::status)),
            status_text: Memo::new(move |_| view.with(RunView::status_text)),
            eta: Memo::new(move |_| view.with(RunView::eta)),
            title_prefix: Memo::new(move |_| view.with(RunView::title_prefix)),
            notice: Memo::new(move |_| view.with(|v| v.notice().cloned())),
            settings: Memo::new_with_compare(
                move |_| view.with(|v| Arc::clone(v.settings())),
                changed_shared,
            ),
            dataset: Memo::new_with_compare(
                move |_| view.with(|v| v.dataset().cloned()),
                changed_optional,
            ),
            result: Memo::new_with_compare(
                move |_| view.with(|v| v.result().cloned()),
                changed_optional,
            ),
            result_number: Memo::new(move |_| view.with(RunView::result_number)),
            history: Memo::new_with_compare(
                move |_| view.with(|v| Arc::clone(v.history())),
                changed_shared,
            ),
            runs: Memo::new_with_compare(
                move |_| view.with(|v| Arc::clone(v.runs())),
                changed_shared,
            ),
            epoch: Memo::new(move |_| view.with(RunView::epoch)),
            progress: Memo::new(move |_| view.with(RunView::progress)),
            backend: Memo::new(move |_| view.with(|v| v.backend().cloned())),
            launches: Memo::new(move |_| view.with(RunView::launches)),
            leaderboard: Memo::new(move |_| view.with(|v| v.leaderboard().cloned())),
        }
    }
}

/// Whether a shared part was replaced.
fn changed_shared<T>(old: Option<&Arc<T>>, new: Option<&Arc<T>>) -> bool {
    !matches!((old, new), (Some(old), Some(new)) if Arc::ptr_eq(old, new))
}

/// Whether an optional shared part was replaced, added or removed.
fn changed_optional<T>(old: Option<&Option<Arc<T>>>, new: Option<&Option<Arc<T>>>) -> bool {
    match (old, new) {
        (Some(Some(old)), Some(Some(new))) => !Arc::ptr_eq(old, new),
        (Some(None), Some(None)) => false,
        _ => true,
    }
}
