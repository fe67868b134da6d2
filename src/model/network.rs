//! Stacked LSTM layers, dropout between them, and a dense head on the last hidden state.

use burn::module::{Module, Param};
use burn::nn::{Dropout, DropoutConfig, Linear};
use burn::tensor::{Device, Tensor, TensorData};

use super::init::glorot_uniform;
use super::lstm::{LstmLayer, Recurrence};
use super::shape::ModelShape;
use crate::rng::SeededRng;

/// The model of the reference notebook: LSTM(units) × layers → Dense(features), the next day
/// of every input (one, the target, unless the person added inputs).
#[derive(Module, Debug)]
pub struct StackedLstm {
    pub layers: Vec<LstmLayer>,
    pub dropout: Dropout,
    pub head: Linear,
    pub predict_change: bool,
}

impl StackedLstm {
    /// Builds the model with weights drawn from `seed`, identical on every backend.
    pub fn new(shape: ModelShape, seed: u64, device: &Device) -> Self {
        let mut rng = SeededRng::new(seed);
        let layers = (0..shape.layers)
            .map(|i| {
                LstmLayer::new(
                    if i == 0 { shape.features } else { shape.units },
                    shape.units,
                    &mut rng,
                    device,
                )
            })
            .collect();
        let weight = glorot_uniform(&mut rng, shape.units, shape.features);
        let head = Linear {
            weight: Param::from_tensor(Tensor::from_data(
                TensorData::new(weight, [shape.units, shape.features]),
                device,
            )),
            bias: Some(Param::from_tensor(Tensor::zeros([shape.features], device))),
        };
        Self {
            layers,
            dropout: DropoutConfig::new(shape.dropout).init(),
            head,
            predict_change: shape.predict_change,
        }
    }

    /// Inputs per day the model reads (and predicts).
    pub fn features(&self) -> usize {
        self.layers[0].input_weight.val().dims()[0]
    }

    /// Maps windows `[batch, window, features]` to next-day predictions `[batch, features]`.
    ///
    /// When predicting change, the network sees each input of a window relative to its last
    /// value and its output is added to that value: it starts out as the naive "tomorrow = today" forecast and
    /// learns corrections to it, and a test period above the training range needs no
    /// extrapolation of levels it never saw.
    pub fn forward(&self, windows: Tensor<3>) -> Tensor<2> {
        self.forward_with(Recurrence::Fused, windows)
    }

    /// [`forward`](Self::forward) with every layer's time loop run the way `path` says.
    pub fn forward_with(&self, path: Recurrence, windows: Tensor<3>) -> Tensor<2> {
        self.run(path, windows, None)
    }

    /// [`forward`](Self::forward) while training: dropout between layers and before the head,
    /// its masks drawn from `masks`, so that whoever computes a batch share draws the same ones.
    pub fn forward_training(&self, windows: Tensor<3>, masks: &mut SeededRng) -> Tensor<2> {
        self.run(Recurrence::Fused, windows, Some(masks))
    }

    fn run(
        &self,
        path: Recurrence,
        windows: Tensor<3>,
        mut masks: Option<&mut SeededRng>,
    ) -> Tensor<2> {
        let [batch, steps, features] = windows.dims();
        let last = windows.clone().narrow(1, steps - 1, 1).reshape([batch, features]);
        let mut sequence = if self.predict_change {
            windows - last.clone().unsqueeze_dim::<3>(1)
        } else {
            windows
        };
        let last_layer = self.layers.len() - 1;
        for (i, layer) in self.layers.iter().enumerate() {
            let (next, hidden) = layer.forward_with(path, sequence.clone(), i < last_layer);
            match next {
                Some(next) => sequence = self.drop(next, masks.as_deref_mut()),
                None => {
                    let output = self.head.forward(self.drop(hidden, masks.as_deref_mut()));
                    return if self.predict_change { output + last } else { output };
                }
            }
        }
        unreachable!("a model has at least one layer")
    }

    /// Inverted dropout: each value kept with probability `1 - p` and scaled by `1 / (1 - p)`,
    /// or `values` unchanged without masks or dropout.
    fn drop<const D: usize>(&self, values: Tensor<D>, masks: Option<&mut SeededRng>) -> Tensor<D> {
        let p = self.dropout.prob;
        let Some(masks) = masks.filter(|_| p > 0.0) else { return values };
        let keep = (1.0 / (1.0 - p)) as f32;
        let shape = values.shape();
        let mask: Vec<f32> = (0..shape.num_elements())
            .map(|_| if masks.uniform() < p { 0.0 } else { keep })
            .collect();
        let mask = Tensor::from_data(TensorData::new(mask, shape), &values.device());
        values * mask
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_windows_to_one_value_each() {
        let device = Device::flex();
        let shape =
            ModelShape { features: 1, layers: 2, units: 8, dropout: 0.0, predict_change: false };
        let model = StackedLstm::new(shape, 1, &device);
        assert_eq!(model.layers.len(), 2);
        assert_eq!(model.layers[0].input_weight.val().dims(), [1, 32]);
        assert_eq!(model.layers[1].input_weight.val().dims(), [8, 32]);
        assert_eq!(model.layers[1].recurrent_weight.val().dims(), [8, 32]);
        let output = model.forward(Tensor::ones([5, 12, 1], &device));
        assert_eq!(output.dims(), [5, 1]);
        let values = output.into_data().try_into_vec::<f32>().unwrap();
        assert!(values.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn same_seed_gives_same_weights() {
        let device = Device::flex();
        let shape =
            ModelShape { features: 1, layers: 1, units: 4, dropout: 0.0, predict_change: false };
        let weights = |seed| {
            StackedLstm::new(shape, seed, &device).layers[0].recurrent_weight.val().into_data()
        };
        assert_eq!(weights(3), weights(3));
        assert_ne!(weights(3), weights(4));
    }

    #[test]
    fn predicting_change_starts_near_the_naive_forecast() {
        let device = Device::flex();
        let shape =
            ModelShape { features: 1, layers: 1, units: 4, dropout: 0.0, predict_change: true };
        let model = StackedLstm::new(shape, 1, &device);
        // Two flat windows at different levels: the relative inputs are identical (all zero),
        // so the predictions differ by exactly the difference in level.
        let windows = Tensor::<3>::from_data(
            TensorData::new(
                vec![0.2f32; 6].into_iter().chain(vec![0.7f32; 6]).collect::<Vec<_>>(),
                [2, 6, 1],
            ),
            &device,
        );
        let out = model.forward(windows).into_data().try_into_vec::<f32>().unwrap();
        assert!((out[1] - out[0] - 0.5).abs() < 1e-6, "{out:?}");
    }
}
