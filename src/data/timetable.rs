//! The weekly timetable of a series of bars a day long or shorter: at which minutes of the week
//! the data has bars (a session such as 09:30–15:55 Mon–Fri, 24 h Mon–Fri, 24/7), learnt from
//! the stamps, so that a forecast continues on the next bar the market actually trades.

use std::collections::{HashMap, HashSet};

use chrono::Weekday;
use serde::{Deserialize, Serialize};

use super::bar::DAY_MINUTES;
use super::stamp::{DAY, Stamp};

/// Minutes in a week.
const WEEK_MINUTES: u32 = 7 * DAY_MINUTES;

/// Data spanning fewer days than this has not shown every weekday it trades: weekdays it has
/// not shown are assumed to trade (Mon–Fri; weekends only when seen).
const SHORT_SPAN_DAYS: i64 = 14;

/// Data on fewer distinct days than this has not shown every weekday it trades either.
const FEW_DAYS: usize = 15;

/// A slot (a weekday, or a weekday's time) belongs to the timetable when it occurs on at least
/// a quarter of the weeks (days) it could: holidays and half-days stay in, stray bars drop out.
const SHARE: usize = 4;

/// Bars every `step` minutes inside each of `ranges`: half-open minute-of-week ranges counted
/// from Monday 00:00, sorted, each starting on a bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timetable {
    pub step: u32,
    pub ranges: Vec<(u32, u32)>,
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

impl Timetable {
    /// Learns the timetable of bars `step` minutes long from `stamps` (oldest first). Daily bars
    /// (`step` = a day) keep one time of day, the commonest.
    pub fn learn(stamps: &[Stamp], step: u32) -> Self {
        let minute_of_week = |s: &Stamp| (s.second_of_week() / 60) as u32;
        let mut dates: [HashSet<i64>; 7] = Default::default();
        let mut seen: HashMap<u32, usize> = HashMap::new();
        for stamp in stamps {
            let minute = minute_of_week(stamp);
            dates[(minute / DAY_MINUTES) as usize].insert(stamp.0.div_euclid(DAY));
            *seen.entry(minute).or_default() += 1;
        }
        let busiest = dates.iter().map(HashSet::len).max().unwrap_or(0);
        let mut trading: Vec<bool> =
            dates.iter().map(|d| !d.is_empty() && d.len() * SHARE >= busiest).collect();
        let span = stamps.last().map_or(0, |last| last.0 - stamps[0].0) / DAY;
        let days: usize = dates.iter().map(HashSet::len).sum();
        if span < SHORT_SPAN_DAYS || days < FEW_DAYS {
            trading[..5].iter_mut().for_each(|t| *t = true);
        }
        let mut times: Vec<Vec<u32>> = vec![Vec::new(); 7];
        for (&minute, &count) in &seen {
            let day = (minute / DAY_MINUTES) as usize;
            if trading[day] && count * SHARE >= dates[day].len() {
                times[day].push(minute % DAY_MINUTES);
            }
        }
        if step >= DAY_MINUTES {
            let commonest = stamps.iter().fold(HashMap::<u32, usize>::new(), |mut counts, s| {
                *counts.entry(s.second_of_day() / 60).or_default() += 1;
                counts
            });
            let time = commonest
                .into_iter()
                .max_by_key(|&(time, count)| (count, std::cmp::Reverse(time)))
                .map_or(0, |(t, _)| t);
            times = trading.iter().map(|&t| if t { vec![time] } else { Vec::new() }).collect();
        } else {
            // Weekdays assumed to trade (short data) take the times of the days that were seen.
            let union: Vec<u32> =
                times.iter().flatten().copied().collect::<HashSet<_>>().into_iter().collect();
            for (day, list) in times.iter_mut().enumerate() {
                if trading[day] && list.is_empty() {
                    list.clone_from(&union);
                }
            }
        }
        let mut slots: Vec<u32> = times
            .iter()
            .enumerate()
            .flat_map(|(day, list)| list.iter().map(move |t| day as u32 * DAY_MINUTES + t))
            .collect();
        slots.sort_unstable();
        Self::from_slots(&slots, step)
    }

    /// Joins sorted slots `step` apart into ranges.
    fn from_slots(slots: &[u32], step: u32) -> Self {
        let mut ranges: Vec<(u32, u32)> = Vec::new();
        for &slot in slots {
            match ranges.last_mut() {
                Some((_, end)) if *end == slot => *end = slot + step,
                _ => ranges.push((slot, slot + step)),
            }
        }
        Self { step, ranges }
    }

    /// The minute of the week of every bar, in order.
    fn slots(&self) -> impl Iterator<Item = u32> + '_ {
        self.ranges.iter().flat_map(move |&(start, end)| (start..end).step_by(self.step as usize))
    }

    /// The first bar of the timetable after `stamp` (found by range, not by walking bars: it
    /// runs once per row when gaps are counted).
    pub fn next_after(&self, stamp: Stamp) -> Stamp {
        let week_start = stamp.0 - stamp.second_of_week();
        // The first whole minute after `stamp`, in minutes of its week.
        let after = (stamp.second_of_week() / 60 + 1) as u32;
        let from = self.ranges.partition_point(|&(_, end)| end <= after);
        let later = self.ranges[from..].iter().find_map(|&(start, end)| {
            let slot = if start >= after {
                start
            } else {
                start + (after - start).div_ceil(self.step) * self.step
            };
            (slot < end).then_some(slot)
        });
        match (later, self.ranges.first()) {
            (Some(slot), _) => Stamp(week_start + slot as i64 * 60),
            (None, Some(&(first, _))) => Stamp(week_start + 7 * DAY + first as i64 * 60),
            (None, None) => Stamp(stamp.0 + self.step as i64 * 60),
        }
    }

    /// Bars on each weekday, Monday first.
    fn bars_per_weekday(&self) -> [usize; 7] {
        let mut bars = [0; 7];
        for slot in self.slots() {
            bars[(slot % WEEK_MINUTES / DAY_MINUTES) as usize] += 1;
        }
        bars
    }

    /// Bars on the busiest weekday: a trading day's worth.
    pub fn bars_per_day(&self) -> usize {
        self.bars_per_weekday().into_iter().max().unwrap_or(0)
    }

    /// Trading days a week: the week's bars in days of the busiest weekday (5 for a session on
    /// Mon–Fri, or for 24 h FX from Sunday 22:00 to Friday 22:00 UTC; 7 for crypto).
    pub fn days_per_week(&self) -> u32 {
        let per_day = self.bars_per_day();
        if per_day == 0 {
            return 0;
        }
        (self.bars_per_weekday().iter().sum::<usize>() as f64 / per_day as f64).round() as u32
    }

    /// The weekdays with bars in words: `Mon–Fri`, `7 days a week`, `Sun–Fri`, `Mon, Wed, Fri`.
    pub fn weekdays(&self) -> String {
        let bars = self.bars_per_weekday();
        let open: Vec<usize> = (0..7).filter(|&d| bars[d] > 0).collect();
        if open.len() == 7 {
            return "7 days a week".into();
        }
        // A run of days, possibly across Sunday–Monday: start where the day before is closed.
        let start = open.iter().copied().find(|&d| bars[(d + 6) % 7] == 0);
        if let Some(start) = start {
            let run: Vec<usize> =
                (0..7).map(|i| (start + i) % 7).take_while(|&d| bars[d] > 0).collect();
            if run.len() == open.len() && run.len() > 1 {
                return format!("{}–{}", WEEKDAYS[run[0]], WEEKDAYS[run[run.len() - 1]]);
            }
        }
        open.iter().map(|&d| WEEKDAYS[d]).collect::<Vec<_>>().join(", ")
    }

    /// The busiest weekday's session: `24 h`, or its first and last bar (`09:30–15:55`).
    pub fn session(&self) -> String {
        let bars = self.bars_per_weekday();
        let Some(day) = (0..7).max_by_key(|&d| (bars[d], std::cmp::Reverse(d))) else {
            return String::new();
        };
        if bars[day] as u32 * self.step >= DAY_MINUTES {
            return "24 h".into();
        }
        let day_slots: Vec<u32> = self
            .slots()
            .filter(|s| s / DAY_MINUTES == day as u32)
            .map(|s| s % DAY_MINUTES)
            .collect();
        let clock = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
        format!("{}–{}", clock(day_slots[0]), clock(day_slots[day_slots.len() - 1]))
    }

    /// Whether `weekday` has bars.
    pub fn trades_on(&self, weekday: Weekday) -> bool {
        self.bars_per_weekday()[weekday.num_days_from_monday() as usize] > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> Stamp {
        Stamp::at(NaiveDate::from_ymd_opt(y, m, d).unwrap(), h * 3600 + min * 60)
    }

    /// Every `step` minutes of `hours` (start, end) on the days for which `trades` is true.
    fn bars(days: i64, step: u32, hours: (u32, u32), trades: impl Fn(Stamp) -> bool) -> Vec<Stamp> {
        let start = at(2024, 1, 1, 0, 0); // a Monday
        (0..days * 1440 / step as i64)
            .map(|i| Stamp(start.0 + i * step as i64 * 60))
            .filter(|s| {
                (hours.0 * 60..hours.1 * 60).contains(&(s.second_of_day() / 60)) && trades(*s)
            })
            .collect()
    }

    #[test]
    fn a_us_session_continues_at_the_next_open() {
        let weekdays = |s: Stamp| s.weekday().num_days_from_monday() < 5;
        let stamps: Vec<Stamp> = bars(28, 5, (0, 24), weekdays)
            .into_iter()
            .filter(|s| (570..960).contains(&(s.second_of_day() / 60)))
            .collect();
        let table = Timetable::learn(&stamps, 5);
        assert_eq!(table.session(), "09:30–15:55");
        assert_eq!(
            (table.weekdays(), table.days_per_week(), table.bars_per_day()),
            ("Mon–Fri".into(), 5, 78)
        );
        // Friday 15:55 → Monday 09:30; 09:30 → 09:35.
        assert_eq!(table.next_after(at(2024, 1, 26, 15, 55)), at(2024, 1, 29, 9, 30));
        assert_eq!(table.next_after(at(2024, 1, 29, 9, 30)), at(2024, 1, 29, 9, 35));
    }

    #[test]
    fn fx_in_utc_trades_sunday_evening_to_friday_evening() {
        let fx = |s: Stamp| {
            let hour = s.second_of_week() / 3600;
            (6 * 24 + 22..7 * 24).contains(&hour) || hour < 4 * 24 + 22
        };
        let table = Timetable::learn(&bars(35, 60, (0, 24), fx), 60);
        assert_eq!(
            (table.session(), table.weekdays(), table.days_per_week()),
            ("24 h".into(), "Sun–Fri".into(), 5)
        );
        assert_eq!(table.next_after(at(2024, 1, 26, 21, 0)), at(2024, 1, 28, 22, 0));
    }

    #[test]
    fn crypto_trades_every_hour_of_every_day() {
        let table = Timetable::learn(&bars(21, 60, (0, 24), |_| true), 60);
        assert_eq!(
            (table.session(), table.weekdays(), table.days_per_week()),
            ("24 h".into(), "7 days a week".into(), 7)
        );
        assert_eq!(table.ranges, vec![(0, WEEK_MINUTES)]);
        assert_eq!(table.next_after(at(2024, 1, 21, 23, 0)), at(2024, 1, 22, 0, 0));
    }

    #[test]
    fn holidays_and_stray_bars_do_not_change_the_timetable() {
        let stamps: Vec<Stamp> = bars(70, DAY_MINUTES, (0, 24), |s| {
            s.weekday().num_days_from_monday() < 5
                && s.date() != NaiveDate::from_ymd_opt(2024, 1, 15).unwrap()
        })
        .into_iter()
        .chain([at(2024, 3, 16, 0, 0)]) // one Saturday
        .collect();
        let mut sorted = stamps;
        sorted.sort();
        let table = Timetable::learn(&sorted, DAY_MINUTES);
        assert_eq!((table.weekdays(), table.days_per_week()), ("Mon–Fri".into(), 5));
        assert_eq!(
            table.next_after(at(2024, 1, 12, 0, 0)),
            at(2024, 1, 15, 0, 0),
            "holidays are not known: Monday follows Friday"
        );
    }

    #[test]
    fn two_days_of_data_assume_the_rest_of_the_week_trades() {
        let stamps = bars(2, 60, (9, 17), |_| true);
        let table = Timetable::learn(&stamps, 60);
        assert_eq!((table.weekdays(), table.session()), ("Mon–Fri".into(), "09:00–16:00".into()));
        assert_eq!(table.next_after(at(2024, 1, 2, 16, 0)), at(2024, 1, 3, 9, 0));
    }
}
