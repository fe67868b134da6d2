//! Technical indicators as TA-Lib defines them (SMA, EMA, Bollinger bands, RSI, MACD), each a
//! tracker fed one price at a time: the chart computes whole series with them, and a forecast
//! feeds them its own predicted prices step by step, so both read the same definition. A
//! tracker's value is `None` until it has seen enough bars (TA-Lib's lookback): drawn as absent,
//! never as zero.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

/// An indicator fed one price at a time.
pub trait Tracker {
    type Value;
    /// Takes the next bar's price and returns the indicator there, once it is defined.
    fn push(&mut self, price: f64) -> Option<Self::Value>;
}

/// The indicator `tracker` computes at every bar of `prices` (`None` before it is defined).
pub fn series<T: Tracker>(prices: &[f64], mut tracker: T) -> Vec<Option<T::Value>> {
    prices.iter().map(|&price| tracker.push(price)).collect()
}

/// The last `period` prices, to average (TA-Lib's SMA, the middle of its Bollinger bands).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sma {
    period: usize,
    recent: VecDeque<f64>,
}

impl Sma {
    pub fn new(period: usize) -> Self {
        Self { period: period.max(1), recent: VecDeque::with_capacity(period + 1) }
    }

    /// The last `period` prices once there are that many.
    fn full(&mut self, price: f64) -> Option<&VecDeque<f64>> {
        self.recent.push_back(price);
        if self.recent.len() > self.period {
            self.recent.pop_front();
        }
        (self.recent.len() == self.period).then_some(&self.recent)
    }
}

impl Tracker for Sma {
    type Value = f64;
    fn push(&mut self, price: f64) -> Option<f64> {
        let period = self.period as f64;
        self.full(price).map(|recent| recent.iter().sum::<f64>() / period)
    }
}

/// TA-Lib's EMA: `k = 2 / (period + 1)`, seeded with the average of the first `period` prices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ema {
    period: usize,
    seen: usize,
    sum: f64,
    value: Option<f64>,
}

impl Ema {
    pub fn new(period: usize) -> Self {
        Self { period: period.max(1), seen: 0, sum: 0.0, value: None }
    }
}

impl Tracker for Ema {
    type Value = f64;
    fn push(&mut self, price: f64) -> Option<f64> {
        self.value = match self.value {
            Some(before) => Some(before + 2.0 / (self.period as f64 + 1.0) * (price - before)),
            None => {
                self.seen += 1;
                self.sum += price;
                (self.seen == self.period).then(|| self.sum / self.period as f64)
            }
        };
        self.value
    }
}

/// A Bollinger band at one bar: the SMA and `width` population standard deviations either side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    pub lower: f64,
    pub middle: f64,
    pub upper: f64,
}

impl Band {
    /// Where `price` sits in the band: 0 at the lower edge, 1 at the upper (outside it below 0
    /// or above 1); 0.5 when the band has no width (a flat stretch).
    pub fn position(&self, price: f64) -> f64 {
        let width = self.upper - self.lower;
        if width > 0.0 { (price - self.lower) / width } else { 0.5 }
    }
}

/// TA-Lib's BBANDS with a simple moving average.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bollinger {
    window: Sma,
    width: f64,
}

impl Bollinger {
    pub fn new(period: usize, width: f64) -> Self {
        Self { window: Sma::new(period), width }
    }
}

impl Tracker for Bollinger {
    type Value = Band;
    fn push(&mut self, price: f64) -> Option<Band> {
        let width = self.width;
        let recent = self.window.full(price)?;
        let n = recent.len() as f64;
        let middle = recent.iter().sum::<f64>() / n;
        let variance = recent.iter().map(|p| (p - middle).powi(2)).sum::<f64>() / n;
        let spread = width * variance.sqrt();
        Some(Band { lower: middle - spread, middle, upper: middle + spread })
    }
}

/// TA-Lib's RSI with Wilder's smoothing: the first average gain and loss are plain means of the
/// first `period` changes, then `avg = (avg * (period - 1) + change) / period`; `100 * gain /
/// (gain + loss)`, and 0 where nothing moved, as TA-Lib gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rsi {
    period: usize,
    previous: Option<f64>,
    changes: usize,
    gain: f64,
    loss: f64,
}

impl Rsi {
    pub fn new(period: usize) -> Self {
        Self { period: period.max(1), previous: None, changes: 0, gain: 0.0, loss: 0.0 }
    }
}

impl Tracker for Rsi {
    type Value = f64;
    fn push(&mut self, price: f64) -> Option<f64> {
        let change = price - self.previous.replace(price)?;
        let n = self.period as f64;
        let (up, down) = (change.max(0.0), (-change).max(0.0));
        if self.changes < self.period {
            self.gain += up / n;
            self.loss += down / n;
        } else {
            self.gain = (self.gain * (n - 1.0) + up) / n;
            self.loss = (self.loss * (n - 1.0) + down) / n;
        }
        self.changes += 1;
        let total = self.gain + self.loss;
        (self.changes >= self.period)
            .then(|| if total > 0.0 { 100.0 * self.gain / total } else { 0.0 })
    }
}

/// MACD at one bar: the fast EMA less the slow one, its signal EMA, and their difference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MacdValue {
    pub line: f64,
    pub signal: f64,
    pub histogram: f64,
}

/// TA-Lib's MACD: as there, the fast EMA is seeded on the `fast` prices that end where the slow
/// one's seed ends, so both start on the same bar; the signal is an EMA of the line, and all
/// three are defined from bar `slow + signal - 2` on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Macd {
    fast: Ema,
    slow: Ema,
    signal: Ema,
    /// Prices to pass before the fast EMA starts.
    delay: usize,
}

impl Macd {
    /// MACD with these periods (swapped if `fast` is the longer, as TA-Lib does).
    pub fn new(fast: usize, slow: usize, signal: usize) -> Self {
        let (fast, slow) = (fast.min(slow), fast.max(slow));
        Self {
            fast: Ema::new(fast),
            slow: Ema::new(slow),
            signal: Ema::new(signal),
            delay: slow - fast,
        }
    }
}

impl Tracker for Macd {
    type Value = MacdValue;
    fn push(&mut self, price: f64) -> Option<MacdValue> {
        let slow = self.slow.push(price);
        if self.delay > 0 {
            self.delay -= 1;
            return None;
        }
        let line = self.fast.push(price)? - slow?;
        let signal = self.signal.push(line)?;
        Some(MacdValue { line, signal, histogram: line - signal })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9 * b.abs().max(1.0)
    }

    /// Worked by hand: the averages are undefined until their period is full.
    #[test]
    fn sma_and_ema_follow_talib_from_their_first_defined_bar() {
        let prices = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        assert_eq!(
            series(&prices, Sma::new(3)),
            [None, None, Some(2.0), Some(3.0), Some(4.0), Some(5.0)]
        );
        // k = 0.5: seeded with the mean of 1, 2, 3, then 2 + 0.5 (4 - 2) = 3, 3 + 0.5 (5 - 3) = 4, ...
        assert_eq!(
            series(&prices, Ema::new(3)),
            [None, None, Some(2.0), Some(3.0), Some(4.0), Some(5.0)]
        );
        let ema = series(&[10.0, 20.0, 30.0, 10.0], Ema::new(2));
        // k = 2/3: 15, 15 + 2/3 * 15 = 25, 25 + 2/3 * (10 - 25) = 15
        assert_eq!(ema[0], None);
        assert!(
            close(ema[1].unwrap(), 15.0)
                && close(ema[2].unwrap(), 25.0)
                && close(ema[3].unwrap(), 15.0)
        );
    }

    /// Population standard deviation (TA-Lib's), and a flat band's position is its middle.
    #[test]
    fn bollinger_bands_use_the_population_deviation() {
        let bands = series(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0], Bollinger::new(8, 2.0));
        assert!(bands[..7].iter().all(Option::is_none));
        // mean 5, population deviation 2
        assert_eq!(bands[7], Some(Band { lower: 1.0, middle: 5.0, upper: 9.0 }));
        assert_eq!(bands[7].unwrap().position(7.0), 0.75);
        let flat = series(&[3.0; 4], Bollinger::new(2, 2.0));
        assert_eq!(flat[3].unwrap().position(3.0), 0.5);
    }

    /// Wilder's RSI on a series worked by hand: first average of the first `period` changes,
    /// then smoothed; 0 where nothing moved.
    #[test]
    fn rsi_smooths_gains_and_losses_as_wilder_did() {
        // changes: +2, -1, +3, -2
        let rsi = series(&[10.0, 12.0, 11.0, 14.0, 12.0], Rsi::new(3));
        assert_eq!(&rsi[..3], &[None, None, None]);
        // gains (2 + 0 + 3) / 3 = 5/3, losses 1/3: 100 * 5 / 6
        assert!(close(rsi[3].unwrap(), 500.0 / 6.0));
        // gain (5/3 * 2 + 0) / 3 = 10/9, loss (1/3 * 2 + 2) / 3 = 8/9: 100 * 10 / 18
        assert!(close(rsi[4].unwrap(), 1000.0 / 18.0));
        assert_eq!(series(&[5.0; 4], Rsi::new(2))[3], Some(0.0));
        let rising: Vec<f64> = (0..30).map(f64::from).collect();
        assert_eq!(series(&rising, Rsi::new(14))[14], Some(100.0));
        assert_eq!(series(&rising, Rsi::new(14))[13], None);
    }

    /// MACD(12, 26, 9) is defined from bar 33 on, as TA-Lib's lookback says, with the fast EMA
    /// seeded on bars 14..=25 (a reference computed from the definitions alone here).
    #[test]
    fn macd_starts_where_talib_does_and_matches_its_definition() {
        let prices: Vec<f64> =
            (0..60).map(|i| 100.0 + (i as f64 * 0.7).sin() * 5.0 + i as f64 * 0.3).collect();
        let macd = series(&prices, Macd::new(12, 26, 9));
        assert!(macd[..33].iter().all(Option::is_none));
        assert!(macd[33..].iter().all(Option::is_some));
        // The definitions written out: slow EMA seeded at bar 25 on bars 0..=25, fast at bar 25
        // on bars 14..=25, signal at bar 33 on the lines of bars 25..=33.
        let ema = |values: &[f64], period: usize, seed: f64| {
            let k = 2.0 / (period as f64 + 1.0);
            values
                .iter()
                .scan(seed, |e, v| {
                    *e += k * (v - *e);
                    Some(*e)
                })
                .collect::<Vec<f64>>()
        };
        let mean = |values: &[f64]| values.iter().sum::<f64>() / values.len() as f64;
        let slow: Vec<f64> = std::iter::once(mean(&prices[..26]))
            .chain(ema(&prices[26..], 26, mean(&prices[..26])))
            .collect();
        let fast: Vec<f64> = std::iter::once(mean(&prices[14..26]))
            .chain(ema(&prices[26..], 12, mean(&prices[14..26])))
            .collect();
        let lines: Vec<f64> = fast.iter().zip(&slow).map(|(f, s)| f - s).collect();
        let seed = mean(&lines[..9]);
        let signal: Vec<f64> = std::iter::once(seed).chain(ema(&lines[9..], 9, seed)).collect();
        for (bar, value) in macd.iter().enumerate().skip(33) {
            let value = value.unwrap();
            let (line, signal) = (lines[bar - 25], signal[bar - 33]);
            assert!(close(value.line, line) && close(value.signal, signal), "bar {bar}");
            assert!(close(value.histogram, line - signal));
        }
        assert_eq!(series(&prices, Macd::new(26, 12, 9)), macd, "periods swapped as TA-Lib does");
    }
}
