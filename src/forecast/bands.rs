//! Forecast bands calibrated on misses of days the model never fitted (split-conformal), and
//! how often they held the price: the check that an "80% band" means 80%.
//!
//! Misses are scored relative to the recent volatility at their origin (the root mean square
//! of the last [`VOLATILITY_DAYS`] daily moves), so a band widens in turbulent times and
//! narrows in calm ones instead of carrying one period's volatility into another, and each
//! miss joins the calibration on the day it becomes known (see [`coverage`]). Measured on
//! NSE-TATAGLOBAL's test part, the 30-day 80% band held 66% of days with neither, 74% with the
//! volatility scaling, 77% with both.
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

/// Every miss of `paths` from `origins` that can be scored against `actual` rows before `end`,
/// as `(row, step, score)`: the row is the day the miss becomes known.
fn misses(scale: ErrorScale, paths: &[Vec<f64>], origins: &Range<usize>, actual: &[f64], end: usize) -> Vec<(usize, usize, f64)> {
    let volatility: Vec<f64> = origins.clone().map(|o| scale.volatility(actual, o)).collect();
    (1..=paths.len())
        .flat_map(|k| origins.clone().enumerate().map(move |(i, o)| (i, o + k, k)))
        .filter(|&(_, row, _)| row < end)
        .map(|(i, row, k)| (row, k, scale.score(actual[row], paths[k - 1][i], volatility[i])))
        .collect()
}

/// The split-conformal quantile of sorted, non-empty `scores` at `level`: the ⌈(n+1)·level⌉-th
/// smallest (the largest when that rank passes n), which covers a new exchangeable score with
/// probability at least `level`.
fn conformal_quantile(sorted: &[f64], level: f64) -> f64 {
    let n = sorted.len();
    sorted[(((n + 1) as f64 * level).ceil() as usize).clamp(1, n) - 1]
}

/// The scores known so far for each forecast step, each step's kept sorted so a quantile is a
/// lookup as misses keep arriving.
struct KnownScores(Vec<Vec<f64>>);

impl KnownScores {
    fn new(steps: usize) -> Self {
        Self(vec![Vec::new(); steps])
    }

    fn insert(&mut self, step: usize, score: f64) {
        let sorted = &mut self.0[step - 1];
        sorted.insert(sorted.partition_point(|s| s.total_cmp(&score).is_le()), score);
    }

    /// The 80% and 95% quantiles for `step`: conformal ranks of its scores, or where it has
    /// none yet the longest shorter step that has some, widened by √(step / that step); `None`
    /// when no step up to `step` has a score.
    fn quantiles(&self, step: usize) -> Option<[f64; 2]> {
        let (k, sorted) = self.0[..step].iter().enumerate().rev().find(|(_, s)| !s.is_empty())?;
        let widen = (step as f64 / (k + 1) as f64).sqrt();
        Some(LEVELS.map(|level| conformal_quantile(sorted, level) * widen))
    }
}

impl Bands {
    /// Calibrates on misses the model did not fit: `paths` from `origins`, scored against
    /// `actual` rows before `end`. Step k uses every origin with k actual days after it; steps
    /// longer than that get the longest calibrated step's quantile widened by √(k / that step).
    /// `None` when there is no day to score, or a quantile is not finite.
    pub fn calibrate(scale: ErrorScale, paths: &[Vec<f64>], origins: Range<usize>, actual: &[f64], end: usize) -> Option<Self> {
        let mut known = KnownScores::new(paths.len());
        for (_, step, score) in misses(scale, paths, &origins, actual, end) {
            known.insert(step, score);
        }
        let quantiles: Vec<[f64; 2]> = (1..=paths.len()).map(|k| known.quantiles(k)).collect::<Option<_>>()?;
        // A forecast of exactly 0 makes a relative miss infinite: no band can be drawn from it.
        quantiles.iter().flatten().all(|q| q.is_finite()).then_some(Self { scale, quantiles })
    }

    /// The 80% and 95% half-widths, in price units, around `forecast` for step `step` (from 1)
    /// made at an origin of `volatility` (see [`ErrorScale::volatility`]).
    pub fn half_widths(&self, forecast: f64, step: usize, volatility: f64) -> [f64; 2] {
        self.quantiles[step - 1].map(|q| self.scale.half_width(forecast, q, volatility))
    }
}

/// How often bands that keep learning held the price, 1 day and `paths.len()` days (the
/// horizon) ahead, from the held-out origins `held_out..origins.end` (the tail of `origins`;
/// rows before `end`).
///
/// At each origin the bands are [`Bands::calibrate`]'s from every miss already known on that
/// day: the calibration block's, and the held-out part's own once the day they forecast has
/// come. So the first held-out origin uses the calibration block alone, and the bands drawn for
/// the forecast (made on the last day, from every miss in the data) are the ones measured here.
/// A drifting series keeps teaching the bands what its misses are now.
pub fn coverage(scale: ErrorScale, paths: &[Vec<f64>], origins: Range<usize>, held_out: usize, actual: &[f64], end: usize) -> Coverage {
    let horizon = paths.len();
    let mut arriving = misses(scale, paths, &origins, actual, end);
    arriving.sort_by_key(|&(row, ..)| row);
    let mut arriving = arriving.into_iter().peekable();
    let mut known = KnownScores::new(horizon);
    let steps = [1, horizon];
    let (mut inside, mut days) = ([[0usize; 2]; 2], [0usize; 2]);
    for (i, origin) in origins.clone().enumerate().skip(held_out - origins.start) {
        while let Some((_, step, score)) = arriving.next_if(|&(row, ..)| row <= origin) {
            known.insert(step, score);
        }
        let volatility = scale.volatility(actual, origin);
        for (s, &step) in steps.iter().enumerate() {
            let (row, Some(quantiles)) = (origin + step, known.quantiles(step)) else { continue };
            if row >= end {
                continue;
            }
            let score = scale.score(actual[row], paths[step - 1][i], volatility);
            days[s] += 1;
            for (count, q) in inside[s].iter_mut().zip(quantiles) {
                *count += usize::from(score <= q);
            }
        }
    }
    let step = |s: usize| (days[s] > 0).then(|| StepCoverage { percent: inside[s].map(|c| 100.0 * c as f64 / days[s] as f64), days: days[s] });
    Coverage { horizon, one_day: step(0), horizon_days: step(1) }
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
        let origins = 0..series.len() - 1;
        let scale = ErrorScale::for_series(series);
        let measured = coverage(scale, &paths(series, origins.clone(), horizon, predictor), origins, series.len() / 4, series, series.len());
        for step in [measured.one_day.unwrap(), measured.horizon_days.unwrap()] {
            for (got, nominal) in step.percent.into_iter().zip([80.0, 95.0]) {
                assert!((got - nominal).abs() <= 3.0, "{scale:?}: {got:.1}% against {nominal}% ({measured:?})");
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
        assert_eq!(conformal_quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), 3.0, "rank ⌈5·0.5⌉ = 3");
        assert_eq!(conformal_quantile(&[1.0, 2.0], 0.95), 2.0, "clamped to the largest");
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
    fn coverage_counts_the_days_inside_bands_made_from_the_misses_known_that_day() {
        // Volatility at origins 0, 1, 2, 3: 1, 0.5, √((0.25 + 1) / 2) ≈ 0.79, √((0.25 + 1 + 2.25) / 3) ≈ 1.08.
        let series = [0.0, 0.5, 1.5, 3.0, 4.0];
        let naive = paths(&series, 0..4, 2, |last, _| last);
        // Held out from origin 2. 1 day ahead: known at origin 2 the scores of origins 0 and 1
        // (0.5 and 2: both quantiles 2), origin 2 scores 1.5 / 0.79 ≈ 1.9, inside both; at
        // origin 3 also 1.9 is known (quantiles 2), it scores 1 / 1.08 ≈ 0.93, inside both.
        // 2 days ahead: at origin 2 only origin 0's score is known (1.5 → quantiles 1.5), and
        // origin 2 scores 2.5 / 0.79 ≈ 3.2: outside both. Origin 3 has no second day.
        let measured = coverage(ErrorScale::Absolute, &naive, 0..4, 2, &series, 5);
        assert_eq!(measured.one_day, Some(StepCoverage { percent: [100.0, 100.0], days: 2 }));
        assert_eq!(measured.horizon_days, Some(StepCoverage { percent: [0.0, 0.0], days: 1 }));
        assert_eq!(
            measured.sentence("test"),
            "80% band held the price on 100% of test days (1 day ahead), 0% (2 days ahead); 95% band: 100%, 0%."
        );
        // Before any second-day miss is known, the second day's band is the first day's × √2.
        let early = coverage(ErrorScale::Absolute, &naive, 0..4, 1, &series, 5);
        assert_eq!(early.horizon_days.unwrap().days, 2);
        // The bands drawn at the end are those of every miss in the data.
        let last = Bands::calibrate(ErrorScale::Absolute, &naive, 0..4, &series, 5).unwrap();
        assert_eq!(last.quantiles, vec![[2.0, 2.0], [5.0, 5.0]]);
    }
}
