//! The crate's layers import only downward: every `crate::<module>` path a top-level module
//! mentions (in a `use` line, an inline path or a doc link) names that module itself or one
//! declared before it in `src/lib.rs`, whose list of modules is the order of the layers.

use std::fs;
use std::path::{Path, PathBuf};

/// Every Rust file of a module: the file itself, or all under its folder.
fn rust_files(path: &Path) -> Vec<PathBuf> {
    if !path.is_dir() {
        return vec![path.to_path_buf()];
    }
    let entries = fs::read_dir(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    entries.flat_map(|entry| rust_files(&entry.unwrap().path())).collect()
}

/// The module each `crate::` path on `line` starts with (empty for a `crate::{…}` group, which
/// names no single module and so is refused too).
fn crate_paths(line: &str) -> impl Iterator<Item = &str> {
    line.split("crate::")
        .skip(1)
        .map(|rest| rest.split(|c: char| !c.is_ascii_lowercase() && c != '_').next().unwrap())
}

#[test]
fn modules_import_only_from_layers_below() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = fs::read_to_string(src.join("lib.rs")).unwrap();
    let order: Vec<&str> =
        lib.lines().filter_map(|line| line.strip_prefix("pub mod ")?.strip_suffix(';')).collect();
    assert!(order.len() > 5, "the layers are the `pub mod` lines of src/lib.rs: {order:?}");
    let mut upward = Vec::new();
    for (layer, name) in order.iter().enumerate() {
        let folder = src.join(name);
        let root = if folder.is_dir() { folder } else { src.join(format!("{name}.rs")) };
        for file in rust_files(&root) {
            let text =
                fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            for (number, line) in text.lines().enumerate() {
                for module in crate_paths(line) {
                    if module != "testutil" && !order[..=layer].contains(&module) {
                        let file = file.strip_prefix(&src).unwrap().display();
                        upward.push(format!(
                            "src/{file}:{}: `crate::{module}` is not below `{name}`",
                            number + 1
                        ));
                    }
                }
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports from a layer above (order: {order:?}):\n{}",
        upward.join("\n")
    );
}
