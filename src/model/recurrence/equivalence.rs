//! Whether a layer's fused recurrence gives the numbers of the step-by-step reference, on any
//! device.
//!
//! The same layer (weights drawn from one seed: identical on every backend) runs on the same
//! inputs along two paths, each with a backward pass from the same loss; what comes back are the
//! largest differences in outputs and in gradients. Natively the tests compare the CPU kernel
//! with burn ops; in the browser the worker runs it on WebGPU, the kernel against the
//! step-by-step path and against the CPU kernel (`ToWorker::CheckRecurrence`), so the GPU
//! kernels are checked on the adapter they will run on.

use burn::tensor::{Device, Tensor, TensorData};

use super::differences::Differences;
use crate::model::error::ModelError;
use crate::model::lstm::{LstmLayer, Recurrence};
use crate::rng::SeededRng;

/// The shape of one comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Case {
    pub batch: usize,
    pub steps: usize,
    pub inputs: usize,
    pub hidden: usize,
}

impl Case {
    /// A small batch of a few steps, enough to carry state and gradients through time.
    pub fn of_hidden(hidden: usize) -> Self {
        Self { batch: 3, steps: 9, inputs: 2, hidden }
    }
}

/// A layer's outputs and gradients, read back from its device.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerRun {
    outputs: Vec<f32>,
    input_grads: Vec<f32>,
    /// Input weights, recurrent weights and bias, one after the other.
    weight_grads: Vec<f32>,
}

/// Seed of the layer's weights and of the inputs.
const SEED: u64 = 2026;

/// Runs `case` along `path` on an autodiff `device`: outputs, then the gradients of
/// `Σ outputs · w` for fixed random `w`.
pub async fn run_layer(
    case: Case,
    path: Recurrence,
    device: &Device,
) -> Result<LayerRun, ModelError> {
    let Case { batch, steps, inputs, hidden } = case;
    let mut rng = SeededRng::new(SEED);
    let layer = LstmLayer::new(inputs, hidden, &mut rng, device);
    let mut normal = |n: usize| (0..n).map(|_| rng.normal() as f32).collect::<Vec<_>>();
    let x = Tensor::<3>::from_data(
        TensorData::new(normal(batch * steps * inputs), [batch, steps, inputs]),
        device,
    )
    .require_grad();
    let w = Tensor::<3>::from_data(
        TensorData::new(normal(batch * steps * hidden), [batch, steps, hidden]),
        device,
    );
    let (sequence, _) = layer.forward_with(path, x.clone(), true);
    let sequence = sequence.expect("the sequence was asked for");
    let grads = (sequence.clone() * w).sum().backward();
    let missing = |of: &'static str| ModelError::NoGradient { of };
    let mut weight_grads =
        read(layer.input_weight.val().grad(&grads).ok_or_else(|| missing("input weights"))?)
            .await?;
    weight_grads.extend(
        read(
            layer
                .recurrent_weight
                .val()
                .grad(&grads)
                .ok_or_else(|| missing("recurrent weights"))?,
        )
        .await?,
    );
    weight_grads.extend(read(layer.bias.val().grad(&grads).ok_or_else(|| missing("bias"))?).await?);
    Ok(LayerRun {
        outputs: read(sequence.inner()).await?,
        input_grads: read(x.grad(&grads).ok_or_else(|| missing("inputs"))?).await?,
        weight_grads,
    })
}

async fn read<const D: usize>(tensor: Tensor<D>) -> Result<Vec<f32>, ModelError> {
    let what = "a result back";
    let data = tensor.into_data_async().await.map_err(|e| ModelError::readback(what, e))?;
    data.convert::<f32>().try_into_vec::<f32>().map_err(|e| ModelError::readback(what, e))
}

impl LayerRun {
    /// How far `self` is from `other`.
    pub fn differences(&self, other: &LayerRun) -> Differences {
        Differences {
            outputs: largest_difference(&self.outputs, &other.outputs),
            input_grads: largest_difference(&self.input_grads, &other.input_grads),
            weight_grads: largest_difference(&self.weight_grads, &other.weight_grads),
        }
    }
}

/// `max |a - b|`, NaN if any difference is NaN, infinite if the lengths differ.
fn largest_difference(a: &[f32], b: &[f32]) -> f32 {
    if a.len() != b.len() {
        return f32::INFINITY;
    }
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, |largest, d| if d.is_nan() || d > largest { d } else { largest })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(case: Case, path: Recurrence) -> LayerRun {
        pollster::block_on(run_layer(case, path, &Device::flex().autodiff())).unwrap()
    }

    /// On the CPU the kernel matches the step-by-step path at the hidden sizes the browser check
    /// uses for WebGPU (one unit, the default, and either side of a 256-unit workgroup).
    #[test]
    fn the_cpu_kernel_matches_the_step_by_step_path() {
        for hidden in [1, 50, 64, 65, 200] {
            let case = Case::of_hidden(hidden);
            let differences =
                run(case, Recurrence::Fused).differences(&run(case, Recurrence::StepByStep));
            assert!(differences.within_tolerance(), "hidden {hidden}: {differences:?}");
        }
    }

    /// The check can fail: runs that differ (another seed's inputs, a NaN) are flagged.
    #[test]
    fn differences_are_caught() {
        let reference = run(Case::of_hidden(5), Recurrence::Fused);
        let mut off = reference.clone();
        off.weight_grads[7] += 1e-3;
        let differences = reference.differences(&off);
        assert!(!differences.within_tolerance() && differences.outputs == 0.0, "{differences:?}");
        off.outputs[0] = f32::NAN;
        assert!(reference.differences(&off).outputs.is_nan());
        assert!(!reference.differences(&off).within_tolerance());
        let other_shape = run(Case { batch: 2, ..Case::of_hidden(5) }, Recurrence::Fused);
        assert_eq!(reference.differences(&other_shape).outputs, f32::INFINITY);
    }
}
