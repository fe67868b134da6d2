//! How far a kernel's results are from a reference's, and how far they may be: the result type
//! of the equivalence check (see `equivalence`), which the page and the tests read.

use serde::{Deserialize, Serialize};

/// Largest difference allowed in outputs (hidden states), in f32.
pub const OUTPUT_TOLERANCE: f32 = 1e-5;
/// Largest difference allowed in gradients of inputs and weights, in f32.
pub const GRADIENT_TOLERANCE: f32 = 1e-4;

/// Largest absolute differences between two runs; NaN if either side has one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Differences {
    pub outputs: f32,
    pub input_grads: f32,
    pub weight_grads: f32,
}

impl Differences {
    /// Outputs within [`OUTPUT_TOLERANCE`], gradients within [`GRADIENT_TOLERANCE`].
    pub fn within_tolerance(&self) -> bool {
        self.outputs <= OUTPUT_TOLERANCE
            && self.input_grads <= GRADIENT_TOLERANCE
            && self.weight_grads <= GRADIENT_TOLERANCE
    }
}
