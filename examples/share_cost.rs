//! What cutting a CPU batch into more shares costs one worker: seconds per batch of the
//! reference settings (window 100, LSTM(50)×3, batch 64) when each batch's gradient is computed
//! as 1, 2, 4 or 8 shares one after another, as a single worker does. Run it with
//! `RAYON_NUM_THREADS=1` to match a browser worker's one core:
//!
//! `RAYON_NUM_THREADS=1 cargo run --release --example share_cost -- ../shared/data/NSE-TATAGLOBAL.csv`

use std::time::Instant;

use burn::tensor::Device;
use stocklstm::data::parse::parse_csv;
use stocklstm::model::StackedLstm;
use stocklstm::training::Settings;
use stocklstm::training::run::prepare;
use stocklstm::training::shares::{Examples, ShareJob, flat_share};

/// Rounds, each timing one batch per share count, after one untimed warm-up batch.
const ROUNDS: usize = 15;

fn main() -> Result<(), String> {
    let path = std::env::args().nth(1).ok_or("usage: share_cost <file.csv>")?;
    let bytes = std::fs::read(&path).map_err(|e| format!("{path}: {e}"))?;
    let table = parse_csv(&bytes).map_err(|e| format!("{path}: {e}"))?;
    let settings = Settings::default();
    let data = prepare(&table, &settings).map_err(|e| e.to_string())?;
    let device = Device::flex().autodiff();
    let model = StackedLstm::new(settings.model_shape(), settings.seed, &device);
    let examples = Examples {
        series: &data.scaled[..data.fit_end * data.width()],
        window: data.window,
        width: data.width(),
    };
    let batch = settings.batch;
    let time_batch = |number: usize, shares: usize| {
        let first = number * batch % (examples.len() - batch);
        let started = Instant::now();
        for share in 0..shares {
            let (from, to) = (share * batch / shares, (share + 1) * batch / shares);
            let job = ShareJob { indices: (first + from..first + to).collect(), masks: 0 };
            flat_share(&model, examples, &job, batch, &device);
        }
        started.elapsed().as_secs_f64()
    };
    // Rounds alternate the share counts, so a busy moment of the machine falls on all of them.
    let counts = [1, 2, 4, 8];
    time_batch(0, 1);
    let mut times = vec![Vec::new(); counts.len()];
    for round in 1..=ROUNDS {
        for (i, &shares) in counts.iter().enumerate() {
            times[i].push(time_batch(round, shares));
        }
    }
    let medians: Vec<f64> = times.iter_mut().map(|t| median(t)).collect();
    println!(
        "{} training windows, batch {batch}; one worker computing every share",
        examples.len()
    );
    println!(
        "| shares per batch | ms per batch (median of {ROUNDS}) | vs 2 shares |\n|---|---|---|"
    );
    for (shares, seconds) in counts.iter().zip(&medians) {
        let change = (seconds / medians[1] - 1.0) * 100.0;
        println!("| {shares} | {:.1} | {change:+.1}% |", seconds * 1000.0);
    }
    Ok(())
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}
