//! The whole recurrence of one LSTM layer, forward and backward, on plain slices.
//!
//! burn's autodiff records about fifteen operations per timestep and replays them backwards,
//! each a separate pass over memory with its own allocation. Here one loop runs the time steps
//! with the state in cache, and the backward pass needs one small matmul per step; the weight
//! gradient is one large product after the loop. Gates are ordered input, forget, cell, output
//! (Keras' order) along the last axis.

use super::fastmath::{map_in_place, sigmoid, tanh};
use super::matmul::matmul_acc;
use super::simd::{F32x4, Lane, for_each_lane};

/// The sizes of one layer's recurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dims {
    pub batch: usize,
    pub steps: usize,
    pub hidden: usize,
}

impl Dims {
    fn gates(&self) -> usize {
        4 * self.hidden
    }
}

/// What the forward pass keeps for the backward pass besides its output, batch-major like the
/// inputs.
#[derive(Debug, Clone)]
pub struct Trace {
    /// Gate activations (after sigmoid / tanh): `[batch, steps, 4·hidden]`.
    pub gates: Vec<f32>,
    /// Cell state after every step: `[batch, steps, hidden]`.
    pub cells: Vec<f32>,
}

/// Gradients of the recurrence's two inputs.
#[derive(Debug, Clone)]
pub struct Grads {
    /// `[batch, steps, 4·hidden]`, for the pre-activation gates (input projection plus bias).
    pub projected: Vec<f32>,
    /// `[hidden, 4·hidden]`.
    pub recurrent: Vec<f32>,
}

/// Runs the layer over `projected` (`[batch, steps, 4·hidden]`: inputs times input weights plus
/// bias; its buffer becomes the trace's gates) with recurrent weights `[hidden, 4·hidden]`, from
/// a zero state. Returns the hidden state after every step, `[batch, steps, hidden]`.
pub fn forward(projected: Vec<f32>, recurrent: &[f32], dims: Dims) -> (Vec<f32>, Trace) {
    let Dims { batch, steps, hidden: h } = dims;
    let g4 = dims.gates();
    assert_eq!(projected.len(), batch * steps * g4, "projected inputs");
    assert_eq!(recurrent.len(), h * g4, "recurrent weights");
    let mut gates = projected;
    let mut hidden = vec![0f32; batch * steps * h];
    let mut cells = vec![0f32; batch * steps * h];
    let mut state_h = vec![0f32; batch * h];
    let mut state_c = vec![0f32; batch * h];
    for t in 0..steps {
        if t > 0 {
            matmul_acc(&state_h, h, recurrent, &mut gates[t * g4..], steps * g4, [batch, h, g4]);
        }
        for b in 0..batch {
            let at = b * steps + t;
            let row = &mut gates[at * g4..][..g4];
            activate(row, h);
            let gate = quarters(row, h);
            let c = &mut state_c[b * h..][..h];
            let hs = &mut state_h[b * h..][..h];
            for_each_lane(h, |j, width| {
                let gates = gate.map(|g| &g[j..j + width]);
                let (c, hs) = (&mut c[j..j + width], &mut hs[j..j + width]);
                if width == 4 {
                    cell_step::<F32x4>(gates, c, hs);
                } else {
                    cell_step::<f32>(gates, c, hs);
                }
            });
            cells[at * h..][..h].copy_from_slice(c);
            hidden[at * h..][..h].copy_from_slice(hs);
        }
    }
    (hidden, Trace { gates, cells })
}

/// A gate row split into its input, forget, cell and output quarters of `h` values each.
fn quarters(row: &[f32], h: usize) -> [&[f32]; 4] {
    [0, 1, 2, 3].map(|k| &row[k * h..(k + 1) * h])
}

/// Sigmoid on the input, forget and output gates, tanh on the cell candidate.
fn activate(row: &mut [f32], h: usize) {
    let (input_forget, rest) = row.split_at_mut(2 * h);
    let (candidate, output) = rest.split_at_mut(h);
    map_in_place(input_forget, sigmoid, sigmoid);
    map_in_place(candidate, tanh, tanh);
    map_in_place(output, sigmoid, sigmoid);
}

/// `c ← f·c + i·g`, `h ← o·tanh(c)` on one unit or four; `gates` are i, f, g, o.
#[inline(always)]
fn cell_step<L: Lane>(gates: [&[f32]; 4], c: &mut [f32], h: &mut [f32]) {
    let [i, f, g, o] = gates.map(L::load);
    let cell = f * L::load(c) + i * g;
    cell.store(c);
    (o * tanh(cell)).store(h);
}

/// Back-propagates `grad_hidden` (`[batch, steps, hidden]`, the loss's gradient for every output)
/// through the recurrence that produced `hidden` and `trace`.
pub fn backward(
    hidden: &[f32],
    trace: &Trace,
    recurrent: &[f32],
    grad_hidden: &[f32],
    dims: Dims,
) -> Grads {
    let Dims { batch, steps, hidden: h } = dims;
    let g4 = dims.gates();
    assert_eq!(grad_hidden.len(), batch * steps * h, "output gradient");
    let recurrent_t = transpose(recurrent, h, g4);
    let zeros = vec![0f32; h];
    let mut grad_gates = vec![0f32; batch * steps * g4];
    let mut carry_h = vec![0f32; batch * h];
    let mut carry_c = vec![0f32; batch * h];
    for t in (0..steps).rev() {
        for b in 0..batch {
            let at = b * steps + t;
            let [input, forget, candidate, output] = quarters(&trace.gates[at * g4..][..g4], h);
            let cell = &trace.cells[at * h..][..h];
            let cell_before = if t > 0 { &trace.cells[(at - 1) * h..][..h] } else { &zeros[..] };
            let upstream = &grad_hidden[at * h..][..h];
            let dh_carry = &carry_h[b * h..][..h];
            let dc_carry = &mut carry_c[b * h..][..h];
            let (d_input, rest) = grad_gates[at * g4..][..g4].split_at_mut(h);
            let (d_forget, rest) = rest.split_at_mut(h);
            let (d_candidate, d_output) = rest.split_at_mut(h);
            for_each_lane(h, |j, width| {
                let inputs =
                    [input, forget, candidate, output, cell, cell_before, upstream, dh_carry]
                        .map(|s| &s[j..j + width]);
                let outputs = [
                    &mut d_input[j..j + width],
                    &mut d_forget[j..j + width],
                    &mut d_candidate[j..j + width],
                    &mut d_output[j..j + width],
                ];
                let dc = &mut dc_carry[j..j + width];
                if width == 4 {
                    cell_step_back::<F32x4>(inputs, outputs, dc);
                } else {
                    cell_step_back::<f32>(inputs, outputs, dc);
                }
            });
        }
        carry_h.fill(0.0);
        if t > 0 {
            matmul_acc(
                &grad_gates[t * g4..],
                steps * g4,
                &recurrent_t,
                &mut carry_h,
                h,
                [batch, g4, h],
            );
        }
    }
    // dR = Σ_t h_{t-1}ᵀ · dgates_t, as one product over all (batch, step) rows.
    let rows = batch * steps;
    let mut previous_t = vec![0f32; h * rows];
    for b in 0..batch {
        for t in 1..steps {
            let before = &hidden[(b * steps + t - 1) * h..][..h];
            for (j, &v) in before.iter().enumerate() {
                previous_t[j * rows + b * steps + t] = v;
            }
        }
    }
    let mut grad_recurrent = vec![0f32; h * g4];
    matmul_acc(&previous_t, rows, &grad_gates, &mut grad_recurrent, g4, [h, rows, g4]);
    Grads { projected: grad_gates, recurrent: grad_recurrent }
}

/// One step of the cell backwards on one unit or four. `inputs` are the gates i, f, g, o, the
/// cell state now and before, the loss gradient of this output and the one carried back from the
/// next step; writes the pre-activation gate gradients and replaces `dc_carry`.
#[inline(always)]
fn cell_step_back<L: Lane>(inputs: [&[f32]; 8], grads: [&mut [f32]; 4], dc_carry: &mut [f32]) {
    let [i, f, g, o, cell, cell_before, upstream, dh_carry] = inputs.map(L::load);
    let one = L::splat(1.0);
    let dh = upstream + dh_carry;
    let squashed = tanh(cell);
    let dc = L::load(dc_carry) + dh * o * (one - squashed * squashed);
    let [d_input, d_forget, d_candidate, d_output] = grads;
    (dc * g * i * (one - i)).store(d_input);
    (dc * cell_before * f * (one - f)).store(d_forget);
    (dc * i * (one - g * g)).store(d_candidate);
    (dh * squashed * o * (one - o)).store(d_output);
    (dc * f).store(dc_carry);
}

fn transpose(m: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    let mut t = vec![0f32; rows * cols];
    for r in 0..rows {
        for c in 0..cols {
            t[c * rows + r] = m[r * cols + c];
        }
    }
    t
}
