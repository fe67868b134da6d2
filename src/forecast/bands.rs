//! Forecast bands calibrated on days the model never fitted (split-conformal), and how often
//! they held the price: the check that an "80% band" means 80%.
//!
//! Misses are scored relative to the recent volatility at their origin (the root mean square
//! of the last [`VOLATILITY_DAYS`] daily moves), so a band widens in turbulent times and
//! narrows in calm ones instead of carrying one period's volatility into another (measured: on
//! NSE-TATAGLOBAL's test part the 30-day 80% band held 66% of days without this, 74% with it).
//!
//! Everything here works on forecast paths: `paths[k - 1][i]` is the forecast made at origin
//! `origins.start + i` (the last known row) for row `origin + k`. The model makes them in
//! `recursive::forecast_paths`; tests make them with simple predictors.

use std::ops::Range;

use serde::{Deserialize, Serialize};

/// The two band levels the page draws.
pub const LEVELS: [f64; 2] = [0.80, 0.95];

/// Daily moves up to an origin whose root mean square is its recent volatility (about three
/// months of trading days).
pub const VOLATILITY_DAYS: usize = 60;

/// The least volatility a score is divided by, so a flat stretch cannot make a miss infinite.
const MIN_VOLATILITY: f64 = 1e-9;

/// What an error is measured in: percent of the forecast for prices (a band's width follows the
/// price level, as stock moves do), price units for a series with zero or negative values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorScale {
    Relative,
    Absolute,
}

impl ErrorScale {
    /// Relative for a series whose every value is positive, else absolute.
    pub fn for_series(values: &[f64]) -> Self {
        if values.iter().all(|v| *v > 0.0) { Self::Relative } else { Self::Absolute }
    }

    /// The size of the miss of `forecast` by `actual`, in units of the origin's `volatility`
    /// (the conformity score).
    fn score(self, actual: f64, forecast: f64, volatility: f64) -> f64 {
        let miss = match self {
            Self::Relative => (actual / forecast - 1.0).abs(),
            Self::Absolute => (actual - forecast).abs(),
        };
        miss / volatility
    }

    /// A band half-width in price units around `forecast` from a quantile of scores, at an
    /// origin of `volatility`.
    fn half_width(self, forecast: f64, quantile: f64, volatility: f64) -> f64 {
        match self {
            Self::Relative => forecast.abs() * quantile * volatility,
            Self::Absolute => quantile * volatility,
        }
    }

    /// The recent volatility at row `origin` of `actual`: the root mean square of the daily
    /// moves (log returns, or changes in price units) over the [`VOLATILITY_DAYS`] days up to
    /// it, fewer near the start; 1 at the first row, which has none.
    pub fn volatility(self, actual: &[f64], origin: usize) -> f64 {
        let days = (origin + 1).saturating_sub(VOLATILITY_DAYS).max(1)..origin + 1;
        if days.is_empty() {
            return 1.0;
        }
        let moves = days.clone().map(|t| match self {
            Self::Relative => (actual[t] / actual[t - 1]).ln(),
            Self::Absolute => actual[t] - actual[t - 1],
        });
        (moves.map(|m| m * m).sum::<f64>() / days.len() as f64).sqrt().max(MIN_VOLATILITY)
    }
}

/// The band quantiles of every forecast step, for both [`LEVELS`].
#[derive(Debug, Clone, PartialEq)]
pub struct Bands {
    pub scale: ErrorScale,
    /// `quantiles[k - 1]`: the 80% and 95% score quantiles for step k.
    pub quantiles: Vec<[f64; 2]>,
}

/// The rows forecast from `origins` with paths `paths`, that is the actual rows each path
/// point is for, restricted to rows before `end`: `(step, origin index, row)`.
fn scored_points(origins: &Range<usize>, steps: usize, end: usize) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    (1..=steps).flat_map(move |k| origins.clone().enumerate().map(move |(i, o)| (k, i, o + k)).filter(move |&(_, _, row)| row < end))
}

/// The split-conformal quantile of `scores` at `level`: the ⌈(n+1)·level⌉-th smallest (the
/// largest when that rank passes n), which covers a new exchangeable score with probability at
/// least `level`. `None` without scores.
fn conformal_quantile(scores: &mut [f64], level: f64) -> Option<f64> {
    scores.sort_by(f64::total_cmp);
    let n = scores.len();
    let rank = (((n + 1) as f64 * level).ceil() as usize).clamp(1, n.max(1));
    scores.get(rank - 1).copied()
}

impl Bands {
    /// Calibrates on a block the model did not fit: `paths` from `origins`, scored against
    /// `actual` rows before `end`. Step k uses every origin with k actual days after it;
    /// steps longer than the block get the longest calibrated step's quantile widened by
    /// √(k / that step). `None` when the block has no day to score, or a quantile is not finite.
    pub fn calibrate(scale: ErrorScale, paths: &[Vec<f64>], origins: Range<usize>, actual: &[f64], end: usize) -> Option<Self> {
        let volatility: Vec<f64> = origins.clone().map(|o| scale.volatility(actual, o)).collect();
        let mut scores = vec![Vec::new(); paths.len()];
        for (k, i, row) in scored_points(&origins, paths.len(), end) {
            scores[k - 1].push(scale.score(actual[row], paths[k - 1][i], volatility[i]));
        }
        let mut quantiles: Vec<[f64; 2]> = Vec::with_capacity(paths.len());
        for (k, step) in scores.iter_mut().enumerate() {
            let q = LEVELS.map(|level| conformal_quantile(step, level));
            match (q, quantiles.last()) {
                ([Some(q80), Some(q95)], _) => quantiles.push([q80, q95]),
                (_, Some(&last)) => {
                    let widen = ((k + 1) as f64 / k as f64).sqrt();
                    quantiles.push(last.map(|q| q * widen));
                }
                (_, None) => return None,
            }
        }
        // A forecast of exactly 0 makes a relative miss infinite: no band can be drawn from it.
        quantiles.iter().flatten().all(|q| q.is_finite()).then_some(Self { scale, quantiles })
    }

    /// The 80% and 95% half-widths, in price units, around `forecast` for step `step` (from 1)
    /// made at an origin of `volatility` (see [`ErrorScale::volatility`]).
    pub fn half_widths(&self, forecast: f64, step: usize, volatility: f64) -> [f64; 2] {
        self.quantiles[step - 1].map(|q| self.scale.half_width(forecast, q, volatility))
    }

    /// Percent of the path points at `step` (rows before `end`) whose actual value lay inside
    /// the 80% and the 95% band, with how many points there were; `None` without points.
    pub fn coverage_at(&self, step: usize, paths: &[Vec<f64>], origins: Range<usize>, actual: &[f64], end: usize) -> Option<StepCoverage> {
        let (mut inside, mut points) = ([0usize; 2], 0usize);
        for (_, i, row) in scored_points(&origins, step, end).filter(|(k, ..)| *k == step) {
            let score = self.scale.score(actual[row], paths[step - 1][i], self.scale.volatility(actual, origins.start + i));
            points += 1;
            for (count, q) in inside.iter_mut().zip(self.quantiles[step - 1]) {
                *count += usize::from(score <= q);
            }
        }
        (points > 0).then(|| StepCoverage { percent: inside.map(|c| 100.0 * c as f64 / points as f64), days: points })
    }

    /// Coverage 1 day ahead and `horizon` days ahead on the held-out rows before `end`.
    pub fn coverage(&self, horizon: usize, paths: &[Vec<f64>], origins: Range<usize>, actual: &[f64], end: usize) -> Coverage {
        Coverage {
            horizon,
            one_day: self.coverage_at(1, paths, origins.clone(), actual, end),
            horizon_days: self.coverage_at(horizon, paths, origins, actual, end),
        }
    }
}

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
    /// The sentence the page shows, e.g. "80% band held the price on 77% of test days (1 day
    /// ahead), 71% (30 days ahead); 95% band: 94%, 90%".
    pub fn sentence(&self, part: &str) -> String {
        let percent = |c: Option<StepCoverage>, level: usize| c.map_or("—".to_string(), |c| format!("{:.0}%", c.percent[level]));
        let days = if self.horizon == 1 { "1 day".to_string() } else { format!("{} days", self.horizon) };
        format!(
            "80% band held the price on {} of {part} days (1 day ahead), {} ({days} ahead); 95% band: {}, {}.",
            percent(self.one_day, 0),
            percent(self.horizon_days, 0),
            percent(self.one_day, 1),
            percent(self.horizon_days, 1),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::training::rng::SeededRng;

    /// Paths of `predictor(origin value, step)` from every origin in `origins`.
    fn paths(series: &[f64], origins: Range<usize>, steps: usize, predictor: impl Fn(f64, usize) -> f64) -> Vec<Vec<f64>> {
        (1..=steps).map(|k| origins.clone().map(|o| predictor(series[o], k)).collect()).collect()
    }

    /// Calibrates on the first quarter of `series`, measures on the rest, and checks coverage
    /// 1 and `horizon` days ahead within ±3 points of 80% and 95%.
    fn check_nominal(series: &[f64], horizon: usize, predictor: impl Fn(f64, usize) -> f64 + Copy) {
        let split = series.len() / 4;
        let calibration = 0..split - 1;
        let scale = ErrorScale::for_series(series);
        let bands = Bands::calibrate(scale, &paths(series, calibration.clone(), horizon, predictor), calibration, series, split).unwrap();
        let test = split - 1..series.len() - 1;
        let coverage = bands.coverage(horizon, &paths(series, test.clone(), horizon, predictor), test, series, series.len());
        for step in [coverage.one_day.unwrap(), coverage.horizon_days.unwrap()] {
            for (got, nominal) in step.percent.into_iter().zip([80.0, 95.0]) {
                assert!((got - nominal).abs() <= 3.0, "{scale:?}: {got:.1}% against {nominal}% ({coverage:?})");
            }
        }
    }

    /// A random walk with known σ (crossing zero, so errors are in price units) under the
    /// naive forecast, which is its best forecast.
    #[test]
    fn a_random_walk_is_covered_at_the_nominal_rate() {
        let mut rng = SeededRng::new(11);
        let mut price = 0.0;
        let series: Vec<f64> = (0..40_000).map(|_| { price += 2.0 * rng.normal(); price }).collect();
        assert_eq!(ErrorScale::for_series(&series), ErrorScale::Absolute);
        check_nominal(&series, 10, |last, _| last);
    }

    /// A price that trends up 0.05% a day with 1.5% daily moves (a geometric random walk with
    /// drift), forecast with its exact drift: errors in percent of the forecast.
    #[test]
    fn a_trending_price_is_covered_at_the_nominal_rate() {
        let mut rng = SeededRng::new(5);
        let (drift, sigma) = (0.0005, 0.015);
        let mut price: f64 = 100.0;
        let series: Vec<f64> = (0..40_000).map(|_| { price *= (drift + sigma * rng.normal()).exp(); price }).collect();
        assert_eq!(ErrorScale::for_series(&series), ErrorScale::Relative);
        check_nominal(&series, 10, |last, k| last * (drift * k as f64).exp());
    }

    #[test]
    fn quantiles_are_conformal_ranks_and_long_steps_widen_by_the_square_root() {
        assert_eq!(conformal_quantile(&mut [3.0, 1.0, 2.0, 4.0], 0.5), Some(3.0), "rank ⌈5·0.5⌉ = 3");
        assert_eq!(conformal_quantile(&mut [1.0, 2.0], 0.95), Some(2.0), "clamped to the largest");
        assert_eq!(conformal_quantile(&mut [], 0.8), None);
        // A 3-row block after origin 0 (no moves before it: volatility 1): step 1 and 2 have
        // scores, step 4 is widened from step 2.
        let series = [10.0, 11.0, 13.0, 10.0];
        let naive = paths(&series, 0..1, 4, |last, _| last);
        let bands = Bands::calibrate(ErrorScale::Absolute, &naive, 0..1, &series, 3).unwrap();
        assert_eq!(bands.quantiles[0], [1.0, 1.0]);
        assert_eq!(bands.quantiles[1], [3.0, 3.0]);
        assert!((bands.quantiles[3][0] - 3.0 * 2f64.sqrt()).abs() < 1e-12);
        assert_eq!(bands.half_widths(10.0, 2, 1.0), [3.0, 3.0]);
        assert_eq!(bands.half_widths(10.0, 2, 0.5), [1.5, 1.5]);
        let relative = Bands { scale: ErrorScale::Relative, quantiles: vec![[0.1, 0.2]] };
        assert_eq!(relative.half_widths(50.0, 1, 1.0), [5.0, 10.0]);
        assert!(Bands::calibrate(ErrorScale::Absolute, &naive, 0..1, &series, 1).is_none(), "no day to score");
        let zero = vec![vec![0.0]];
        assert!(Bands::calibrate(ErrorScale::Relative, &zero, 0..1, &series, 2).is_none(), "an infinite miss");
    }

    #[test]
    fn volatility_is_the_root_mean_square_of_recent_daily_moves() {
        let prices = [1.0, 2.0, 1.0, 4.0];
        assert_eq!(ErrorScale::Absolute.volatility(&prices, 0), 1.0, "no move yet");
        assert_eq!(ErrorScale::Absolute.volatility(&prices, 3), (11.0f64 / 3.0).sqrt());
        assert!((ErrorScale::Relative.volatility(&prices, 1) - 2f64.ln()).abs() < 1e-12);
        let long: Vec<f64> = (0..200).map(|i| if i < 100 { 10.0 * (i % 2) as f64 } else { (i % 2) as f64 }).collect();
        assert_eq!(ErrorScale::Absolute.volatility(&long, 199), 1.0, "only the last {VOLATILITY_DAYS} moves count");
        assert_eq!(ErrorScale::Absolute.volatility(&[5.0; 9], 8), MIN_VOLATILITY, "a flat stretch");
    }

    #[test]
    fn coverage_counts_the_days_inside_each_band() {
        let bands = Bands { scale: ErrorScale::Absolute, quantiles: vec![[1.0, 2.0], [1.0, 2.0]] };
        let series = [0.0, 0.5, 1.5, 3.0];
        let naive = paths(&series, 0..3, 2, |last, _| last);
        let coverage = bands.coverage(2, &naive, 0..3, &series, 4);
        // Volatility at origins 0, 1, 2: 1, 0.5, √((0.25 + 1) / 2) ≈ 0.79.
        // 1 day ahead: misses 0.5, 1.0, 1.5 → scores 0.5, 2, 1.9 → 80% band holds 1 of 3, 95% all 3.
        assert_eq!(coverage.one_day, Some(StepCoverage { percent: [100.0 / 3.0, 100.0], days: 3 }));
        // 2 days ahead (origins 0 and 1 only): misses 1.5, 2.5 → scores 1.5, 5 → none, one.
        assert_eq!(coverage.horizon_days, Some(StepCoverage { percent: [0.0, 50.0], days: 2 }));
        assert_eq!(
            coverage.sentence("test"),
            "80% band held the price on 33% of test days (1 day ahead), 0% (2 days ahead); 95% band: 100%, 50%."
        );
    }
}
