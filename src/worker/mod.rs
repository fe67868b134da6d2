//! The training worker: parses files and trains off the page's thread, so the page never freezes.
//!
//! `public/worker.js` loads this same wasm module in a module Worker and calls [`worker_main`].

mod backend;
mod diagnostics;
mod error;
mod helpers;
mod launches;

use std::cell::{Cell, RefCell};

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::data::Table;
use crate::data::parse::{ParseOptions, parse_csv_reporting};
use crate::data::scaling::MinMaxScaler;
use crate::model::StackedLstm;
use crate::protocol::{FromWorker, ToWorker};
use crate::training::leaderboard::Leaderboard;
use crate::training::model_file::ModelFile;
use crate::training::run::{evaluate_saved, run};
use crate::training::shares::SHARES;
use crate::training::speed::SpeedMeasurement;
use crate::training::{
    BackendChoice, BatchProgress, EpochReport, Settings, TrainError, TrainingHost,
};
use error::WorkerError;

unsafe extern "C" {
    fn __wasm_call_ctors();
}

/// Runs the module's static constructors (cubecl's kernel registry) exactly once. Without this
/// explicit call the linker re-runs them on every call into wasm, making training ~35× slower.
pub fn run_static_constructors_once() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| unsafe { __wasm_call_ctors() });
}

thread_local! {
    static STOP: Cell<bool> = const { Cell::new(false) };
    /// The machine's logical cores, as the browser reports them.
    static CORES: Cell<usize> = const { Cell::new(1) };
    /// The last table parsed: what the page shows, so training needs no copy of it.
    static LAST_TABLE: RefCell<Option<Table>> = const { RefCell::new(None) };
    /// The name and bytes of the file that table came from, to parse again with other choices.
    static LAST_FILE: RefCell<Option<(String, Vec<u8>)>> = const { RefCell::new(None) };
    /// The last trained model, for SaveModel.
    static LAST_MODEL: RefCell<Option<Trained>> = const { RefCell::new(None) };
}

/// A trained model with what a model file keeps beside its weights: its settings, its inputs'
/// scalers and the bar size of the data it learnt.
#[derive(Clone)]
struct Trained {
    model: StackedLstm,
    settings: Settings,
    scalers: Vec<MinMaxScaler>,
    bar: Option<String>,
}

/// Entry point called by `worker.js` once the module is loaded, with the function that starts a
/// helper worker and the machine's logical cores (`navigator.hardwareConcurrency`).
#[wasm_bindgen]
pub fn worker_main(spawn_helper: js_sys::Function, cores: usize) {
    run_static_constructors_once();
    console_error_panic_hook::set_once();
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(handle);
    scope().set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    helpers::keep_spawner(spawn_helper);
    CORES.set(cores.max(1));
    helpers::start(auto_workers() - 1);
    post(&FromWorker::Ready);
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(message: &FromWorker) {
    // Posting a string to our own page cannot fail short of the page being gone.
    let _ = scope().post_message(&JsValue::from_str(&message.to_json()));
}

/// Posts a parsed table with its numbers as transferred typed arrays beside the JSON.
fn post_parsed(mut message: FromWorker) {
    let FromWorker::Parsed { table, .. } = &mut message else { return post(&message) };
    let (stamps, columns) = table.take_values();
    let object = js_sys::Object::new();
    let transfer = js_sys::Array::new();
    let arrays = js_sys::Array::new();
    for values in &columns {
        let array = js_sys::Float64Array::from(values.as_slice());
        transfer.push(&array.buffer());
        arrays.push(&array);
    }
    let _ = Reflect::set(&object, &"json".into(), &message.to_json().into());
    let _ = Reflect::set(&object, &"columns".into(), &arrays);
    if let Some(stamps) = stamps {
        let array = js_sys::Float64Array::from(stamps.as_slice());
        transfer.push(&array.buffer());
        let _ = Reflect::set(&object, &"stamps".into(), &array);
    }
    let _ = scope().post_message_with_transfer(&object, &transfer);
}

/// Size of this module's linear memory: it only grows, so this is the peak so far.
fn wasm_memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    memory.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length() as f64
}

/// Parses a file and posts the table (only its name when the page `shown` it already) or the
/// refusal; a file that parses is kept (bytes and table) for Reparse, Train and LoadModel.
fn parse_file(file_name: String, bytes: Vec<u8>, options: ParseOptions, shown: bool, load: u64) {
    let started = js_sys::Date::now();
    let total = bytes.len().max(1) as f64;
    let parsed = parse_csv_reporting(&bytes, &options, &mut |at| {
        post(&FromWorker::ParseProgress { percent: 100.0 * at as f64 / total });
    });
    let seconds = (js_sys::Date::now() - started) / 1000.0;
    let memory_bytes = wasm_memory_bytes();
    match parsed {
        Ok(table) => {
            LAST_TABLE.set(Some(table.clone()));
            LAST_FILE.set(Some((file_name.clone(), bytes)));
            if shown {
                post(&FromWorker::Kept { file_name })
            } else {
                post_parsed(FromWorker::Parsed {
                    file_name,
                    table,
                    seconds,
                    memory_bytes,
                    options,
                    load,
                })
            }
        }
        Err(error) => {
            post(&FromWorker::ParseFailed { file_name, message: error.to_string(), load })
        }
    }
}

fn handle(event: MessageEvent) {
    let data = event.data();
    let json =
        Reflect::get(&data, &"json".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
    match serde_json::from_str::<ToWorker>(&json) {
        Ok(ToWorker::Stop) => STOP.set(true),
        Ok(ToWorker::Parse { file_name, options, shown, load }) => {
            let bytes = Reflect::get(&data, &"bytes".into())
                .map(|b| Uint8Array::new(&b).to_vec())
                .unwrap_or_default();
            parse_file(file_name, bytes, options, shown, load);
        }
        Ok(ToWorker::Reparse { options, load }) => match LAST_FILE.with_borrow(Clone::clone) {
            Some((file_name, bytes)) => parse_file(file_name, bytes, options, false, load),
            None => post(&FromWorker::Failed { message: WorkerError::NoTable.to_string() }),
        },
        Ok(ToWorker::Train { settings, known, gpu_failed }) => {
            STOP.set(false);
            if let Some(reason) = gpu_failed {
                backend::mark_failed(format!("it failed in an earlier run on this page: {reason}"));
            }
            wasm_bindgen_futures::spawn_local(async move {
                post(&match train(settings, known).await {
                    Ok(result) => FromWorker::Done { result },
                    Err(error) => FromWorker::Failed { message: error.to_string() },
                });
            });
        }
        Ok(ToWorker::SaveModel) => wasm_bindgen_futures::spawn_local(async {
            post(&match save_model().await {
                Ok(file) => FromWorker::ModelSaved { file },
                Err(error) => {
                    FromWorker::Failed { message: format!("the model could not be saved: {error}") }
                }
            });
        }),
        Ok(ToWorker::LoadModel { file }) => wasm_bindgen_futures::spawn_local(async move {
            let loaded = async {
                let table = last_table()?;
                let file = ModelFile::parse(&file)?;
                // A loaded model's bands are calibrated to the end: no Stop applies to a load.
                STOP.set(false);
                let device = burn::tensor::Device::flex();
                let result = evaluate_saved(&file, &table, &device, &mut WorkerHost::new()).await?;
                Ok::<_, WorkerError>(FromWorker::ModelLoaded { settings: file.settings, result })
            };
            // The page's boundary: errors become the sentences it shows.
            post(&loaded.await.unwrap_or_else(|error| FromWorker::Failed {
                message: format!("the model was not loaded: {error}"),
            }));
        }),
        Ok(ToWorker::CheckRecurrence { hidden }) => wasm_bindgen_futures::spawn_local(async move {
            post(
                &diagnostics::check_recurrence(&hidden)
                    .await
                    .unwrap_or_else(|error| FromWorker::Failed { message: error.to_string() }),
            );
        }),
        Ok(ToWorker::CountLaunches { settings }) => wasm_bindgen_futures::spawn_local(async move {
            post(
                &diagnostics::count_launches(&settings)
                    .await
                    .unwrap_or_else(|error| FromWorker::Failed { message: error.to_string() }),
            );
        }),
        Err(error) => post(&FromWorker::Failed {
            message: format!("internal error: unreadable message to the worker: {error}"),
        }),
    }
}

fn last_table() -> Result<Table, WorkerError> {
    LAST_TABLE.with_borrow(|table| table.clone()).ok_or(WorkerError::NoTable)
}

async fn train(
    settings: Settings,
    known: Vec<SpeedMeasurement>,
) -> Result<crate::training::RunResult, WorkerError> {
    let table = last_table()?;
    let asked = settings.workers.unwrap_or_else(auto_workers);
    let helpers = match settings.backend {
        BackendChoice::WebGpu => 0,
        _ => helpers::ensure(asked - 1, HELPER_PATIENCE_MS).await,
    };
    let workers = 1 + helpers;
    let run_settings = Settings { workers: Some(workers), ..settings.clone() };
    let cpu_name = cpu_name(workers);
    let mut host = WorkerHost::new();
    let mut chosen = backend::choose(&run_settings, &cpu_name, &known, &table, &mut host).await?;
    if !chosen.on_gpu() && workers < asked {
        chosen.note += &format!("; {asked} workers asked for, {workers} started");
    }
    if let Some(measurement) = chosen.measured.clone() {
        post(&FromWorker::SpeedMeasured { measurement });
    }
    post(&FromWorker::Backend { name: chosen.name.clone(), note: chosen.note.clone() });
    host.count_launches = chosen.on_gpu();
    host.started_ms = js_sys::Date::now();
    let device = chosen.device.clone().autodiff();
    let finished = match run(&table, &run_settings, &device, &mut host).await {
        Ok(finished) => finished,
        Err(error) => {
            if chosen.on_gpu() && !backend::still_works(&chosen.device).await {
                backend::mark_failed(format!("it stopped working in an earlier run: {error}"));
                return Err(WorkerError::WebGpuStopped(error));
            }
            return Err(error.into());
        }
    };
    let bar = table.clock.frequency();
    LAST_MODEL.set(Some(Trained {
        model: finished.model,
        // A search's run saves its winner's settings.
        settings: Settings { workers: settings.workers, ..finished.settings },
        scalers: finished.scalers,
        bar,
    }));
    Ok(finished.result)
}

/// The last trained model as a model file's text.
async fn save_model() -> Result<String, WorkerError> {
    let last = LAST_MODEL.with_borrow(|last| last.clone());
    let Trained { model, settings, scalers, bar } = last.ok_or(WorkerError::NoModel)?;
    let file = ModelFile::from_model(&model, &settings, &scalers, bar).await?;
    Ok(serde_json::to_string(&file)?)
}

/// How long a run waits for helper workers still loading (they change the speed of a run, not
/// its numbers).
const HELPER_PATIENCE_MS: f64 = 3000.0;

/// Longest stretch of training between two turns of the worker's event loop.
const PAUSE_EVERY_MS: f64 = 50.0;

/// Least time between two progress messages: a smooth bar without flooding the page.
const PROGRESS_EVERY_MS: f64 = 100.0;

/// `workers=auto`: a worker per core, up to the shares a batch is cut into (more would idle).
fn auto_workers() -> usize {
    CORES.get().min(SHARES)
}

/// The CPU backend's name in the page: "CPU (6 workers)".
fn cpu_name(workers: usize) -> String {
    match workers {
        1 => "CPU (1 worker)".into(),
        n => format!("CPU ({n} workers)"),
    }
}

struct WorkerHost {
    started_ms: f64,
    last_pause_ms: f64,
    last_progress_ms: f64,
    /// When the bands' calibration began.
    calibration_started_ms: f64,
    helpers: helpers::WorkerHelpers,
    /// Training on WebGPU: kernel launches are counted.
    count_launches: bool,
}

impl WorkerHost {
    /// A host for a run (or a loaded model's evaluation) starting now.
    fn new() -> Self {
        let now = js_sys::Date::now();
        Self {
            started_ms: now,
            last_pause_ms: now,
            last_progress_ms: now,
            calibration_started_ms: now,
            helpers: helpers::WorkerHelpers::default(),
            count_launches: false,
        }
    }

    /// Whether a progress message goes out at `now`: `always`, or [`PROGRESS_EVERY_MS`] after
    /// the last.
    fn progress_due(&mut self, now: f64, always: bool) -> bool {
        let due = always || now - self.last_progress_ms >= PROGRESS_EVERY_MS;
        if due {
            self.last_progress_ms = now;
        }
        due
    }
}

impl TrainingHost for WorkerHost {
    type Helpers = helpers::WorkerHelpers;
    fn helpers(&mut self) -> &mut helpers::WorkerHelpers {
        &mut self.helpers
    }

    fn worker_lost(&mut self, workers: usize, error: &TrainError) {
        post(&FromWorker::Backend {
            name: cpu_name(workers),
            note: format!(
                "{error}; the run goes on with the workers that remain, and the same numbers"
            ),
        });
    }

    fn report(&mut self, report: &EpochReport) {
        let seconds = (js_sys::Date::now() - self.started_ms) / 1000.0;
        post(&FromWorker::Epoch { report: report.clone(), seconds });
    }

    fn progress(&mut self, progress: &BatchProgress) {
        if self.progress_due(js_sys::Date::now(), false) {
            post(&FromWorker::Progress { progress: *progress });
        }
    }

    fn calibrating(&mut self, done: usize, total: usize) {
        let now = js_sys::Date::now();
        if done == 0 {
            self.calibration_started_ms = now;
        }
        if self.progress_due(now, done == 0 || done == total) {
            let seconds = (now - self.calibration_started_ms) / 1000.0;
            post(&FromWorker::Calibrating { done, total, seconds });
        }
    }

    fn stop_requested(&self) -> bool {
        STOP.get()
    }

    async fn pause(&mut self) {
        yield_when_due(&mut self.last_pause_ms).await;
    }

    fn launches(&self) -> Option<u64> {
        self.count_launches.then(launches::issued)
    }

    fn seconds(&self) -> f64 {
        js_sys::Date::now() / 1000.0
    }

    fn searched(&mut self, board: &Leaderboard) {
        post(&FromWorker::Searched { board: Box::new(board.clone()) });
    }

    fn stop_handled(&mut self) {
        STOP.set(false);
    }
}

/// Gives the event loop a turn (so a Stop message can arrive) when the last was at least
/// [`PAUSE_EVERY_MS`] ago.
async fn yield_when_due(last_pause_ms: &mut f64) {
    if js_sys::Date::now() - *last_pause_ms >= PAUSE_EVERY_MS {
        gloo::timers::future::TimeoutFuture::new(0).await;
        *last_pause_ms = js_sys::Date::now();
    }
}
