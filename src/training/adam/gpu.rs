//! The Adam step on the Cube (WebGPU) backend: one launch per parameter, updating the parameter
//! and its moments in place where nothing else holds them.

use burn::backend::Cube;
use burn::backend::TensorMetadata;
use burn::backend::cubecl::dtype_to_storage_type;
use burn_cubecl::kernel::into_contiguous;
use burn_cubecl::ops::numeric::empty_device_contiguous_dtype;
use burn_cubecl::tensor::CubeTensor;
use cubecl::prelude::*;

use super::{AdamBackend, StepFactors};

/// Units per cube: WebGPU's guaranteed workgroup size.
const UNITS: u32 = 256;

/// `StepFactors::apply` per element, in the same order of operations; on the `first` step the
/// moments are only written.
#[cube(launch)]
#[allow(clippy::too_many_arguments)]
fn adam_step_kernel<F: Float>(
    parameter: &mut Tensor<F>,
    gradient: &Tensor<F>,
    moment_1: &mut Tensor<F>,
    moment_2: &mut Tensor<F>,
    beta_1: f32,
    keep_1: f32,
    beta_2: f32,
    keep_2: f32,
    correction: f32,
    epsilon: f32,
    lr: f32,
    #[comptime] first: bool,
    #[define(F)] _dtype: ElemType,
) {
    let i = ABSOLUTE_POS;
    if i < parameter.len() {
        let g = gradient[i];
        let mut m = g * F::cast_from(keep_1);
        let mut v = (g * g) * F::cast_from(keep_2);
        if first {
        } else {
            m = moment_1[i] * F::cast_from(beta_1) + m;
            v = moment_2[i] * F::cast_from(beta_2) + v;
        }
        let update = (m * F::cast_from(correction)) / (v.sqrt() + F::cast_from(epsilon));
        parameter[i] -= update * F::cast_from(lr);
        moment_1[i] = m;
        moment_2[i] = v;
    }
}

/// `tensor` itself when nothing else holds its buffer and it is contiguous, else a copy.
fn writable(tensor: CubeTensor) -> CubeTensor {
    let tensor = into_contiguous(tensor);
    if tensor.can_mut() { tensor } else { tensor.copy() }
}

/// A new contiguous tensor shaped like `like`, for the kernel to fill.
fn empty_like(like: &CubeTensor) -> CubeTensor {
    empty_device_contiguous_dtype(
        like.client.clone(),
        like.device.clone(),
        like.shape(),
        like.dtype,
    )
}

impl AdamBackend for Cube {
    fn adam_step(
        parameter: CubeTensor,
        gradient: CubeTensor,
        moment_1: CubeTensor,
        moment_2: CubeTensor,
        factors: StepFactors,
    ) -> (CubeTensor, CubeTensor, CubeTensor) {
        let parameter = writable(parameter);
        let moment = |earlier: CubeTensor| {
            if factors.first { empty_like(&parameter) } else { writable(earlier) }
        };
        let (moment_1, moment_2) = (moment(moment_1), moment(moment_2));
        let gradient = into_contiguous(gradient);
        let elements = parameter.meta.num_elements() as u32;
        let StepFactors { beta_1, keep_1, beta_2, keep_2, correction, epsilon, lr, first } =
            factors;
        adam_step_kernel::launch(
            &parameter.client.clone(),
            CubeCount::Static(elements.div_ceil(UNITS), 1, 1),
            CubeDim::new_1d(UNITS),
            parameter.clone().into_tensor_arg(),
            gradient.into_tensor_arg(),
            moment_1.clone().into_tensor_arg(),
            moment_2.clone().into_tensor_arg(),
            beta_1,
            keep_1,
            beta_2,
            keep_2,
            correction,
            epsilon,
            lr,
            first,
            dtype_to_storage_type(parameter.dtype),
        );
        (parameter, moment_1, moment_2)
    }
}
