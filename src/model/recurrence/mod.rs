//! The LSTM recurrence as one burn operation with a hand-written backward pass, on the CPU and
//! on WebGPU.
//!
//! Written as burn ops, a layer's time loop costs about fifteen recorded operations per step
//! forward and as many backward. On the CPU each allocates and passes over memory; on WebGPU each
//! is a kernel launch (tens of microseconds of API overhead apiece on real hardware), so a
//! reference epoch issued well over 10⁵ launches. [`lstm_sequence`] instead hands a layer's whole
//! time loop to one kernel through a burn backend extension — plain Rust on the CPU ([`cpu`]),
//! one CubeCL launch forward and one backward on WebGPU (`gpu`) — and registers the matching
//! backward pass with burn's autodiff. The input projection stays an ordinary (differentiable)
//! burn matmul around it.

#[cfg(feature = "model")]
mod cpu;
pub mod differences;
#[cfg(feature = "model")]
pub mod equivalence;
#[cfg(all(feature = "model", target_arch = "wasm32"))]
mod gpu;

#[cfg(feature = "model")]
use burn::backend::tensor::FloatTensor;
#[cfg(feature = "model")]
use burn::backend::{Backend, Dispatch, backend_extension};
#[cfg(feature = "model")]
use burn::tensor::Tensor;

/// Backends that run a layer's recurrence in one operation.
#[cfg(feature = "model")]
#[backend_extension(Flex, Cube: cfg(target_arch = "wasm32"), Autodiff)]
pub trait RecurrenceBackend: Backend {
    /// Hidden states `[batch, steps, hidden]` of an LSTM layer from a zero state, given its
    /// projected inputs `[batch, steps, 4·hidden]` and recurrent weights `[hidden, 4·hidden]`.
    fn lstm_recurrence(
        projected: FloatTensor<Self>,
        recurrent: FloatTensor<Self>,
    ) -> FloatTensor<Self>;
}

/// Every timestep's hidden state of an LSTM layer; see [`RecurrenceBackend::lstm_recurrence`].
/// Runs on every device this crate trains on (the CPU, and WebGPU in the browser).
#[cfg(feature = "model")]
pub fn lstm_sequence(projected: Tensor<3>, recurrent: Tensor<2>) -> Tensor<3> {
    Tensor::from_dispatch(<Dispatch as RecurrenceBackend>::lstm_recurrence(
        projected.into_dispatch(),
        recurrent.into_dispatch(),
    ))
}
