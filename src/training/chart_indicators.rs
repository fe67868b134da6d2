//! What the price chart draws beside the prices: moving averages and Bollinger bands over them,
//! and the volume, RSI and MACD panes under them. Settings like the others (in the link, the
//! registry), but they change the drawing only, never a run.

use serde::{Deserialize, Serialize};

/// The chart's overlays and panes (`sma=20,50&ema=12&bollinger=20,2&rsi=14&macd=on`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChartIndicators {
    /// Periods of the simple moving averages drawn over the price.
    pub sma: Vec<usize>,
    /// Periods of the exponential moving averages drawn over the price.
    pub ema: Vec<usize>,
    /// Bollinger bands: period and width in standard deviations.
    pub bollinger: Option<(usize, f64)>,
    /// The RSI pane's period.
    pub rsi: Option<usize>,
    /// The MACD pane (12, 26, 9).
    pub macd: bool,
    /// The volume pane, when the file has a volume column.
    pub volume: bool,
}

impl Default for ChartIndicators {
    /// The volume pane alone: what a trading screen shows before anything is added.
    fn default() -> Self {
        Self {
            sma: Vec::new(),
            ema: Vec::new(),
            bollinger: None,
            rsi: None,
            macd: false,
            volume: true,
        }
    }
}
