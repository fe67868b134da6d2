//! A batch's gradient as the sum of two shares, so a second CPU worker can compute one of them.
//!
//! WebAssembly in a worker runs on one core. On the CPU backend the trainer splits every batch in
//! two: it computes the first share itself while a [`Helper`] (a second worker with its own copy
//! of the model) computes the second, then adds the second share's gradient, passed as a flat
//! vector, to its own. Without a helper the trainer computes the second share itself, the same
//! way, so a run gives the same numbers on one core or two.

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::tensor::{Device, Tensor, TensorData};

use super::error::TrainError;
use crate::model::{ModelShape, StackedLstm};

/// The examples a batch draws from, cut from a series of rows of `width` inputs on demand:
/// example `i` is the window of rows `i..i + window` and its target the row `i + window` (no
/// copy of every window).
#[derive(Debug, Clone, Copy)]
pub struct Examples<'a> {
    /// Row-major `[rows, width]`.
    pub series: &'a [f32],
    pub window: usize,
    pub width: usize,
}

impl Examples<'_> {
    /// How many examples the series holds.
    pub fn len(&self) -> usize {
        (self.series.len() / self.width).saturating_sub(self.window)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What one share of a batch contributes: its gradient and its summed squared error.
pub struct Share {
    pub gradients: GradientsParams,
    /// Σ (prediction − target)² over the share's windows, not yet read back from the device.
    pub squared_error: Tensor<1>,
}

/// The gradient of the share `indices` of a batch of `batch_len` windows: of its squared errors
/// summed and divided by `batch_len`, so the two shares' gradients add up to the batch's mean.
pub fn share_gradients(
    model: &StackedLstm,
    examples: Examples,
    indices: &[usize],
    batch_len: usize,
    device: &Device,
) -> Share {
    let Examples { series, window, width } = examples;
    let rows = |from: usize, to: usize| series[from * width..to * width].iter().copied();
    let x: Vec<f32> = indices.iter().flat_map(|&i| rows(i, i + window)).collect();
    let y: Vec<f32> = indices.iter().flat_map(|&i| rows(i + window, i + window + 1)).collect();
    let x = Tensor::<3>::from_data(TensorData::new(x, [indices.len(), window, width]), device);
    let y = Tensor::<2>::from_data(TensorData::new(y, [indices.len(), width]), device);
    let squared_error = (model.forward(x) - y).powi_scalar(2).sum();
    let loss = squared_error.clone().div_scalar(batch_len as f64);
    Share {
        gradients: GradientsParams::from_grads(loss.backward(), model),
        squared_error: squared_error.detach(),
    }
}

/// A second worker computing the second share of each batch on its own copy of the model.
/// CPU backend only: parameters and gradients are read synchronously.
#[allow(async_fn_in_trait)]
pub trait Helper {
    /// Hands the helper a fresh model (`shape`, flat `parameters`) and the examples of a
    /// training run; false if there is no helper, and the trainer computes both shares itself.
    fn begin(&mut self, shape: ModelShape, examples: Examples, parameters: &[f32]) -> bool;
    /// Starts the gradient of `indices` (a share of a batch of `batch_len`).
    fn start(&mut self, indices: &[usize], batch_len: usize);
    /// The started share's gradient, flat in [`flat_parameters`] order, and its squared error.
    async fn finish(&mut self) -> Result<(Vec<f32>, f64), TrainError>;
    /// The model's parameters changed (flat, in [`flat_parameters`] order).
    fn sync(&mut self, parameters: &[f32]);
}

/// No second worker: the trainer computes both shares.
#[derive(Debug, Default)]
pub struct NoHelper;

impl Helper for NoHelper {
    fn begin(&mut self, _: ModelShape, _: Examples, _: &[f32]) -> bool {
        false
    }
    fn start(&mut self, _: &[usize], _: usize) {}
    async fn finish(&mut self) -> Result<(Vec<f32>, f64), TrainError> {
        Err(TrainError::Helper("internal error: no second worker was started".into()))
    }
    fn sync(&mut self, _: &[f32]) {}
}

/// The helper's side: its copy of the model and the run's examples.
pub struct HelperModel {
    model: StackedLstm,
    series: Vec<f32>,
    window: usize,
    width: usize,
    device: Device,
}

impl HelperModel {
    /// A copy of the trainer's model (same `shape`, `parameters`) on the CPU with autodiff.
    pub fn new(shape: ModelShape, examples: Examples, parameters: &[f32]) -> Self {
        let device = Device::flex().autodiff();
        let model = with_flat_parameters(StackedLstm::new(shape, 0, &device), parameters);
        Self {
            model,
            series: examples.series.to_vec(),
            window: examples.window,
            width: examples.width,
            device,
        }
    }

    /// The flat gradient and squared error of the share `indices` of a batch of `batch_len`.
    pub fn gradients(&self, indices: &[usize], batch_len: usize) -> (Vec<f32>, f64) {
        let examples = Examples { series: &self.series, window: self.window, width: self.width };
        let share = share_gradients(&self.model, examples, indices, batch_len, &self.device);
        (
            flat_gradients(&self.model, &share.gradients),
            share.squared_error.into_scalar::<f32>() as f64,
        )
    }

    /// Takes the trainer's parameters after an optimiser step.
    pub fn sync(&mut self, parameters: &[f32]) {
        self.model = with_flat_parameters(self.model.clone(), parameters);
    }
}

/// Every float parameter of `model` in visiting order, flattened into one vector.
pub fn flat_parameters(model: &StackedLstm) -> Vec<f32> {
    struct Collect(Vec<f32>);
    impl ModuleVisitor for Collect {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            self.0.extend(values(param.val()));
        }
    }
    let mut collect = Collect(Vec::new());
    model.visit(&mut collect);
    collect.0
}

/// `gradients` for every parameter of `model`, flattened in [`flat_parameters`] order (zeros for
/// a parameter without one).
pub fn flat_gradients(model: &StackedLstm, gradients: &GradientsParams) -> Vec<f32> {
    struct Collect<'a>(&'a GradientsParams, Vec<f32>);
    impl ModuleVisitor for Collect<'_> {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            match self.0.get::<D>(param.id) {
                Some(grad) => self.1.extend(values(grad)),
                None => self.1.extend(std::iter::repeat_n(0.0, param.val().shape().num_elements())),
            }
        }
    }
    let mut collect = Collect(gradients, Vec::new());
    model.visit(&mut collect);
    collect.1
}

/// `gradients` plus a flat gradient in [`flat_parameters`] order.
pub fn add_flat_gradients(
    model: &StackedLstm,
    mut gradients: GradientsParams,
    flat: &[f32],
) -> GradientsParams {
    struct Add<'a> {
        gradients: &'a mut GradientsParams,
        flat: &'a [f32],
    }
    impl ModuleVisitor for Add<'_> {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            let value = param.val();
            let (shape, device) = (value.shape(), value.device().without_autodiff());
            let (own, rest) = self.flat.split_at(shape.num_elements());
            self.flat = rest;
            let other =
                Tensor::<D>::from_data(TensorData::new(own.to_vec(), shape.clone()), &device);
            let sum = match self.gradients.remove::<D>(param.id) {
                Some(grad) => grad + other,
                None => other,
            };
            self.gradients.register(param.id, sum);
        }
    }
    model.visit(&mut Add { gradients: &mut gradients, flat });
    gradients
}

/// `model` with its parameters replaced by `flat` (in [`flat_parameters`] order).
pub fn with_flat_parameters(model: StackedLstm, flat: &[f32]) -> StackedLstm {
    struct Load<'a>(&'a [f32]);
    impl ModuleMapper for Load<'_> {
        fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
            param.map(|old| {
                let (shape, device) = (old.shape(), old.device());
                let (own, rest) = self.0.split_at(shape.num_elements());
                self.0 = rest;
                Tensor::from_data(TensorData::new(own.to_vec(), shape), &device).require_grad()
            })
        }
    }
    model.map(&mut Load(flat))
}

fn values<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
    tensor
        .into_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .expect("parameters are f32 after convert")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(seed: u64) -> StackedLstm {
        let shape =
            ModelShape { features: 1, layers: 2, units: 6, dropout: 0.0, predict_change: true };
        StackedLstm::new(shape, seed, &Device::flex().autodiff())
    }

    /// Ten examples of window 8.
    fn series() -> Vec<f32> {
        (0..18).map(|i| ((i * 37 % 23) as f32 / 23.0).sin()).collect()
    }

    #[test]
    fn two_shares_add_up_to_the_whole_batch() {
        let device = Device::flex().autodiff();
        let model = model(5);
        let series = series();
        let examples = Examples { series: &series, window: 8, width: 1 };
        assert_eq!(examples.len(), 10);
        let batch = [3, 7, 1, 9, 0];
        let whole = share_gradients(&model, examples, &batch, batch.len(), &device);
        let first = share_gradients(&model, examples, &batch[..3], batch.len(), &device);
        let second = share_gradients(&model, examples, &batch[3..], batch.len(), &device);
        let sse = |s: &Share| s.squared_error.clone().into_scalar::<f32>();
        assert!((sse(&whole) - (sse(&first) + sse(&second))).abs() < 1e-5, "squared errors add up");
        let summed =
            add_flat_gradients(&model, first.gradients, &flat_gradients(&model, &second.gradients));
        let (whole_flat, summed_flat) =
            (flat_gradients(&model, &whole.gradients), flat_gradients(&model, &summed));
        assert_eq!(whole_flat.len(), flat_parameters(&model).len());
        assert!(whole_flat.iter().any(|g| g.abs() > 1e-4), "a real gradient");
        for (i, (a, b)) in whole_flat.iter().zip(&summed_flat).enumerate() {
            assert!(
                (a - b).abs() <= 1e-6 + 1e-4 * a.abs(),
                "gradient {i}: whole batch {a}, two shares {b}"
            );
        }
    }

    #[test]
    fn parameters_round_trip_through_a_flat_vector() {
        let (source, target) = (model(1), model(2));
        let flat = flat_parameters(&source);
        assert_ne!(flat, flat_parameters(&target));
        let loaded = with_flat_parameters(target, &flat);
        assert_eq!(flat_parameters(&loaded), flat);
        // Still trainable: the loaded parameters get gradients.
        let share = share_gradients(
            &loaded,
            Examples { series: &series(), window: 8, width: 1 },
            &[0, 1],
            2,
            &Device::flex().autodiff(),
        );
        assert!(flat_gradients(&loaded, &share.gradients).iter().any(|g| *g != 0.0));
    }
}
