//! Why a cleaned table cannot become a run's inputs with the settings asked for: the target,
//! the extra inputs, or too few rows for the window, the split or the backtest's folds. Each
//! message says what was found and what would work instead.

use std::fmt;

use super::inputs::{LOG_VOLUME, RETURN};
use super::windows::{MIN_TEST_TARGETS, MIN_TRAIN_WINDOWS, SEARCH_FOLDS};

/// Why the table does not fit the settings.
#[derive(Debug, Clone, PartialEq)]
pub enum PrepareError {
    /// The requested target is not a column; `columns` are the numeric ones there are.
    NoTarget {
        name: String,
        columns: Vec<String>,
    },
    /// Fewer rows than `window` and the split need.
    TooFewRows {
        rows: usize,
        window: usize,
        split: u32,
        needed: usize,
    },
    /// Too few rows before the calibration block for the settings search's walk-forward folds
    /// with `window`; `fits` is the largest window that would fit, if any does.
    TooFewForSearch {
        rows: usize,
        window: usize,
        needed: usize,
        fits: Option<usize>,
    },
    /// A test part too short for `folds` backtest folds.
    TooFewForFolds {
        test_rows: usize,
        folds: usize,
    },
    /// The derived return is asked for, but the target is 0 on `row` (counted from 1).
    ReturnUndefined {
        target: String,
        row: usize,
    },
    /// The derived log volume is asked for in a file without a volume column.
    NoVolume,
    NegativeVolume {
        column: String,
    },
    InputIsTarget {
        name: String,
    },
    /// The column was ignored when reading the file, for `reason`.
    InputIgnored {
        name: String,
        reason: String,
    },
    InputMissing {
        name: String,
        columns: Vec<String>,
    },
    /// `row` counted from 1.
    InputNotFinite {
        name: String,
        row: usize,
    },
    InputConstant {
        name: String,
        value: f64,
    },
}

impl fmt::Display for PrepareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoTarget { name, columns } => write!(
                f,
                "target column '{name}' is not in this file; its numeric columns are: {}",
                columns.join(", ")
            ),
            Self::TooFewRows { rows, window, split, needed } => write!(
                f,
                "only {rows} rows after cleaning, but window {window} with a {split}/{} split needs at \
                 least {needed} rows ({MIN_TRAIN_WINDOWS} training windows, a tenth of the training \
                 part to validate and a fifth to calibrate the forecast bands, and \
                 {MIN_TEST_TARGETS} test rows); use a \
                 smaller window or a longer history",
                100 - split
            ),
            Self::TooFewForSearch { rows, window, needed, fits } => {
                write!(
                    f,
                    "the settings search needs at least {needed} rows with window {window} (its \
                     {SEARCH_FOLDS} walk-forward folds each fit {MIN_TRAIN_WINDOWS} windows before \
                     their validation days, which end before the calibration block); this data has \
                     {rows}: "
                )?;
                match fits {
                    Some(fits) => write!(f, "window={fits} would fit, or a longer history"),
                    None => write!(f, "use a longer history or turn the search off"),
                }
            }
            Self::TooFewForFolds { test_rows, folds } => write!(
                f,
                "the test part has {test_rows} rows: a {folds}-fold backtest needs at least {} \
                 ({MIN_TEST_TARGETS} per fold); use fewer folds",
                folds * MIN_TEST_TARGETS
            ),
            Self::ReturnUndefined { target, row } => write!(
                f,
                "input '{RETURN}': the target '{target}' is 0 on row {row}, so the next bar's return \
                 is undefined"
            ),
            Self::NoVolume => write!(f, "input '{LOG_VOLUME}': this file has no volume column"),
            Self::NegativeVolume { column } => write!(
                f,
                "input '{LOG_VOLUME}': column '{column}' has negative values, which are not volumes"
            ),
            Self::InputIsTarget { name } => write!(
                f,
                "input column '{name}' is the target, which is always an input: choose other columns"
            ),
            Self::InputIgnored { name, reason } => write!(
                f,
                "input column '{name}' cannot be used: the file's column {reason} was ignored when \
                 reading it"
            ),
            Self::InputMissing { name, columns } => write!(
                f,
                "input column '{name}' is not in this file; its numeric columns are: {} (and the \
                 derived '{RETURN}' and '{LOG_VOLUME}')",
                columns.join(", ")
            ),
            Self::InputNotFinite { name, row } => {
                write!(
                    f,
                    "input column '{name}' has a value that is not a finite number on row {row}"
                )
            }
            Self::InputConstant { name, value } => write!(
                f,
                "input column '{name}' is constant on the training part (every value is {value}): it \
                 tells the model nothing; drop it"
            ),
        }
    }
}

impl std::error::Error for PrepareError {}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page shows these sentences as they are.
    #[test]
    fn messages_say_what_was_found_and_what_would_work() {
        let short = PrepareError::TooFewRows { rows: 16, window: 100, split: 65, needed: 240 };
        assert_eq!(
            short.to_string(),
            "only 16 rows after cleaning, but window 100 with a 65/35 split needs at least 240 rows \
             (10 training windows, a tenth of the training part to validate and a fifth to \
             calibrate the forecast bands, and 5 test rows); use a smaller window or a longer \
             history"
        );
        let folds = PrepareError::TooFewForFolds { test_rows: 30, folds: 7 };
        assert_eq!(
            folds.to_string(),
            "the test part has 30 rows: a 7-fold backtest needs at least 35 (5 per fold); use fewer folds"
        );
        let target = PrepareError::NoTarget {
            name: "Volume".into(),
            columns: vec!["Open".into(), "Close".into()],
        };
        assert_eq!(
            target.to_string(),
            "target column 'Volume' is not in this file; its numeric columns are: Open, Close"
        );
        let constant = PrepareError::InputConstant { name: "Flat".into(), value: 5.0 };
        assert_eq!(
            constant.to_string(),
            "input column 'Flat' is constant on the training part (every value is 5): it tells the model nothing; drop it"
        );
    }
}
