//! The page's side of the worker: starting it, sending messages, and loading files into it.

use std::cell::RefCell;

use js_sys::{Array, ArrayBuffer, Object, Reflect};
use leptos::prelude::{Set, WithUntracked};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, MessageEvent, Response, Worker, WorkerOptions, WorkerType};

use super::{AppState, Status};
use crate::data::parse::ParseOptions;
use crate::protocol::{FromWorker, ToWorker};

/// The bundled sample loaded on first open, relative to the page so hosting under a sub-path works.
const SAMPLE_URL: &str = "sample/IBM.csv";
const SAMPLE_NAME: &str = "IBM.csv (bundled sample)";

thread_local! {
    static WORKER: RefCell<Option<Worker>> = const { RefCell::new(None) };
    /// Messages sent before the worker said it is ready; delivered when it does.
    static PENDING: RefCell<Option<Vec<(Object, Array)>>> = const { RefCell::new(Some(Vec::new())) };
}

/// Starts the worker and loads the CSV a link names, or else the bundled sample, into it.
pub fn start(state: AppState, data_url: Option<String>) {
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    let worker = match Worker::new_with_options("./worker.js", &options) {
        Ok(worker) => worker,
        Err(error) => {
            state.fail(format!("the training worker could not be started: {}", describe(&error)));
            return;
        }
    };
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        match read_message(&event.data()) {
            Ok(FromWorker::Ready) => flush_pending(),
            Ok(message) => state.apply(message),
            Err(error) => state.fail(format!("internal error: unreadable message from the worker: {error}")),
        }
    });
    worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    let onerror = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        let detail = Reflect::get(&event, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_default();
        state.fail(format!("the training worker failed: {detail} (see the browser console)"));
    });
    worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
    onerror.forget();
    WORKER.set(Some(worker));
    wasm_bindgen_futures::spawn_local(async move {
        let (url, name) = match &data_url {
            Some(url) => (url.as_str(), url.rsplit('/').next().unwrap_or(url).to_string()),
            None => (SAMPLE_URL, SAMPLE_NAME.to_string()),
        };
        match fetch_bytes(url).await {
            Ok(bytes) => parse(name, bytes, ParseOptions::default()),
            Err(error) if data_url.is_some() => state.fail(format!(
                "{url} could not be fetched ({error}): the address may be wrong, the server down, or it does not let other \
                 sites read the file (CORS); download the file and pick it with the file input instead"
            )),
            Err(error) => state.fail(format!("the bundled sample could not be loaded: {error}")),
        }
    });
}

/// A worker message: a JSON string, or for a parsed table an object with the JSON and the
/// table's numbers as typed arrays.
fn read_message(data: &JsValue) -> Result<FromWorker, String> {
    let json = data.as_string().or_else(|| Reflect::get(data, &"json".into()).ok()?.as_string()).ok_or("no JSON")?;
    let mut message = serde_json::from_str::<FromWorker>(&json).map_err(|e| e.to_string())?;
    if let FromWorker::Parsed { table, .. } = &mut message {
        let days = Reflect::get(data, &"days".into()).ok().filter(|d| !d.is_undefined());
        let days = days.map(|d| d.unchecked_into::<js_sys::Int32Array>().to_vec());
        let columns: Array = Reflect::get(data, &"columns".into()).map_err(|_| "no columns")?.unchecked_into();
        let values = columns.iter().map(|c| c.unchecked_into::<js_sys::Float64Array>().to_vec()).collect();
        table.restore_values(days, values)?;
    }
    Ok(message)
}

fn flush_pending() {
    let pending = PENDING.take().unwrap_or_default();
    for (message, transfer) in pending {
        post(&message, &transfer);
    }
}

fn post(message: &Object, transfer: &Array) {
    WORKER.with_borrow(|worker| {
        if let Some(worker) = worker {
            let _ = worker.post_message_with_transfer(message, transfer);
        }
    });
}

/// Sends a message, with file bytes transferred (not copied) beside it.
pub fn send(message: &ToWorker, bytes: Option<ArrayBuffer>) {
    let object = Object::new();
    let transfer = Array::new();
    let _ = Reflect::set(&object, &"json".into(), &message.to_json().into());
    if let Some(bytes) = bytes {
        let _ = Reflect::set(&object, &"bytes".into(), &bytes);
        transfer.push(&bytes);
    }
    let queued = PENDING.with_borrow_mut(|pending| match pending {
        Some(queue) => {
            queue.push((object.clone(), transfer.clone()));
            true
        }
        None => false,
    });
    if !queued {
        post(&object, &transfer);
    }
}

/// Reads a picked or dropped file without blocking the page, then has the worker parse it.
pub fn load_file(state: AppState, file: web_sys::File) {
    let name = file.name();
    state.status.set(Status::Loading);
    wasm_bindgen_futures::spawn_local(async move {
        let blob: &Blob = file.as_ref();
        match JsFuture::from(blob.array_buffer()).await {
            Ok(buffer) => parse(name, buffer.unchecked_into(), ParseOptions::default()),
            Err(error) => state.fail(format!("{name} could not be read: {}", describe(&error))),
        }
    });
}

/// Has the worker parse `bytes`.
fn parse(file_name: String, bytes: ArrayBuffer, options: ParseOptions) {
    send(&ToWorker::Parse { file_name, options }, Some(bytes));
}

/// Has the worker parse the shown file again with a changed choice (ticker, day order).
pub fn reparse(state: AppState, change: impl FnOnce(&mut ParseOptions)) {
    let Some(mut options) = state.dataset.with_untracked(|d| d.as_ref().map(|d| d.options.clone())) else { return };
    change(&mut options);
    state.status.set(Status::Loading);
    send(&ToWorker::Reparse { options }, None);
}

async fn fetch_bytes(url: &str) -> Result<ArrayBuffer, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response: Response = JsFuture::from(window.fetch_with_str(url)).await.map_err(|e| describe(&e))?.unchecked_into();
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(|e| describe(&e))?).await.map_err(|e| describe(&e))?;
    Ok(buffer.unchecked_into())
}

fn describe(error: &JsValue) -> String {
    error.as_string().or_else(|| js_sys::JSON::stringify(error).ok().and_then(|s| s.as_string())).unwrap_or_else(|| format!("{error:?}"))
}
