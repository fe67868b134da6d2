//! The recurrence on the Cube (WebGPU) backend: one launch forward ([`kernel::lstm_forward`]),
//! one backward ([`kernel::lstm_backward`]) plus one matmul for the recurrent weights' gradient,
//! registered with burn's autodiff.
//!
//! Inference (validation, prediction, the forecast) runs the forward kernel without writing the
//! trace; training keeps the gate activations and cell states for the backward pass.

mod kernel;

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::cubecl::dtype_to_storage_type;
use burn::backend::ops::FloatTensorOps;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Cube, TensorMetadata};
use burn::cubecl::prelude::{CubeCount, CubeDim};
use burn::tensor::Shape;
use burn_cubecl::kernel::into_contiguous;
use burn_cubecl::ops::numeric::empty_device_contiguous_dtype;
use burn_cubecl::tensor::CubeTensor;

use super::RecurrenceBackend;

/// Most units a cube uses: WebGPU's guaranteed `maxComputeInvocationsPerWorkgroup`.
const MAX_UNITS: u32 = 256;

/// How a layer of hidden size `h` is laid out on cubes.
#[derive(Debug, Clone, Copy)]
struct Layout {
    h: usize,
    /// Units per cube: one per gate column up to the device's limit, then columns are shared.
    units: u32,
    /// Units that share one cell's backward sum (1, 2 or 4, so they split `4·h` evenly).
    parts: usize,
}

impl Layout {
    fn new(h: usize, like: &CubeTensor) -> Self {
        let hardware = &like.client.properties().hardware;
        let units = (4 * h as u32)
            .min(MAX_UNITS)
            .min(hardware.max_units_per_cube)
            .min(hardware.max_cube_dim.0);
        let parts = [4, 2, 1].into_iter().find(|p| p * h <= units as usize).unwrap_or(1);
        let layout = Self { h, units, parts };
        let needed = layout.shared_floats() * size_of::<f32>();
        assert!(
            needed <= hardware.max_shared_memory_size,
            "an LSTM layer of {h} units needs {needed} bytes of GPU workgroup memory; this device offers {}",
            hardware.max_shared_memory_size
        );
        layout
    }

    /// Workgroup memory of the larger kernel, in floats: forward h, c and the gates (6h);
    /// backward the gate gradients, partial sums, dh and dc ((6 + parts)·h).
    fn shared_floats(&self) -> usize {
        (6 + self.parts) * self.h
    }

    fn launch_shape(&self, batch: usize) -> (CubeCount, CubeDim) {
        (CubeCount::Static(batch as u32, 1, 1), CubeDim::new_1d(self.units))
    }
}

fn empty(like: &CubeTensor, shape: [usize; 3]) -> CubeTensor {
    empty_device_contiguous_dtype(
        like.client.clone(),
        like.device.clone(),
        Shape::new(shape),
        like.dtype,
    )
}

/// The forward trace kept for the backward pass.
#[derive(Debug, Clone)]
struct Trace {
    gates: CubeTensor,
    cells: CubeTensor,
}

/// Runs the forward kernel: the hidden states, and with `keep_trace` the trace.
fn forward(
    projected: CubeTensor,
    recurrent: &CubeTensor,
    keep_trace: bool,
) -> (CubeTensor, Option<Trace>) {
    let projected = into_contiguous(projected);
    let [batch, steps, columns] = projected.shape().dims::<3>();
    let layout = Layout::new(columns / 4, &projected);
    let hidden = empty(&projected, [batch, steps, layout.h]);
    let trace_shape = |width| if keep_trace { [batch, steps, width] } else { [1, 1, 1] };
    let trace = Trace {
        gates: empty(&projected, trace_shape(columns)),
        cells: empty(&projected, trace_shape(layout.h)),
    };
    let (count, dim) = layout.launch_shape(batch);
    let dtype = dtype_to_storage_type(projected.dtype);
    kernel::lstm_forward::launch(
        &projected.client.clone(),
        count,
        dim,
        projected.into_tensor_arg(),
        recurrent.clone().into_tensor_arg(),
        hidden.clone().into_tensor_arg(),
        trace.gates.clone().into_tensor_arg(),
        trace.cells.clone().into_tensor_arg(),
        layout.h,
        keep_trace,
        dtype,
    );
    (hidden, keep_trace.then_some(trace))
}

impl RecurrenceBackend for Cube {
    fn lstm_recurrence(projected: CubeTensor, recurrent: CubeTensor) -> CubeTensor {
        forward(projected, &into_contiguous(recurrent), false).0
    }
}

/// What the backward pass needs from the forward pass.
#[derive(Debug, Clone)]
struct Saved {
    hidden: CubeTensor,
    trace: Trace,
    recurrent: CubeTensor,
}

#[derive(Debug)]
struct RecurrenceBackward;

impl Backward<Cube, 2> for RecurrenceBackward {
    type State = Saved;

    fn backward(self, ops: Ops<Saved, 2>, grads: &mut Gradients, _: &mut Checkpointer) {
        let [projected_node, recurrent_node] = ops.parents;
        let grad_hidden = into_contiguous(grads.consume::<Cube>(&ops.node));
        let Saved { hidden, trace, recurrent } = ops.state;
        let [batch, steps, columns] = trace.gates.shape().dims::<3>();
        let layout = Layout::new(columns / 4, &trace.gates);
        let grad_pre = empty(&trace.gates, [batch, steps, columns]);
        let grad_pre_next = empty(&trace.gates, [batch, steps, columns]);
        let (count, dim) = layout.launch_shape(batch);
        let dtype = dtype_to_storage_type(trace.gates.dtype);
        kernel::lstm_backward::launch(
            &trace.gates.client.clone(),
            count,
            dim,
            trace.gates.into_tensor_arg(),
            trace.cells.into_tensor_arg(),
            recurrent.into_tensor_arg(),
            grad_hidden.into_tensor_arg(),
            grad_pre.clone().into_tensor_arg(),
            grad_pre_next.clone().into_tensor_arg(),
            layout.h,
            layout.parts,
            dtype,
        );
        if let Some(node) = recurrent_node {
            // dW = Σ_{b,t} h[b,t]ᵀ · d_pre[b,t+1]: one [H, B·T] × [B·T, 4H] matmul.
            let rows = batch * steps;
            let hidden =
                Cube::float_transpose(Cube::float_reshape(hidden, Shape::new([rows, layout.h])));
            let next = Cube::float_reshape(grad_pre_next, Shape::new([rows, columns]));
            grads.register::<Cube>(node.id, Cube::float_matmul(hidden, next));
        }
        if let Some(node) = projected_node {
            grads.register::<Cube>(node.id, grad_pre);
        }
    }
}

impl<C: CheckpointStrategy> RecurrenceBackend for Autodiff<Cube, C> {
    fn lstm_recurrence(
        projected: FloatTensor<Self>,
        recurrent: FloatTensor<Self>,
    ) -> FloatTensor<Self> {
        let prep = RecurrenceBackward
            .prepare::<C>([projected.node(), recurrent.node()])
            .compute_bound()
            .stateful();
        let recurrent = into_contiguous(recurrent.into_primitive());
        match prep {
            OpsKind::Tracked(prep) => {
                let (hidden, trace) = forward(projected.into_primitive(), &recurrent, true);
                let trace = trace.expect("a tracked forward pass keeps its trace");
                prep.finish(Saved { hidden: hidden.clone(), trace, recurrent }, hidden)
            }
            OpsKind::UnTracked(prep) => {
                prep.finish(forward(projected.into_primitive(), &recurrent, false).0)
            }
        }
    }
}
