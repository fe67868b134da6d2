//! Adam with each parameter's whole update in one operation.
//!
//! burn's `Adam` updates a parameter with thirteen tensor operations (moments, bias correction,
//! square root, division, step): on WebGPU thirteen kernel launches per parameter, over 140 of a
//! training batch's ~190 once the recurrence was fused. [`FusedAdam`] computes the same
//! arithmetic, in the same order, per element in one operation: one CubeCL launch per parameter
//! on WebGPU (`gpu`), one loop on the CPU. Its results equal burn's `Adam` bit for bit on the CPU
//! (tested), so runs keep their numbers.

#[cfg(target_arch = "wasm32")]
mod gpu;

use burn::backend::flex::FlexTensor;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Backend, Dispatch, Flex, backend_extension};
use burn::optim::{AdamState, AdaptiveMomentumState, LearningRate, ModuleOptimizer, Optimizer};
use burn::tensor::{Device, Tensor, TensorData};

/// Keras' and burn's defaults, with the epsilon the reference notebook's Keras uses.
const BETA_1: f32 = 0.9;
const BETA_2: f32 = 0.999;
const EPSILON: f32 = 1e-7;

/// The scalars of one Adam step, computed once per step on the host exactly as burn's `Adam`
/// computes them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepFactors {
    pub beta_1: f32,
    /// `1 - β₁`
    pub keep_1: f32,
    pub beta_2: f32,
    /// `1 - β₂`
    pub keep_2: f32,
    /// `√(1 - β₂ᵗ) / (1 - β₁ᵗ)`
    pub correction: f32,
    /// `ε · √(1 - β₂ᵗ)`
    pub epsilon: f32,
    pub lr: f32,
    /// The first step: there are no moments yet to read.
    pub first: bool,
}

impl StepFactors {
    fn new(time: usize, lr: LearningRate) -> Self {
        let time = time as i32;
        let bias_correction_2 = (1.0 - BETA_2.powi(time)).sqrt();
        Self {
            beta_1: BETA_1,
            keep_1: 1.0 - BETA_1,
            beta_2: BETA_2,
            keep_2: 1.0 - BETA_2,
            correction: bias_correction_2 / (1.0 - BETA_1.powi(time)),
            epsilon: EPSILON * bias_correction_2,
            lr: lr as f32,
            first: time == 1,
        }
    }

    /// One element's step: `(parameter, first moment, second moment)` after it (the moments
    /// before it are not read on the first step).
    fn apply(
        &self,
        parameter: f32,
        gradient: f32,
        moment_1: f32,
        moment_2: f32,
    ) -> (f32, f32, f32) {
        let (mut new_1, mut new_2) = (gradient * self.keep_1, (gradient * gradient) * self.keep_2);
        if !self.first {
            new_1 += moment_1 * self.beta_1;
            new_2 += moment_2 * self.beta_2;
        }
        let (moment_1, moment_2) = (new_1, new_2);
        let update = (moment_1 * self.correction) / (moment_2.sqrt() + self.epsilon);
        (parameter - update * self.lr, moment_1, moment_2)
    }
}

/// Backends that run an Adam step in one operation.
#[backend_extension(Flex, Cube: cfg(target_arch = "wasm32"))]
pub trait AdamBackend: Backend {
    /// The parameter and its two moments after one step with `gradient`; all tensors have the
    /// same shape. On the first step (`factors.first`) the moments passed in are not read.
    fn adam_step(
        parameter: FloatTensor<Self>,
        gradient: FloatTensor<Self>,
        moment_1: FloatTensor<Self>,
        moment_2: FloatTensor<Self>,
        factors: StepFactors,
    ) -> (FloatTensor<Self>, FloatTensor<Self>, FloatTensor<Self>);
}

impl AdamBackend for Flex {
    fn adam_step(
        parameter: FlexTensor,
        gradient: FlexTensor,
        moment_1: FlexTensor,
        moment_2: FlexTensor,
        factors: StepFactors,
    ) -> (FlexTensor, FlexTensor, FlexTensor) {
        let shape = parameter.layout().shape().clone();
        let values = |tensor: FlexTensor| {
            tensor.into_data().try_into_vec::<f32>().expect("Adam runs in f32")
        };
        let (mut parameter, gradient) = (values(parameter), values(gradient));
        let (mut moment_1, mut moment_2) = (values(moment_1), values(moment_2));
        for i in 0..parameter.len() {
            (parameter[i], moment_1[i], moment_2[i]) =
                factors.apply(parameter[i], gradient[i], moment_1[i], moment_2[i]);
        }
        let write =
            |values: Vec<f32>| FlexTensor::from_data(TensorData::new(values, shape.clone()));
        (write(parameter), write(moment_1), write(moment_2))
    }
}

/// Adam (β₁ 0.9, β₂ 0.999, ε 1e-7, no weight decay), one operation per parameter per step. Keeps
/// burn's `AdamState`.
#[derive(Debug, Clone, Copy, Default)]
pub struct FusedAdam;

impl FusedAdam {
    /// The optimiser for a whole module.
    pub fn init() -> ModuleOptimizer {
        ModuleOptimizer::from(FusedAdam)
    }
}

impl Optimizer for FusedAdam {
    type State<const D: usize> = AdamState<D>;

    fn step<const D: usize>(
        &self,
        lr: LearningRate,
        tensor: Tensor<D>,
        grad: Tensor<D>,
        state: Option<AdamState<D>>,
    ) -> (Tensor<D>, Option<AdamState<D>>) {
        // Before the first step there are no moments: the gradient stands in, unread.
        let (time, moment_1, moment_2) = match state {
            Some(AdamState { momentum }) => {
                (momentum.time + 1, momentum.moment_1, momentum.moment_2)
            }
            None => (1, grad.clone(), grad.clone()),
        };
        let (tensor, moment_1, moment_2) = <Dispatch as AdamBackend>::adam_step(
            tensor.into_dispatch(),
            grad.into_dispatch(),
            moment_1.into_dispatch(),
            moment_2.into_dispatch(),
            StepFactors::new(time, lr),
        );
        let momentum = AdaptiveMomentumState::new(
            time,
            Tensor::from_dispatch(moment_1),
            Tensor::from_dispatch(moment_2),
        );
        (Tensor::from_dispatch(tensor), Some(AdamState::new(momentum)))
    }

    fn to_device<const D: usize>(state: AdamState<D>, device: &Device) -> AdamState<D> {
        AdamState::new(state.momentum.to_device(device))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ModelShape, StackedLstm};
    use crate::training::shares::{Examples, ShareJob, flat_parameters, share_gradients};
    use burn::optim::AdamConfig;

    /// Five steps of a small model: parameters equal burn's Adam's bit for bit.
    #[test]
    fn equals_burns_adam_bit_for_bit() {
        let device = Device::flex().autodiff();
        let shape =
            ModelShape { features: 1, layers: 2, units: 6, dropout: 0.0, predict_change: true };
        let series: Vec<f32> = (0..40).map(|i| (i as f32 / 5.0).sin()).collect();
        let examples = Examples { series: &series, window: 8, width: 1 };
        let (mut ours, mut theirs) =
            (StackedLstm::new(shape, 3, &device), StackedLstm::new(shape, 3, &device));
        let (mut fused, mut burns) =
            (FusedAdam::init(), AdamConfig::new().with_epsilon(EPSILON).init());
        for step in 0..5 {
            let batch = ShareJob { indices: (step * 5..step * 5 + 7).collect(), masks: 0 };
            let grads = share_gradients(&ours, examples, &batch, 7, &device).gradients;
            ours = fused.step(0.01, ours, grads);
            let grads = share_gradients(&theirs, examples, &batch, 7, &device).gradients;
            theirs = burns.step(0.01, theirs, grads);
            let (a, b) = (flat_parameters(&ours), flat_parameters(&theirs));
            assert_eq!(a, b, "step {step}");
        }
        assert_ne!(
            flat_parameters(&ours),
            flat_parameters(&StackedLstm::new(shape, 3, &device)),
            "the steps moved the parameters"
        );
    }
}
