//! The inputs derived from the target's own past prices by an indicator (`rsi14`, `macd`,
//! `sma_ratio20`, `ema_ratio12`, `bb_pos20`): each bar's value comes from that bar and the ones
//! before it only, and a forecast recomputes them from its own predicted path (see
//! [`DerivedTracker`]), so no input ever holds a value it could not have had.

use serde::{Deserialize, Serialize};

use super::indicators::{Bollinger, Ema, Macd, Rsi, Sma, Tracker};

/// One of the indicator inputs a person may add to `features=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Derived {
    /// RSI(14), Wilder's.
    Rsi14,
    /// The MACD(12, 26, 9) histogram over the price, so that it reads the same at any price level.
    Macd,
    /// Price / SMA(20) − 1.
    SmaRatio20,
    /// Price / EMA(12) − 1.
    EmaRatio12,
    /// Where the price sits in its Bollinger(20, 2) band: 0 at the lower edge, 1 at the upper.
    BbPos20,
}

impl Derived {
    pub const ALL: [Derived; 5] =
        [Derived::Rsi14, Derived::Macd, Derived::SmaRatio20, Derived::EmaRatio12, Derived::BbPos20];

    /// The input's name in `features=`.
    pub fn name(self) -> &'static str {
        match self {
            Derived::Rsi14 => "rsi14",
            Derived::Macd => "macd",
            Derived::SmaRatio20 => "sma_ratio20",
            Derived::EmaRatio12 => "ema_ratio12",
            Derived::BbPos20 => "bb_pos20",
        }
    }

    /// The input `name` names (case ignored), if it is one of these.
    pub fn parse(name: &str) -> Option<Derived> {
        Self::ALL.into_iter().find(|d| d.name().eq_ignore_ascii_case(name.trim()))
    }

    /// What the input holds on the first bars, before its indicator is defined: the value that
    /// says nothing (RSI 50, no gap to the average, the middle of the band).
    fn neutral(self) -> f64 {
        match self {
            Derived::Rsi14 => 50.0,
            Derived::BbPos20 => 0.5,
            Derived::Macd | Derived::SmaRatio20 | Derived::EmaRatio12 => 0.0,
        }
    }

    /// The input at every bar of `prices`, each from that bar and those before it.
    pub fn values(self, prices: &[f64]) -> Vec<f64> {
        let mut tracker = DerivedTracker::new(self);
        prices.iter().map(|&price| tracker.push(price)).collect()
    }
}

/// A derived input's indicator part way through a series: fed the next price (a real one, or a
/// forecast's), it gives the input at that bar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DerivedTracker {
    input: Derived,
    state: State,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum State {
    Rsi(Rsi),
    Macd(Macd),
    Sma(Sma),
    Ema(Ema),
    Bollinger(Bollinger),
}

impl DerivedTracker {
    /// The tracker of `input` before the first bar.
    pub fn new(input: Derived) -> Self {
        let state = match input {
            Derived::Rsi14 => State::Rsi(Rsi::new(14)),
            Derived::Macd => State::Macd(Macd::new(12, 26, 9)),
            Derived::SmaRatio20 => State::Sma(Sma::new(20)),
            Derived::EmaRatio12 => State::Ema(Ema::new(12)),
            Derived::BbPos20 => State::Bollinger(Bollinger::new(20, 2.0)),
        };
        Self { input, state }
    }

    /// The tracker of `input` after every bar of `prices`.
    pub fn after(input: Derived, prices: &[f64]) -> Self {
        let mut tracker = Self::new(input);
        for &price in prices {
            tracker.push(price);
        }
        tracker
    }

    /// The input at the bar whose price is `price`, the bars before having been pushed.
    pub fn push(&mut self, price: f64) -> f64 {
        let ratio = |average: Option<f64>| average.map(|a| price / a - 1.0);
        let value = match &mut self.state {
            State::Rsi(rsi) => rsi.push(price),
            State::Macd(macd) => macd.push(price).map(|m| m.histogram / price),
            State::Sma(sma) => ratio(sma.push(price)),
            State::Ema(ema) => ratio(ema.push(price)),
            State::Bollinger(bands) => bands.push(price).map(|band| band.position(price)),
        };
        value.filter(|v| v.is_finite()).unwrap_or(self.input.neutral())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::indicators::series;

    fn prices() -> Vec<f64> {
        (0..120).map(|i| 50.0 + (i as f64 / 6.0).sin() * 4.0 + i as f64 * 0.05).collect()
    }

    /// Changing a bar's price changes no input before it: every input reads the past only.
    #[test]
    fn no_input_looks_ahead() {
        let prices = prices();
        for input in Derived::ALL {
            let before = input.values(&prices);
            for changed in [40, 80, 119] {
                let mut future = prices.clone();
                future[changed] *= 1.5;
                let after = input.values(&future);
                assert_eq!(before[..changed], after[..changed], "{} at {changed}", input.name());
                assert_ne!(before[changed], after[changed], "{} sees its own bar", input.name());
            }
        }
    }

    /// The inputs are their indicators' values, neutral before those are defined.
    #[test]
    fn inputs_are_the_indicators_neutral_until_defined() {
        let prices = prices();
        let rsi = Derived::Rsi14.values(&prices);
        assert!(rsi[..14].iter().all(|v| *v == 50.0));
        assert_eq!(
            rsi[14..],
            series(&prices, Rsi::new(14))[14..].iter().map(|v| v.unwrap()).collect::<Vec<_>>()
        );
        let sma = series(&prices, Sma::new(20));
        let ratio = Derived::SmaRatio20.values(&prices);
        assert_eq!(ratio[..19], [0.0; 19]);
        assert_eq!(ratio[50], prices[50] / sma[50].unwrap() - 1.0);
        let macd = series(&prices, Macd::new(12, 26, 9));
        assert_eq!(Derived::Macd.values(&prices)[40], macd[40].unwrap().histogram / prices[40]);
        let band = series(&prices, Bollinger::new(20, 2.0))[60].unwrap();
        assert_eq!(Derived::BbPos20.values(&prices)[60], band.position(prices[60]));
        assert_eq!(Derived::parse(" EMA_ratio12"), Some(Derived::EmaRatio12));
        assert_eq!(Derived::parse("rsi"), None);
    }

    /// A tracker carried to a bar and fed on gives what the whole series gives.
    #[test]
    fn a_tracker_resumes_where_it_was_left() {
        let prices = prices();
        for input in Derived::ALL {
            let mut tracker = DerivedTracker::after(input, &prices[..70]);
            let resumed: Vec<f64> = prices[70..].iter().map(|&p| tracker.push(p)).collect();
            assert_eq!(resumed, input.values(&prices)[70..], "{}", input.name());
        }
    }
}
