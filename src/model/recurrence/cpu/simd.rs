//! Four f32 lanes: wasm `simd128` in the browser, SSE natively, plain arrays elsewhere.
//!
//! The compiler did not vectorise the matmul tiles or the gate maths by itself (it kept sums in
//! scalar registers and on the stack, and `f32::clamp` is scalar), so they say what they mean
//! with [`Lane`], written once for four lanes and for the single-value tail.

use core::ops::{Add, Div, Mul, Sub};

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod lanes {
    use core::arch::wasm32::*;

    pub type Lanes = v128;

    #[inline(always)]
    pub fn splat(v: f32) -> Lanes {
        f32x4_splat(v)
    }
    #[inline(always)]
    pub fn load(s: &[f32; 4]) -> Lanes {
        // SAFETY: `s` is four readable f32s; v128_load has no alignment requirement.
        unsafe { v128_load(s.as_ptr().cast()) }
    }
    #[inline(always)]
    pub fn store(v: Lanes, s: &mut [f32; 4]) {
        // SAFETY: `s` is four writable f32s; v128_store has no alignment requirement.
        unsafe { v128_store(s.as_mut_ptr().cast(), v) }
    }
    #[inline(always)]
    pub fn add(a: Lanes, b: Lanes) -> Lanes {
        f32x4_add(a, b)
    }
    #[inline(always)]
    pub fn mul(a: Lanes, b: Lanes) -> Lanes {
        f32x4_mul(a, b)
    }
    #[inline(always)]
    pub fn sub(a: Lanes, b: Lanes) -> Lanes {
        f32x4_sub(a, b)
    }
    #[inline(always)]
    pub fn div(a: Lanes, b: Lanes) -> Lanes {
        f32x4_div(a, b)
    }
    /// NaN in `x` stays NaN.
    #[inline(always)]
    pub fn clamp(x: Lanes, lo: f32, hi: f32) -> Lanes {
        f32x4_max(f32x4_splat(lo), f32x4_min(f32x4_splat(hi), x))
    }
    #[inline(always)]
    pub fn pow2(n: Lanes) -> Lanes {
        i32x4_shl(i32x4_add(i32x4_trunc_sat_f32x4(n), i32x4_splat(127)), 23)
    }
}

#[cfg(target_arch = "x86_64")]
mod lanes {
    use core::arch::x86_64::*;

    pub type Lanes = __m128;

    // SAFETY (all): SSE is part of the x86-64 baseline; loads and stores are unaligned ones on
    // exactly four f32s.
    #[inline(always)]
    pub fn splat(v: f32) -> Lanes {
        unsafe { _mm_set1_ps(v) }
    }
    #[inline(always)]
    pub fn load(s: &[f32; 4]) -> Lanes {
        unsafe { _mm_loadu_ps(s.as_ptr()) }
    }
    #[inline(always)]
    pub fn store(v: Lanes, s: &mut [f32; 4]) {
        unsafe { _mm_storeu_ps(s.as_mut_ptr(), v) }
    }
    #[inline(always)]
    pub fn add(a: Lanes, b: Lanes) -> Lanes {
        unsafe { _mm_add_ps(a, b) }
    }
    #[inline(always)]
    pub fn mul(a: Lanes, b: Lanes) -> Lanes {
        unsafe { _mm_mul_ps(a, b) }
    }
    #[inline(always)]
    pub fn sub(a: Lanes, b: Lanes) -> Lanes {
        unsafe { _mm_sub_ps(a, b) }
    }
    #[inline(always)]
    pub fn div(a: Lanes, b: Lanes) -> Lanes {
        unsafe { _mm_div_ps(a, b) }
    }
    /// NaN in `x` stays NaN: SSE's min and max return their second operand when one is NaN.
    #[inline(always)]
    pub fn clamp(x: Lanes, lo: f32, hi: f32) -> Lanes {
        unsafe { _mm_max_ps(_mm_set1_ps(lo), _mm_min_ps(_mm_set1_ps(hi), x)) }
    }
    #[inline(always)]
    pub fn pow2(n: Lanes) -> Lanes {
        unsafe {
            _mm_castsi128_ps(_mm_slli_epi32(
                _mm_add_epi32(_mm_cvttps_epi32(n), _mm_set1_epi32(127)),
                23,
            ))
        }
    }
}

#[cfg(not(any(all(target_arch = "wasm32", target_feature = "simd128"), target_arch = "x86_64")))]
mod lanes {
    pub type Lanes = [f32; 4];

    #[inline(always)]
    pub fn splat(v: f32) -> Lanes {
        [v; 4]
    }
    #[inline(always)]
    pub fn load(s: &[f32; 4]) -> Lanes {
        *s
    }
    #[inline(always)]
    pub fn store(v: Lanes, s: &mut [f32; 4]) {
        *s = v;
    }
    #[inline(always)]
    pub fn add(a: Lanes, b: Lanes) -> Lanes {
        core::array::from_fn(|i| a[i] + b[i])
    }
    #[inline(always)]
    pub fn mul(a: Lanes, b: Lanes) -> Lanes {
        core::array::from_fn(|i| a[i] * b[i])
    }
    #[inline(always)]
    pub fn sub(a: Lanes, b: Lanes) -> Lanes {
        core::array::from_fn(|i| a[i] - b[i])
    }
    #[inline(always)]
    pub fn div(a: Lanes, b: Lanes) -> Lanes {
        core::array::from_fn(|i| a[i] / b[i])
    }
    #[inline(always)]
    pub fn clamp(x: Lanes, lo: f32, hi: f32) -> Lanes {
        x.map(|v| super::clamp(v, lo, hi))
    }
    #[inline(always)]
    pub fn pow2(n: Lanes) -> Lanes {
        n.map(super::pow2)
    }
}

/// Four f32 lanes.
#[derive(Clone, Copy)]
pub struct F32x4(lanes::Lanes);

impl F32x4 {
    #[inline(always)]
    pub fn zero() -> Self {
        Self::splat(0.0)
    }
    /// `self + a · b` (a multiply then an add: wasm's fused multiply-add is not in every browser).
    #[inline(always)]
    pub fn mul_add(self, a: Self, b: Self) -> Self {
        self + a * b
    }
}

/// What the gate maths needs of a value: one f32 or four lanes.
pub trait Lane:
    Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Div<Output = Self>
{
    fn splat(v: f32) -> Self;
    /// The first value (or four) of `s`.
    fn load(s: &[f32]) -> Self;
    /// Writes over the first value (or four) of `s`.
    fn store(self, s: &mut [f32]);
    /// `self` limited to `[lo, hi]`; NaN stays NaN, so a diverging model is still caught.
    fn clamp(self, lo: f32, hi: f32) -> Self;
    /// `2^n` for whole numbers `n` in [-126, 127].
    fn pow2(n: Self) -> Self;
}

impl Lane for F32x4 {
    #[inline(always)]
    fn splat(v: f32) -> Self {
        Self(lanes::splat(v))
    }
    #[inline(always)]
    fn load(s: &[f32]) -> Self {
        Self(lanes::load(s[..4].try_into().expect("four lanes")))
    }
    #[inline(always)]
    fn store(self, s: &mut [f32]) {
        lanes::store(self.0, (&mut s[..4]).try_into().expect("four lanes"))
    }
    #[inline(always)]
    fn clamp(self, lo: f32, hi: f32) -> Self {
        Self(lanes::clamp(self.0, lo, hi))
    }
    #[inline(always)]
    fn pow2(n: Self) -> Self {
        Self(lanes::pow2(n.0))
    }
}

impl Lane for f32 {
    #[inline(always)]
    fn splat(v: f32) -> Self {
        v
    }
    #[inline(always)]
    fn load(s: &[f32]) -> Self {
        s[0]
    }
    #[inline(always)]
    fn store(self, s: &mut [f32]) {
        s[0] = self;
    }
    #[inline(always)]
    fn clamp(self, lo: f32, hi: f32) -> Self {
        clamp(self, lo, hi)
    }
    #[inline(always)]
    fn pow2(n: Self) -> Self {
        pow2(n)
    }
}

#[inline(always)]
fn clamp(v: f32, lo: f32, hi: f32) -> f32 {
    if v < lo {
        lo
    } else if v > hi {
        hi
    } else {
        v
    }
}

#[inline(always)]
fn pow2(n: f32) -> f32 {
    f32::from_bits(((n as i32 + 127) << 23) as u32)
}

macro_rules! lane_op {
    ($trait:ident, $method:ident) => {
        impl $trait for F32x4 {
            type Output = Self;
            #[inline(always)]
            fn $method(self, other: Self) -> Self {
                Self(lanes::$method(self.0, other.0))
            }
        }
    };
}
lane_op!(Add, add);
lane_op!(Sub, sub);
lane_op!(Mul, mul);
lane_op!(Div, div);

/// Calls `f(j, width)` over `0..len`: four values at a time (width 4), then the tail one by one.
#[inline(always)]
pub fn for_each_lane(len: usize, mut f: impl FnMut(usize, usize)) {
    let whole = len - len % 4;
    for j in (0..whole).step_by(4) {
        f(j, 4);
    }
    for j in whole..len {
        f(j, 1);
    }
}
