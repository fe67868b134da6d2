//! Branch-free `exp`, sigmoid and tanh over slices.
//!
//! `f32::exp` is a libm call per element, which the compiler cannot vectorise: in wasm it made
//! the gate activations a large share of an epoch. These versions use only arithmetic and bit
//! casts, so loops over slices compile to SIMD (wasm `simd128`, x86 SSE/AVX).

/// `e^x` to about 2 ulp for `x` in [-87, 88]; inputs beyond are clamped (no inf, no NaN).
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    const LOG2_E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    // Adding and subtracting 1.5·2²³ rounds to the nearest integer in plain arithmetic (no
    // `floor`, which is a libm call on baseline x86-64).
    const ROUND: f32 = 12_582_912.0;
    let x = x.clamp(-87.0, 88.0);
    let n = (x * LOG2_E + ROUND) - ROUND;
    let r = x - n * LN2_HI - n * LN2_LO;
    // Cephes' minimax polynomial for e^r on [-ln2/2, ln2/2].
    let mut p = 1.987_569_1e-4_f32;
    p = p * r + 1.398_199_9e-3;
    p = p * r + 8.333_452e-3;
    p = p * r + 4.166_579_6e-2;
    p = p * r + 1.666_666_5e-1;
    p = p * r + 0.5;
    let y = p * r * r + r + 1.0;
    y * f32::from_bits(((n as i32 + 127) << 23) as u32)
}

/// The logistic function.
#[inline(always)]
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

/// Hyperbolic tangent as `1 - 2 / (e^{2x} + 1)`: exact limits ±1, absolute error ~1e-7.
#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    1.0 - 2.0 / (exp(2.0 * x) + 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid() -> impl Iterator<Item = f32> {
        (-40_000..=40_000).map(|i| i as f32 * 0.0025)
    }

    #[test]
    fn exp_is_within_a_few_ulp_of_libm() {
        for x in grid().filter(|x| (-87.0..=88.0).contains(x)).chain([-87.0, 88.0]) {
            let (ours, exact) = (exp(x), (x as f64).exp());
            assert!(((ours as f64 - exact) / exact).abs() < 3e-7, "exp({x}) = {ours}, libm {exact}");
        }
    }

    #[test]
    fn activations_match_libm_to_1e_7() {
        for x in grid() {
            let exact_sigmoid = 1.0 / (1.0 + (-x as f64).exp());
            assert!((sigmoid(x) as f64 - exact_sigmoid).abs() < 2e-7, "sigmoid({x})");
            assert!((tanh(x) as f64 - (x as f64).tanh()).abs() < 2e-7, "tanh({x})");
        }
    }

    #[test]
    fn extremes_saturate_instead_of_overflowing() {
        for x in [-1e30, -1000.0, 1000.0, 1e30, f32::MAX, f32::MIN] {
            assert!(sigmoid(x).is_finite() && tanh(x).is_finite(), "{x}");
        }
        assert_eq!(sigmoid(1000.0), 1.0);
        assert_eq!(tanh(-1000.0), -1.0);
        assert!(sigmoid(-1000.0) < 1e-37);
    }
}
