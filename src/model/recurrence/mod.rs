//! The LSTM recurrence as one burn operation with a hand-written backward pass (CPU backend).
//!
//! Written as burn ops, a layer's time loop costs about fifteen recorded operations per step
//! forward and as many backward, each allocating and passing over memory: on the CPU that
//! overhead, not arithmetic, was most of an epoch. [`lstm_sequence`] instead hands the whole
//! loop to [`kernel`] through a burn backend extension, and registers [`kernel::backward`] as
//! its gradient with burn's autodiff. The input projection stays an ordinary (differentiable)
//! burn matmul around it.

mod fastmath;
pub mod kernel;
mod matmul;
mod simd;

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::flex::FlexTensor;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Backend, Dispatch, Flex, backend_extension};
use burn::tensor::{Device, Tensor, TensorData};

use kernel::{Dims, Trace};

/// Backends that run a layer's recurrence in one operation.
#[backend_extension(Flex, Autodiff)]
pub trait RecurrenceBackend: Backend {
    /// Hidden states `[batch, steps, hidden]` of an LSTM layer from a zero state, given its
    /// projected inputs `[batch, steps, 4·hidden]` and recurrent weights `[hidden, 4·hidden]`.
    fn lstm_recurrence(projected: FloatTensor<Self>, recurrent: FloatTensor<Self>) -> FloatTensor<Self>;
}

/// Whether `device` runs [`lstm_sequence`] (the CPU backend, with or without autodiff).
pub fn supported(device: &Device) -> bool {
    device.clone().without_autodiff() == Device::flex()
}

/// Every timestep's hidden state of an LSTM layer; see [`RecurrenceBackend::lstm_recurrence`].
/// Only for devices where [`supported`] holds.
pub fn lstm_sequence(projected: Tensor<3>, recurrent: Tensor<2>) -> Tensor<3> {
    Tensor::from_dispatch(<Dispatch as RecurrenceBackend>::lstm_recurrence(projected.into_dispatch(), recurrent.into_dispatch()))
}

impl RecurrenceBackend for Flex {
    fn lstm_recurrence(projected: FlexTensor, recurrent: FlexTensor) -> FlexTensor {
        let (projected, dims) = read_projected(projected);
        let (hidden, _) = kernel::forward(projected, &values(recurrent), dims);
        write(hidden, [dims.batch, dims.steps, dims.hidden])
    }
}

/// The dims of a `[batch, steps, 4·hidden]` tensor, with its values.
fn read_projected(projected: FlexTensor) -> (Vec<f32>, Dims) {
    let shape = projected.layout().shape().clone();
    assert_eq!(shape.num_dims(), 3, "projected inputs are [batch, steps, 4·hidden]");
    let dims = Dims { batch: shape[0], steps: shape[1], hidden: shape[2] / 4 };
    (values(projected), dims)
}

fn values(tensor: FlexTensor) -> Vec<f32> {
    tensor.into_data().try_into_vec::<f32>().expect("the recurrence runs in f32")
}

fn write<const D: usize>(values: Vec<f32>, shape: [usize; D]) -> FlexTensor {
    FlexTensor::from_data(TensorData::new(values, shape))
}

/// The forward pass's output, trace and weights, for the backward pass.
#[derive(Debug, Clone)]
struct Saved {
    hidden: FlexTensor,
    trace: std::sync::Arc<Trace>,
    recurrent: std::sync::Arc<Vec<f32>>,
    dims: Dims,
}

#[derive(Debug)]
struct RecurrenceBackward;

impl Backward<Flex, 2> for RecurrenceBackward {
    type State = Saved;

    fn backward(self, ops: Ops<Saved, 2>, grads: &mut Gradients, _: &mut Checkpointer) {
        let [projected_node, recurrent_node] = ops.parents;
        let grad_hidden = values(grads.consume::<Flex>(&ops.node));
        let Saved { hidden, trace, recurrent, dims } = ops.state;
        let hidden = hidden.as_slice::<f32>().expect("the layer's output is contiguous f32");
        let result = kernel::backward(hidden, &trace, &recurrent, &grad_hidden, dims);
        if let Some(node) = projected_node {
            grads.register::<Flex>(node.id, write(result.projected, [dims.batch, dims.steps, 4 * dims.hidden]));
        }
        if let Some(node) = recurrent_node {
            grads.register::<Flex>(node.id, write(result.recurrent, [dims.hidden, 4 * dims.hidden]));
        }
    }
}

impl<C: CheckpointStrategy> RecurrenceBackend for Autodiff<Flex, C> {
    fn lstm_recurrence(projected: FloatTensor<Self>, recurrent: FloatTensor<Self>) -> FloatTensor<Self> {
        let prep = RecurrenceBackward.prepare::<C>([projected.node(), recurrent.node()]).compute_bound().stateful();
        let (projected, dims) = read_projected(projected.into_primitive());
        let recurrent = values(recurrent.into_primitive());
        let (hidden, trace) = kernel::forward(projected, &recurrent, dims);
        let hidden = write(hidden, [dims.batch, dims.steps, dims.hidden]);
        match prep {
            OpsKind::Tracked(prep) => {
                let saved = Saved { hidden: hidden.clone(), trace: trace.into(), recurrent: recurrent.into(), dims };
                prep.finish(saved, hidden)
            }
            OpsKind::UnTracked(prep) => prep.finish(hidden),
        }
    }
}
