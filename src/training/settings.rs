//! Every knob of a run, and their round trip through the page URL so a link reproduces a run.

use serde::{Deserialize, Serialize};

use crate::data::Table;
use crate::data::bar::BarSize;
use crate::data::inputs::extra_inputs;
use crate::data::resample::Reshape;
use crate::data::windows::{Scaling, check_length, train_len};
use crate::model::ModelShape;

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

/// The settings of one run. Defaults are the reference notebook's.
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
    pub horizon: usize,
    pub seed: u64,
    pub scaling: Scaling,
    pub predict: Prediction,
    /// Also run an expanding-window backtest with `folds` folds (retraining once per fold).
    pub backtest: bool,
    pub folds: usize,
    pub backend: BackendChoice,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            bars: None,
            last: None,
            target: None,
            features: Vec::new(),
            window: 100,
            split: 65,
            layers: 3,
            units: 50,
            dropout: 0.0,
            epochs: 100,
            batch: 64,
            lr: 0.001,
            horizon: 30,
            seed: 42,
            scaling: Scaling::TrainOnly,
            predict: Prediction::Change,
            backtest: false,
            folds: 3,
            backend: BackendChoice::Auto,
        }
    }
}

/// The URL keys, in the order links write them.
pub const KEYS: [&str; 19] = [
    "bars", "last", "target", "features", "window", "split", "layers", "units", "dropout", "epochs", "batch", "lr", "horizon", "seed", "scaling", "predict",
    "backtest", "folds", "backend",
];

/// The URL key naming a CSV to fetch instead of the bundled sample; a data source, not a setting.
pub const DATA_KEY: &str = "csv";

/// The CSV address a link names (`?csv=https://…`), if any.
pub fn data_url(query: &str) -> Option<String> {
    query.trim_start_matches('?').split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (percent_decode(key) == DATA_KEY && !value.is_empty()).then(|| percent_decode(value))
    })
}

/// Most extra inputs a model may take.
const MAX_FEATURES: usize = 16;

/// The extra inputs of a `features=Open,Volume,return` value: names separated by commas, each
/// at most once.
fn feature_list(value: &str) -> Result<Vec<String>, String> {
    let names: Vec<String> = value.split(',').map(str::trim).filter(|n| !n.is_empty()).map(String::from).collect();
    if names.len() > MAX_FEATURES {
        return Err(format!("features: {} inputs given, at most {MAX_FEATURES} are allowed", names.len()));
    }
    if let Some((i, name)) = names.iter().enumerate().find(|(i, n)| names[..*i].iter().any(|m| m.eq_ignore_ascii_case(n))) {
        return Err(format!("features: '{name}' is listed twice (input {})", i + 1));
    }
    Ok(names)
}

/// A `bars=` value: a bar size, or empty for the file's own bars.
fn bar_size(value: &str) -> Result<Option<BarSize>, String> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    BarSize::parse(value).map(Some).ok_or_else(|| {
        format!("bars: '{value}' is not valid: expected a bar size such as 15min, 1h, 4h, 1d, 1w or 1M (empty keeps the file's bars)")
    })
}

fn whole(key: &str, value: &str, min: u64, max: u64) -> Result<u64, String> {
    match value.trim().parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!("{key}: '{value}' is not valid: expected a whole number from {min} to {max}")),
    }
}

fn decimal(key: &str, value: &str, valid: impl Fn(f64) -> bool, expected: &str) -> Result<f64, String> {
    match value.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && valid(x) => Ok(x),
        _ => Err(format!("{key}: '{value}' is not valid: expected {expected}")),
    }
}

impl Settings {
    /// Checks, without preparing anything, that these settings fit `table` (the target exists,
    /// the rows suffice), so the page can refuse a run before the worker starts.
    pub fn check(&self, table: &Table) -> Result<(), String> {
        let target = table.target(self.target.as_deref())?;
        check_length(target.values.len(), self.window, self.split)?;
        extra_inputs(table, target, &self.features, train_len(target.values.len(), self.split)).map(drop)
    }

    /// Sets one setting from its text form, as typed in the page or found in the URL; an
    /// invalid value is refused with a message and leaves the setting as it was.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        match key {
            "bars" => self.bars = bar_size(value)?,
            "last" => self.last = if value.trim().is_empty() { None } else { Some(whole(key, value, 2, 100_000_000)? as usize) },
            "target" => self.target = Some(value.trim()).filter(|v| !v.is_empty()).map(String::from),
            "features" => self.features = feature_list(value)?,
            "window" => self.window = whole(key, value, 2, 1000)? as usize,
            "split" => self.split = whole(key, value, 10, 95)? as u32,
            "layers" => self.layers = whole(key, value, 1, 8)? as usize,
            "units" => self.units = whole(key, value, 1, 512)? as usize,
            "dropout" => self.dropout = decimal(key, value, |x| (0.0..0.95).contains(&x), "a number from 0 to 0.9")?,
            "epochs" => self.epochs = whole(key, value, 1, 10_000)? as usize,
            "batch" => self.batch = whole(key, value, 1, 4096)? as usize,
            "lr" => self.lr = decimal(key, value, |x| x > 0.0 && x <= 1.0, "a number above 0 and at most 1")?,
            "horizon" => self.horizon = whole(key, value, 1, 365)? as usize,
            "seed" => self.seed = whole(key, value, 0, u64::MAX)?,
            "scaling" => {
                self.scaling = match value.trim() {
                    "train" => Scaling::TrainOnly,
                    "all" => Scaling::All,
                    _ => return Err(format!("scaling: '{value}' is not valid: expected 'train' or 'all'")),
                }
            }
            "predict" => {
                self.predict = match value.trim() {
                    "change" => Prediction::Change,
                    "level" => Prediction::Level,
                    _ => return Err(format!("predict: '{value}' is not valid: expected 'change' or 'level'")),
                }
            }
            "backtest" => {
                self.backtest = match value.trim() {
                    "on" => true,
                    "off" => false,
                    _ => return Err(format!("backtest: '{value}' is not valid: expected 'on' or 'off'")),
                }
            }
            "folds" => self.folds = whole(key, value, 2, 10)? as usize,
            "backend" => {
                self.backend = match value.trim() {
                    "auto" => BackendChoice::Auto,
                    "webgpu" => BackendChoice::WebGpu,
                    "cpu" => BackendChoice::Cpu,
                    _ => return Err(format!("backend: '{value}' is not valid: expected 'auto', 'webgpu' or 'cpu'")),
                }
            }
            _ => return Err(format!("unknown setting '{key}'; the settings are: {}", KEYS.join(", "))),
        }
        Ok(())
    }

    /// The text form of one setting, the inverse of [`Settings::set`].
    pub fn get(&self, key: &str) -> String {
        match key {
            "bars" => self.bars.map(BarSize::label).unwrap_or_default(),
            "last" => self.last.map(|n| n.to_string()).unwrap_or_default(),
            "target" => self.target.clone().unwrap_or_default(),
            "features" => self.features.join(","),
            "window" => self.window.to_string(),
            "split" => self.split.to_string(),
            "layers" => self.layers.to_string(),
            "units" => self.units.to_string(),
            "dropout" => self.dropout.to_string(),
            "epochs" => self.epochs.to_string(),
            "batch" => self.batch.to_string(),
            "lr" => self.lr.to_string(),
            "horizon" => self.horizon.to_string(),
            "seed" => self.seed.to_string(),
            "scaling" => match self.scaling {
                Scaling::TrainOnly => "train".into(),
                Scaling::All => "all".into(),
            },
            "predict" => match self.predict {
                Prediction::Change => "change".into(),
                Prediction::Level => "level".into(),
            },
            "backtest" => if self.backtest { "on" } else { "off" }.into(),
            "folds" => self.folds.to_string(),
            "backend" => match self.backend {
                BackendChoice::Auto => "auto".into(),
                BackendChoice::WebGpu => "webgpu".into(),
                BackendChoice::Cpu => "cpu".into(),
            },
            _ => String::new(),
        }
    }

    /// Reads a URL query (`?window=50&seed=1`): valid settings are applied, each invalid one is
    /// reported and keeps its default.
    pub fn from_query(query: &str) -> (Self, Vec<String>) {
        let mut settings = Self::default();
        let errors = query
            .trim_start_matches('?')
            .split('&')
            .filter(|pair| !pair.is_empty())
            .filter_map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                let key = percent_decode(key);
                (key != DATA_KEY).then(|| settings.set(&key, &percent_decode(value)).err()).flatten()
            })
            .collect();
        (settings, errors)
    }

    /// The link's query: these settings and, when the data came from a link, its address.
    pub fn link_query(&self, data_url: Option<&str>) -> String {
        let mut query = self.to_query();
        if let Some(url) = data_url {
            query += &format!("&{DATA_KEY}={}", percent_encode(url));
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

    /// The URL query that reproduces these settings; every key is written, so a link keeps its
    /// meaning even if defaults change.
    pub fn to_query(&self) -> String {
        KEYS.iter()
            .filter_map(|key| {
                let value = self.get(key);
                (!value.is_empty()).then(|| format!("{key}={}", percent_encode(&value)))
            })
            .collect::<Vec<_>>()
            .join("&")
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_reference_notebook() {
        let s = Settings::default();
        assert_eq!((s.window, s.split, s.layers, s.units, s.epochs, s.batch, s.horizon), (100, 65, 3, 50, 100, 64, 30));
        assert_eq!((s.dropout, s.lr), (0.0, 0.001));
        assert_eq!(s.target, None);
    }

    #[test]
    fn query_round_trips_every_setting() {
        let (mut s, errors) = Settings::from_query("");
        assert!(errors.is_empty());
        for (key, value) in [("bars", "4h"), ("last", "5000"), ("target", "Adj Close"), ("features", "Open,Volume,return"), ("window", "20"), ("dropout", "0.2"), ("lr", "0.01"), ("scaling", "all"), ("predict", "level"), ("backtest", "on"), ("folds", "4"), ("backend", "cpu"), ("seed", "7")] {
            s.set(key, value).unwrap();
        }
        let query = s.to_query();
        assert!(query.starts_with("bars=4h&last=5000&target=Adj%20Close&features=Open%2CVolume%2Creturn&"), "{query}");
        assert_eq!(s.reshape(), Reshape { bars: Some(BarSize::Minutes(240)), last: Some(5000) });
        assert_eq!(s.model_shape().features, 4);
        let (back, errors) = Settings::from_query(&format!("?{query}"));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(back, s);
        assert_eq!(Settings::from_query("target=Adj+Close").0.target.as_deref(), Some("Adj Close"));
    }

    #[test]
    fn a_linked_csv_is_a_data_source_not_a_setting() {
        let query = "?window=20&csv=https%3A%2F%2Fexample.org%2Fa%20b.csv";
        let (settings, errors) = Settings::from_query(query);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(data_url(query).as_deref(), Some("https://example.org/a b.csv"));
        assert_eq!(data_url("?window=20"), None);
        let link = settings.link_query(Some("https://example.org/a b.csv"));
        assert!(link.ends_with("&csv=https%3A%2F%2Fexample.org%2Fa%20b.csv"), "{link}");
        assert_eq!(data_url(&link).as_deref(), Some("https://example.org/a b.csv"));
    }

    #[test]
    fn invalid_values_are_rejected_not_clamped() {
        let (s, errors) = Settings::from_query("window=0&epochs=abc&lr=-1&backend=tpu&colour=red&units=64");
        assert_eq!(s.window, 100);
        assert_eq!(s.units, 64);
        assert_eq!(errors.len(), 5, "{errors:?}");
        assert_eq!(errors[0], "window: '0' is not valid: expected a whole number from 2 to 1000");
        assert!(errors[4].starts_with("unknown setting 'colour'"));
        let (_, errors) = Settings::from_query("features=Open,Volume,open");
        assert_eq!(errors, ["features: 'open' is listed twice (input 3)"]);
        let (s, errors) = Settings::from_query("bars=2x&last=1&last=abc");
        assert_eq!((s.bars, s.last), (None, None));
        assert_eq!(errors[0], "bars: '2x' is not valid: expected a bar size such as 15min, 1h, 4h, 1d, 1w or 1M (empty keeps the file's bars)");
        assert_eq!(errors[1..], ["last: '1' is not valid: expected a whole number from 2 to 100000000", "last: 'abc' is not valid: expected a whole number from 2 to 100000000"]);
    }
}
