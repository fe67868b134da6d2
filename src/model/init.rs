//! Keras' default LSTM initialisation, drawn from our own seeded generator so that a seed gives
//! the same starting weights on WebGPU and on the CPU.

use crate::rng::SeededRng;

/// Glorot (Xavier) uniform: keeps activations' variance steady through a layer.
pub fn glorot_uniform(rng: &mut SeededRng, fan_in: usize, fan_out: usize) -> Vec<f32> {
    let limit = (6.0 / (fan_in + fan_out) as f64).sqrt();
    (0..fan_in * fan_out).map(|_| ((rng.uniform() * 2.0 - 1.0) * limit) as f32).collect()
}

/// A `rows × cols` matrix (row-major, `rows <= cols`) with orthonormal rows: recurrent weights
/// that neither blow up nor shrink the hidden state at the start of training.
pub fn orthogonal(rng: &mut SeededRng, rows: usize, cols: usize) -> Vec<f32> {
    assert!(rows <= cols, "orthogonal init here expects a wide matrix");
    // Gram–Schmidt on `rows` random vectors of length `cols`.
    let mut basis: Vec<Vec<f64>> = Vec::with_capacity(rows);
    while basis.len() < rows {
        let mut v: Vec<f64> = (0..cols).map(|_| rng.normal()).collect();
        for b in &basis {
            let dot: f64 = v.iter().zip(b).map(|(x, y)| x * y).sum();
            v.iter_mut().zip(b).for_each(|(x, y)| *x -= dot * y);
        }
        let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm > 1e-6 {
            basis.push(v.into_iter().map(|x| x / norm).collect());
        }
    }
    basis.into_iter().flatten().map(|x| x as f32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orthogonal_rows_are_orthonormal() {
        let (rows, cols) = (5, 20);
        let m = orthogonal(&mut SeededRng::new(1), rows, cols);
        for i in 0..rows {
            for j in 0..rows {
                let dot: f32 = (0..cols).map(|k| m[i * cols + k] * m[j * cols + k]).sum();
                let expected = if i == j { 1.0 } else { 0.0 };
                assert!((dot - expected).abs() < 1e-5, "rows {i},{j}: {dot}");
            }
        }
    }

    #[test]
    fn glorot_stays_within_its_limit() {
        let w = glorot_uniform(&mut SeededRng::new(1), 10, 40);
        let limit = (6.0f32 / 50.0).sqrt();
        assert_eq!(w.len(), 400);
        assert!(w.iter().all(|x| x.abs() <= limit));
        assert!(w.iter().any(|x| x.abs() > limit / 2.0));
    }
}
