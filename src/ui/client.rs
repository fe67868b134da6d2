//! The page's side of the worker: starting it, sending messages, and loading files into it.

use std::cell::RefCell;

use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, MessageEvent, Response, Worker, WorkerOptions, WorkerType};

use super::page::Page;
use crate::data::parse::{ParseOptions, parse_csv_with};
use crate::protocol::{FromWorker, ToWorker};
use crate::view::{Action, Dataset};

/// The bundled sample loaded on first open, relative to the page so hosting under a sub-path works.
const SAMPLE_URL: &str = "sample/IBM.csv";
const SAMPLE_NAME: &str = "IBM.csv (bundled sample)";

thread_local! {
    static WORKER: RefCell<Option<Worker>> = const { RefCell::new(None) };
    /// Messages sent before the worker said it is ready; delivered when it does.
    static PENDING: RefCell<Option<Vec<(Object, Array)>>> = const { RefCell::new(Some(Vec::new())) };
    /// Where the shown data came from, to load it again into a restarted worker.
    static SOURCE: RefCell<Option<Source>> = const { RefCell::new(None) };
    /// Where the data being loaded comes from; it becomes `SOURCE` once it parsed.
    static LOADING: RefCell<Option<Source>> = const { RefCell::new(None) };
    /// The data chosen to load next (the link's, the sample, a picked file): read when the view
    /// starts the load ([`crate::view::Command::ReadData`]).
    static CHOSEN: RefCell<Option<Source>> = const { RefCell::new(None) };
    /// The model file picked last, read when the view accepts it
    /// ([`crate::view::Command::ReadModelFile`]).
    static MODEL_FILE: RefCell<Option<web_sys::File>> = const { RefCell::new(None) };
}

/// Where a loaded table's bytes come from: an address, or a file the person picked (a handle to
/// it, not a copy of its bytes).
#[derive(Clone)]
enum Source {
    Address { url: String, name: String },
    File(web_sys::File),
}

/// Starts the worker and loads the CSV a link names, or else the bundled sample, into it.
pub fn start(page: Page, data_url: Option<String>) {
    spawn_worker(page);
    let source = match data_url {
        Some(url) => {
            Source::Address { name: url.rsplit('/').next().unwrap_or(&url).to_string(), url }
        }
        None => Source::Address { url: SAMPLE_URL.into(), name: SAMPLE_NAME.into() },
    };
    CHOSEN.set(Some(source));
    page.act(Action::LoadData);
}

/// A CSV file was picked or dropped: it is read if the view starts the load.
pub fn choose_file(file: web_sys::File) {
    CHOSEN.set(Some(Source::File(file)));
}

/// Reads the data chosen last, with `options`.
pub fn read_chosen(page: Page, options: ParseOptions) {
    if let Some(source) = CHOSEN.take() {
        load(page, source, options);
    }
}

/// Replaces a worker that crashed (a panic in wasm, such as a GPU error it could not recover
/// from) with a fresh one, and loads the shown data into it again with `options`.
pub fn restart(page: Page, options: ParseOptions) {
    if let Some(old) = WORKER.take() {
        old.terminate();
    }
    PENDING.set(Some(Vec::new()));
    spawn_worker(page);
    if let Some(source) = SOURCE.with_borrow(Clone::clone) {
        load(page, source, options);
    }
}

fn spawn_worker(page: Page) {
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    let worker = match Worker::new_with_options("./worker.js", &options) {
        Ok(worker) => worker,
        Err(error) => {
            page.fail(format!("the training worker could not be started: {}", describe(&error)));
            return;
        }
    };
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        match read_message(&event.data()) {
            Ok(FromWorker::Ready) => {
                flush_pending();
                register_service_worker();
            }
            Ok(message) => page.receive(message),
            Err(error) => {
                page.fail(format!("internal error: unreadable message from the worker: {error}"))
            }
        }
    });
    worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    let onerror = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        let detail = Reflect::get(&event, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_default();
        page.fail(format!("the training worker failed: {detail} (see the browser console)"));
    });
    worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
    onerror.forget();
    WORKER.set(Some(worker));
}

/// Reads `source` without blocking the page, then has the worker parse it with `options`.
fn load(page: Page, source: Source, options: ParseOptions) {
    LOADING.set(Some(source.clone()));
    wasm_bindgen_futures::spawn_local(async move {
        match source {
            Source::Address { url, name } => match fetch_bytes(&url).await {
                Ok(bytes) => parse(page, name, bytes, options),
                Err(error) if url != SAMPLE_URL => page.fail(format!(
                    "{url} could not be fetched ({error}): the address may be wrong, the server down, or it does not let other \
                     sites read the file (CORS); download the file and pick it with the file input instead"
                )),
                Err(error) => page.fail(format!("the bundled sample could not be loaded: {error}")),
            },
            Source::File(file) => {
                let name = file.name();
                let blob: &Blob = file.as_ref();
                match JsFuture::from(blob.array_buffer()).await {
                    Ok(buffer) => parse(page, name, buffer.unchecked_into(), options),
                    Err(error) => page.fail(format!("{name} could not be read: {}", describe(&error))),
                }
            }
        }
    });
}

/// A worker message: a JSON string, or for a parsed table an object with the JSON and the
/// table's numbers as typed arrays.
fn read_message(data: &JsValue) -> Result<FromWorker, String> {
    let json = data
        .as_string()
        .or_else(|| Reflect::get(data, &"json".into()).ok()?.as_string())
        .ok_or("no JSON")?;
    let mut message = serde_json::from_str::<FromWorker>(&json).map_err(|e| e.to_string())?;
    if let FromWorker::Parsed { table, .. } = &mut message {
        let stamps = Reflect::get(data, &"stamps".into()).ok().filter(|d| !d.is_undefined());
        let stamps = stamps.map(|d| d.unchecked_into::<js_sys::Float64Array>().to_vec());
        let columns: Array =
            Reflect::get(data, &"columns".into()).map_err(|_| "no columns")?.unchecked_into();
        let values =
            columns.iter().map(|c| c.unchecked_into::<js_sys::Float64Array>().to_vec()).collect();
        table.restore_values(stamps, values)?;
    }
    Ok(message)
}

/// Registers the offline cache (`sw.js`) once the worker is up: by then both binaries are in the
/// browser's HTTP cache, so the service worker's install copies them from there instead of
/// downloading them a second time alongside the page's own first download.
fn register_service_worker() {
    if let Some(window) = web_sys::window()
        && Reflect::has(&window.navigator(), &"serviceWorker".into()).unwrap_or(false)
    {
        // A refused registration (no secure context, private mode) only means no offline copy.
        let _ = window.navigator().service_worker().register("./sw.js");
    }
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

/// The data being loaded parsed: it is now the data shown.
pub fn loaded() {
    if let Some(source) = LOADING.take() {
        SOURCE.set(Some(source));
    }
}

/// A model file was picked: it is read if the view accepts it.
pub fn choose_model(file: web_sys::File) {
    MODEL_FILE.set(Some(file));
}

/// Reads the picked model file without blocking the page and has the worker evaluate it.
pub fn read_model(page: Page) {
    let Some(file) = MODEL_FILE.take() else { return };
    wasm_bindgen_futures::spawn_local(async move {
        let blob: &Blob = file.as_ref();
        match JsFuture::from(blob.text()).await.ok().and_then(|text| text.as_string()) {
            Some(text) => send(&ToWorker::LoadModel { file: text }, None),
            None => page.fail(format!("{} could not be read", file.name())),
        }
    });
}

/// Files up to this size are parsed in the page itself (a few milliseconds), so they show
/// without waiting for the worker's binary; larger ones in the worker, which reports progress.
const PAGE_PARSE_LIMIT: u32 = 1 << 20;

/// Parses `bytes` (in the page when small) and hands them to the worker, which keeps the table
/// for training.
fn parse(page: Page, file_name: String, bytes: ArrayBuffer, options: ParseOptions) {
    let load = page.next_load();
    if bytes.byte_length() > PAGE_PARSE_LIMIT {
        send(&ToWorker::Parse { file_name, options, shown: false, load }, Some(bytes));
        return;
    }
    let started = js_sys::Date::now();
    match parse_csv_with(&Uint8Array::new(&bytes).to_vec(), &options) {
        Ok(table) => {
            let seconds = (js_sys::Date::now() - started) / 1000.0;
            page.shown(Dataset {
                file_name: file_name.clone(),
                table,
                seconds,
                memory_bytes: None,
                options: options.clone(),
            });
            send(&ToWorker::Parse { file_name, options, shown: true, load }, Some(bytes));
        }
        Err(error) => page.fail(format!("{file_name} was not loaded: {error}")),
    }
}

async fn fetch_bytes(url: &str) -> Result<ArrayBuffer, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response: Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| describe(&e))?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(|e| describe(&e))?)
        .await
        .map_err(|e| describe(&e))?;
    Ok(buffer.unchecked_into())
}

fn describe(error: &JsValue) -> String {
    error
        .as_string()
        .or_else(|| js_sys::JSON::stringify(error).ok().and_then(|s| s.as_string()))
        .unwrap_or_else(|| format!("{error:?}"))
}
