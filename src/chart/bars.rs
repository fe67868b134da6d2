//! The actual prices as bars (open, high, low, close) for candles and OHLC bars: read from the
//! file's columns in the target's units, and grouped so that a view never holds more bars than
//! the canvas has room for. Plain Rust, tested natively; drawing is in [`super::prices`].

use super::view::Span;
use crate::data::Table;
use crate::training::ChartStyle;

/// One bar, or a group of neighbouring bars drawn as one: the first open, the highest high, the
/// lowest low, the last close.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
}

impl Bar {
    /// A bar that closed at or above its open (drawn hollow; a falling one is filled).
    pub fn rising(&self) -> bool {
        self.close >= self.open
    }
}

/// The target's bars, one per row with all four prices.
#[derive(Debug, Clone, PartialEq)]
pub struct Bars {
    pub bars: Vec<Bar>,
}

/// The columns bars are made of, as exporters name them.
const PARTS: [&str; 4] = ["Open", "High", "Low", "Close"];

impl Bars {
    /// The bars of `table` at the x positions `xs`, in the units of the `target` column: when
    /// the target is not the close itself (an adjusted close), each bar is scaled by the target
    /// over the close on its row, as adjusted charts are. The names of the columns missing, if
    /// any are. Rows without all four prices (or with a high below the low) are left out.
    pub fn of(table: &Table, target: &str, xs: &[f64]) -> Result<Bars, Vec<&'static str>> {
        let missing: Vec<&'static str> =
            PARTS.into_iter().filter(|name| table.column(name).is_none()).collect();
        let [Some(open), Some(high), Some(low), Some(close)] = PARTS.map(|n| table.column(n))
        else {
            return Err(missing);
        };
        let target = table.column(target).unwrap_or(close);
        let bars = (0..table.len())
            .filter_map(|row| {
                let scale = target.values[row] / close.values[row];
                let bar = Bar {
                    x: xs[row],
                    open: open.values[row] * scale,
                    high: high.values[row] * scale,
                    low: low.values[row] * scale,
                    close: target.values[row],
                };
                let prices = [bar.x, bar.open, bar.high, bar.low, bar.close];
                (prices.iter().all(|v| v.is_finite()) && bar.high >= bar.low).then_some(bar)
            })
            .collect();
        Ok(Bars { bars })
    }

    /// The bars inside `span`, grouped into at most `max` (see [`Bar`]) when there are more.
    pub fn shown(&self, span: Span, max: usize) -> Vec<Bar> {
        per_column(&self.bars, |b| b.x, span, max)
            .map(|bars| Bar {
                x: bars[0].x,
                open: bars[0].open,
                high: bars.iter().map(|b| b.high).fold(f64::NEG_INFINITY, f64::max),
                low: bars.iter().map(|b| b.low).fold(f64::INFINITY, f64::min),
                close: bars[bars.len() - 1].close,
            })
            .collect()
    }

    /// The bar at `x` exactly, if there is one.
    pub fn at(&self, x: f64) -> Option<&Bar> {
        let i = self.bars.partition_point(|b| b.x < x);
        self.bars.get(i).filter(|b| b.x == x)
    }
}

/// The items inside `span` of `items` (ascending by `x`), in runs of neighbours so that there
/// are at most `max` runs: what a view draws, one run per pixel column, when it holds more bars
/// than the chart has room for.
pub fn per_column<T>(
    items: &[T],
    x: impl Fn(&T) -> f64,
    span: Span,
    max: usize,
) -> std::slice::Chunks<'_, T> {
    let first = items.partition_point(|i| x(i) < span.start);
    let visible = &items[first..items.partition_point(|i| x(i) <= span.end)];
    visible.chunks(visible.len().div_ceil(max.max(1)).max(1))
}

/// The style the chart draws in, the bars for it, and what to tell the person: `asked` (`None`
/// is `auto`: candles when the file has all four prices, else a line); candles or OHLC bars
/// asked of a file without them are drawn as a line, with a note naming the missing columns.
pub fn resolve(
    asked: Option<ChartStyle>,
    bars: Result<Bars, Vec<&'static str>>,
) -> (ChartStyle, Option<Bars>, Option<String>) {
    match (asked, bars) {
        (Some(ChartStyle::Line), _) => (ChartStyle::Line, None, None),
        (None, Ok(bars)) => (ChartStyle::Candles, Some(bars), None),
        (None, Err(_)) => (ChartStyle::Line, None, None),
        (Some(style), Ok(bars)) => (style, Some(bars), None),
        (Some(style), Err(missing)) => {
            let note = format!(
                "chart={} needs the file's Open, High, Low and Close columns; it has no {}: the price is drawn as a line",
                style.key(),
                missing.join(", ")
            );
            (ChartStyle::Line, None, Some(note))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::parse::parse_csv;

    fn table(csv: &str) -> Table {
        parse_csv(csv.as_bytes()).unwrap()
    }

    const OHLC: &str = "Date,Open,High,Low,Close,Adj Close\n\
        2024-01-01,10,12,9,11,5.5\n2024-01-02,11,11.5,10,10.5,5.25\n\
        2024-01-03,10.5,13,10,12,6\n2024-01-04,12,12.5,8,9,4.5\n2024-01-05,9,10,7,8,4\n";

    /// Bars are in the target's units: an adjusted close scales each row's bar by its ratio
    /// to the close; the close itself gives the file's prices.
    #[test]
    fn bars_follow_the_target_and_an_adjusted_close_scales_them() {
        let table = table(OHLC);
        let xs: Vec<f64> = (0..5).map(f64::from).collect();
        let adjusted = Bars::of(&table, "Adj Close", &xs).unwrap();
        let first = Bar { x: 0.0, open: 5.0, high: 6.0, low: 4.5, close: 5.5 };
        assert_eq!(adjusted.bars[0], first);
        assert!(adjusted.bars[0].rising() && !adjusted.bars[1].rising());
        let raw = Bars::of(&table, "Close", &xs).unwrap();
        assert_eq!(raw.bars[3], Bar { x: 3.0, open: 12.0, high: 12.5, low: 8.0, close: 9.0 });
        assert_eq!(raw.at(3.0), Some(&raw.bars[3]));
        assert_eq!(raw.at(3.5), None);
        let closes = parse_csv(b"Date,Close,Low\n2024-01-01,1,1\n").unwrap();
        assert_eq!(Bars::of(&closes, "Close", &[0.0]), Err(vec!["Open", "High"]));
    }

    /// More bars than room: neighbours are grouped, open first, high max, low min, close last;
    /// a span past the last bar shows none.
    #[test]
    fn bars_group_to_the_room_there_is() {
        let table = table(OHLC);
        let xs: Vec<f64> = (0..5).map(f64::from).collect();
        let bars = Bars::of(&table, "Close", &xs).unwrap();
        let all = Span::new(0.0, 4.0);
        assert_eq!(bars.shown(all, 10).len(), 5);
        let grouped = bars.shown(all, 2);
        assert_eq!(
            grouped,
            [
                Bar { x: 0.0, open: 10.0, high: 13.0, low: 9.0, close: 12.0 },
                Bar { x: 3.0, open: 12.0, high: 12.5, low: 7.0, close: 8.0 },
            ]
        );
        assert_eq!(bars.shown(Span::new(0.5, 2.0), 10).len(), 2);
        assert!(bars.shown(Span::new(5.0, 6.0), 10).is_empty());
    }

    /// `auto` draws candles when the file has the four prices; candles or OHLC asked of a file
    /// without them draw a line and say which columns are missing.
    #[test]
    fn the_style_follows_the_file_and_says_what_is_missing() {
        let bars = || Bars::of(&table(OHLC), "Close", &[0.0; 5]);
        let none = || Bars::of(&table("Date,Close\n2024-01-01,1\n"), "Close", &[0.0]);
        assert_eq!(resolve(None, bars()).0, ChartStyle::Candles);
        assert_eq!(resolve(None, none()), (ChartStyle::Line, None, None));
        assert_eq!(resolve(Some(ChartStyle::Line), bars()), (ChartStyle::Line, None, None));
        assert_eq!(resolve(Some(ChartStyle::Ohlc), bars()).0, ChartStyle::Ohlc);
        let (style, _, note) = resolve(Some(ChartStyle::Candles), none());
        assert_eq!(style, ChartStyle::Line);
        assert_eq!(
            note.as_deref(),
            Some(
                "chart=candles needs the file's Open, High, Low and Close columns; it has no Open, High, Low: the price is drawn as a line"
            )
        );
    }
}
