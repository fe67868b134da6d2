//! What the settings search tries: a value for each searched setting, drawn at random from a
//! short list of the values people use, kept to those the data can take.

use crate::data::Table;
use crate::data::inputs::{LOG_VOLUME, RETURN};
use crate::data::windows::check_search_length;
use crate::rng::SeededRng;
use crate::training::settings::{Prediction, Settings};

const WINDOWS: [usize; 6] = [10, 20, 30, 50, 60, 100];
const UNITS: [usize; 5] = [16, 32, 50, 64, 100];
const LAYERS: [usize; 3] = [1, 2, 3];
const RATES: [f64; 4] = [0.0003, 0.001, 0.003, 0.01];
const DROPOUTS: [f64; 4] = [0.0, 0.1, 0.2, 0.3];
const BATCHES: [usize; 4] = [16, 32, 64, 128];
const PREDICTIONS: [Prediction; 2] = [Prediction::Change, Prediction::Level];

/// The values the search draws from for one table.
pub struct Space {
    windows: Vec<usize>,
    /// Extra inputs: none, the derived return, the log volume, both (those the table has).
    features: Vec<Vec<String>>,
}

impl Space {
    /// The search space for `table` and the person's `base` settings: the windows its folds
    /// fit, the derived inputs it can make.
    pub fn new(table: &Table, base: &Settings, rows: usize) -> Self {
        let windows = WINDOWS
            .into_iter()
            .filter(|&w| check_search_length(rows, w, base.split).is_ok())
            .collect();
        let features = [vec![], vec![RETURN], vec![LOG_VOLUME], vec![RETURN, LOG_VOLUME]]
            .into_iter()
            .map(|names| names.into_iter().map(String::from).collect::<Vec<_>>())
            .filter(|features| {
                Settings { features: features.clone(), ..base.clone() }.check(table).is_ok()
            })
            .collect();
        Self { windows, features }
    }

    /// One trial's settings: `base` with every searched setting drawn from its list.
    pub fn sample(&self, rng: &mut SeededRng, base: &Settings) -> Settings {
        Settings {
            window: pick(rng, &self.windows).unwrap_or(base.window),
            units: pick(rng, &UNITS).unwrap_or(base.units),
            layers: pick(rng, &LAYERS).unwrap_or(base.layers),
            lr: pick(rng, &RATES).unwrap_or(base.lr),
            dropout: pick(rng, &DROPOUTS).unwrap_or(base.dropout),
            batch: pick(rng, &BATCHES).unwrap_or(base.batch),
            predict: pick(rng, &PREDICTIONS).unwrap_or(base.predict),
            features: pick(rng, &self.features).unwrap_or_else(|| base.features.clone()),
            ..base.clone()
        }
    }
}

/// A value of `values` drawn uniformly; `None` when there are none.
fn pick<T: Clone>(rng: &mut SeededRng, values: &[T]) -> Option<T> {
    let i = (rng.uniform() * values.len() as f64) as usize;
    values.get(i.min(values.len().saturating_sub(1))).cloned()
}

/// The searched settings of `trial` that differ from `base`, as a query (`window=30&units=64`).
pub fn changes(trial: &Settings, base: &Settings) -> String {
    const SEARCHED: [&str; 8] =
        ["window", "units", "layers", "lr", "dropout", "batch", "predict", "features"];
    SEARCHED
        .iter()
        .filter(|key| trial.get(key) != base.get(key))
        .map(|key| format!("{key}={}", trial.get(key)))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::sample_table;

    /// Draws stay in the lists, windows the folds fit, inputs the table has; the same seed
    /// draws the same settings; the changes name only what differs.
    #[test]
    fn draws_are_seeded_and_fit_the_data() {
        let table = sample_table();
        let base = Settings::default();
        let space = Space::new(&table, &base, 150);
        assert_eq!(space.windows, [10, 20, 30, 50], "150 rows: the first fold starts at row 60");
        assert_eq!(space.features.len(), 4, "the sample has a volume column");
        let draw = |seed| {
            let mut rng = SeededRng::new(seed);
            (0..20).map(|_| space.sample(&mut rng, &base)).collect::<Vec<_>>()
        };
        let draws = draw(7);
        assert_eq!(draws, draw(7));
        assert_ne!(draws, draw(8));
        for trial in &draws {
            assert!(space.windows.contains(&trial.window) && UNITS.contains(&trial.units));
            assert_eq!((trial.seed, trial.horizon, trial.epochs), (base.seed, 30, 100));
        }
        let trial = Settings { window: 30, units: 64, ..base.clone() };
        assert_eq!(changes(&trial, &base), "window=30&units=64");
        assert_eq!(changes(&base, &base), "");
    }
}
