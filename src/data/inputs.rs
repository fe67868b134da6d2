//! The extra input columns a model may see beside the target: any numeric column of the file,
//! and two derived ones (the target's daily return, log volume). Each is checked so that nothing
//! NaN, infinite or constant reaches the model, with a message naming the column.

use super::table::{Column, Table};

/// The derived input: the target's daily return, `p[t] / p[t-1] - 1` (0 on the first row).
pub const RETURN: &str = "return";
/// The derived input: `ln(1 + volume)` of the file's volume column.
pub const LOG_VOLUME: &str = "logvolume";

/// The file's volume column: `Volume`, else the first column named like one (`Vol.`, `Shares
/// Traded`).
fn volume(table: &Table) -> Option<&Column> {
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
    if volume(table).is_some() {
        names.push(LOG_VOLUME.into());
    }
    names
}

/// The values of one input, derived or read.
fn values(table: &Table, target: &Column, name: &str) -> Result<Vec<f64>, String> {
    if name.eq_ignore_ascii_case(RETURN) {
        let prices = &target.values;
        if let Some(row) = prices[..prices.len().saturating_sub(1)].iter().position(|p| *p == 0.0) {
            let row = row + 1;
            return Err(format!(
                "input 'return': the target '{}' is 0 on row {row}, so the next day's return is undefined",
                target.name
            ));
        }
        return Ok(std::iter::once(0.0)
            .chain(prices.windows(2).map(|w| w[1] / w[0] - 1.0))
            .collect());
    }
    if name.eq_ignore_ascii_case(LOG_VOLUME) {
        let column = volume(table).ok_or("input 'logvolume': this file has no volume column")?;
        if column.values.iter().any(|v| *v < 0.0) {
            return Err(format!(
                "input 'logvolume': column '{}' has negative values, which are not volumes",
                column.name
            ));
        }
        return Ok(column.values.iter().map(|v| v.ln_1p()).collect());
    }
    if name.eq_ignore_ascii_case(&target.name) {
        return Err(format!(
            "input column '{name}' is the target, which is always an input: choose other columns"
        ));
    }
    match table.column(name) {
        Some(column) => Ok(column.values.clone()),
        None => Err(missing(table, name)),
    }
}

/// Why `name` is not a column: ignored when reading (too few numbers, text), or absent.
fn missing(table: &Table, name: &str) -> String {
    let quoted = format!("'{}'", name.trim());
    if let Some(reason) = table
        .report
        .ignored_columns
        .iter()
        .find(|c| c.to_lowercase().starts_with(&quoted.to_lowercase()))
    {
        return format!(
            "input column '{name}' cannot be used: the file's column {reason} was ignored when reading it"
        );
    }
    let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    format!(
        "input column '{name}' is not in this file; its numeric columns are: {} (and the derived '{RETURN}' and '{LOG_VOLUME}')",
        names.join(", ")
    )
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
) -> Result<Vec<Vec<f64>>, String> {
    names
        .iter()
        .map(|name| {
            let values = values(table, target, name)?;
            if let Some(row) = values.iter().position(|v| !v.is_finite()) {
                return Err(format!("input column '{name}' has a value that is not a finite number on row {}", row + 1));
            }
            let training = &values[..train_rows.min(values.len())];
            if training.iter().all(|v| *v == training[0]) {
                return Err(format!(
                    "input column '{name}' is constant on the training part (every value is {}): it tells the model nothing; drop it",
                    training.first().copied().unwrap_or_default()
                ));
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

    fn inputs(names: &[&str]) -> Result<Vec<Vec<f64>>, String> {
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
        assert_eq!(choices(&table(), "Close"), ["Open", "Volume", "Flat", "return", "logvolume"]);
    }

    #[test]
    fn unusable_inputs_are_refused_naming_the_column() {
        assert_eq!(
            inputs(&["Flat"]).unwrap_err(),
            "input column 'Flat' is constant on the training part (every value is 5): it tells the model nothing; drop it"
        );
        let ignored = inputs(&["Name"]).unwrap_err();
        assert_eq!(
            ignored,
            "input column 'Name' cannot be used: the file's column 'Name' (not numeric) was ignored when reading it"
        );
        let absent = inputs(&["High"]).unwrap_err();
        assert!(absent.starts_with("input column 'High' is not in this file; its numeric columns are: Open, Close, Volume, Flat"), "{absent}");
        assert!(inputs(&["Close"]).unwrap_err().contains("is the target"));
        let zero = parse_csv(b"Close,V\n1,1\n0,2\n3,3\n").unwrap();
        let error =
            extra_inputs(&zero, zero.column("Close").unwrap(), &[RETURN.into()], 3).unwrap_err();
        assert_eq!(
            error,
            "input 'return': the target 'Close' is 0 on row 2, so the next day's return is undefined"
        );
        let error = extra_inputs(&zero, zero.column("Close").unwrap(), &[LOG_VOLUME.into()], 3)
            .unwrap_err();
        assert_eq!(error, "input 'logvolume': this file has no volume column");
    }
}
