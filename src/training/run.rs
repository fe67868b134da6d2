//! One whole run: prepare the target series, train, evaluate against the baseline, forecast.

use std::ops::Range;

use burn::tensor::Device;

use super::backtest::backtest;
use super::error::TrainError;
use super::model_file::ModelFile;
use super::report::StopReason;
use super::result::RunResult;
use super::search::search;
use super::settings::Settings;
use super::shares::Helpers;
use super::trainer::{TrainingHost, train};
use crate::data::inputs::{derived_columns, extra_inputs};
use crate::data::scaling::MinMaxScaler;
use crate::data::windows::{Prepared, check_length, train_len};
use crate::data::{PrepareError, Table};
use crate::evaluation::{directional_accuracy, metrics, naive_predictions};
use crate::forecast::add_intervals;
use crate::forecast::bands::{self, Bands, Coverage, ErrorScale};
use crate::forecast::recursive::{Origins, recursive_forecast, scaled_paths, unscale_paths};
use crate::model::StackedLstm;
use crate::model::predict::predict;

/// Prepares `table` by `settings`, checking it is long enough before any training starts.
pub fn prepare(table: &Table, settings: &Settings) -> Result<Prepared, PrepareError> {
    let (target, extra) = inputs(table, settings)?;
    Ok(Prepared::with_inputs(target, extra, settings.window, settings.split, settings.scaling)?
        .with_derived(derived_columns(&settings.features)))
}

/// The target's values and the extra inputs `settings` name, or why they cannot be used.
fn inputs<'a>(
    table: &'a Table,
    settings: &Settings,
) -> Result<(&'a [f64], Vec<Vec<f64>>), PrepareError> {
    let target = table.target(settings.target.as_deref())?;
    check_length(target.values.len(), settings.window, settings.split)?;
    let extra = extra_inputs(
        table,
        target,
        &settings.features,
        train_len(target.values.len(), settings.split),
    )?;
    Ok((&target.values, extra))
}

/// A finished run: what the page shows, and the model with its scalers (the target's first)
/// and the settings it was trained with (a search's winner's), kept so it can be saved.
pub struct Finished {
    pub result: RunResult,
    pub model: StackedLstm,
    pub scalers: Vec<MinMaxScaler>,
    pub settings: Settings,
}

/// Trains on an autodiff `device` and returns metrics in price units, fits and the forecast.
/// With `search=on` the settings search runs first and the run is its best trial's settings,
/// trained on the fit and validation blocks for the epochs it chose.
pub async fn run(
    table: &Table,
    settings: &Settings,
    device: &Device,
    host: &mut impl TrainingHost,
) -> Result<Finished, TrainError> {
    if !settings.search {
        return run_prepared(table, &prepare(table, settings)?, settings, device, host).await;
    }
    let board = search(table, settings, device, host).await?;
    let winner = board.winner().ok_or_else(|| TrainError::SearchFailed {
        trials: board.trials.len(),
        first: board.trials.first().map(|t| t.outcome.clone()),
    })?;
    let winner = Settings { backtest: settings.backtest, ..winner };
    let data = prepare(table, &winner)?.without_validation();
    let mut finished = run_prepared(table, &data, &winner, device, host).await?;
    finished.result.search = Some(Box::new(board));
    finished.settings = winner;
    Ok(finished)
}

/// Trains on `data`, prepared by `settings`, and evaluates, forecasts and backtests.
async fn run_prepared(
    table: &Table,
    data: &Prepared,
    settings: &Settings,
    device: &Device,
    host: &mut impl TrainingHost,
) -> Result<Finished, TrainError> {
    let trained = train(device, data, settings, host).await?;
    let inference = device.clone().without_autodiff();
    let mut result =
        evaluate(&trained.model, data, table, settings.horizon, &inference, host, &trained.helpers)
            .await?;
    result.epochs_done = trained.epochs_done;
    result.early_stop = trained.early_stop;
    result.stopped |= trained.stop == StopReason::Stopped;
    if settings.backtest && !result.stopped {
        result.backtest = Some(backtest(data, settings, device, host, &trained.helpers).await?);
    }
    let settings = settings.clone();
    Ok(Finished { result, model: trained.model, scalers: data.scalers(), settings })
}

/// Evaluates a saved model on `table` with the settings, inputs and scalers it was trained
/// with; a file without one of those inputs is refused with a message naming it.
pub async fn evaluate_saved(
    file: &ModelFile,
    table: &Table,
    device: &Device,
    host: &mut impl TrainingHost,
) -> Result<RunResult, TrainError> {
    let settings = &file.settings;
    let (target, extra) = inputs(table, settings)?;
    let data =
        Prepared::with_scalers(target, extra, settings.window, settings.split, &file.scalers()?)?
            .with_derived(derived_columns(&settings.features));
    let mut result =
        evaluate(&file.to_model(device)?, &data, table, settings.horizon, device, host, &[])
            .await?;
    result.notes.extend(file.bar_mismatch(table.clock.frequency().as_deref()));
    Ok(result)
}

/// The model's predictions for `targets`, in price units.
pub(super) async fn fit(
    model: &StackedLstm,
    data: &Prepared,
    targets: Range<usize>,
    inference: &Device,
) -> Result<Vec<f64>, TrainError> {
    let scaled = predict(model, &data.inputs(targets), data.window, inference).await?;
    Ok(scaled.chunks(data.width()).map(|row| data.scaler.unscale(row[0] as f64)).collect())
}

/// The bands for the forecast, calibrated on every miss in the data the model did not fit, the
/// model's forecast paths from every origin of the test part (step 1 is the one-day test fit)
/// and the coverage there of the bands as they stood at each origin.
pub struct Calibrated {
    pub bands: Bands,
    pub test_paths: Vec<Vec<f64>>,
    pub coverage: Coverage,
}

/// Origins forecast together in the bands' calibration, between which the host hears progress
/// and Stop is honoured. Fixed, so the paths do not depend on who computes them.
const ORIGINS_PER_PIECE: usize = 64;

/// Forecasts `horizon` days recursively from every day of the calibration block (the training
/// part's unfitted end) and of the test part, and calibrates the bands on their misses as the
/// days pass, measuring on the test part how often the bands of each day held the price (see
/// [`crate::forecast::bands::calibrate`]). The origins go in pieces to the trainer and the
/// host's `helpers` (which hold the trained weights), a round of one piece each at a time; the
/// host hears the origins done after each round. `None` if it asked to stop before the last.
pub async fn calibrate(
    model: &StackedLstm,
    data: &Prepared,
    horizon: usize,
    inference: &Device,
    host: &mut impl TrainingHost,
    helpers: &[usize],
) -> Result<Option<Calibrated>, TrainError> {
    let scale = ErrorScale::for_series(&data.prices);
    let end = data.prices.len();
    let origins = data.validation_end - 1..end - 1;
    let pieces: Vec<Range<usize>> = origins
        .clone()
        .step_by(ORIGINS_PER_PIECE)
        .map(|start| start..(start + ORIGINS_PER_PIECE).min(origins.end))
        .collect();
    let mut helpers = helpers.to_vec();
    let mut paths = vec![Vec::with_capacity(origins.len()); horizon];
    host.calibrating(0, origins.len());
    let mut next = 0;
    while next < pieces.len() {
        let round = &pieces[next..(next + 1 + helpers.len()).min(pieces.len())];
        let theirs: Vec<(usize, Range<usize>)> =
            helpers.iter().copied().zip(round[1..].iter().cloned()).collect();
        for (helper, piece) in &theirs {
            host.helpers().start_paths(*helper, &Origins::of(data, piece.clone()), horizon);
        }
        let mine = Origins::of(data, round[0].clone());
        let mut done = vec![scaled_paths(model, mine, data.window, horizon, inference).await?];
        for (helper, piece) in theirs {
            match host.helpers().finish_paths(helper).await {
                Ok(piece_paths) => done.push(piece_paths),
                Err(error) => {
                    helpers.retain(|h| *h != helper);
                    host.worker_lost(1 + helpers.len(), &error);
                    let origins = Origins::of(data, piece);
                    done.push(scaled_paths(model, origins, data.window, horizon, inference).await?);
                }
            }
        }
        for piece_paths in done {
            let prices = unscale_paths(data, &piece_paths);
            paths.iter_mut().zip(prices).for_each(|(path, part)| path.extend(part));
        }
        next += round.len();
        host.calibrating(pieces[next - 1].end - origins.start, origins.len());
        if host.stop_requested() {
            return Ok(None);
        }
        host.pause().await;
    }
    let test = data.train_end - 1;
    let (bands, coverage) =
        bands::calibrate(scale, &paths, origins.clone(), test, &data.prices, end)?;
    let test_paths = paths.iter().map(|path| path[test - origins.start..].to_vec()).collect();
    Ok(Some(Calibrated { bands, test_paths, coverage }))
}

/// Fits, metrics (beside the naive baseline), the forecast with calibrated intervals and their
/// measured coverage, for `model` on `data`; the training fields (epochs, backtest) are left
/// for the caller. Stopped while calibrating, the result is `stopped` and its forecast has no
/// bands, which a note says.
async fn evaluate(
    model: &StackedLstm,
    data: &Prepared,
    table: &Table,
    horizon: usize,
    inference: &Device,
    host: &mut impl TrainingHost,
    helpers: &[usize],
) -> Result<RunResult, TrainError> {
    let train_fit = fit(model, data, data.train_targets(), inference).await?;
    let mut forecast =
        recursive_forecast(model, data, table.forecast_stamps(horizon), inference).await?;
    let (test_fit, coverage, stopped) =
        match calibrate(model, data, horizon, inference, host, helpers).await? {
            Some(Calibrated { bands, mut test_paths, coverage }) => {
                let volatility = bands.scale.volatility(&data.prices, data.prices.len() - 1);
                add_intervals(&mut forecast, &bands, volatility);
                (test_paths.swap_remove(0), coverage, false)
            }
            None => (
                fit(model, data, data.test_targets(), inference).await?,
                Coverage { horizon, one_day: None, horizon_days: None },
                true,
            ),
        };
    let notes = if stopped { vec![UNCALIBRATED.to_string()] } else { Vec::new() };
    let test_actual = &data.prices[data.test_targets()];
    Ok(RunResult {
        coverage,
        backtest: None,
        epochs_done: 0,
        stopped,
        early_stop: None,
        search: None,
        train: metrics(&data.prices[data.train_targets()], &train_fit),
        test: metrics(test_actual, &test_fit),
        test_direction: directional_accuracy(&data.prices, data.test_targets(), &test_fit),
        naive: metrics(test_actual, &naive_predictions(&data.prices, data.test_targets())),
        train_start: data.train_targets().start,
        train_fit,
        test_start: data.test_targets().start,
        test_fit,
        forecast,
        notes,
    })
}

/// The note of a run stopped while its bands were being calibrated.
pub const UNCALIBRATED: &str = "Stopped while calibrating the bands: the forecast has no bands and their coverage was not measured.";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::parse::parse_csv;
    use crate::model::error::ModelError;
    use crate::testutil::{
        InProcessHelpers, RecordingHost, ibm_sample, sample_table, small_settings,
    };

    fn host() -> RecordingHost {
        RecordingHost::default()
    }

    /// Helpers share the bands' calibration (a round of one piece each) and change nothing in
    /// the result, bit for bit, indicator inputs recomputed along their paths included; a helper
    /// crashing in it changes nothing either.
    #[test]
    fn helpers_share_the_calibration_with_the_same_result() {
        let table = sample_table();
        let features = vec!["rsi14".into(), "macd".into()];
        let settings = Settings { epochs: 1, horizon: 3, features, ..small_settings() };
        let device = Device::flex().autodiff();
        let alone_settings = Settings { workers: Some(1), ..settings.clone() };
        let mut alone = host();
        let one = pollster::block_on(run(&table, &alone_settings, &device, &mut alone)).unwrap();
        let pieces = alone.calibrating.len() - 1;
        let three = Settings { workers: Some(3), ..settings };
        let mut shared = RecordingHost { helpers: InProcessHelpers::new(2), ..Default::default() };
        let with_three = pollster::block_on(run(&table, &three, &device, &mut shared)).unwrap();
        assert_eq!(with_three.result, one.result);
        assert_eq!(shared.calibrating.len(), 1 + pieces.div_ceil(3), "rounds of three pieces");
        let theirs: Vec<usize> = (1..3).map(|h| (h..pieces).step_by(3).count()).collect();
        assert_eq!(shared.helpers.pieces, theirs);
        let helpers = InProcessHelpers::new(2).failing_paths(Some(0));
        let mut crashing = RecordingHost { helpers, ..Default::default() };
        let crashed = pollster::block_on(run(&table, &three, &device, &mut crashing)).unwrap();
        assert_eq!(crashed.result, one.result);
        assert_eq!(crashing.lost, [2]);
        assert_eq!(crashing.helpers.pieces[0], 1, "it did its first piece only");
    }

    /// The bands' calibration reports its origins as it goes; Stop during it keeps the trained
    /// model and its metrics, and the forecast goes without bands, which a note says.
    #[test]
    fn stop_while_calibrating_keeps_the_model_and_its_metrics_without_bands() {
        let table = sample_table();
        let settings = Settings { epochs: 1, horizon: 3, ..small_settings() };
        let device = Device::flex().autodiff();
        let mut whole = host();
        let full = pollster::block_on(run(&table, &settings, &device, &mut whole)).unwrap().result;
        let total = whole.calibrating[0].1;
        assert_eq!(whole.calibrating[0], (0, total));
        assert_eq!(whole.calibrating.last(), Some(&(total, total)));
        assert_eq!(whole.calibrating.len(), 1 + total.div_ceil(ORIGINS_PER_PIECE));
        assert!(whole.calibrating.windows(2).all(|w| w[0].0 < w[1].0), "origins done only grow");
        assert!(!full.stopped && full.notes.is_empty());

        let mut stopping = RecordingHost { stop_calibrating_after: Some(3), ..host() };
        let stopped =
            pollster::block_on(run(&table, &settings, &device, &mut stopping)).unwrap().result;
        assert_eq!(stopping.calibrating.len(), 3, "stopped after the second piece");
        assert!(stopped.stopped);
        assert_eq!(stopped.epochs_done, 1);
        assert_eq!(stopped.notes, [UNCALIBRATED]);
        assert_eq!((stopped.coverage.one_day, stopped.coverage.horizon_days), (None, None));
        assert!(stopped.forecast.iter().all(|d| d.half_width_80 == 0.0 && d.value.is_finite()));
        assert_eq!(stopped.train, full.train);
        assert!((stopped.test.rmse - full.test.rmse).abs() <= 1e-5 * full.test.rmse);
    }

    #[test]
    fn a_run_on_the_sample_gives_finite_metrics_and_a_forecast() {
        let table = sample_table();
        let settings = Settings { epochs: 2, horizon: 7, ..small_settings() };
        let result =
            pollster::block_on(run(&table, &settings, &Device::flex().autodiff(), &mut host()))
                .unwrap()
                .result;
        assert_eq!(result.test_fit.len(), 3270 - 3270 * 65 / 100);
        assert_eq!(result.train_fit.len(), 3270 * 65 / 100 - 12);
        assert_eq!(result.forecast.len(), 7);
        // The sample ends on Friday 2013-03-01: the forecast starts on the next business day.
        assert_eq!(result.forecast[0].stamp.map(|s| s.to_string()).as_deref(), Some("2013-03-04"));
        let first = &result.forecast[0];
        assert!(0.0 < first.half_width_80 && first.half_width_80 <= first.half_width_95);
        assert!(result.forecast[6].half_width_95 > first.half_width_95);
        let direction = result.test_direction.unwrap();
        assert!((0.0..=100.0).contains(&direction));
        for m in [result.train, result.test, result.naive] {
            assert!(m.rmse.is_finite() && m.rmse > 0.0 && m.mae > 0.0 && m.mape > 0.0, "{m:?}");
        }
        // The naive baseline on these test targets (1145 of them, none lost to windowing),
        // computed independently from the file's Adj Close column: 1.6886.
        assert!((result.naive.rmse - 1.6886).abs() < 1e-4, "{:?}", result.naive);
    }

    #[test]
    fn a_saved_model_reproduces_the_run_without_training() {
        let table = sample_table();
        let settings = Settings {
            epochs: 1,
            horizon: 3,
            scaling: crate::data::windows::Scaling::All,
            ..small_settings()
        };
        let finished =
            pollster::block_on(run(&table, &settings, &Device::flex().autodiff(), &mut host()))
                .unwrap();
        let file = pollster::block_on(ModelFile::from_model(
            &finished.model,
            &settings,
            &finished.scalers,
            table.clock.frequency(),
        ))
        .unwrap();
        let loaded =
            pollster::block_on(evaluate_saved(&file, &table, &Device::flex(), &mut host()))
                .unwrap();
        assert_eq!(loaded.test, finished.result.test);
        assert_eq!(loaded.forecast, finished.result.forecast);
        assert!(loaded.notes.is_empty(), "{:?}", loaded.notes);
        // The same model on weekly bars of the same prices: evaluated, and told.
        let options = crate::data::parse::ParseOptions {
            reshape: Settings {
                bars: crate::data::bar::BarSize::parse("1w"),
                ..Settings::default()
            }
            .reshape(),
            ..Default::default()
        };
        let weekly = crate::data::parse::parse_csv_with(&ibm_sample(), &options).unwrap();
        let on_weeks =
            pollster::block_on(evaluate_saved(&file, &weekly, &Device::flex(), &mut host()))
                .unwrap();
        assert!(
            on_weeks.notes[0]
                .starts_with("this model was trained on 1d bars and the loaded data's bars are 1w"),
            "{:?}",
            on_weeks.notes
        );
        let other = parse_csv(b"Date,Open\n2020-01-01,1\n").unwrap();
        let refused =
            pollster::block_on(evaluate_saved(&file, &other, &Device::flex(), &mut host()))
                .unwrap_err();
        assert!(
            matches!(refused, TrainError::Prepare(PrepareError::TooFewRows { rows: 1, .. })),
            "{refused:?}"
        );
    }

    /// Extra inputs (file columns and derived ones) train, forecast, save and load; a file
    /// without one of them refuses the saved model with a message naming it.
    #[test]
    fn extra_inputs_train_forecast_save_and_load() {
        let table = sample_table();
        let features = ["Open", "Volume", "return", "logvolume", "rsi14", "bb_pos20"];
        let features = features.map(String::from).to_vec();
        let settings = Settings { epochs: 1, horizon: 4, features, ..small_settings() };
        let finished =
            pollster::block_on(run(&table, &settings, &Device::flex().autodiff(), &mut host()))
                .unwrap();
        assert_eq!((finished.model.features(), finished.scalers.len()), (7, 7));
        let result = &finished.result;
        assert!(
            result.forecast.iter().all(|d| d.value.is_finite()
                && d.half_width_80.is_finite()
                && d.half_width_80 > 0.0)
        );
        assert!(result.test.rmse.is_finite() && result.coverage.horizon_days.is_some());
        let file = pollster::block_on(ModelFile::from_model(
            &finished.model,
            &settings,
            &finished.scalers,
            None,
        ))
        .unwrap();
        let file = ModelFile::parse(&serde_json::to_string(&file).unwrap()).unwrap();
        assert_eq!(file.settings.features, settings.features);
        let loaded =
            pollster::block_on(evaluate_saved(&file, &table, &Device::flex(), &mut host()))
                .unwrap();
        assert_eq!((loaded.test, &loaded.forecast), (result.test, &result.forecast));
        let mut without_open = table.clone();
        without_open.columns.retain(|c| c.name != "Open");
        let refused =
            pollster::block_on(evaluate_saved(&file, &without_open, &Device::flex(), &mut host()))
                .unwrap_err();
        assert!(
            matches!(&refused, TrainError::Prepare(PrepareError::InputMissing { name, .. }) if name == "Open"),
            "{refused:?}"
        );
        let mut damaged = file;
        damaged.input_scalers.pop();
        let mismatch = damaged.scalers().unwrap_err();
        assert_eq!(
            mismatch,
            ModelError::ScalersMismatch { inputs: settings.features.clone(), scalers: 5 }
        );
        assert_eq!(
            mismatch.to_string(),
            "the model file is damaged: 6 inputs (Open, Volume, return, logvolume, rsi14, bb_pos20) but 5 input scalers"
        );
    }

    /// Band coverage on the bundled sample after a short real training, for the rule the page
    /// used before (the test part's one-day absolute error percentiles widened by √h) and for
    /// the calibrated bands it draws now; the latter must be within 5 points of nominal.
    /// `cargo test --lib sample_band_coverage -- --ignored --nocapture`
    #[test]
    #[ignore = "trains the default model on the sample (about a minute)"]
    fn sample_band_coverage() {
        let table = sample_table();
        let epochs = std::env::var("EPOCHS").ok().and_then(|e| e.parse().ok()).unwrap_or(20);
        let settings = Settings { epochs, ..Settings::default() };
        let finished =
            pollster::block_on(run(&table, &settings, &Device::flex().autodiff(), &mut host()))
                .unwrap();
        let data = prepare(&table, &settings).unwrap();
        let (h, end) = (settings.horizon, data.prices.len());
        let calibrated = pollster::block_on(calibrate(
            &finished.model,
            &data,
            h,
            &Device::flex(),
            &mut host(),
            &[],
        ))
        .unwrap()
        .expect("not stopped");
        let mut errors: Vec<f64> = data.prices[data.test_targets()]
            .iter()
            .zip(&calibrated.test_paths[0])
            .map(|(a, p)| (a - p).abs())
            .collect();
        errors.sort_by(f64::total_cmp);
        let percentile = |level: f64| errors[(errors.len() as f64 * level).ceil() as usize - 1];
        // The old rule's band for step k: ± the percentile × √k, the same at every origin.
        let inside = |k: usize, level: f64| {
            let origins = (data.train_end - 1..end - k).enumerate();
            let hits = origins.clone().filter(|&(i, o)| {
                (data.prices[o + k] - calibrated.test_paths[k - 1][i]).abs()
                    <= percentile(level) * (k as f64).sqrt()
            });
            100.0 * hits.count() as f64 / origins.count() as f64
        };
        let before: Vec<(usize, f64, f64)> =
            [1, h].iter().map(|&k| (k, inside(k, 0.8), inside(k, 0.95))).collect();
        let after = finished.result.coverage;
        println!("settings: {}", settings.to_query());
        println!(
            "test RMSE {:.4}, naive {:.4}",
            finished.result.test.rmse, finished.result.naive.rmse
        );
        println!("before (√h rule), (days ahead, 80%, 95%): {before:?}");
        println!("after (calibrated): {after:?}\n  {}", after.sentence("test", &table.clock));
        for step in [after.one_day.unwrap(), after.horizon_days.unwrap()] {
            for (got, nominal) in step.percent.into_iter().zip([80.0, 95.0]) {
                assert!((got - nominal).abs() <= 5.0, "{got:.1}% against {nominal}%");
            }
        }
    }

    #[test]
    fn a_missing_target_or_short_file_is_refused_before_training() {
        let table = parse_csv(b"Date,Close\n2020-01-01,1\n2020-01-02,2\n").unwrap();
        let short = prepare(&table, &Settings::default()).unwrap_err();
        assert!(matches!(short, PrepareError::TooFewRows { needed: 240, .. }), "{short:?}");
        assert_eq!(Settings::default().check(&table), Err(short));
        let settings = Settings { target: Some("Volume".into()), ..Settings::default() };
        let missing = prepare(&table, &settings).unwrap_err();
        assert_eq!(settings.check(&table), Err(missing.clone()));
        assert_eq!(
            missing,
            PrepareError::NoTarget { name: "Volume".into(), columns: vec!["Close".into()] }
        );
        let long = sample_table();
        let settings =
            Settings { features: vec!["Open".into(), "Dividends".into()], ..Settings::default() };
        let absent = prepare(&long, &settings).unwrap_err();
        assert_eq!(settings.check(&long), Err(absent.clone()));
        assert!(
            matches!(&absent, PrepareError::InputMissing { name, .. } if name == "Dividends"),
            "{absent:?}"
        );
    }
}
