//! The extra input columns a model may see beside the target: any numeric column of the file,
//! the target's return, log volume, and indicators of the target (see [`super::derived`]). Each
//! is checked so that nothing NaN, infinite or constant reaches the model, with a message naming
//! the column.

use super::derived::Derived;
use super::prepare_error::PrepareError;
use super::table::{Column, Table};

/// The derived input: the target's daily return, `p[t] / p[t-1] - 1` (0 on the first row).
pub const RETURN: &str = "return";
/// The derived input: `ln(1 + volume)` of the file's volume column.
pub const LOG_VOLUME: &str = "logvolume";

/// The file's volume column: `Volume`, else the first column named like one (`Vol.`, `Shares
/// Traded`).
pub fn volume_column(table: &Table) -> Option<&Column> {
    table.column("Volume").or_else(|| {
        table.columns.iter().find(|c| {
            ["vol", "shares", "qty", "quantity"].iter().any(|w| c.name.to_lowercase().contains(w))
        })
    })
}

/// The names a person can choose as extra inputs for `target`: every other numeric column, and
/// the derived ones the file allows.
pub fn choices(table: &Table, target: &str) -> Vec<String> {
    let mut names: Vec<String> = table
        .columns
        .iter()
        .filter(|c| !c.name.eq_ignore_ascii_case(target))
        .map(|c| c.name.clone())
        .collect();
    names.push(RETURN.into());
    if volume_column(table).is_some() {
        names.push(LOG_VOLUME.into());
    }
    names.extend(Derived::ALL.map(|d| d.name().to_string()));
    names
}

/// The indicator inputs among `names`, with their place in a row of inputs (the target is 0).
pub fn derived_columns(names: &[String]) -> Vec<(usize, Derived)> {
    names.iter().enumerate().filter_map(|(i, n)| Some((i + 1, Derived::parse(n)?))).collect()
}

/// The values of one input, derived or read.
fn values(table: &Table, target: &Column, name: &str) -> Result<Vec<f64>, PrepareError> {
    if name.eq_ignore_ascii_case(RETURN) {
        let prices = &target.values;
        if let Some(row) = prices[..prices.len().saturating_sub(1)].iter().position(|p| *p == 0.0) {
            return Err(PrepareError::ReturnUndefined {
                target: target.name.clone(),
                row: row + 1,
            });
        }
        return Ok(std::iter::once(0.0)
            .chain(prices.windows(2).map(|w| w[1] / w[0] - 1.0))
            .collect());
    }
    if name.eq_ignore_ascii_case(LOG_VOLUME) {
        let column = volume_column(table).ok_or(PrepareError::NoVolume)?;
        if column.values.iter().any(|v| *v < 0.0) {
            return Err(PrepareError::NegativeVolume { column: column.name.clone() });
        }
        return Ok(column.values.iter().map(|v| v.ln_1p()).collect());
    }
    if let Some(input) = Derived::parse(name) {
        return Ok(input.values(&target.values));
    }
    if name.eq_ignore_ascii_case(&target.name) {
        return Err(PrepareError::InputIsTarget { name: name.to_string() });
    }
    match table.column(name) {
        Some(column) => Ok(column.values.clone()),
        None => Err(missing(table, name)),
    }
}

/// Why `name` is not a column: ignored when reading (too few numbers, text), or absent.
fn missing(table: &Table, name: &str) -> PrepareError {
    let quoted = format!("'{}'", name.trim());
    if let Some(reason) = table
        .report
        .ignored_columns
        .iter()
        .find(|c| c.to_lowercase().starts_with(&quoted.to_lowercase()))
    {
        return PrepareError::InputIgnored { name: name.to_string(), reason: reason.clone() };
    }
    PrepareError::InputMissing { name: name.to_string(), columns: table.column_names() }
}

/// The extra inputs `names` for `target`, in order. Refused with a message naming the column:
/// a column that is not in the file (or was ignored as not numeric or mostly empty), the target
/// itself, a value that is not finite, or a column constant on the first `train_rows` rows
/// (the training part: min-max scaling would divide by its zero range).
pub fn extra_inputs(
    table: &Table,
    target: &Column,
    names: &[String],
    train_rows: usize,
) -> Result<Vec<Vec<f64>>, PrepareError> {
    names
        .iter()
        .map(|name| {
            let values = values(table, target, name)?;
            if let Some(row) = values.iter().position(|v| !v.is_finite()) {
                return Err(PrepareError::InputNotFinite { name: name.clone(), row: row + 1 });
            }
            let training = &values[..train_rows.min(values.len())];
            if training.iter().all(|v| *v == training[0]) {
                let value = training.first().copied().unwrap_or_default();
                return Err(PrepareError::InputConstant { name: name.clone(), value });
            }
            Ok(values)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::parse::parse_csv;

    fn table() -> Table {
        parse_csv(b"Date,Open,Close,Volume,Flat,Name\n2020-01-01,1,2,10,5,a\n2020-01-02,2,4,0,5,b\n2020-01-03,3,3,30,5,c\n2020-01-06,4,6,40,5,d\n").unwrap()
    }

    fn inputs(names: &[&str]) -> Result<Vec<Vec<f64>>, PrepareError> {
        let table = table();
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        extra_inputs(&table, table.column("Close").unwrap(), &names, 3)
    }

    #[test]
    fn columns_and_derived_inputs_are_read() {
        let got = inputs(&["open", "return", "logvolume"]).unwrap();
        assert_eq!(got[0], vec![1.0, 2.0, 3.0, 4.0]);
        assert_eq!(got[1], vec![0.0, 1.0, -0.25, 1.0]);
        assert_eq!(got[2], [10.0f64, 0.0, 30.0, 40.0].map(f64::ln_1p).to_vec());
        let derived = ["rsi14", "macd", "sma_ratio20", "ema_ratio12", "bb_pos20"];
        let mut expected = vec!["Open", "Volume", "Flat", "return", "logvolume"];
        expected.extend(derived);
        assert_eq!(choices(&table(), "Close"), expected);
        let names: Vec<String> = ["Open", "macd", "bb_pos20"].map(String::from).to_vec();
        assert_eq!(derived_columns(&names), [(2, Derived::Macd), (3, Derived::BbPos20)]);
    }

    #[test]
    fn unusable_inputs_are_refused_naming_the_column() {
        assert_eq!(
            inputs(&["Flat"]).unwrap_err(),
            PrepareError::InputConstant { name: "Flat".into(), value: 5.0 }
        );
        let ignored = inputs(&["Name"]).unwrap_err();
        assert_eq!(
            ignored,
            PrepareError::InputIgnored {
                name: "Name".into(),
                reason: "'Name' (not numeric)".into()
            }
        );
        assert_eq!(
            ignored.to_string(),
            "input column 'Name' cannot be used: the file's column 'Name' (not numeric) was ignored when reading it"
        );
        let columns = ["Open", "Close", "Volume", "Flat"].map(String::from).to_vec();
        assert_eq!(
            inputs(&["High"]).unwrap_err(),
            PrepareError::InputMissing { name: "High".into(), columns }
        );
        assert_eq!(
            inputs(&["Close"]).unwrap_err(),
            PrepareError::InputIsTarget { name: "Close".into() }
        );
        let zero = parse_csv(b"Close,V\n1,1\n0,2\n3,3\n").unwrap();
        let error =
            extra_inputs(&zero, zero.column("Close").unwrap(), &[RETURN.into()], 3).unwrap_err();
        assert_eq!(error, PrepareError::ReturnUndefined { target: "Close".into(), row: 2 });
        assert_eq!(
            error.to_string(),
            "input 'return': the target 'Close' is 0 on row 2, so the next bar's return is undefined"
        );
        let error = extra_inputs(&zero, zero.column("Close").unwrap(), &[LOG_VOLUME.into()], 3)
            .unwrap_err();
        assert_eq!(error, PrepareError::NoVolume);
        assert_eq!(error.to_string(), "input 'logvolume': this file has no volume column");
    }
}
