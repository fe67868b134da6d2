//! From the bytes of a CSV file to the numbers a model trains on.

pub mod dates;
pub mod inputs;
pub mod parse;
pub mod scaling;
pub mod table;
pub mod windows;

pub use table::{CleaningReport, Column, Table};
