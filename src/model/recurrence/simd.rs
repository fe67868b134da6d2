//! Four f32 lanes: wasm `simd128` in the browser, SSE natively, plain arrays elsewhere.
//!
//! The compiler did not vectorise the matmul tiles by itself (it kept the sums in scalar
//! registers and on the stack), so the tiles say what they mean with this type.

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
}

/// Four f32 lanes.
#[derive(Clone, Copy)]
pub struct F32x4(lanes::Lanes);

impl F32x4 {
    #[inline(always)]
    pub fn splat(v: f32) -> Self {
        Self(lanes::splat(v))
    }
    #[inline(always)]
    pub fn zero() -> Self {
        Self::splat(0.0)
    }
    /// The first four values of `s`.
    #[inline(always)]
    pub fn load(s: &[f32]) -> Self {
        Self(lanes::load(s[..4].try_into().expect("four lanes")))
    }
    /// Writes the lanes over the first four values of `s`.
    #[inline(always)]
    pub fn store(self, s: &mut [f32]) {
        lanes::store(self.0, (&mut s[..4]).try_into().expect("four lanes"))
    }
    /// `self + a · b` (a multiply then an add: wasm's fused multiply-add is not in every browser).
    #[inline(always)]
    pub fn mul_add(self, a: Self, b: Self) -> Self {
        Self(lanes::add(self.0, lanes::mul(a.0, b.0)))
    }
    #[inline(always)]
    pub fn add(self, other: Self) -> Self {
        Self(lanes::add(self.0, other.0))
    }
}
