//! Picking the device: WebGPU when asked for and available, burn's CPU backend otherwise.

use std::cell::RefCell;

use burn::tensor::Device;
use js_sys::Reflect;
use wasm_bindgen::JsValue;

use crate::training::BackendChoice;

/// The device a run trains on, named as the page shows it.
pub struct ChosenDevice {
    pub device: Device,
    pub name: &'static str,
    /// Why the backend differs from the one asked for.
    pub note: Option<String>,
}

thread_local! {
    /// WebGPU can be initialised once per worker; the outcome is kept for later runs.
    static WEBGPU: RefCell<Option<Result<Device, String>>> = const { RefCell::new(None) };
}

async fn webgpu() -> Result<Device, String> {
    if let Some(known) = WEBGPU.with_borrow(|known| known.clone()) {
        return known;
    }
    let navigator = Reflect::get(&js_sys::global(), &JsValue::from_str("navigator")).unwrap_or(JsValue::UNDEFINED);
    let outcome = if Reflect::get(&navigator, &JsValue::from_str("gpu")).map_or(true, |gpu| gpu.is_undefined()) {
        Err("this browser does not offer WebGPU".to_string())
    } else {
        Device::wgpu_options().init_async().await.map_err(|e| e.to_string())
    };
    WEBGPU.set(Some(outcome.clone()));
    outcome
}

/// Resolves the backend setting; `auto` falls back to the CPU with a note, an explicit `webgpu`
/// that cannot start is an error.
pub async fn device_for(choice: BackendChoice) -> Result<ChosenDevice, String> {
    let cpu = |note| ChosenDevice { device: Device::flex(), name: "CPU", note };
    match choice {
        BackendChoice::Cpu => Ok(cpu(None)),
        BackendChoice::WebGpu => webgpu()
            .await
            .map(|device| ChosenDevice { device, name: "WebGPU", note: None })
            .map_err(|e| format!("WebGPU could not be started ({e}); set the backend to 'auto' or 'cpu'")),
        BackendChoice::Auto => Ok(match webgpu().await {
            Ok(device) => ChosenDevice { device, name: "WebGPU", note: None },
            Err(e) => cpu(Some(format!("WebGPU unavailable ({e}): training on the CPU"))),
        }),
    }
}
