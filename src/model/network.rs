//! Stacked LSTM layers, dropout between them, and a dense head on the last hidden state.

use burn::module::{Module, Param};
use burn::nn::{Dropout, DropoutConfig, Linear};
use burn::tensor::{Device, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use super::init::glorot_uniform;
use super::lstm::LstmLayer;
use crate::training::rng::SeededRng;

/// The sizes that define a model, kept with results so a run can be described and rebuilt.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ModelShape {
    pub features: usize,
    pub layers: usize,
    pub units: usize,
    pub dropout: f64,
}

/// The model of the reference notebook: LSTM(units) × layers → Dense(1).
#[derive(Module, Debug)]
pub struct StackedLstm {
    pub layers: Vec<LstmLayer>,
    pub dropout: Dropout,
    pub head: Linear,
}

impl StackedLstm {
    /// Builds the model with weights drawn from `seed`, identical on every backend.
    pub fn new(shape: ModelShape, seed: u64, device: &Device) -> Self {
        let mut rng = SeededRng::new(seed);
        let layers = (0..shape.layers)
            .map(|i| LstmLayer::new(if i == 0 { shape.features } else { shape.units }, shape.units, &mut rng, device))
            .collect();
        let weight = glorot_uniform(&mut rng, shape.units, 1);
        let head = Linear {
            weight: Param::from_tensor(Tensor::from_data(TensorData::new(weight, [shape.units, 1]), device)),
            bias: Some(Param::from_tensor(Tensor::zeros([1], device))),
        };
        Self { layers, dropout: DropoutConfig::new(shape.dropout).init(), head }
    }

    /// Maps windows `[batch, window, features]` to next-value predictions `[batch, 1]`.
    pub fn forward(&self, windows: Tensor<3>) -> Tensor<2> {
        let mut sequence = windows;
        let last = self.layers.len() - 1;
        for (i, layer) in self.layers.iter().enumerate() {
            let (next, hidden) = layer.forward(sequence.clone(), i < last);
            match next {
                Some(next) => sequence = self.dropout.forward(next),
                None => return self.head.forward(self.dropout.forward(hidden)),
            }
        }
        unreachable!("a model has at least one layer")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_windows_to_one_value_each() {
        let device = Device::flex();
        let shape = ModelShape { features: 1, layers: 2, units: 8, dropout: 0.0 };
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
        let shape = ModelShape { features: 1, layers: 1, units: 4, dropout: 0.0 };
        let weights = |seed| StackedLstm::new(shape, seed, &device).layers[0].recurrent_weight.val().into_data();
        assert_eq!(weights(3), weights(3));
        assert_ne!(weights(3), weights(4));
    }
}
