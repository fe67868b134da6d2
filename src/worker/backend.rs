//! Picking the device: the CPU, WebGPU, or for `auto` whichever trains this model faster here
//! (see `training::speed`).

use std::cell::RefCell;

use burn::tensor::Device;
use js_sys::{Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::error::WorkerError;
use crate::data::Table;
use crate::training::run::prepare;
use crate::training::speed::{self, Adapter, Pick, SpeedMeasurement};
use crate::training::trainer::seconds_per_batch;
use crate::training::{BackendChoice, Settings, TrainingHost};

/// The device a run trains on, named as the page shows it.
pub struct ChosenDevice {
    pub device: Device,
    /// "CPU", "CPU (2 workers)" or "WebGPU (adapter)".
    pub name: String,
    /// Why this backend.
    pub note: String,
    /// A new speed measurement, for the page to keep.
    pub measured: Option<SpeedMeasurement>,
}

impl ChosenDevice {
    /// Whether kernel launches are worth counting (WebGPU).
    pub fn on_gpu(&self) -> bool {
        !crate::model::is_cpu(&self.device)
    }
}

thread_local! {
    /// WebGPU can be initialised once per worker; the outcome is kept for later runs. Why there
    /// is none stays text, as the browser and wgpu give it (JavaScript errors, wgpu's words, or
    /// an earlier run's failure): the page shows it as it is.
    static WEBGPU: RefCell<Option<Result<(Device, Adapter), String>>> = const { RefCell::new(None) };
}

/// The WebGPU device and its adapter, or why there is none.
pub async fn webgpu() -> Result<(Device, Adapter), String> {
    if let Some(known) = WEBGPU.with_borrow(|known| known.clone()) {
        return known;
    }
    let outcome = start_webgpu().await;
    WEBGPU.set(Some(outcome.clone()));
    outcome
}

/// From now on this worker treats WebGPU as unavailable, for `reason`.
pub fn mark_failed(reason: String) {
    WEBGPU.set(Some(Err(reason)));
}

/// Whether `device` still computes and reads back (a lost GPU device does neither).
pub async fn still_works(device: &Device) -> bool {
    burn::tensor::Tensor::<1>::ones([1], device).into_data_async().await.is_ok()
}

async fn start_webgpu() -> Result<(Device, Adapter), String> {
    let gpu = Reflect::get(&js_sys::global(), &"navigator".into())
        .and_then(|navigator| Reflect::get(&navigator, &"gpu".into()));
    let gpu =
        gpu.ok().filter(|gpu| !gpu.is_undefined()).ok_or("this browser does not offer WebGPU")?;
    let described = describe_adapter(&gpu).await?;
    let device = Device::wgpu_options().init_async().await.map_err(|e| e.to_string())?;
    // burn's own view: an adapter with no card behind it (wgpu maps `isFallbackAdapter` so).
    let no_card = device.identity().is_some_and(|identity| identity.physical.is_none());
    Ok((device, Adapter { software: described.software || no_card, ..described }))
}

/// Names the adapter the browser offers, from `GPUAdapter.info` (vendor, architecture,
/// description), and tells whether it is a fallback or software one.
async fn describe_adapter(gpu: &JsValue) -> Result<Adapter, String> {
    let request = Reflect::get(gpu, &"requestAdapter".into())
        .map_err(|_| "navigator.gpu has no requestAdapter")?;
    let promise =
        request.unchecked_ref::<js_sys::Function>().call0(gpu).map_err(|e| format!("{e:?}"))?;
    let adapter =
        JsFuture::from(promise.unchecked_into::<Promise>()).await.map_err(|e| format!("{e:?}"))?;
    if adapter.is_null() || adapter.is_undefined() {
        return Err("the browser offers no WebGPU adapter on this machine".into());
    }
    let info = Reflect::get(&adapter, &"info".into()).unwrap_or(JsValue::UNDEFINED);
    let text = |key: &str| {
        Reflect::get(&info, &key.into()).ok().and_then(|v| v.as_string()).unwrap_or_default()
    };
    let flag = |object: &JsValue| {
        Reflect::get(object, &"isFallbackAdapter".into())
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
    };
    let (vendor, architecture, description) =
        (text("vendor"), text("architecture"), text("description"));
    let mut parts: Vec<&str> =
        [vendor.as_str(), architecture.as_str()].into_iter().filter(|p| !p.is_empty()).collect();
    if parts.is_empty() && !description.is_empty() {
        parts.push(&description);
    }
    let name = if parts.is_empty() { "unnamed adapter".to_string() } else { parts.join(" ") };
    let all = format!("{name} {description}").to_lowercase();
    let software = flag(&info)
        || flag(&adapter)
        || ["swiftshader", "llvmpipe", "lavapipe", "software", "microsoft basic"]
            .iter()
            .any(|s| all.contains(s));
    Ok(Adapter { name, software })
}

/// Resolves the backend setting. `cpu_name` says how many CPU workers would train; `known` are
/// the page's earlier measurements; `auto` may time a few batches of `table` on each backend.
/// An explicit `webgpu` that cannot start is an error.
pub async fn choose(
    settings: &Settings,
    cpu_name: &str,
    known: &[SpeedMeasurement],
    table: &Table,
    host: &mut impl TrainingHost,
) -> Result<ChosenDevice, WorkerError> {
    let cpu = |note: String, measured| ChosenDevice {
        device: Device::flex(),
        name: cpu_name.to_string(),
        note,
        measured,
    };
    let gpu = |device: Device, adapter: &Adapter, note: String, measured| ChosenDevice {
        device,
        name: format!("WebGPU ({})", adapter.name),
        note,
        measured,
    };
    match settings.backend {
        BackendChoice::Cpu => Ok(cpu("the CPU, as the settings ask".into(), None)),
        BackendChoice::WebGpu => {
            let (device, adapter) = webgpu().await.map_err(WorkerError::WebGpuAskedFor)?;
            Ok(gpu(device, &adapter, "WebGPU, as the settings ask".into(), None))
        }
        BackendChoice::Auto => {
            let started = webgpu().await;
            let adapter =
                started.as_ref().map(|(_, adapter)| adapter.clone()).map_err(Clone::clone);
            let decision = speed::decide(adapter, cpu_name, settings, known, async |pick| {
                let device = match (pick, &started) {
                    (Pick::WebGpu, Ok((device, _))) => device.clone(),
                    _ => Device::flex(),
                };
                let data = prepare(table, settings)?;
                seconds_per_batch(
                    &device.autodiff(),
                    &data,
                    settings,
                    host,
                    PROBE_BATCHES,
                    js_sys::Date::now,
                )
                .await
            })
            .await;
            Ok(match (decision.pick, started) {
                (Pick::WebGpu, Ok((device, adapter))) => {
                    gpu(device, &adapter, decision.reason, decision.measured)
                }
                _ => cpu(decision.reason, decision.measured),
            })
        }
    }
}

/// Batches timed per backend when `auto` measures (after one warm-up batch each).
const PROBE_BATCHES: usize = 3;
