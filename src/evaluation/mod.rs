//! Error metrics in price units, always next to the naive "tomorrow = today" baseline.

pub mod verdict;

use std::ops::Range;

use serde::{Deserialize, Serialize};

/// Errors of a set of predictions, in the price's own units (MAPE in percent).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub rmse: f64,
    pub mae: f64,
    pub mape: f64,
}

/// Compares predictions with actual prices; both must be the same length and not empty.
pub fn metrics(actual: &[f64], predicted: &[f64]) -> Metrics {
    assert_eq!(actual.len(), predicted.len(), "one prediction per actual value");
    assert!(!actual.is_empty(), "metrics need at least one value");
    let n = actual.len() as f64;
    let errors = actual.iter().zip(predicted).map(|(a, p)| p - a);
    let rmse = (errors.clone().map(|e| e * e).sum::<f64>() / n).sqrt();
    let mae = errors.map(f64::abs).sum::<f64>() / n;
    let relative: Vec<f64> = actual
        .iter()
        .zip(predicted)
        .filter(|(a, _)| **a != 0.0)
        .map(|(a, p)| ((p - a) / a).abs())
        .collect();
    let mape = 100.0 * relative.iter().sum::<f64>() / relative.len().max(1) as f64;
    Metrics { rmse, mae, mape }
}

/// Mean and standard deviation of a figure over backtest folds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    pub mean: f64,
    pub std: f64,
}

/// The mean and (population) standard deviation of `values`.
pub fn spread(values: &[f64]) -> Spread {
    let n = values.len().max(1) as f64;
    let mean = values.iter().sum::<f64>() / n;
    let std = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
    Spread { mean, std }
}

/// Percent of days where the predicted move from the previous day has the sign of the actual
/// move; days without an actual move are left out. `None` when no day moved.
pub fn directional_accuracy(
    prices: &[f64],
    targets: Range<usize>,
    predicted: &[f64],
) -> Option<f64> {
    let (mut right, mut counted) = (0usize, 0usize);
    for (t, p) in targets.zip(predicted) {
        let actual = prices[t] - prices[t - 1];
        if actual != 0.0 {
            counted += 1;
            right += usize::from((p - prices[t - 1]).signum() == actual.signum());
        }
    }
    (counted > 0).then(|| 100.0 * right as f64 / counted as f64)
}

/// The persistence forecast: each target predicted by the price the day before.
pub fn naive_predictions(prices: &[f64], targets: Range<usize>) -> Vec<f64> {
    assert!(targets.start >= 1, "the first row has no previous day");
    prices[targets.start - 1..targets.end - 1].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_match_hand_computed_values() {
        // errors: +1, -2, +3 on actuals 10, 20, 30
        let m = metrics(&[10.0, 20.0, 30.0], &[11.0, 18.0, 33.0]);
        assert!((m.rmse - (14.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert!((m.mae - 2.0).abs() < 1e-12);
        assert!((m.mape - 100.0 * (0.1 + 0.1 + 0.1) / 3.0).abs() < 1e-12);
    }

    #[test]
    fn direction_counts_sign_agreement_and_skips_flat_days() {
        let prices = [10.0, 11.0, 11.0, 10.0, 12.0];
        // moves: +1, 0 (skipped), -1, +2; predicted moves: +0.5 right, -, +1 wrong, +1 right
        let predicted = [10.5, 11.2, 12.0, 11.0];
        assert_eq!(directional_accuracy(&prices, 1..5, &predicted), Some(100.0 * 2.0 / 3.0));
        assert_eq!(directional_accuracy(&[1.0, 1.0], 1..2, &[2.0]), None);
    }

    #[test]
    fn spread_is_mean_and_standard_deviation() {
        assert_eq!(spread(&[2.0, 4.0, 6.0]), Spread { mean: 4.0, std: (8.0f64 / 3.0).sqrt() });
    }

    #[test]
    fn naive_baseline_predicts_yesterday() {
        let prices = [1.0, 2.0, 4.0, 7.0];
        assert_eq!(naive_predictions(&prices, 2..4), vec![2.0, 4.0]);
        let m = metrics(&prices[2..4], &naive_predictions(&prices, 2..4));
        assert!((m.rmse - (6.5f64).sqrt()).abs() < 1e-12);
        assert_eq!(m.mae, 2.5);
    }
}
