//! The backend speed measurements `backend=auto` took, kept in `localStorage` so that each model
//! shape is measured once per adapter, not on every run.

use crate::training::speed::SpeedMeasurement;

/// Kept under its first name, so measurements taken before the rename still count.
const STORAGE_KEY: &str = "stocklstm.calibrations";
/// Measurements kept; the oldest go first.
const KEPT: usize = 32;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The measurements kept so far (none where storage is unavailable or unreadable).
pub fn known() -> Vec<SpeedMeasurement> {
    let text = storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten()).unwrap_or_default();
    serde_json::from_str(&text).unwrap_or_default()
}

/// Keeps `measurement`, replacing an earlier one for the same adapter and shape.
pub fn keep(measurement: SpeedMeasurement) {
    let mut all = known();
    all.retain(|m| !(m.adapter == measurement.adapter && m.shape == measurement.shape));
    all.push(measurement);
    let excess = all.len().saturating_sub(KEPT);
    all.drain(..excess);
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(&all)) {
        // Storage full or refused (private mode): the next run measures again, nothing worse.
        let _ = storage.set_item(STORAGE_KEY, &text);
    }
}
