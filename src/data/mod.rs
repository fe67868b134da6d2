//! From the bytes of a CSV file to the numbers a model trains on: reading the file's layout,
//! numbers and stamps, the series' clock (bar size and calendar), cleaning and reshaping,
//! scaling and windows.

pub mod bar;
pub mod cells;
pub mod clock;
pub mod dates;
pub mod derived;
pub mod indicators;
pub mod inputs;
pub mod layout;
pub mod numbers;
pub mod ordering;
pub mod parse;
pub mod prepare_error;
pub mod resample;
pub mod scaling;
pub mod stamp;
pub mod stamp_columns;
pub mod table;
pub mod timetable;
pub mod windows;

pub use prepare_error::PrepareError;
pub use table::{CleaningReport, Column, Table};
