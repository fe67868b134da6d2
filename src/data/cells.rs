//! A file's cells, column by column: one text buffer per column with the end of each cell, so
//! a file of half a million rows costs a few growing buffers instead of a million small
//! allocations (what reading a year of minute bars in a tab spends most of its time on).

/// One column's cells, trimmed, back to back.
#[derive(Debug, Clone, Default, PartialEq)]
struct Text {
    text: String,
    ends: Vec<u32>,
}

impl Text {
    fn get(&self, row: usize) -> &str {
        let start = if row == 0 { 0 } else { self.ends[row - 1] as usize };
        &self.text[start..self.ends[row] as usize]
    }

    fn push(&mut self, cell: &str) {
        self.text.push_str(cell);
        self.ends.push(self.text.len() as u32);
    }
}

/// The data rows of a file (header excluded), every row as wide as the widest.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cells {
    columns: Vec<Text>,
    rows: usize,
}

impl Cells {
    /// Appends a row, each cell trimmed; a row wider than those before widens the table (the
    /// earlier rows get empty cells there), a narrower one is padded with empty cells.
    pub fn push_row<'a>(&mut self, cells: impl Iterator<Item = &'a str>) {
        let mut width = 0;
        for (c, cell) in cells.enumerate() {
            if c == self.columns.len() {
                self.columns.push(Text { text: String::new(), ends: vec![0; self.rows] });
            }
            self.columns[c].push(cell.trim());
            width = c + 1;
        }
        for column in &mut self.columns[width..] {
            column.push("");
        }
        self.rows += 1;
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn width(&self) -> usize {
        self.columns.len()
    }

    /// The cell at `row` and `column`; empty beyond the last column.
    pub fn get(&self, row: usize, column: usize) -> &str {
        self.columns.get(column).map_or("", |c| c.get(row))
    }

    /// Every cell of `column`, top to bottom.
    pub fn column(&self, column: usize) -> impl Iterator<Item = &str> + '_ {
        (0..self.rows).map(move |row| self.get(row, column))
    }

    /// Keeps the rows for which `keep(row)` is true.
    pub fn retain(&mut self, keep: impl Fn(usize) -> bool) {
        let kept: Vec<usize> = (0..self.rows).filter(|&r| keep(r)).collect();
        for column in &mut self.columns {
            let mut copy = Text::default();
            kept.iter().for_each(|&r| copy.push(column.get(r)));
            *column = copy;
        }
        self.rows = kept.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ragged_rows_become_a_rectangle_of_trimmed_cells() {
        let mut cells = Cells::default();
        cells.push_row(["2024-01-01", " 1.5 "].into_iter());
        cells.push_row(["2024-01-02", "2", "x"].into_iter());
        cells.push_row(["2024-01-03"].into_iter());
        assert_eq!((cells.rows(), cells.width()), (3, 3));
        assert_eq!(cells.get(0, 1), "1.5");
        assert_eq!(
            (cells.get(0, 2), cells.get(1, 2), cells.get(2, 1), cells.get(2, 9)),
            ("", "x", "", "")
        );
        assert_eq!(cells.column(0).collect::<Vec<_>>(), ["2024-01-01", "2024-01-02", "2024-01-03"]);
        cells.retain(|row| row != 1);
        assert_eq!(cells.column(0).collect::<Vec<_>>(), ["2024-01-01", "2024-01-03"]);
        assert_eq!(cells.column(2).collect::<Vec<_>>(), ["", ""]);
    }
}
