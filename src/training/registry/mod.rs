//! Every setting in one table, as ripgrep keeps its flags: each [`Spec`] owns its URL key, its
//! label and help, the kind of value it takes (which decides how it is read, refused and
//! shown), its default and how it reads and updates [`Settings`]. Parsing, refusal messages,
//! the query string, the page's inputs and the README's settings table all come from here, so
//! a new setting is one entry plus its field.

use std::fmt;

use super::settings::Settings;
pub use specs::SPECS;

mod specs;

/// What a setting takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A whole number in `min..=max`.
    Whole { min: u64, max: u64 },
    /// `word` or a whole number in `min..=max` (`workers=auto`, `patience=off`).
    WholeOr { word: &'static str, min: u64, max: u64 },
    /// A number in `min..=max`; above `min` only when `open` (a learning rate of 0 is none).
    Decimal { min: f64, max: f64, open: bool },
    /// One of the values (value, what the form shows).
    Choice(&'static [(&'static str, &'static str)]),
    /// Names separated by commas, each at most once, at most `max` of them.
    Names { max: usize },
    /// Whole numbers in `min..=max` separated by commas, at most `most` of them (`sma=20,50`).
    Periods { min: u64, max: u64, most: usize },
    /// One number per named part, separated by commas, each as its kind reads it
    /// (`bollinger=20,2`).
    Parts(&'static [(&'static str, Kind)]),
    /// Any text (a column name).
    Text,
}

/// Where the page shows a setting's input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The Data panel: it reshapes the loaded file (which is parsed again).
    Data,
    /// The Settings form.
    Model,
    /// Beside the price chart: how it draws, not what trains.
    Chart,
}

/// A setting's value once its kind has read it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Empty text, for settings that may be empty (`Spec::unset`).
    Unset,
    Whole(u64),
    Decimal(f64),
    Choice(&'static str),
    Names(Vec<String>),
    Numbers(Vec<f64>),
    Text(String),
}

impl Value {
    /// The number of a whole-number setting (its kind guarantees it; the registry's tests set
    /// every setting, so a mismatch could not pass them).
    pub fn whole(&self) -> u64 {
        match self {
            Value::Whole(n) => *n,
            _ => 0,
        }
    }

    pub fn decimal(&self) -> f64 {
        match self {
            Value::Decimal(x) => *x,
            _ => 0.0,
        }
    }

    pub fn choice(&self) -> &'static str {
        match self {
            Value::Choice(c) => c,
            _ => "",
        }
    }

    /// The numbers of a list setting (none when unset).
    pub fn numbers(&self) -> &[f64] {
        match self {
            Value::Numbers(numbers) => numbers,
            _ => &[],
        }
    }
}

/// Why a setting's text was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum SettingError {
    Unknown { key: String },
    Invalid { key: &'static str, value: String, expected: String },
    TooManyNames { key: &'static str, given: usize, max: usize },
    NameRepeated { key: &'static str, name: String, position: usize },
}

impl fmt::Display for SettingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unknown { key } => {
                let keys: Vec<&str> = SPECS.iter().map(|s| s.key).collect();
                write!(f, "unknown setting '{key}'; the settings are: {}", keys.join(", "))
            }
            Self::Invalid { key, value, expected } => {
                write!(f, "{key}: '{value}' is not valid: expected {expected}")
            }
            Self::TooManyNames { key, given, max } => {
                write!(f, "{key}: {given} inputs given, at most {max} are allowed")
            }
            Self::NameRepeated { key, name, position } => {
                write!(f, "{key}: '{name}' is listed twice (input {position})")
            }
        }
    }
}

impl std::error::Error for SettingError {}

/// One setting.
pub struct Spec {
    /// The URL key, also the form input's `data-setting`.
    pub key: &'static str,
    /// The form's label.
    pub label: &'static str,
    /// One line: the form's hover help, and the README's description before the range.
    pub help: &'static str,
    /// More for the README, after the range.
    pub more: &'static str,
    pub kind: Kind,
    /// The text form of the default (empty: unset).
    pub default: &'static str,
    /// What an empty value means, for settings that may be empty (the README's default cell).
    pub unset: Option<&'static str>,
    pub place: Place,
    /// The value counts the data's bars (the form says what they span).
    pub counts_bars: bool,
    /// The text form of the setting in `settings`.
    pub read: fn(&Settings) -> String,
    /// Puts a value its kind accepted into `settings`.
    pub write: fn(&mut Settings, Value),
}

/// The spec of `key`.
pub fn spec(key: &str) -> Result<&'static Spec, SettingError> {
    SPECS
        .iter()
        .find(|s| s.key == key)
        .ok_or_else(|| SettingError::Unknown { key: key.to_string() })
}

impl Kind {
    /// What a valid value looks like, for refusals: "a whole number from 2 to 1000".
    pub fn expected(&self) -> String {
        match self {
            Kind::Whole { min, max } => format!("a whole number from {min} to {max}"),
            Kind::WholeOr { word, min, max } => {
                format!("'{word}' or a whole number from {min} to {max}")
            }
            Kind::Decimal { min, max, open: false } => format!("a number from {min} to {max}"),
            Kind::Decimal { min, max, open: true } => {
                format!("a number above {min} and at most {max}")
            }
            Kind::Choice(options) => {
                let quoted: Vec<String> = options
                    .iter()
                    .filter(|(v, _)| !v.is_empty())
                    .map(|(v, _)| format!("'{v}'"))
                    .collect();
                let (last, rest) = quoted.split_last().expect("a choice has options");
                if rest.is_empty() {
                    last.clone()
                } else {
                    format!("{} or {last}", rest.join(", "))
                }
            }
            Kind::Names { max } => format!("at most {max} names separated by commas"),
            Kind::Periods { min, max, most } => {
                format!("up to {most} whole numbers from {min} to {max}, separated by commas")
            }
            Kind::Parts(parts) => {
                let each: Vec<String> = parts
                    .iter()
                    .map(|(name, kind)| format!("{name}, {}", kind.expected()))
                    .collect();
                format!("{} numbers separated by commas ({})", parts.len(), each.join("; "))
            }
            Kind::Text => "any text".into(),
        }
    }

    /// One number as a whole-number or decimal kind takes it.
    fn parse_number(&self, text: &str) -> Option<f64> {
        match *self {
            Kind::Whole { .. } | Kind::WholeOr { .. } => {
                Some(self.parse_whole(text)?.whole() as f64)
            }
            Kind::Decimal { min, max, open } => text
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && *x <= max && if open { *x > min } else { *x >= min }),
            _ => None,
        }
    }

    /// A whole number within this kind's range.
    fn parse_whole(&self, text: &str) -> Option<Value> {
        let (Kind::Whole { min, max } | Kind::WholeOr { min, max, .. }) = *self else {
            return None;
        };
        text.parse::<u64>().ok().filter(|n| (min..=max).contains(n)).map(Value::Whole)
    }

    /// The range as the README writes it after the description: ` (2–1000)`, ` (0–1]`.
    fn range(&self) -> String {
        match self {
            Kind::Whole { min, max } if *max < u64::MAX => format!(" ({min}–{max})"),
            Kind::WholeOr { word, min, max } => format!(" (`{word}` or {min}–{max})"),
            Kind::Decimal { min, max, open: false } => format!(" ({min}–{max})"),
            Kind::Decimal { min, max, open: true } => format!(" ({min}–{max}]"),
            Kind::Periods { min, max, most } => format!(" (up to {most}, each {min}–{max})"),
            _ => String::new(),
        }
    }
}

impl Spec {
    /// Reads `text` as this setting takes it, or says why not.
    pub fn parse(&self, text: &str) -> Result<Value, SettingError> {
        let text = text.trim();
        if text.is_empty() && self.unset.is_some() {
            return Ok(Value::Unset);
        }
        let invalid = || SettingError::Invalid {
            key: self.key,
            value: text.to_string(),
            expected: self.kind.expected(),
        };
        match self.kind {
            Kind::Whole { .. } => self.kind.parse_whole(text).ok_or_else(invalid),
            Kind::WholeOr { word, .. } if text == word => Ok(Value::Choice(word)),
            Kind::WholeOr { .. } => self.kind.parse_whole(text).ok_or_else(invalid),
            Kind::Decimal { .. } => {
                self.kind.parse_number(text).map(Value::Decimal).ok_or_else(invalid)
            }
            Kind::Choice(options) => options
                .iter()
                .find(|(v, _)| *v == text)
                .map(|(v, _)| Value::Choice(v))
                .ok_or_else(invalid),
            Kind::Names { max } => names(self.key, text, max).map(Value::Names),
            Kind::Periods { min, max, most } => {
                let each = Kind::Whole { min, max };
                let numbers: Option<Vec<f64>> =
                    text.split(',').map(|n| each.parse_number(n.trim())).collect();
                numbers.filter(|n| n.len() <= most).map(Value::Numbers).ok_or_else(invalid)
            }
            Kind::Parts(parts) => {
                let given: Vec<&str> = text.split(',').map(str::trim).collect();
                let numbers: Option<Vec<f64>> = (given.len() == parts.len())
                    .then(|| given.iter().zip(parts).map(|(n, (_, k))| k.parse_number(n)).collect())
                    .flatten();
                numbers.map(Value::Numbers).ok_or_else(invalid)
            }
            Kind::Text => Ok(Value::Text(text.to_string())),
        }
    }

    /// The README's line for this setting.
    fn readme_row(&self) -> String {
        let default = match (self.unset, self.default) {
            (Some(words), "") => words.to_string(),
            (_, value) if matches!(self.kind, Kind::Choice(_) | Kind::WholeOr { .. }) => {
                format!("`{value}`")
            }
            (_, value) => value.to_string(),
        };
        format!("| `{}` | {}{}{} | {default} |", self.key, self.help, self.kind.range(), self.more)
    }
}

/// A list of names separated by commas, each at most once (case ignored), at most `max`.
fn names(key: &'static str, text: &str, max: usize) -> Result<Vec<String>, SettingError> {
    let names: Vec<String> =
        text.split(',').map(str::trim).filter(|n| !n.is_empty()).map(String::from).collect();
    if names.len() > max {
        return Err(SettingError::TooManyNames { key, given: names.len(), max });
    }
    if let Some((i, name)) = names
        .iter()
        .enumerate()
        .find(|(i, n)| names[..*i].iter().any(|m| m.eq_ignore_ascii_case(n)))
    {
        return Err(SettingError::NameRepeated { key, name: name.clone(), position: i + 1 });
    }
    Ok(names)
}

/// The README's settings table, generated from [`SPECS`].
pub fn readme_table() -> String {
    let mut table = String::from("| key | meaning | default |\n|---|---|---|\n");
    for spec in SPECS {
        table += &spec.readme_row();
        table.push('\n');
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every spec refuses one step below its minimum and one above its maximum, with a message
    /// naming the range, and takes both ends.
    #[test]
    fn every_spec_refuses_just_outside_its_range_naming_it() {
        for spec in SPECS {
            let (below, above, ends) = match spec.kind {
                Kind::Whole { min, max } | Kind::WholeOr { min, max, .. } => {
                    let below = min.checked_sub(1).map_or("-1".to_string(), |n| n.to_string());
                    let above = max
                        .checked_add(1)
                        .map_or("18446744073709551616".to_string(), |n| n.to_string());
                    (below, above, [min.to_string(), max.to_string()])
                }
                Kind::Decimal { min, max, open } => {
                    let low = if open { min + 1e-9 } else { min };
                    (
                        (min - if open { 0.0 } else { 1e-9 }).to_string(),
                        (max + 1e-9).to_string(),
                        [low.to_string(), max.to_string()],
                    )
                }
                _ => continue,
            };
            for bad in [below, above] {
                let error = spec.parse(&bad).unwrap_err();
                let expected = format!(
                    "{}: '{bad}' is not valid: expected {}",
                    spec.key,
                    spec.kind.expected()
                );
                assert_eq!(error.to_string(), expected);
                assert!(matches!(error, SettingError::Invalid { key, .. } if key == spec.key));
            }
            for good in ends {
                let mut settings = Settings::default();
                settings.set(spec.key, &good).unwrap_or_else(|e| panic!("{}: {e}", spec.key));
                assert_eq!(
                    settings.get(spec.key).parse::<f64>().unwrap(),
                    good.parse::<f64>().unwrap(),
                    "{}",
                    spec.key
                );
            }
        }
        assert_eq!(spec("window").unwrap().kind.expected(), "a whole number from 2 to 1000");
        assert_eq!(spec("lr").unwrap().kind.expected(), "a number above 0 and at most 1");
        assert_eq!(spec("backend").unwrap().kind.expected(), "'auto', 'webgpu' or 'cpu'");
        let workers = spec("workers").unwrap();
        assert_eq!(workers.parse("auto").unwrap(), Value::Choice("auto"));
        let refused = workers.parse("abc").unwrap_err().to_string();
        assert_eq!(
            refused,
            "workers: 'abc' is not valid: expected 'auto' or a whole number from 1 to 16"
        );
        let patience = spec("patience").unwrap();
        assert_eq!(patience.parse("off").unwrap(), Value::Choice("off"));
        for (bad, key) in [("0", "patience"), ("abc", "patience"), ("0", "trials")] {
            assert!(
                spec(key).unwrap().parse(bad).unwrap_err().to_string().ends_with("from 1 to 1000")
            );
        }
        for bad in ["0", "-5"] {
            assert_eq!(
                spec("budget").unwrap().parse(bad).unwrap_err().to_string(),
                format!("budget: '{bad}' is not valid: expected a whole number from 1 to 86400")
            );
        }
    }

    /// Every choice of every spec reads back as itself, and the defaults parse.
    #[test]
    fn every_value_round_trips_and_every_default_parses() {
        for spec in SPECS {
            assert!(spec.parse(spec.default).is_ok(), "{}: default '{}'", spec.key, spec.default);
            if let Kind::Choice(options) = spec.kind {
                for (value, _) in options {
                    let mut settings = Settings::default();
                    settings.set(spec.key, value).unwrap();
                    assert_eq!(settings.get(spec.key), *value, "{}", spec.key);
                }
                assert!(spec.parse("nonsense").is_err());
            }
        }
        assert!(spec("colour").is_err());
    }

    #[test]
    fn names_are_listed_once_and_not_too_many() {
        let features = spec("features").unwrap();
        assert_eq!(
            features.parse("Open, Volume ,return").unwrap(),
            Value::Names(vec!["Open".into(), "Volume".into(), "return".into()])
        );
        let repeated = features.parse("Open,Volume,open").unwrap_err();
        assert_eq!(
            repeated,
            SettingError::NameRepeated { key: "features", name: "open".into(), position: 3 }
        );
        assert_eq!(repeated.to_string(), "features: 'open' is listed twice (input 3)");
        let many = (0..17).map(|i| format!("c{i}")).collect::<Vec<_>>().join(",");
        assert_eq!(
            features.parse(&many).unwrap_err(),
            SettingError::TooManyNames { key: "features", given: 17, max: 16 }
        );
    }

    /// The chart's indicators take lists of periods and a period with a width; anything else
    /// is refused naming the range (the bad inputs among them).
    #[test]
    fn indicator_settings_take_periods_and_refuse_naming_the_range() {
        let mut settings = Settings::default();
        for (key, value) in
            [("sma", "20, 50"), ("ema", "12"), ("bollinger", "20,2.5"), ("rsi", "14")]
        {
            settings.set(key, value).unwrap();
        }
        settings.set("macd", "on").unwrap();
        let shown = &settings.indicators;
        assert_eq!((shown.sma.as_slice(), shown.ema.as_slice()), (&[20, 50][..], &[12][..]));
        assert_eq!((shown.bollinger, shown.rsi, shown.macd), (Some((20, 2.5)), Some(14), true));
        assert_eq!(
            (settings.get("sma"), settings.get("bollinger")),
            ("20,50".into(), "20,2.5".into())
        );
        settings.set("sma", "").unwrap();
        assert!(settings.indicators.sma.is_empty());
        let periods = "expected up to 4 whole numbers from 2 to 1000, separated by commas";
        let bands = "expected 2 numbers separated by commas (period, a whole number from 2 to 1000; \
                     width, a number above 0 and at most 10)";
        for (key, bad, expected) in [
            ("sma", "0", periods),
            ("sma", "abc", periods),
            ("sma", "20,,50", periods),
            ("sma", "5,10,20,50,100", periods),
            ("ema", "100000", periods),
            ("bollinger", "20,-1", bands),
            ("bollinger", "20", bands),
            ("bollinger", "1,2", bands),
        ] {
            let error = settings.set(key, bad).unwrap_err();
            assert_eq!(error.to_string(), format!("{key}: '{bad}' is not valid: {expected}"));
        }
        assert_eq!(settings.get("rsi"), "14", "a refused value leaves the setting as it was");
    }

    /// The README's table is the registry's, word for word.
    #[test]
    fn the_readme_lists_the_registry() {
        let readme =
            std::fs::read_to_string(format!("{}/README.md", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let table = readme_table();
        assert!(
            readme.contains(&table),
            "README.md's settings table differs from the registry; it should read:\n{table}"
        );
    }
}
