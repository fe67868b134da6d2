//! One LSTM layer with its four gates in one weight matrix.
//!
//! The input projection of every timestep is one matmul before the time loop; each step then
//! costs one `[B, H] × [H, 4H]` matmul and the gate maths, instead of the eight small matmuls of
//! burn's stock `Lstm`. Gates are ordered input, forget, cell, output as in Keras.

use burn::module::{Module, Param};
use burn::tensor::activation::{sigmoid, tanh};
use burn::tensor::{Device, Tensor, TensorData};

use super::init::{glorot_uniform, orthogonal};
use crate::training::rng::SeededRng;

/// A unidirectional LSTM layer over `[batch, time, features]` inputs.
#[derive(Module, Debug)]
pub struct LstmLayer {
    /// `[inputs, 4 × hidden]`.
    pub input_weight: Param<Tensor<2>>,
    /// `[hidden, 4 × hidden]`.
    pub recurrent_weight: Param<Tensor<2>>,
    /// `[4 × hidden]`; the forget-gate quarter starts at 1 so early training remembers.
    pub bias: Param<Tensor<1>>,
    pub hidden: usize,
}

impl LstmLayer {
    /// A layer with Keras' initialisation: Glorot input weights, orthogonal recurrent weights,
    /// zero bias except forget-gate bias 1.
    pub fn new(inputs: usize, hidden: usize, rng: &mut SeededRng, device: &Device) -> Self {
        let gates = 4 * hidden;
        let input = glorot_uniform(rng, inputs, gates);
        let recurrent = orthogonal(rng, hidden, gates);
        let bias: Vec<f32> = (0..gates).map(|i| if (hidden..2 * hidden).contains(&i) { 1.0 } else { 0.0 }).collect();
        let param = |values: Vec<f32>, shape: [usize; 2]| {
            Param::from_tensor(Tensor::from_data(TensorData::new(values, shape), device))
        };
        Self {
            input_weight: param(input, [inputs, gates]),
            recurrent_weight: param(recurrent, [hidden, gates]),
            bias: Param::from_tensor(Tensor::from_data(TensorData::new(bias, [gates]), device)),
            hidden,
        }
    }

    /// Runs the layer; returns every timestep's hidden state (`[B, T, H]`) when `keep_sequence`
    /// (to feed a next layer), and always the last hidden state (`[B, H]`).
    pub fn forward(&self, input: Tensor<3>, keep_sequence: bool) -> (Option<Tensor<3>>, Tensor<2>) {
        let [batch, steps, inputs] = input.dims();
        let h = self.hidden;
        let device = input.device();
        let projected = input
            .reshape([batch * steps, inputs])
            .matmul(self.input_weight.val())
            .add(self.bias.val().unsqueeze::<2>())
            .reshape([batch, steps, 4 * h]);
        let recurrent = self.recurrent_weight.val();
        let mut hidden = Tensor::<2>::zeros([batch, h], &device);
        let mut cell = Tensor::<2>::zeros([batch, h], &device);
        let mut outputs = Vec::with_capacity(if keep_sequence { steps } else { 0 });
        for t in 0..steps {
            let gates = projected.clone().narrow(1, t, 1).reshape([batch, 4 * h]) + hidden.matmul(recurrent.clone());
            let squashed = sigmoid(gates.clone());
            let input_gate = squashed.clone().narrow(1, 0, h);
            let forget_gate = squashed.clone().narrow(1, h, h);
            let output_gate = squashed.narrow(1, 3 * h, h);
            let candidate = tanh(gates.narrow(1, 2 * h, h));
            cell = forget_gate * cell + input_gate * candidate;
            hidden = output_gate * tanh(cell.clone());
            if keep_sequence {
                outputs.push(hidden.clone());
            }
        }
        let sequence = keep_sequence.then(|| Tensor::stack(outputs, 1));
        (sequence, hidden)
    }
}
