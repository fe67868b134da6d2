//! Trains the default model on a CSV natively (burn's CPU backend) and prints the metrics
//! next to the naive baseline: the check that our defaults hold up against the reference
//! notebook (Keras test RMSE 7.7–11.2, naive 4.30 on NSE-TATAGLOBAL).
//!
//! `cargo run --example reference -- ../shared/data/NSE-TATAGLOBAL.csv [URL query]`; with
//! `features=Open,High,Low,Volume` in the query it trains on OHLCV inputs instead of the target
//! alone, and it prints test direction and band coverage too. `patience=10` stops early;
//! `search=on` searches the settings first (`budget=` seconds on this machine's clock).

use burn::tensor::Device;
use stocklstm::data::parse::{ParseOptions, parse_csv_with};
use stocklstm::training::leaderboard::Leaderboard;
use stocklstm::training::run::run;
use stocklstm::training::shares::NoHelpers;
use stocklstm::training::{EpochReport, Settings, TrainingHost};

struct Printer(NoHelpers, std::time::Instant);

impl TrainingHost for Printer {
    type Helpers = NoHelpers;
    fn helpers(&mut self) -> &mut NoHelpers {
        &mut self.0
    }
    fn report(&mut self, epoch: &EpochReport) {
        let validation = epoch.val_loss.map_or("—".into(), |loss| format!("{loss:.6}"));
        eprintln!(
            "epoch {}/{}: loss {:.6}, validation {validation}",
            epoch.epoch, epoch.epochs, epoch.train_loss
        );
    }
    fn seconds(&self) -> f64 {
        self.1.elapsed().as_secs_f64()
    }
    fn searched(&mut self, board: &Leaderboard) {
        eprintln!("{}", board.status());
    }
    fn stop_requested(&self) -> bool {
        false
    }
    async fn pause(&mut self) {}
    fn launches(&self) -> Option<u64> {
        None
    }
}

// The errors end here, printed for the person at the terminal: each becomes its sentence (the
// one the page shows), so `main`'s error is a `String`.
fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: reference <file.csv> [settings query]")?;
    let (settings, errors) = Settings::from_query(&args.next().unwrap_or_default());
    if !errors.is_empty() {
        return Err(errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "));
    }
    let bytes = std::fs::read(&path).map_err(|e| format!("{path}: {e}"))?;
    let options = ParseOptions { reshape: settings.reshape(), ..Default::default() };
    let table = parse_csv_with(&bytes, &options).map_err(|e| format!("{path}: {e}"))?;
    let started = std::time::Instant::now();
    let result = pollster::block_on(run(
        &table,
        &settings,
        &Device::flex().autodiff(),
        &mut Printer(NoHelpers, std::time::Instant::now()),
    ))
    .map_err(|e| e.to_string())?
    .result;
    let seconds = started.elapsed().as_secs_f64();
    println!("settings: {}", settings.to_query());
    if let Some(early) = result.early_stop {
        println!("early stopping: {}", early.sentence());
    }
    if let Some(board) = &result.search {
        println!("search: {} trials in {:.0} s", board.trials.len(), board.seconds);
        for trial in board.trials.iter().take(5) {
            println!(
                "  #{} rung {} epochs {}→{} {:?} {}",
                trial.number,
                trial.rung,
                trial.epochs,
                trial.chosen_epochs,
                trial.outcome,
                trial.changes
            );
        }
    }
    println!("total seconds: {seconds:.1}");
    println!("epochs: {}, {:.2} s/epoch", result.epochs_done, seconds / result.epochs_done as f64);
    for (name, m) in [("train", result.train), ("test", result.test), ("naive test", result.naive)]
    {
        println!("{name:>10}: RMSE {:.3}  MAE {:.3}  MAPE {:.2}%", m.rmse, m.mae, m.mape);
    }
    println!(
        "test direction right: {}",
        result.test_direction.map_or("—".into(), |d| format!("{d:.1}%"))
    );
    println!("bands: {}", result.coverage.sentence("test", &table.clock));
    for (ahead, step) in
        [("1 bar", result.coverage.one_day), ("horizon", result.coverage.horizon_days)]
    {
        if let Some(step) = step {
            println!(
                "  {ahead} ahead, {} origins: 80% band {:.1}%, 95% band {:.1}%",
                step.days, step.percent[0], step.percent[1]
            );
        }
    }
    Ok(())
}
