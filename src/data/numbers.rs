//! Numbers as exporters write them (`$1,234.50`, `233,75`, `1.23M`, `-0.5%`), and how many
//! decimals a column's prices need to be shown as the file shows them.

/// Cells exporters write for "no value".
const MISSING: [&str; 11] = ["", "null", "nan", "n/a", "na", "-", "--", ".", "none", "#n/a", "nil"];

/// One cell of a would-be numeric column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    /// `decimals`: digits written after the decimal separator (`1.07160` has 5).
    Value {
        value: f64,
        thousands: bool,
        currency: bool,
        decimals: u8,
    },
    Missing,
    Text,
}

impl Cell {
    pub fn value(self) -> Option<f64> {
        match self {
            Cell::Value { value, .. } => Some(value),
            _ => None,
        }
    }
}

/// Reads a number the way exporters write it: `$1,234.50`, `233,75` (decimal comma in `;` files),
/// `1.23M`, `-0.5%`, `2.4e-05`.
pub fn read_number(raw: &str, delimiter: char) -> Cell {
    if let Some(plain) = plain_number(raw.trim()) {
        return plain;
    }
    let cell = raw.trim().trim_matches('"').trim();
    if MISSING.iter().any(|m| cell.eq_ignore_ascii_case(m)) {
        return Cell::Missing;
    }
    let (negative, cell) = match cell.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, cell),
    };
    let unsigned = cell.trim_start_matches(['$', '€', '£', '¥', '₹']).trim_start();
    let currency = unsigned.len() != cell.len();
    let unsigned = unsigned.trim_end_matches('%');
    let (digits, scale) = match unsigned.char_indices().last() {
        Some((i, 'K' | 'k')) => (&unsigned[..i], 1e3),
        Some((i, 'M' | 'm')) => (&unsigned[..i], 1e6),
        Some((i, 'B' | 'b')) => (&unsigned[..i], 1e9),
        _ => (unsigned, 1.0),
    };
    let (plain, thousands) = separate(digits, delimiter);
    match plain.parse::<f64>() {
        Ok(value) if value.is_finite() && !plain.is_empty() => {
            let value = if negative { -value } else { value } * scale;
            let decimals = if scale == 1.0 { written_decimals(&plain, value) } else { 0 };
            Cell::Value { value, thousands, currency, decimals }
        }
        _ => Cell::Text,
    }
}

/// The common case read without allocating: `-`, digits and at most one `.` (a file of a
/// million rows has millions of such cells).
fn plain_number(cell: &str) -> Option<Cell> {
    let digits = cell.strip_prefix('-').unwrap_or(cell).as_bytes();
    let mut dot = None;
    for (i, &b) in digits.iter().enumerate() {
        match b {
            b'0'..=b'9' => {}
            b'.' if dot.is_none() => dot = Some(i),
            _ => return None,
        }
    }
    if digits.is_empty() || digits == b"." {
        return None;
    }
    let value: f64 = cell.parse().ok()?;
    let decimals = dot.map_or(0, |d| (digits.len() - d - 1).min(u8::MAX as usize) as u8);
    Some(Cell::Value { value, thousands: false, currency: false, decimals })
}

/// Digits after the decimal point of a plain number (`1.07160`: 5), or the decimals that show
/// its significant digits when written with an exponent (`2.45e-05`: 7).
fn written_decimals(plain: &str, value: f64) -> u8 {
    match plain.find(['e', 'E']) {
        Some(e) => {
            let mantissa = &plain[..e];
            let digits = mantissa.find('.').map_or(0, |dot| mantissa.len() - dot - 1) as i32;
            let exponent: i32 = plain[e + 1..].parse().unwrap_or(0);
            (digits - exponent).clamp(0, u8::MAX as i32) as u8
        }
        None if value == 0.0 || plain.contains('.') => {
            plain.find('.').map_or(0, |dot| (plain.len() - dot - 1).min(u8::MAX as usize) as u8)
        }
        None => 0,
    }
}

/// Removes thousands separators and makes the decimal separator a dot. The last of `,` and `.`
/// is the decimal separator when both appear; a repeated one separates thousands; a lone comma
/// is decimal in `;` and tab separated files (European spreadsheets) and thousands otherwise.
fn separate(digits: &str, delimiter: char) -> (String, bool) {
    let (commas, dots) = (digits.matches(',').count(), digits.matches('.').count());
    let decimal = match (commas, dots) {
        (0, 0) => return (digits.to_string(), false),
        (0, 1) => '.',
        (0, _) => ',',
        (1, 0) if delimiter != ',' => ',',
        (_, 0) => '.',
        _ if digits.rfind(',') > digits.rfind('.') => ',',
        _ => '.',
    };
    let thousands = if decimal == '.' { ',' } else { '.' };
    let had_thousands = digits.contains(thousands);
    (digits.replace(thousands, "").replace(decimal, "."), had_thousands)
}

/// Decimals beyond which a file is writing computed floats (`73.667718762847`,
/// `512.0999755859375`), not quotes: no quote has more (FX pips need five, fractional pips six).
const QUOTE_DECIMALS: u8 = 6;
/// Most decimals a price is ever shown with.
const MAX_DECIMALS: u8 = 12;

/// The decimals to show a column's values (and the model's forecasts of them) with: a quote's
/// own, at least 2 (`233.75` → 2, EUR/USD `1.07160` → 5); for a file of computed floats, four
/// significant digits of its typical value, at least 2 (Yahoo's adjusted close
/// `73.667718762847` → 2, a token at `0.0000245678912` → 8).
pub fn display_decimals(written: u8, typical: f64) -> u8 {
    if written <= QUOTE_DECIMALS {
        return written.max(2);
    }
    let magnitude = if typical.abs() > 0.0 { typical.abs().log10().floor() as i32 } else { 0 };
    (3 - magnitude).clamp(2, MAX_DECIMALS as i32) as u8
}

/// `value` with `decimals` decimals (what every price in the page and its exports goes through).
pub fn format_price(value: f64, decimals: u8) -> String {
    format!("{value:.*}", decimals as usize)
}

/// An error or other statistic: four decimals, or as many as four significant digits need
/// (an RMSE of EUR/USD in pips `0.001234`, of a token at a millionth of a dollar).
pub fn format_statistic(value: f64) -> String {
    let magnitude =
        if value.is_finite() && value != 0.0 { value.abs().log10().floor() as i32 } else { 0 };
    format!("{value:.*}", (3 - magnitude).clamp(4, 14) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_number_styles() {
        let value = |raw, d| read_number(raw, d).value();
        assert_eq!(value("1,234.50", ','), Some(1234.5));
        assert_eq!(value("1.234,50", ';'), Some(1234.5));
        assert_eq!(value("233,75", ';'), Some(233.75));
        assert_eq!(value("3.069.914", ';'), Some(3_069_914.0));
        assert_eq!(value("1,234,567", ','), Some(1_234_567.0));
        assert_eq!(value("0.5", ';'), Some(0.5));
        assert_eq!(value("$123.45", ','), Some(123.45));
        assert_eq!(value("1.23M", ','), Some(1_230_000.0));
        assert_eq!(value("-0.5%", ','), Some(-0.5));
        assert_eq!(value("2.4e-05", ','), Some(2.4e-5));
        assert_eq!(read_number("null", ','), Cell::Missing);
        assert_eq!(read_number("abc", ','), Cell::Text);
        assert_eq!(read_number("inf", ','), Cell::Text);
    }

    #[test]
    fn decimals_follow_the_file_and_the_magnitude() {
        let written = |raw| match read_number(raw, ';') {
            Cell::Value { decimals, .. } => decimals,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            (
                written("1.07160"),
                written("233,75"),
                written("1.234,5"),
                written("2.45e-05"),
                written("7")
            ),
            (5, 2, 1, 7, 0)
        );
        assert_eq!(written("1.5M"), 0);
        assert_eq!(display_decimals(2, 233.75), 2);
        assert_eq!(display_decimals(5, 1.0716), 5);
        assert_eq!(display_decimals(6, 0.512345), 6);
        assert_eq!(display_decimals(13, 0.0000245678912), 8);
        assert_eq!(display_decimals(13, 512.0999755859375), 2);
        assert_eq!(display_decimals(12, 73.667718762847), 2);
        assert_eq!(display_decimals(8, 64209.46), 2);
        assert_eq!(display_decimals(1, 1234.5), 2);
        assert_eq!(display_decimals(0, 101.0), 2, "a fit of whole-number prices still shows cents");
        assert_eq!(format_price(1.0716, 5), "1.07160");
        assert_eq!(
            (format_statistic(1.68863), format_statistic(0.0012345), format_statistic(850.5)),
            ("1.6886".into(), "0.001234".into(), "850.5000".into())
        );
        assert_eq!(format_statistic(1.23e-7), "0.0000001230");
    }
}
