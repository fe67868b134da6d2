//! The recurrence on the CPU backend: the whole time loop in plain Rust ([`kernel`]), its
//! backward pass registered with burn's autodiff.

mod fastmath;
mod kernel;
mod matmul;
mod simd;

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::flex::FlexTensor;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Flex};
use burn::tensor::TensorData;

use super::RecurrenceBackend;
use kernel::{Dims, Trace};

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
            grads.register::<Flex>(
                node.id,
                write(result.projected, [dims.batch, dims.steps, 4 * dims.hidden]),
            );
        }
        if let Some(node) = recurrent_node {
            grads
                .register::<Flex>(node.id, write(result.recurrent, [dims.hidden, 4 * dims.hidden]));
        }
    }
}

impl<C: CheckpointStrategy> RecurrenceBackend for Autodiff<Flex, C> {
    fn lstm_recurrence(
        projected: FloatTensor<Self>,
        recurrent: FloatTensor<Self>,
    ) -> FloatTensor<Self> {
        let prep = RecurrenceBackward
            .prepare::<C>([projected.node(), recurrent.node()])
            .compute_bound()
            .stateful();
        let (projected, dims) = read_projected(projected.into_primitive());
        let recurrent = values(recurrent.into_primitive());
        let (hidden, trace) = kernel::forward(projected, &recurrent, dims);
        let hidden = write(hidden, [dims.batch, dims.steps, dims.hidden]);
        match prep {
            OpsKind::Tracked(prep) => {
                let saved = Saved {
                    hidden: hidden.clone(),
                    trace: trace.into(),
                    recurrent: recurrent.into(),
                    dims,
                };
                prep.finish(saved, hidden)
            }
            OpsKind::UnTracked(prep) => prep.finish(hidden),
        }
    }
}
