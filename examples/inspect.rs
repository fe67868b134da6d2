//! Prints what the parser makes of CSV files: the detected clock, the page's summary line, the
//! first two forecast stamps, the target's decimals, every cleaning note and warning, and the
//! load time. `cargo run --release --example inspect -- FILE [FILE …] [--bars 1h] [--last N]`

use stocklstm::data::bar::BarSize;
use stocklstm::data::parse::{ParseOptions, parse_csv_with};

fn main() {
    let mut options = ParseOptions::default();
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--bars" => options.reshape.bars = args.next().and_then(|b| BarSize::parse(&b)),
            "--last" => options.reshape.last = args.next().and_then(|n| n.parse().ok()),
            _ => files.push(arg),
        }
    }
    for path in files {
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let started = std::time::Instant::now();
        match parse_csv_with(&bytes, &options) {
            Ok(table) => {
                let seconds = started.elapsed().as_secs_f64();
                let target = table.default_target();
                let next: Vec<String> = table
                    .forecast_stamps(2)
                    .into_iter()
                    .map(|s| s.map_or("(numbered)".into(), |s| table.clock.label(s)))
                    .collect();
                println!(
                    "{path}: frequency {:?}, week {:?}, next {}, in {:.3} s",
                    table.clock.frequency(),
                    table.clock.week(),
                    next.join(", "),
                    seconds
                );
                println!("  {}", table.summary(&target.name));
                println!("  target '{}' shown with {} decimals", target.name, target.decimals);
                table.report.notes().iter().for_each(|n| println!("  note: {n}"));
                table.warnings().iter().for_each(|w| println!("  warning: {w}"));
            }
            Err(error) => println!("{path}: refused: {error}"),
        }
    }
}
