//! The second CPU worker: computes the second share of every batch (see `training::shares`).
//!
//! `worker.js` starts it beside the training worker when the machine has two cores or more: the
//! same wasm module (`worker.js?role=helper`), running [`helper_main`]. Messages are JSON with the numbers beside
//! it as transferred `Float32Array`s. Until it says it is ready, runs train without it, which
//! changes their speed and not their numbers.

use std::cell::{Cell, RefCell};

use js_sys::{Float32Array, Function, Object, Promise, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, Worker};

use crate::model::ModelShape;
use crate::training::TrainError;
use crate::training::shares::{Examples, Helper, HelperModel};

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
        indices: Vec<usize>,
        batch_len: usize,
    },
    /// New parameters travel beside.
    Sync,
}

/// Helper → training worker.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum FromHelper {
    Ready,
    /// A share's squared error; its gradient travels beside.
    Share {
        squared_error: f64,
    },
}

thread_local! {
    /// The helper's model (in the helper worker).
    static MODEL: RefCell<Option<HelperModel>> = const { RefCell::new(None) };
    /// The helper worker, once it said it is ready (in the training worker).
    static WORKER: RefCell<Option<Worker>> = const { RefCell::new(None) };
    /// Settles the share being awaited: (resolve, reject).
    static AWAITING: RefCell<Option<(Function, Function)>> = const { RefCell::new(None) };
    static READY: Cell<bool> = const { Cell::new(false) };
    /// A helper was started and has not failed.
    static ATTACHED: Cell<bool> = const { Cell::new(false) };
}

/// Listens to the helper worker `worker.js` started (it sent it the compiled module).
pub fn attach(worker: Worker) {
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let data = event.data();
        match json::<FromHelper>(&data) {
            Some(FromHelper::Ready) => READY.set(true),
            Some(FromHelper::Share { .. }) => {
                settle(|(resolve, _)| resolve.call1(&JsValue::NULL, &data))
            }
            None => {
                settle(|(_, reject)| reject.call1(&JsValue::NULL, &"an unreadable message".into()))
            }
        }
    });
    worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    let onerror = Closure::<dyn FnMut(web_sys::Event)>::new(|event: web_sys::Event| {
        READY.set(false);
        ATTACHED.set(false);
        let detail = Reflect::get(&event, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_default();
        settle(|(_, reject)| reject.call1(&JsValue::NULL, &detail.into()));
    });
    worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
    onerror.forget();
    WORKER.set(Some(worker));
    ATTACHED.set(true);
}

/// Whether a run starting now has the helper, giving one that is still loading up to
/// `patience_ms` to get ready.
pub async fn ready(patience_ms: f64) -> bool {
    let since = js_sys::Date::now();
    while !READY.get() && ATTACHED.get() && js_sys::Date::now() - since < patience_ms {
        gloo::timers::future::TimeoutFuture::new(20).await;
    }
    READY.get()
}

fn settle(f: impl FnOnce((Function, Function)) -> Result<JsValue, JsValue>) {
    if let Some(pair) = AWAITING.take() {
        let _ = f(pair);
    }
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

/// The training worker's handle on the helper.
#[derive(Debug, Default)]
pub struct WorkerHelper;

impl WorkerHelper {
    fn post(message: &ToHelper, arrays: &[(&str, &[f32])]) {
        WORKER.with_borrow(|worker| {
            if let Some(worker) = worker {
                post_to(worker, message, arrays);
            }
        });
    }
}

impl Helper for WorkerHelper {
    fn begin(&mut self, shape: ModelShape, examples: Examples, parameters: &[f32]) -> bool {
        if !READY.get() {
            return false;
        }
        let arrays = [("series", examples.series), ("parameters", parameters)];
        Self::post(&ToHelper::Begin { shape, window: examples.window }, &arrays);
        true
    }

    fn start(&mut self, indices: &[usize], batch_len: usize) {
        Self::post(&ToHelper::Start { indices: indices.to_vec(), batch_len }, &[]);
    }

    async fn finish(&mut self) -> Result<(Vec<f32>, f64), TrainError> {
        let share = Promise::new(&mut |resolve, reject| AWAITING.set(Some((resolve, reject))));
        let data = JsFuture::from(share).await.map_err(|e| {
            let message = e.as_string().unwrap_or_default();
            TrainError::Helper(format!("the second training worker failed: {message}"))
        })?;
        match json::<FromHelper>(&data) {
            Some(FromHelper::Share { squared_error }) => {
                Ok((floats(&data, "gradients"), squared_error))
            }
            _ => Err(TrainError::Helper(
                "internal error: the second training worker sent no share".into(),
            )),
        }
    }

    fn sync(&mut self, parameters: &[f32]) {
        Self::post(&ToHelper::Sync, &[("parameters", parameters)]);
    }
}

/// Entry point of the helper worker, called by `worker.js?role=helper`.
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
            Some(ToHelper::Start { indices, batch_len }) => {
                let share = MODEL.with_borrow(|model| {
                    model.as_ref().map(|model| model.gradients(&indices, batch_len))
                });
                let Some((gradients, squared_error)) = share else { return };
                post_to(
                    &js_sys::global(),
                    &FromHelper::Share { squared_error },
                    &[("gradients", &gradients)],
                );
            }
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
