//! Checks and counts on this machine's WebGPU adapter, asked for by the browser tests and the
//! benchmark: the fused recurrence kernels against their references, and what one training batch
//! costs with and without them.

use burn::optim::{AdamConfig, GradientsParams};
use burn::tensor::{Device, Tensor, TensorData};

use super::backend::webgpu;
use super::error::WorkerError;
use super::launches;
use crate::model::error::ModelError;
use crate::model::recurrence::equivalence::{Case, run_layer};
use crate::model::{Recurrence, StackedLstm};
use crate::protocol::{BatchCost, FromWorker, RecurrenceCheck};
use crate::rng::SeededRng;
use crate::training::Settings;
use crate::training::adam::FusedAdam;

/// For each hidden size: the kernel on WebGPU against the step-by-step path on WebGPU and
/// against the CPU kernel.
pub async fn check_recurrence(hidden: &[usize]) -> Result<FromWorker, WorkerError> {
    let (gpu, adapter) = webgpu().await.map_err(WorkerError::NoWebGpu)?;
    let (gpu, cpu) = (gpu.autodiff(), Device::flex().autodiff());
    let mut rows = Vec::new();
    for &h in hidden {
        let case = Case::of_hidden(h);
        let fused = run_layer(case, Recurrence::Fused, &gpu).await?;
        let step_by_step = run_layer(case, Recurrence::StepByStep, &gpu).await?;
        let on_cpu = run_layer(case, Recurrence::Fused, &cpu).await?;
        rows.push(RecurrenceCheck {
            hidden: h,
            against_step_by_step: fused.differences(&step_by_step),
            against_cpu: fused.differences(&on_cpu),
        });
    }
    Ok(FromWorker::RecurrenceChecked { adapter: adapter.name, rows })
}

/// Launches and seconds of one training batch of `settings`' shape on WebGPU (forward, backward,
/// Adam step, the loss read back), after one untimed warm-up batch: as before the fused kernels
/// (burn ops step by step, burn's Adam) and with them.
pub async fn count_launches(settings: &Settings) -> Result<FromWorker, WorkerError> {
    let device = webgpu().await.map_err(WorkerError::NoWebGpu)?.0.autodiff();
    let mut rows = Vec::new();
    let before = (
        Recurrence::StepByStep,
        AdamConfig::new().with_epsilon(1e-7).init(),
        "step by step, burn's Adam",
    );
    let after = (Recurrence::Fused, FusedAdam::init(), "fused recurrence and Adam");
    for (path, mut optimizer, name) in [before, after] {
        let mut model = StackedLstm::new(settings.model_shape(), settings.seed, &device);
        let mut rng = SeededRng::new(settings.seed);
        let (batch, window, width) =
            (settings.batch, settings.window, settings.model_shape().features);
        let x: Vec<f32> = (0..batch * window * width).map(|_| rng.uniform() as f32).collect();
        let y: Vec<f32> = (0..batch * width).map(|_| rng.uniform() as f32).collect();
        let mut cost =
            BatchCost { path: name.into(), launches: 0, seconds: 0.0, kernels: Vec::new() };
        for warm_up in [true, false] {
            let (started, before) = (js_sys::Date::now(), launches::by_kernel());
            let x =
                Tensor::<3>::from_data(TensorData::new(x.clone(), [batch, window, width]), &device);
            let y = Tensor::<2>::from_data(TensorData::new(y.clone(), [batch, width]), &device);
            let loss = (model.forward_with(path, x) - y).powi_scalar(2).mean();
            let gradients = GradientsParams::from_grads(loss.backward(), &model);
            model = optimizer.step(settings.lr, model, gradients);
            let mut kernels: Vec<(String, u64)> = launches::by_kernel()
                .into_iter()
                .map(|(kernel, n)| {
                    (kernel.to_string(), n - before.get(kernel).copied().unwrap_or(0))
                })
                .filter(|(_, n)| *n > 0)
                .collect();
            kernels.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
            loss.into_scalar_async::<f32>()
                .await
                .map_err(|e| ModelError::readback("the loss", e))?;
            if !warm_up {
                let launches = kernels.iter().map(|(_, n)| n).sum();
                cost = BatchCost {
                    launches,
                    seconds: (js_sys::Date::now() - started) / 1000.0,
                    kernels,
                    ..cost
                };
            }
        }
        rows.push(cost);
    }
    Ok(FromWorker::LaunchesCounted { rows })
}
