//! One LSTM layer with its four gates in one weight matrix.
//!
//! The input projection of every timestep is one matmul before the time loop; each step then
//! costs one `[B, H] × [H, 4H]` matmul and the gate maths, instead of the eight small matmuls of
//! burn's stock `Lstm`. Gates are ordered input, forget, cell, output as in Keras.

use burn::module::{Module, Param};
use burn::tensor::activation::{sigmoid, tanh};
use burn::tensor::{Device, Tensor, TensorData};

use super::init::{glorot_uniform, orthogonal};
use super::recurrence;
use crate::rng::SeededRng;

/// How a layer runs its time loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recurrence {
    /// The whole loop in one operation ([`recurrence::lstm_sequence`]): what training runs.
    Fused,
    /// Burn tensor operations, step by step: the reference the fused kernels are checked
    /// against (see [`recurrence::equivalence`]).
    StepByStep,
}

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
        let bias: Vec<f32> =
            (0..gates).map(|i| if (hidden..2 * hidden).contains(&i) { 1.0 } else { 0.0 }).collect();
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
        self.forward_with(Recurrence::Fused, input, keep_sequence)
    }

    /// [`forward`](Self::forward) with the time loop run the way `path` says.
    pub fn forward_with(
        &self,
        path: Recurrence,
        input: Tensor<3>,
        keep_sequence: bool,
    ) -> (Option<Tensor<3>>, Tensor<2>) {
        let projected = self.project(input);
        match path {
            Recurrence::Fused => {
                let [batch, steps, _] = projected.dims();
                let sequence = recurrence::lstm_sequence(projected, self.recurrent_weight.val());
                let last = sequence.clone().narrow(1, steps - 1, 1).reshape([batch, self.hidden]);
                (keep_sequence.then_some(sequence), last)
            }
            Recurrence::StepByStep => self.step_by_step(projected, keep_sequence),
        }
    }

    /// Every timestep's input times the input weights plus bias, in one matmul: `[B, T, 4H]`.
    fn project(&self, input: Tensor<3>) -> Tensor<3> {
        let [batch, steps, inputs] = input.dims();
        input
            .reshape([batch * steps, inputs])
            .matmul(self.input_weight.val())
            .add(self.bias.val().unsqueeze::<2>())
            .reshape([batch, steps, 4 * self.hidden])
    }

    /// The recurrence as burn tensor operations, one fused-gate matmul per step: the reference
    /// the kernels are checked against.
    fn step_by_step(
        &self,
        projected: Tensor<3>,
        keep_sequence: bool,
    ) -> (Option<Tensor<3>>, Tensor<2>) {
        let [batch, steps, _] = projected.dims();
        let h = self.hidden;
        let device = projected.device();
        let recurrent = self.recurrent_weight.val();
        let mut hidden = Tensor::<2>::zeros([batch, h], &device);
        let mut cell = Tensor::<2>::zeros([batch, h], &device);
        let mut outputs = Vec::with_capacity(if keep_sequence { steps } else { 0 });
        for t in 0..steps {
            let gates = projected.clone().narrow(1, t, 1).reshape([batch, 4 * h])
                + hidden.matmul(recurrent.clone());
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

#[cfg(test)]
mod tests {
    use super::*;
    use burn::nn::{GateController, Linear, Lstm, LstmConfig};
    use burn::tensor::Distribution;

    fn leaf(tensor: Tensor<2>) -> Param<Tensor<2>> {
        Param::from_tensor(tensor.detach())
    }

    /// burn's stock `Lstm` (eight matmuls per step) carrying the same weights as `layer`.
    fn stock_twin(layer: &LstmLayer, inputs: usize, device: &Device) -> Lstm {
        let h = layer.hidden;
        let gate = |k: usize| GateController {
            input_transform: Linear {
                weight: leaf(layer.input_weight.val().narrow(1, k * h, h)),
                bias: Some(Param::from_tensor(layer.bias.val().narrow(0, k * h, h).detach())),
            },
            hidden_transform: Linear {
                weight: leaf(layer.recurrent_weight.val().narrow(1, k * h, h)),
                bias: Some(Param::from_tensor(Tensor::zeros([h], device))),
            },
        };
        let mut stock = LstmConfig::new(inputs, h, true).init(device);
        stock.input_gate = gate(0);
        stock.forget_gate = Some(gate(1));
        stock.cell_gate = gate(2);
        stock.output_gate = gate(3);
        stock
    }

    /// A way to run the layer: input → (sequence, last hidden state).
    type Forward<'a> = dyn Fn(Tensor<3>) -> (Option<Tensor<3>>, Tensor<2>) + 'a;

    fn assert_close(ours: Tensor<2>, theirs: Tensor<2>, tolerance: f32, what: &str) {
        let (ours, theirs) = (
            ours.into_data().try_to_vec::<f32>().unwrap(),
            theirs.into_data().try_to_vec::<f32>().unwrap(),
        );
        assert_eq!(ours.len(), theirs.len(), "{what}");
        for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
            assert!((a - b).abs() <= tolerance, "{what}[{i}]: ours {a}, stock {b}");
        }
    }

    /// Outputs and gradients (inputs and every weight) of our layer equal those of burn's stock
    /// LSTM on random inputs, to 1e-5 (outputs) and 1e-4 (gradients) in f32: through the
    /// hand-written recurrence kernel (CPU) and through the step-by-step tensor version (the
    /// reference the WebGPU kernels are checked against), for a tiny layer and one of the
    /// default width.
    #[test]
    fn both_recurrences_match_burns_stock_lstm() {
        let device = Device::flex().autodiff();
        for (batch, steps, inputs, hidden) in [(3, 7, 2, 5), (5, 12, 3, 50)] {
            device.seed(11);
            let ours = LstmLayer::new(inputs, hidden, &mut SeededRng::new(3), &device);
            let stock = stock_twin(&ours, inputs, &device);
            let x = Tensor::<3>::random(
                [batch, steps, inputs],
                Distribution::Normal(0.0, 1.0),
                &device,
            );
            let weights = Tensor::<3>::random(
                [batch, steps, hidden],
                Distribution::Normal(0.0, 1.0),
                &device,
            );
            let x_stock = x.clone().detach().require_grad();
            let (stock_sequence, stock_state) = stock.forward(x_stock.clone(), None);
            let stock_grads = (stock_sequence.clone() * weights.clone()).sum().backward();
            let rows = batch * steps;
            let kernel = |x: Tensor<3>| ours.forward_with(Recurrence::Fused, x, true);
            let step_by_step = |x: Tensor<3>| ours.forward_with(Recurrence::StepByStep, x, true);
            let paths: [(&str, &Forward); 2] =
                [("kernel", &kernel), ("step by step", &step_by_step)];
            for (path, forward) in paths {
                let what = |name: &str| format!("{path}, hidden {hidden}: {name}");
                let x_ours = x.clone().detach().require_grad();
                let (sequence, last) = forward(x_ours.clone());
                let sequence = sequence.unwrap();
                assert_close(
                    sequence.clone().reshape([rows, hidden]),
                    stock_sequence.clone().reshape([rows, hidden]),
                    1e-5,
                    &what("outputs"),
                );
                assert_close(last, stock_state.hidden.clone(), 1e-5, &what("last hidden state"));

                let grads = (sequence * weights.clone()).sum().backward();
                let grad2 = |t: Tensor<3>, g| t.grad(g).unwrap().reshape([rows, inputs]);
                assert_close(
                    grad2(x_ours, &grads),
                    grad2(x_stock.clone(), &stock_grads),
                    1e-4,
                    &what("input gradients"),
                );
                let h = hidden;
                let gates = [
                    &stock.input_gate,
                    stock.forget_gate.as_ref().unwrap(),
                    &stock.cell_gate,
                    &stock.output_gate,
                ];
                for (k, gate) in gates.into_iter().enumerate() {
                    let ours_in = ours.input_weight.val().grad(&grads).unwrap().narrow(1, k * h, h);
                    assert_close(
                        ours_in,
                        gate.input_transform.weight.val().grad(&stock_grads).unwrap(),
                        1e-4,
                        &what("input weights"),
                    );
                    let ours_rec =
                        ours.recurrent_weight.val().grad(&grads).unwrap().narrow(1, k * h, h);
                    assert_close(
                        ours_rec,
                        gate.hidden_transform.weight.val().grad(&stock_grads).unwrap(),
                        1e-4,
                        &what("recurrent weights"),
                    );
                    let ours_bias =
                        ours.bias.val().grad(&grads).unwrap().narrow(0, k * h, h).unsqueeze::<2>();
                    let stock_bias = gate
                        .input_transform
                        .bias
                        .as_ref()
                        .unwrap()
                        .val()
                        .grad(&stock_grads)
                        .unwrap()
                        .unsqueeze::<2>();
                    assert_close(ours_bias, stock_bias, 1e-4, &what("bias"));
                }
            }
        }
    }
}
