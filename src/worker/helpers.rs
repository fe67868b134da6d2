//! The helper workers: each computes shares of every CPU batch (see `training::shares`).
//!
//! The training worker starts them as a run needs them, through the function `worker.js` hands
//! it (the same wasm module, `worker.js?role=helper`, running [`helper_main`]). Messages are JSON
//! with the numbers beside it as transferred `Float32Array`s. A helper still loading when a run
//! starts is left out of it, and one that fails is dropped: either changes a run's speed, never
//! its numbers.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Float32Array, Function, Object, Promise, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, Worker};

use crate::data::windows::Prepared;
use crate::forecast::recursive::{Origins, Recompute};
use crate::model::ModelShape;
use crate::training::backtest::{FoldResult, fold_result};
use crate::training::shares::NoHelpers;
use crate::training::shares::{Examples, FlatShare, HelperModel, Helpers, ShareJob};
use crate::training::{EpochReport, Settings, TrainError, TrainingHost};

/// Training worker → helper.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum ToHelper {
    /// A new run; the training `series` and the `parameters` travel beside.
    Begin {
        shape: ModelShape,
        window: usize,
    },
    Start {
        jobs: Vec<ShareJob>,
        batch_len: usize,
    },
    /// A piece of the bands' calibration: `steps` ahead of each window, which travel beside,
    /// recomputing the indicator inputs as `recompute` says.
    Paths {
        steps: usize,
        recompute: Box<Recompute>,
    },
    /// A whole backtest fold to train and test alone.
    Fold {
        fold: Box<Prepared>,
        settings: Box<Settings>,
    },
    /// Stop the fold in progress.
    StopFold,
    /// New parameters travel beside.
    Sync,
}

/// Helper → training worker.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum FromHelper {
    Ready,
    /// The started shares' squared errors; their gradients travel beside, one after another.
    Shares {
        squared_errors: Vec<f64>,
    },
    /// The started piece's paths, `steps` of them, travel beside one after another.
    Paths {
        steps: usize,
    },
    /// The started piece failed.
    PathsFailed {
        message: String,
    },
    /// The fold's result (`None`: stopped before it had one).
    Fold {
        result: Result<Option<FoldResult>, String>,
    },
}

/// One helper worker as the training worker sees it.
#[derive(Clone)]
struct Slot {
    worker: Worker,
    state: Rc<RefCell<SlotState>>,
}

#[derive(Default)]
struct SlotState {
    ready: bool,
    failed: Option<String>,
    /// Settles the shares being awaited: (resolve, reject).
    awaiting: Option<(Function, Function)>,
}

thread_local! {
    /// The helper's model (in a helper worker).
    static MODEL: RefCell<Option<HelperModel>> = const { RefCell::new(None) };
    /// Starts a helper worker (from `worker.js`), in the training worker.
    static SPAWN: RefCell<Option<Function>> = const { RefCell::new(None) };
    /// The helper workers started so far, in the training worker.
    static SLOTS: RefCell<Vec<Slot>> = const { RefCell::new(Vec::new()) };
    /// The fold in progress should stop (in a helper worker).
    static STOP_FOLD: Cell<bool> = const { Cell::new(false) };
}

/// Keeps `worker.js`'s function that starts a helper worker.
pub fn keep_spawner(spawn: Function) {
    SPAWN.set(Some(spawn));
}

/// Starts helpers until `count` working ones exist (dropping failed ones), without waiting for
/// them: called when the worker starts, so the first run finds `auto`'s helpers loaded.
pub fn start(count: usize) {
    SLOTS.with_borrow_mut(|slots| {
        slots.retain(|slot| slot.state.borrow().failed.is_none());
        while slots.len() < count {
            let Some(slot) = spawn() else { break };
            slots.push(slot);
        }
    });
}

/// Makes sure `count` working helpers exist ([`start`]) and gives those still loading up to
/// `patience_ms` to get ready; returns how many are ready.
pub async fn ensure(count: usize, patience_ms: f64) -> usize {
    start(count);
    let counted = |keep: fn(&SlotState) -> bool| {
        SLOTS.with_borrow(|slots| {
            slots.iter().take(count).filter(|slot| keep(&slot.state.borrow())).count()
        })
    };
    let ready = |state: &SlotState| state.ready;
    let working = |state: &SlotState| state.failed.is_none();
    let since = js_sys::Date::now();
    while counted(ready) < counted(working) && js_sys::Date::now() - since < patience_ms {
        gloo::timers::future::TimeoutFuture::new(20).await;
    }
    counted(ready)
}

/// A new helper worker, listened to; `None` if it could not be started.
fn spawn() -> Option<Slot> {
    let worker: Worker =
        SPAWN.with_borrow(|spawn| spawn.as_ref()?.call0(&JsValue::NULL).ok())?.dyn_into().ok()?;
    let state = Rc::new(RefCell::new(SlotState::default()));
    let heard = state.clone();
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        let mut state = heard.borrow_mut();
        match json::<FromHelper>(&data) {
            Some(FromHelper::Ready) => state.ready = true,
            Some(
                FromHelper::Shares { .. }
                | FromHelper::Paths { .. }
                | FromHelper::PathsFailed { .. }
                | FromHelper::Fold { .. },
            ) => {
                if let Some((resolve, _)) = state.awaiting.take() {
                    let _ = resolve.call1(&JsValue::NULL, &data);
                }
            }
            None => fail(&mut state, "it sent an unreadable message".into()),
        }
    });
    worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    let heard = state.clone();
    let onerror = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        let detail = Reflect::get(&event, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_else(|| "it stopped".into());
        fail(&mut heard.borrow_mut(), detail);
    });
    worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
    onerror.forget();
    Some(Slot { worker, state })
}

/// Marks a helper failed and rejects what was awaited of it.
fn fail(state: &mut SlotState, detail: String) {
    state.ready = false;
    if let Some((_, reject)) = state.awaiting.take() {
        let _ = reject.call1(&JsValue::NULL, &detail.clone().into());
    }
    state.failed = Some(detail);
}

fn json<T: for<'de> Deserialize<'de>>(data: &JsValue) -> Option<T> {
    let text = Reflect::get(data, &"json".into()).ok()?.as_string()?;
    serde_json::from_str(&text).ok()
}

fn floats(data: &JsValue, name: &str) -> Vec<f32> {
    Reflect::get(data, &name.into())
        .map(|array| Float32Array::new(&array).to_vec())
        .unwrap_or_default()
}

/// Posts `message` as JSON with `arrays` beside it, transferred.
fn post_to(target: &JsValue, message: &impl Serialize, arrays: &[(&str, &[f32])]) {
    let object = Object::new();
    let transfer = js_sys::Array::new();
    let _ = Reflect::set(
        &object,
        &"json".into(),
        &serde_json::to_string(message).expect("messages serialise").into(),
    );
    for (name, values) in arrays {
        let array = Float32Array::from(*values);
        transfer.push(&array.buffer());
        let _ = Reflect::set(&object, &(*name).into(), &array);
    }
    let post = Reflect::get(target, &"postMessage".into())
        .expect("a worker or worker scope")
        .unchecked_into::<Function>();
    let _ = post.call2(target, &object, &transfer);
}

/// The training worker's handle on the helpers of one run.
#[derive(Default)]
pub struct WorkerHelpers {
    joined: Vec<Joined>,
}

/// One of a run's helpers, and the shares it was started on (their promise and count).
struct Joined {
    slot: Slot,
    started: Option<(Promise, usize)>,
}

impl Helpers for WorkerHelpers {
    fn begin(
        &mut self,
        wanted: usize,
        shape: ModelShape,
        examples: Examples,
        parameters: &[f32],
    ) -> usize {
        self.joined = SLOTS.with_borrow(|slots| {
            slots
                .iter()
                .filter(|slot| slot.state.borrow().ready)
                .take(wanted)
                .map(|slot| Joined { slot: slot.clone(), started: None })
                .collect()
        });
        let arrays = [("series", examples.series), ("parameters", parameters)];
        for Joined { slot, .. } in &self.joined {
            post_to(&slot.worker, &ToHelper::Begin { shape, window: examples.window }, &arrays);
        }
        self.joined.len()
    }

    fn start(&mut self, helper: usize, jobs: &[ShareJob], batch_len: usize) {
        let message = ToHelper::Start { jobs: jobs.to_vec(), batch_len };
        self.joined[helper].start(&message, &[], jobs.len());
    }

    async fn finish(&mut self, helper: usize) -> Result<Vec<FlatShare>, TrainError> {
        let (data, count) = self.joined[helper].finish().await?;
        let Some(FromHelper::Shares { squared_errors }) = json::<FromHelper>(&data) else {
            return Err(failed("it sent no shares".into()));
        };
        match split_even(&floats(&data, "gradients"), count) {
            Some(gradients) if squared_errors.len() == count => {
                Ok(gradients.into_iter().zip(squared_errors).collect())
            }
            _ => Err(failed("it sent the wrong number of shares".into())),
        }
    }

    fn sync(&mut self, parameters: &[f32]) {
        for Joined { slot, .. } in &self.joined {
            post_to(&slot.worker, &ToHelper::Sync, &[("parameters", parameters)]);
        }
    }

    fn start_paths(&mut self, helper: usize, origins: &Origins, steps: usize) {
        let message = ToHelper::Paths { steps, recompute: Box::new(origins.recompute.clone()) };
        self.joined[helper].start(&message, &[("windows", &origins.windows)], steps);
    }

    async fn finish_paths(&mut self, helper: usize) -> Result<Vec<Vec<f32>>, TrainError> {
        let (data, steps) = self.joined[helper].finish().await?;
        let paths = split_even(&floats(&data, "paths"), steps);
        match (json::<FromHelper>(&data), paths) {
            (Some(FromHelper::Paths { steps: sent }), Some(paths)) if sent == steps => Ok(paths),
            (Some(FromHelper::PathsFailed { message }), _) => Err(failed(message)),
            _ => Err(failed("it sent no paths".into())),
        }
    }

    fn start_fold(&mut self, helper: usize, fold: &Prepared, settings: &Settings) {
        let message =
            ToHelper::Fold { fold: Box::new(fold.clone()), settings: Box::new(settings.clone()) };
        self.joined[helper].start(&message, &[], 1);
    }

    async fn finish_fold(&mut self, helper: usize) -> Result<Option<FoldResult>, TrainError> {
        let (data, _) = self.joined[helper].finish().await?;
        match json::<FromHelper>(&data) {
            Some(FromHelper::Fold { result }) => result.map_err(failed),
            _ => Err(failed("it sent no fold".into())),
        }
    }

    fn stop_folds(&mut self) {
        for Joined { slot, .. } in &self.joined {
            post_to(&slot.worker, &ToHelper::StopFold, &[]);
        }
    }
}

impl Joined {
    /// Posts `message` (with `arrays`) and keeps the promise of its answer, of `count` items.
    fn start(&mut self, message: &ToHelper, arrays: &[(&str, &[f32])], count: usize) {
        let state = &self.slot.state;
        let promise = Promise::new(&mut |resolve, reject| {
            let mut state = state.borrow_mut();
            match &state.failed {
                Some(detail) => drop(reject.call1(&JsValue::NULL, &detail.clone().into())),
                None => state.awaiting = Some((resolve, reject)),
            }
        });
        self.started = Some((promise, count));
        post_to(&self.slot.worker, message, arrays);
    }

    /// The answer to what was started, and its count of items.
    async fn finish(&mut self) -> Result<(JsValue, usize), TrainError> {
        let (promise, count) =
            self.started.take().ok_or_else(|| failed("it was not started".into()))?;
        let data =
            JsFuture::from(promise).await.map_err(|e| failed(e.as_string().unwrap_or_default()))?;
        Ok((data, count))
    }
}

/// `values` (what a helper sent back, one item after another) cut into `parts` items of equal
/// length; `None` if they do not divide evenly.
fn split_even(values: &[f32], parts: usize) -> Option<Vec<Vec<f32>>> {
    if parts == 0 || !values.len().is_multiple_of(parts) {
        return None;
    }
    Some(values.chunks((values.len() / parts).max(1)).map(<[f32]>::to_vec).collect())
}

/// A helper's failure as the trainer hears it.
fn failed(detail: String) -> TrainError {
    TrainError::Helper(format!("a helper worker failed: {detail}"))
}

/// Entry point of a helper worker, called by `worker.js?role=helper`.
#[wasm_bindgen]
pub fn helper_main() {
    super::run_static_constructors_once();
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let data = event.data();
        match json::<ToHelper>(&data) {
            Some(ToHelper::Begin { shape, window }) => {
                let series = floats(&data, "series");
                let examples = Examples { series: &series, window, width: shape.features };
                MODEL.set(Some(HelperModel::new(shape, examples, &floats(&data, "parameters"))));
            }
            Some(ToHelper::Start { jobs, batch_len }) => {
                let shares = MODEL
                    .with_borrow(|model| model.as_ref().map(|m| m.gradients(&jobs, batch_len)));
                let Some(shares) = shares else { return };
                let gradients =
                    shares.iter().map(|(g, _)| g.as_slice()).collect::<Vec<_>>().concat();
                let squared_errors = shares.iter().map(|(_, e)| *e).collect();
                post_to(
                    &js_sys::global(),
                    &FromHelper::Shares { squared_errors },
                    &[("gradients", &gradients)],
                );
            }
            Some(ToHelper::Paths { steps, recompute }) => {
                let Some(model) = MODEL.with_borrow(|model| model.clone()) else { return };
                let origins = Origins { windows: floats(&data, "windows"), recompute: *recompute };
                wasm_bindgen_futures::spawn_local(async move {
                    match model.paths(origins, steps).await {
                        Ok(paths) => {
                            let flat: Vec<f32> = paths.concat();
                            post_to(
                                &js_sys::global(),
                                &FromHelper::Paths { steps },
                                &[("paths", &flat)],
                            );
                        }
                        Err(error) => post_to(
                            &js_sys::global(),
                            &FromHelper::PathsFailed { message: error.to_string() },
                            &[],
                        ),
                    }
                });
            }
            Some(ToHelper::Fold { fold, settings }) => {
                STOP_FOLD.set(false);
                wasm_bindgen_futures::spawn_local(async move {
                    let device = burn::tensor::Device::flex().autodiff();
                    let mut host =
                        FoldHost { last_pause_ms: js_sys::Date::now(), helpers: NoHelpers };
                    let result = fold_result(&fold, &settings, &device, &mut host).await;
                    let result = result.map_err(|error| error.to_string());
                    post_to(&js_sys::global(), &FromHelper::Fold { result }, &[]);
                });
            }
            Some(ToHelper::StopFold) => STOP_FOLD.set(true),
            Some(ToHelper::Sync) => MODEL.with_borrow_mut(|model| {
                if let Some(model) = model {
                    model.sync(&floats(&data, "parameters"));
                }
            }),
            None => {}
        }
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    post_to(&js_sys::global(), &FromHelper::Ready, &[]);
}

/// A backtest fold's host in a helper worker: it trains alone, reports nothing (the trainer
/// reports its fold when it ends) and hears Stop between batches.
struct FoldHost {
    last_pause_ms: f64,
    helpers: NoHelpers,
}

impl TrainingHost for FoldHost {
    type Helpers = NoHelpers;
    fn helpers(&mut self) -> &mut NoHelpers {
        &mut self.helpers
    }
    fn report(&mut self, _: &EpochReport) {}
    fn stop_requested(&self) -> bool {
        STOP_FOLD.get()
    }
    async fn pause(&mut self) {
        super::yield_when_due(&mut self.last_pause_ms).await;
    }
    fn launches(&self) -> Option<u64> {
        None
    }
}
