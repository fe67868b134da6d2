//! How often forecast bands held the price: measured on held-out bars, 1 bar and the horizon
//! ahead, and said in the data's own bars.

use serde::{Deserialize, Serialize};

use crate::data::clock::Clock;

/// How often the bands of one forecast step held the actual value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StepCoverage {
    /// Percent of days inside the 80% and the 95% band.
    pub percent: [f64; 2],
    /// Days (forecast origins) counted.
    pub days: usize,
}

/// Measured band coverage on held-out days, 1 day ahead and `horizon` days ahead (`None` where
/// the held-out part has no day that far from an origin).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    pub horizon: usize,
    pub one_day: Option<StepCoverage>,
    pub horizon_days: Option<StepCoverage>,
}

impl Coverage {
    /// The sentence the page shows in the data's bars, e.g. "80% band held the price on 77% of
    /// test bars (1 hourly bar ahead), 71% (30 hourly bars ahead); 95% band: 94%, 90%".
    pub fn sentence(&self, part: &str, clock: &Clock) -> String {
        let percent = |c: Option<StepCoverage>, level: usize| {
            c.map_or("—".to_string(), |c| format!("{:.0}%", c.percent[level]))
        };
        let noun = if clock.bar().is_some() { "bars" } else { "rows" };
        format!(
            "80% band held the price on {} of {part} {noun} ({} ahead), {} ({} ahead); 95% band: {}, {}.",
            percent(self.one_day, 0),
            clock.bars(1),
            percent(self.horizon_days, 0),
            clock.bars(self.horizon),
            percent(self.one_day, 1),
            percent(self.horizon_days, 1),
        )
    }
}
