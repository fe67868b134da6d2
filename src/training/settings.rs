//! Every knob of a run as one typed struct, and its round trip through the page URL so a link
//! reproduces a run. What each setting accepts, its default and its words are in
//! [`super::registry`].

use serde::{Deserialize, Serialize};

use super::chart_indicators::ChartIndicators;
use super::registry::{SPECS, SettingError, spec};
use crate::data::bar::BarSize;
use crate::data::inputs::extra_inputs;
use crate::data::resample::Reshape;
use crate::data::windows::{Scaling, check_length, check_search_length, train_len};
use crate::data::{PrepareError, Table};
use crate::model::ModelShape;
use crate::query::{self, DATA_KEY};

/// Which backend trains: `Auto` tries WebGPU and falls back to the CPU, saying so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BackendChoice {
    Auto,
    WebGpu,
    Cpu,
}

/// What the network's output means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Prediction {
    /// The change from the window's last value (residual): the default, robust to new highs.
    Change,
    /// The price level itself, as the reference notebook does.
    Level,
}

/// How the price chart draws the actual prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChartStyle {
    Line,
    /// Candlesticks: a body from open to close (hollow rising, filled falling), wicks to the
    /// high and low.
    Candles,
    /// OHLC bars: a line from low to high, the open ticked left and the close right.
    Ohlc,
}

impl ChartStyle {
    pub const ALL: [ChartStyle; 3] = [ChartStyle::Line, ChartStyle::Candles, ChartStyle::Ohlc];

    /// The style's value in the link (`chart=candles`) and the page's control.
    pub fn key(self) -> &'static str {
        match self {
            ChartStyle::Line => "line",
            ChartStyle::Candles => "candles",
            ChartStyle::Ohlc => "ohlc",
        }
    }

    /// The style `key` names, if any does.
    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|style| style.key() == key)
    }
}

/// The settings of one run. Defaults (the registry's) are the reference notebook's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Aggregate the file's rows to bars of this size before anything else (`bars=1h`).
    #[serde(default)]
    pub bars: Option<BarSize>,
    /// Keep only the most recent this many bars (`last=5000`).
    #[serde(default)]
    pub last: Option<usize>,
    /// Column to predict; `None` picks Close (or the file's closing-price column).
    pub target: Option<String>,
    /// Extra input columns beside the target (file columns, or the derived `return` and
    /// `logvolume`); none by default.
    #[serde(default)]
    pub features: Vec<String>,
    pub window: usize,
    /// Percent of rows, oldest first, used for training.
    pub split: u32,
    pub layers: usize,
    pub units: usize,
    pub dropout: f64,
    pub epochs: usize,
    pub batch: usize,
    pub lr: f64,
    /// Early stopping: epochs without a better validation loss before training stops (the best
    /// epoch's weights kept); `None` is `off`.
    #[serde(default)]
    pub patience: Option<usize>,
    pub horizon: usize,
    pub seed: u64,
    pub scaling: Scaling,
    pub predict: Prediction,
    /// Also run an expanding-window backtest with `folds` folds (retraining once per fold).
    pub backtest: bool,
    pub folds: usize,
    /// How the chart draws prices (`chart=candles`); `None` is candles when the file has open,
    /// high, low and close, else a line.
    #[serde(default)]
    pub chart: Option<ChartStyle>,
    /// The chart's overlays and panes.
    #[serde(default)]
    pub indicators: ChartIndicators,
    /// Search the settings before the run (see [`crate::training::search`]).
    #[serde(default)]
    pub search: bool,
    /// Seconds the search may take ...
    #[serde(default)]
    pub budget: u64,
    /// ... or its first round's trials, which makes it the same on any machine.
    #[serde(default)]
    pub trials: Option<usize>,
    pub backend: BackendChoice,
    /// CPU workers sharing each batch (`workers=4`); `None` is `auto`: the machine's cores, up to
    /// [`crate::training::shares::SHARES`]. Changes the speed of a run, never its numbers.
    #[serde(default)]
    pub workers: Option<usize>,
}

impl Default for Settings {
    /// Every setting at its registry default.
    fn default() -> Self {
        let mut settings = Self {
            bars: None,
            last: None,
            target: None,
            features: Vec::new(),
            window: 0,
            split: 0,
            layers: 0,
            units: 0,
            dropout: 0.0,
            epochs: 0,
            batch: 0,
            lr: 0.0,
            patience: None,
            horizon: 0,
            seed: 0,
            scaling: Scaling::TrainOnly,
            predict: Prediction::Change,
            backtest: false,
            folds: 0,
            chart: None,
            indicators: ChartIndicators::default(),
            search: false,
            budget: 0,
            trials: None,
            backend: BackendChoice::Auto,
            workers: None,
        };
        for spec in SPECS {
            let value = spec.parse(spec.default).expect("the registry's defaults are valid");
            (spec.write)(&mut settings, value);
        }
        settings
    }
}

impl Settings {
    /// Checks, without preparing anything, that these settings fit `table` (the target exists,
    /// the rows suffice), so the page can refuse a run before the worker starts.
    pub fn check(&self, table: &Table) -> Result<(), PrepareError> {
        let target = table.target(self.target.as_deref())?;
        check_length(target.values.len(), self.window, self.split)?;
        if self.search {
            check_search_length(target.values.len(), self.window, self.split)?;
        }
        extra_inputs(table, target, &self.features, train_len(target.values.len(), self.split))
            .map(drop)
    }

    /// Sets one setting from its text form, as typed in the page or found in the URL; an
    /// invalid value is refused with a message and leaves the setting as it was.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), SettingError> {
        let spec = spec(key)?;
        let value = spec.parse(value)?;
        (spec.write)(self, value);
        Ok(())
    }

    /// The text form of one setting, the inverse of [`Settings::set`] (empty for an unknown key).
    pub fn get(&self, key: &str) -> String {
        spec(key).map(|spec| (spec.read)(self)).unwrap_or_default()
    }

    /// Reads a URL query (`?window=50&seed=1`): valid settings are applied, each invalid one is
    /// reported and keeps its default. The data's address (`csv=`) is not a setting.
    pub fn from_query(text: &str) -> (Self, Vec<SettingError>) {
        let mut settings = Self::default();
        let errors = query::pairs(text)
            .filter(|(key, _)| key != DATA_KEY)
            .filter_map(|(key, value)| settings.set(&key, &value).err())
            .collect();
        (settings, errors)
    }

    /// The link's query: these settings and, when the data came from a link, its address.
    pub fn link_query(&self, data_url: Option<&str>) -> String {
        let mut query = self.to_query();
        if let Some(url) = data_url {
            query += &format!("&{DATA_KEY}={}", query::encode(url));
        }
        query
    }

    /// How these settings reshape the loaded file (`bars=`, `last=`).
    pub fn reshape(&self) -> Reshape {
        Reshape { bars: self.bars, last: self.last }
    }

    /// The model these settings describe (inputs: the target column and the extra ones).
    pub fn model_shape(&self) -> ModelShape {
        ModelShape {
            features: 1 + self.features.len(),
            layers: self.layers,
            units: self.units,
            dropout: self.dropout,
            predict_change: self.predict == Prediction::Change,
        }
    }

    /// The URL query that reproduces these settings; every set key is written, so a link keeps
    /// its meaning even if defaults change.
    pub fn to_query(&self) -> String {
        SPECS
            .iter()
            .filter_map(|spec| {
                let value = (spec.read)(self);
                (!value.is_empty()).then(|| format!("{}={}", spec.key, query::encode(&value)))
            })
            .collect::<Vec<_>>()
            .join("&")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_reference_notebook() {
        let s = Settings::default();
        assert_eq!(
            (s.window, s.split, s.layers, s.units, s.epochs, s.batch, s.horizon),
            (100, 65, 3, 50, 100, 64, 30)
        );
        assert_eq!((s.dropout, s.lr), (0.0, 0.001));
        assert_eq!(s.target, None);
    }

    #[test]
    fn query_round_trips_every_setting() {
        let (mut s, errors) = Settings::from_query("");
        assert!(errors.is_empty());
        for (key, value) in [
            ("bars", "4h"),
            ("last", "5000"),
            ("target", "Adj Close"),
            ("features", "Open,Volume,return"),
            ("window", "20"),
            ("dropout", "0.2"),
            ("lr", "0.01"),
            ("scaling", "all"),
            ("predict", "level"),
            ("backtest", "on"),
            ("folds", "4"),
            ("backend", "cpu"),
            ("seed", "7"),
        ] {
            s.set(key, value).unwrap();
        }
        let query = s.to_query();
        assert!(
            query.starts_with(
                "bars=4h&last=5000&target=Adj%20Close&features=Open%2CVolume%2Creturn&"
            ),
            "{query}"
        );
        assert_eq!(s.reshape(), Reshape { bars: Some(BarSize::Minutes(240)), last: Some(5000) });
        assert_eq!(s.model_shape().features, 4);
        let (back, errors) = Settings::from_query(&format!("?{query}"));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(back, s);
        assert_eq!(Settings::from_query("target=Adj+Close").0.target.as_deref(), Some("Adj Close"));
    }

    #[test]
    fn a_linked_csv_is_a_data_source_not_a_setting() {
        let text = "?window=20&csv=https%3A%2F%2Fexample.org%2Fa%20b.csv";
        let (settings, errors) = Settings::from_query(text);
        assert!(errors.is_empty(), "{errors:?}");
        let link = settings.link_query(Some("https://example.org/a b.csv"));
        assert!(link.ends_with("&csv=https%3A%2F%2Fexample.org%2Fa%20b.csv"), "{link}");
        assert_eq!(query::data_url(&link).as_deref(), Some("https://example.org/a b.csv"));
    }

    #[test]
    fn invalid_values_are_rejected_not_clamped() {
        let (s, errors) =
            Settings::from_query("window=0&epochs=abc&lr=-1&backend=tpu&colour=red&units=64");
        assert_eq!(s.window, 100);
        assert_eq!(s.units, 64);
        let keys: Vec<String> = errors
            .iter()
            .map(|e| match e {
                SettingError::Invalid { key, .. } => key.to_string(),
                SettingError::Unknown { key } => format!("unknown {key}"),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(keys, ["window", "epochs", "lr", "backend", "unknown colour"]);
        assert_eq!(
            errors[0].to_string(),
            "window: '0' is not valid: expected a whole number from 2 to 1000"
        );
        assert!(
            errors[4]
                .to_string()
                .starts_with("unknown setting 'colour'; the settings are: bars, last, target,")
        );
        let (_, errors) = Settings::from_query("features=Open,Volume,open");
        assert_eq!(
            errors,
            [SettingError::NameRepeated { key: "features", name: "open".into(), position: 3 }]
        );
        let (s, errors) = Settings::from_query("bars=2x&last=1&last=abc");
        assert_eq!((s.bars, s.last), (None, None));
        assert_eq!(
            errors[0].to_string(),
            "bars: '2x' is not valid: expected '1min', '5min', '15min', '30min', '1h', '4h', '1d', '1w', '1M', '1Q' or '1Y'"
        );
        assert!(
            matches!(&errors[1], SettingError::Invalid { key: "last", value, .. } if value == "1")
        );
        assert!(
            matches!(&errors[2], SettingError::Invalid { key: "last", value, .. } if value == "abc")
        );
    }
}
