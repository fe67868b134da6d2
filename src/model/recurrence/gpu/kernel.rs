//! CubeCL kernels for a layer's whole recurrence: all timesteps in one launch each way.
//!
//! One cube (workgroup) per batch row: rows are independent in the recurrence, so no cube ever
//! waits for another (WebGPU has no grid-wide barrier). The cube's units stride over the `4·H`
//! gate columns (one column each when `4·H` fits in a cube, several otherwise); the state of the
//! row lives in shared memory between barriers. Every barrier sits in uniform control flow:
//! loop bounds come from comptime values and tensor metadata, never from buffer contents.
//!
//! Gates are ordered input, forget, cell, output (Keras' order), as in the CPU kernel.

use cubecl::prelude::*;

/// `1 / (1 + e^-x)`, with the input clamped so `exp` never overflows (WGSL has no reliable ±inf).
#[cube]
fn sigmoid<F: Float>(x: F) -> F {
    let x = F::max(F::min(x, F::new(30.0)), F::new(-30.0));
    F::new(1.0) / (F::new(1.0) + (-x).exp())
}

/// `tanh` from one `exp`, clamped for the same reason; exact to f32 rounding past ±15.
#[cube]
fn tanh_clamped<F: Float>(x: F) -> F {
    let e = (F::new(-2.0) * F::max(F::min(x, F::new(15.0)), F::new(-15.0))).exp();
    (F::new(1.0) - e) / (F::new(1.0) + e)
}

/// Forward pass of one layer over all timesteps.
///
/// Per step: each gate column's pre-activation `projected[b,t,col] + Σ_k h[k]·W[k,col]` and its
/// activation (barrier), then each cell's update (barrier). With `trace`, the gate activations
/// and cell states are written out for the backward pass; without (inference), only `hidden`.
#[cube(launch)]
pub fn lstm_forward<F: Float>(
    projected: &Tensor<F>,  // [B, T, 4H]: x·W_ih + b
    recurrent: &Tensor<F>,  // [H, 4H]
    hidden: &mut Tensor<F>, // [B, T, H]
    gates: &mut Tensor<F>,  // [B, T, 4H] activations, with `trace`
    cells: &mut Tensor<F>,  // [B, T, H] cell states, with `trace`
    #[comptime] h: usize,
    #[comptime] trace: bool,
    #[define(F)] _dtype: ElemType,
) {
    let row = CUBE_POS_X as usize;
    let unit = UNIT_POS_X as usize;
    let units = CUBE_DIM_X as usize;
    let columns = 4 * h;
    let steps = projected.shape(1);
    let mut h_state = Shared::<[F]>::new_slice(h);
    let mut c_state = Shared::<[F]>::new_slice(h);
    let mut activations = Shared::<[F]>::new_slice(4 * h);

    let mut j = unit;
    while j < h {
        h_state[j] = F::new(0.0);
        c_state[j] = F::new(0.0);
        j += units;
    }
    sync_cube();

    for t in 0..steps {
        let gate_row = (row * steps + t) * columns;
        let mut col = unit;
        while col < columns {
            let mut acc = projected[gate_row + col];
            for k in 0..h {
                acc += h_state[k] * recurrent[k * columns + col];
            }
            let activation = if col >= 2 * h && col < 3 * h {
                tanh_clamped::<F>(acc)
            } else {
                sigmoid::<F>(acc)
            };
            activations[col] = activation;
            if trace {
                gates[gate_row + col] = activation;
            }
            col += units;
        }
        sync_cube();

        let cell_row = (row * steps + t) * h;
        let mut j = unit;
        while j < h {
            let c = activations[h + j] * c_state[j] + activations[j] * activations[2 * h + j];
            let hv = activations[3 * h + j] * tanh_clamped::<F>(c);
            c_state[j] = c;
            h_state[j] = hv;
            hidden[cell_row + j] = hv;
            if trace {
                cells[cell_row + j] = c;
            }
            j += units;
        }
        sync_cube();
    }
}

/// Backward pass of one layer, in reverse time, from the forward trace.
///
/// Per step: each cell's gate gradients from the carried `dh`, `dc` (barrier); the recurrent
/// part of the previous step's `dh`, `Σ_col d_gate[col]·W[j,col]`, as `parts` partial sums per
/// cell so that up to four units share one cell's sum (barrier); the partial sums added
/// (barrier). Writes the pre-activation gradients twice: at their step (`grad_pre`, the
/// projected inputs' gradient) and one step earlier (`grad_pre_next`, zero at the last step),
/// so the recurrent weights' gradient is one matmul, `hiddenᵀ · grad_pre_next`, afterwards.
#[cube(launch)]
pub fn lstm_backward<F: Float>(
    gates: &Tensor<F>,             // [B, T, 4H] activations
    cells: &Tensor<F>,             // [B, T, H]
    recurrent: &Tensor<F>,         // [H, 4H]
    grad_hidden: &Tensor<F>,       // [B, T, H]
    grad_pre: &mut Tensor<F>,      // [B, T, 4H]
    grad_pre_next: &mut Tensor<F>, // [B, T, 4H]: grad_pre shifted one step back
    #[comptime] h: usize,
    #[comptime] parts: usize,
    #[define(F)] _dtype: ElemType,
) {
    let row = CUBE_POS_X as usize;
    let unit = UNIT_POS_X as usize;
    let units = CUBE_DIM_X as usize;
    let columns = 4 * h;
    let steps = gates.shape(1);
    let one = F::new(1.0);
    let mut d_gates = Shared::<[F]>::new_slice(4 * h);
    let mut partial = Shared::<[F]>::new_slice(parts * h);
    let mut dh_carry = Shared::<[F]>::new_slice(h);
    let mut dc_carry = Shared::<[F]>::new_slice(h);

    let mut j = unit;
    while j < h {
        dh_carry[j] = F::new(0.0);
        dc_carry[j] = F::new(0.0);
        j += units;
    }
    let last_row = (row * steps + steps - 1) * columns;
    let mut col = unit;
    while col < columns {
        grad_pre_next[last_row + col] = F::new(0.0);
        col += units;
    }
    sync_cube();

    for r in 0..steps {
        let t = steps - 1 - r;
        let gate_row = (row * steps + t) * columns;
        let cell_row = (row * steps + t) * h;
        let mut j = unit;
        while j < h {
            let i = gates[gate_row + j];
            let f = gates[gate_row + h + j];
            let g = gates[gate_row + 2 * h + j];
            let o = gates[gate_row + 3 * h + j];
            let mut c_prev = F::new(0.0);
            if t > 0 {
                c_prev = cells[cell_row - h + j];
            }
            let tc = tanh_clamped::<F>(cells[cell_row + j]);
            let dh = grad_hidden[cell_row + j] + dh_carry[j];
            let dc = dc_carry[j] + dh * o * (one - tc * tc);
            let d_i = dc * g * i * (one - i);
            let d_f = dc * c_prev * f * (one - f);
            let d_g = dc * i * (one - g * g);
            let d_o = dh * tc * o * (one - o);
            dc_carry[j] = dc * f;
            d_gates[j] = d_i;
            d_gates[h + j] = d_f;
            d_gates[2 * h + j] = d_g;
            d_gates[3 * h + j] = d_o;
            grad_pre[gate_row + j] = d_i;
            grad_pre[gate_row + h + j] = d_f;
            grad_pre[gate_row + 2 * h + j] = d_g;
            grad_pre[gate_row + 3 * h + j] = d_o;
            if t > 0 {
                let earlier = gate_row - columns;
                grad_pre_next[earlier + j] = d_i;
                grad_pre_next[earlier + h + j] = d_f;
                grad_pre_next[earlier + 2 * h + j] = d_g;
                grad_pre_next[earlier + 3 * h + j] = d_o;
            }
            j += units;
        }
        sync_cube();

        // Partial sum p of cell j covers the gate columns [p·4H/parts, (p+1)·4H/parts).
        let span = columns / parts;
        let mut slot = unit;
        while slot < parts * h {
            let p = slot / h;
            let j = slot % h;
            let mut acc = F::new(0.0);
            for m in 0..span {
                let col = p * span + m;
                acc += d_gates[col] * recurrent[j * columns + col];
            }
            partial[slot] = acc;
            slot += units;
        }
        sync_cube();

        let mut j = unit;
        while j < h {
            let mut sum = F::new(0.0);
            for p in 0..parts {
                sum += partial[p * h + j];
            }
            dh_carry[j] = sum;
            j += units;
        }
        sync_cube();
    }
}
