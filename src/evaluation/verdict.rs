//! The one-line verdict against the naive baseline, shown under the metrics and in the Runs table.

/// Says whether the model beat "tomorrow = today" on the test part, by how much RMSE.
pub fn verdict(test_rmse: f64, naive_rmse: f64) -> String {
    let change = 100.0 * (test_rmse / naive_rmse - 1.0);
    if !change.is_finite() {
        "The model could not be compared with the naive baseline (its RMSE is zero or missing)."
            .to_string()
    } else if change <= -0.05 {
        format!("The model beat the naive baseline on the test part: RMSE {:.1}% lower.", -change)
    } else if change < 0.05 {
        "The model matched the naive baseline on the test part (RMSE within 0.05%).".to_string()
    } else {
        format!(
            "The model did not beat the naive baseline on the test part: RMSE {change:.1}% higher."
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_names_the_side_and_the_margin() {
        assert_eq!(
            verdict(9.0, 10.0),
            "The model beat the naive baseline on the test part: RMSE 10.0% lower."
        );
        assert_eq!(
            verdict(10.001, 10.0),
            "The model matched the naive baseline on the test part (RMSE within 0.05%)."
        );
        assert_eq!(
            verdict(12.0, 10.0),
            "The model did not beat the naive baseline on the test part: RMSE 20.0% higher."
        );
        assert!(verdict(1.0, 0.0).contains("could not be compared"));
    }
}
