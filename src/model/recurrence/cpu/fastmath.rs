//! Branch-free `exp`, sigmoid and tanh over slices.
//!
//! `f32::exp` is a libm call per element, which the compiler cannot vectorise: in wasm it made
//! the gate activations a large share of an epoch. These versions use only arithmetic and bit
//! casts, written once over [`Lane`] for four SIMD lanes (wasm `simd128`, x86 SSE) and for one
//! value.

use super::simd::{F32x4, Lane, for_each_lane};

/// `e^x` to about 2 ulp for `x` in [-87, 88]; inputs beyond are clamped (no inf), NaN stays NaN.
#[inline(always)]
pub fn exp<L: Lane>(x: L) -> L {
    // Adding and subtracting 1.5·2²³ rounds to the nearest integer in plain arithmetic (no
    // `floor`, which is a libm call on baseline x86-64).
    let round = L::splat(12_582_912.0);
    let x = x.clamp(-87.0, 88.0);
    let n = (x * L::splat(std::f32::consts::LOG2_E) + round) - round;
    let r = x - n * L::splat(0.693_359_4) - n * L::splat(-2.121_944_4e-4);
    // Cephes' minimax polynomial for e^r on [-ln2/2, ln2/2].
    let mut p = L::splat(1.987_569_1e-4);
    for c in [1.398_199_9e-3, 8.333_452e-3, 4.166_579_6e-2, 1.666_666_5e-1, 0.5] {
        p = p * r + L::splat(c);
    }
    (p * r * r + r + L::splat(1.0)) * L::pow2(n)
}

/// The logistic function.
#[inline(always)]
pub fn sigmoid<L: Lane>(x: L) -> L {
    let one = L::splat(1.0);
    one / (one + exp(L::splat(0.0) - x))
}

/// Hyperbolic tangent as `1 - 2 / (e^{2x} + 1)`: exact limits ±1, absolute error ~1e-7.
#[inline(always)]
pub fn tanh<L: Lane>(x: L) -> L {
    let (one, two) = (L::splat(1.0), L::splat(2.0));
    one - two / (exp(two * x) + one)
}

/// Applies `f` (given for four lanes and for one value) to every value of `values`.
#[inline(always)]
pub fn map_in_place(
    values: &mut [f32],
    vector: impl Fn(F32x4) -> F32x4,
    scalar: impl Fn(f32) -> f32,
) {
    for_each_lane(values.len(), |j, width| {
        if width == 4 {
            vector(F32x4::load(&values[j..])).store(&mut values[j..]);
        } else {
            values[j] = scalar(values[j]);
        }
    });
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
            let lanes = exp(F32x4::splat(x));
            let mut out = [0f32; 4];
            lanes.store(&mut out);
            assert_eq!(out, [ours; 4], "four lanes and one value agree at {x}");
            assert!(
                ((ours as f64 - exact) / exact).abs() < 3e-7,
                "exp({x}) = {ours}, libm {exact}"
            );
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
        for x in [f32::NAN, -f32::NAN] {
            assert!(
                sigmoid(x).is_nan() && tanh(x).is_nan() && exp(x).is_nan(),
                "NaN must not turn into a number"
            );
            let mut lanes = [x; 4];
            map_in_place(&mut lanes, sigmoid, sigmoid);
            assert!(lanes.iter().all(|v| v.is_nan()), "NaN in four lanes");
        }
        assert_eq!(sigmoid(1000.0f32), 1.0);
        assert_eq!(tanh(-1000.0f32), -1.0);
        assert!(sigmoid(-1000.0f32) < 1e-37);
    }
}
