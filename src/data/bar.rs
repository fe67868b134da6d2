//! A bar size (`5min`, `1h`, `1d`, `1w`, `1M`, `1Q`, `1Y`): what one row of a price series
//! spans, as the page names it in its summary, its `bars=` setting and its `data-frequency`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How much time one bar covers. Hours are minutes (`1h` is `Minutes(60)`), quarters and years
/// are months (`1Q` is `Months(3)`), so that each size has one spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BarSize {
    Minutes(u32),
    Days(u32),
    Weeks(u32),
    Months(u32),
}

/// Minutes in a day.
pub const DAY_MINUTES: u32 = 1440;

impl BarSize {
    pub const DAY: BarSize = BarSize::Days(1);

    /// The short name: `1min`, `5min`, `1h`, `4h`, `1d`, `1w`, `1M`, `1Q`, `1Y` (and `2d`,
    /// `6M`, … for other multiples).
    pub fn label(self) -> String {
        match self {
            Self::Minutes(m) if m % 60 == 0 => format!("{}h", m / 60),
            Self::Minutes(m) => format!("{m}min"),
            Self::Days(d) => format!("{d}d"),
            Self::Weeks(w) => format!("{w}w"),
            Self::Months(3) => "1Q".into(),
            Self::Months(m) if m % 12 == 0 => format!("{}Y", m / 12),
            Self::Months(m) => format!("{m}M"),
        }
    }

    /// Reads a label as [`BarSize::label`] writes it (also `60min`, `24h`, `3M`, `12M`).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let split = text.find(|c: char| !c.is_ascii_digit())?;
        let (count, unit) = text.split_at(split);
        let count: u32 = count.parse().ok().filter(|n| (1..=1000).contains(n))?;
        let size = match unit {
            "min" | "m" => Self::Minutes(count),
            "h" | "H" => Self::Minutes(count * 60),
            "d" | "D" => Self::Days(count),
            "w" | "W" => Self::Weeks(count),
            "M" => Self::Months(count),
            "Q" => Self::Months(count * 3),
            "Y" | "y" => Self::Months(count * 12),
            _ => return None,
        };
        Some(size.normalised())
    }

    /// The same span spelt one way: `Minutes(1440)` is a day, `Days(7)` a week.
    pub fn normalised(self) -> Self {
        match self {
            Self::Minutes(m) if m % DAY_MINUTES == 0 => Self::Days(m / DAY_MINUTES).normalised(),
            Self::Days(d) if d % 7 == 0 => Self::Weeks(d / 7),
            other => other,
        }
    }

    /// The adjective the page uses: `5-minute`, `hourly`, `4-hour`, `daily`, `weekly`,
    /// `monthly`, `quarterly`, `yearly`.
    pub fn adjective(self) -> String {
        match self {
            Self::Minutes(60) => "hourly".into(),
            Self::Minutes(m) if m % 60 == 0 => format!("{}-hour", m / 60),
            Self::Minutes(m) => format!("{m}-minute"),
            Self::Days(1) => "daily".into(),
            Self::Days(d) => format!("{d}-day"),
            Self::Weeks(1) => "weekly".into(),
            Self::Weeks(w) => format!("{w}-week"),
            Self::Months(1) => "monthly".into(),
            Self::Months(3) => "quarterly".into(),
            Self::Months(12) => "yearly".into(),
            Self::Months(m) => format!("{m}-month"),
        }
    }

    /// The bar's length in minutes (a month counted as 30.44 days), to order sizes.
    pub fn minutes(self) -> f64 {
        match self {
            Self::Minutes(m) => m as f64,
            Self::Days(d) => (d * DAY_MINUTES) as f64,
            Self::Weeks(w) => (w * 7 * DAY_MINUTES) as f64,
            Self::Months(m) => m as f64 * 30.436875 * DAY_MINUTES as f64,
        }
    }

    /// Whether bars are shorter than a day, so stamps carry a time of day.
    pub fn is_intraday(self) -> bool {
        matches!(self, Self::Minutes(_))
    }
}

impl fmt::Display for BarSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_back_as_the_same_size() {
        let labels = [
            "1min", "5min", "15min", "30min", "1h", "4h", "1d", "1w", "1M", "1Q", "1Y", "2d", "6M",
        ];
        for label in labels {
            let size = BarSize::parse(label).unwrap_or_else(|| panic!("{label}"));
            assert_eq!(size.label(), label);
        }
        assert_eq!(BarSize::parse("60min"), Some(BarSize::Minutes(60)));
        assert_eq!(BarSize::parse("24h"), Some(BarSize::DAY));
        assert_eq!(BarSize::parse("7d"), Some(BarSize::Weeks(1)));
        assert_eq!(BarSize::parse("12M"), Some(BarSize::Months(12)));
        for bad in ["", "h", "0min", "1x", "-1h", "1.5h", "abc"] {
            assert_eq!(BarSize::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn sizes_have_words_and_an_order() {
        assert_eq!(BarSize::Minutes(60).adjective(), "hourly");
        assert_eq!(BarSize::Minutes(5).adjective(), "5-minute");
        assert_eq!(BarSize::Months(3).adjective(), "quarterly");
        assert!(BarSize::Minutes(240).minutes() < BarSize::DAY.minutes());
        assert!(BarSize::Weeks(1).minutes() < BarSize::Months(1).minutes());
        assert!(BarSize::Minutes(5).is_intraday() && !BarSize::DAY.is_intraday());
    }
}
