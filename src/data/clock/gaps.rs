//! The gaps between rows: their sizes (seconds, or calendar months), the dominant one, a bar
//! size that changes part-way, and a bar size read through closed hours.

use std::collections::HashMap;

use chrono::Datelike;

use super::super::bar::{BarSize, DAY_MINUTES};
use super::super::stamp::{DAY, Stamp};
use super::super::timetable::Timetable;
use super::BarChange;

/// Up to this many consecutive stretches are compared to find a bar size that changes.
const STRETCHES: usize = 8;
/// Fewest gaps in a stretch.
const STRETCH_GAPS: usize = 20;

/// The gap between two rows, as bars are counted: seconds, or whole calendar months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Gap {
    Seconds(i64),
    Months(u32),
}

impl Gap {
    pub(super) fn between(a: Stamp, b: Stamp) -> Gap {
        let days = (b.0 - a.0) / DAY;
        if !(20..=380).contains(&days) {
            return Gap::Seconds(b.0 - a.0);
        }
        let (from, to) = (a.date(), b.date());
        let months =
            (to.year() * 12 + to.month0() as i32) - (from.year() * 12 + from.month0() as i32);
        match (months, days) {
            (1, 20..=40) => Gap::Months(1),
            (3, 80..=100) => Gap::Months(3),
            (12, 350..=380) => Gap::Months(12),
            _ => Gap::Seconds(b.0 - a.0),
        }
    }

    /// The bar size of a series stepping by this gap, if it is one: whole minutes under a day,
    /// whole days, weeks, months.
    pub(super) fn bar(self) -> Option<BarSize> {
        match self {
            Gap::Months(m) => Some(BarSize::Months(m)),
            Gap::Seconds(s) if s >= 60 && s % 60 == 0 && s < DAY => {
                Some(BarSize::Minutes((s / 60) as u32))
            }
            Gap::Seconds(s) if s > 0 && s % DAY == 0 => {
                Some(BarSize::Days((s / DAY) as u32).normalised())
            }
            Gap::Seconds(_) => None,
        }
    }
}

/// The commonest gap in `gaps` and how many times it occurs.
pub(super) fn dominant(gaps: &[Gap]) -> Option<(Gap, usize)> {
    let mut counts: HashMap<Gap, usize> = HashMap::new();
    for &gap in gaps {
        *counts.entry(gap).or_default() += 1;
    }
    counts.into_iter().max_by_key(|&(gap, count)| (count, std::cmp::Reverse(gap_order(gap))))
}

/// Ties between gaps go to the shorter one.
fn gap_order(gap: Gap) -> i64 {
    match gap {
        Gap::Seconds(s) => s,
        Gap::Months(m) => m as i64 * 31 * DAY,
    }
}

/// Whether `count` of `total` gaps make a dominant gap: at least half of them.
pub(super) fn is_dominant(count: usize, total: usize) -> bool {
    total > 0 && count * 2 >= total
}

/// For stamps whose gaps vary only because of closed hours, weekends, holidays and missing
/// bars (a small daily file with a gap; two 4-hour bars a session): the shortest gap as the
/// bar, when at least half of the gaps step to the very next bar of its timetable.
pub(super) fn session_bar(stamps: &[Stamp], gaps: &[Gap]) -> Option<BarSize> {
    let shortest = gaps
        .iter()
        .filter_map(|g| g.bar())
        .filter(|b| b.minutes() <= DAY_MINUTES as f64)
        .min_by(|a, b| a.minutes().total_cmp(&b.minutes()))?;
    let table = Timetable::learn(stamps, shortest.minutes() as u32);
    let steps = stamps.windows(2).filter(|w| table.next_after(w[0]) == w[1]).count();
    is_dominant(steps, gaps.len()).then_some(shortest)
}

/// A bar size that changes between the first and the last stretch of the file, each dominated
/// by its own gap.
pub(super) fn bar_change(stamps: &[Stamp], gaps: &[Gap]) -> Option<BarChange> {
    let stretches = (gaps.len() / STRETCH_GAPS).min(STRETCHES);
    if stretches < 2 {
        return None;
    }
    let size = gaps.len().div_ceil(stretches);
    let dominants: Vec<Gap> = gaps
        .chunks(size)
        .filter_map(|chunk| {
            dominant(chunk)
                .filter(|&(_, count)| is_dominant(count, chunk.len()))
                .map(|(gap, _)| gap)
        })
        .collect();
    let (&first, &last) = (dominants.first()?, dominants.last()?);
    let (before, after) = (first.bar()?, last.bar()?);
    if before == after {
        return None;
    }
    // The later size starts at its first gap after which the earlier size never returns.
    let last_before = gaps.iter().rposition(|&g| g == first)?;
    let start = last_before + 1 + gaps[last_before + 1..].iter().position(|&g| g == last)?;
    Some(BarChange { before, after, at: stamps[start], rows_after: stamps.len() - start })
}
