//! A small register-tiled matrix multiply-accumulate for the recurrence's per-step products.
//!
//! Each step of an LSTM multiplies a `[batch, hidden]` state by a `[hidden, 4·hidden]` matrix:
//! too small for a general GEMM's packing to pay off, and called thousands of times per epoch.
//! Tiles of two rows by sixteen columns keep their sums in SIMD registers across the whole inner
//! dimension, loading each weight once for both rows.

use super::simd::{F32x4, Lane};

/// `out[i·ldo + j] += Σₖ a[i·lda + k] · b[k·n + j]` for `[m, inner, n]` = `dims`.
///
/// `a` rows and `out` rows may be strided (e.g. one timestep of a `[batch, time, ·]` tensor);
/// `b` is a dense row-major `[inner, n]` matrix.
pub fn matmul_acc(a: &[f32], lda: usize, b: &[f32], out: &mut [f32], ldo: usize, dims: [usize; 3]) {
    let [m, inner, n] = dims;
    assert!(b.len() >= inner * n, "b holds {} values, needs {inner}×{n}", b.len());
    if m == 0 || n == 0 {
        return;
    }
    assert!(
        a.len() >= (m - 1) * lda + inner && out.len() >= (m - 1) * ldo + n,
        "a or out too short"
    );
    // Long inner dimensions go in blocks, so the block of `b` that every tile streams stays in
    // cache (the weight gradient sums over all batch × time rows).
    for k0 in (0..inner).step_by(INNER_BLOCK) {
        let k1 = (k0 + INNER_BLOCK).min(inner);
        let b = &b[k0 * n..k1 * n];
        let a_row = |i: usize| &a[i * lda + k0..i * lda + k1];
        let mut i = 0;
        while i + 2 <= m {
            row_tiles::<2>([a_row(i), a_row(i + 1)], b, n, out, i * ldo, ldo);
            i += 2;
        }
        if i < m {
            row_tiles::<1>([a_row(i)], b, n, out, i * ldo, ldo);
        }
    }
}

/// Rows of `b` per block: 128 rows of a 200-wide matrix are 100 KB.
const INNER_BLOCK: usize = 128;

/// All column tiles of `R` rows: sixteen wide, then four, then single columns.
fn row_tiles<const R: usize>(
    rows: [&[f32]; R],
    b: &[f32],
    n: usize,
    out: &mut [f32],
    offset: usize,
    ldo: usize,
) {
    let mut j = 0;
    while j + 16 <= n {
        tile::<R, 4>(rows, b, n, j, out, offset, ldo);
        j += 16;
    }
    while j + 4 <= n {
        tile::<R, 1>(rows, b, n, j, out, offset, ldo);
        j += 4;
    }
    for j in j..n {
        for (r, row) in rows.iter().enumerate() {
            out[offset + r * ldo + j] +=
                row.iter().zip(b.chunks_exact(n)).map(|(x, b_row)| x * b_row[j]).sum::<f32>();
        }
    }
}

/// `R` rows by `V` vectors of four columns, starting at column `j`.
#[inline(always)]
fn tile<const R: usize, const V: usize>(
    rows: [&[f32]; R],
    b: &[f32],
    n: usize,
    j: usize,
    out: &mut [f32],
    offset: usize,
    ldo: usize,
) {
    let inner = b.len() / n;
    let rows = rows.map(|row| &row[..inner]);
    let mut acc = [[F32x4::zero(); V]; R];
    for k in 0..inner {
        let b_tile = &b[k * n + j..][..4 * V];
        let mut weights = [F32x4::zero(); V];
        for v in 0..V {
            weights[v] = F32x4::load(&b_tile[4 * v..]);
        }
        for r in 0..R {
            let x = F32x4::splat(rows[r][k]);
            for v in 0..V {
                acc[r][v] = acc[r][v].mul_add(x, weights[v]);
            }
        }
    }
    for (r, sums) in acc.iter().enumerate() {
        let out_row = &mut out[offset + r * ldo + j..][..4 * V];
        for (v, sum) in sums.iter().enumerate() {
            (F32x4::load(&out_row[4 * v..]) + *sum).store(&mut out_row[4 * v..]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(
        a: &[f32],
        lda: usize,
        b: &[f32],
        out: &mut [f32],
        ldo: usize,
        [m, inner, n]: [usize; 3],
    ) {
        for i in 0..m {
            for j in 0..n {
                out[i * ldo + j] += (0..inner).map(|k| a[i * lda + k] * b[k * n + j]).sum::<f32>();
            }
        }
    }

    /// Every tile shape and both row counts, with strided `a` and `out`, against the textbook loop.
    #[test]
    fn matches_the_textbook_product_for_awkward_shapes() {
        let value = |i: usize| ((i * 7919 % 101) as f32 - 50.0) / 25.0;
        for (m, inner, n) in
            [(1, 1, 1), (2, 3, 16), (3, 5, 21), (5, 50, 200), (4, 200, 50), (7, 9, 37)]
        {
            let (lda, ldo) = (inner + 3, n + 5);
            let a: Vec<f32> = (0..m * lda).map(value).collect();
            let b: Vec<f32> = (0..inner * n).map(|i| value(i + 13)).collect();
            let start: Vec<f32> = (0..m * ldo).map(|i| value(i + 29)).collect();
            let (mut ours, mut expected) = (start.clone(), start);
            matmul_acc(&a, lda, &b, &mut ours, ldo, [m, inner, n]);
            naive(&a, lda, &b, &mut expected, ldo, [m, inner, n]);
            for (i, (x, y)) in ours.iter().zip(&expected).enumerate() {
                assert!(
                    (x - y).abs() <= 1e-4 * (1.0 + y.abs()),
                    "{m}×{inner}×{n} [{i}]: {x} vs {y}"
                );
            }
        }
    }
}
