//! Batched inference with asynchronous readback, the only kind WebGPU allows in a browser.

use burn::tensor::{Device, Tensor, TensorData};

use super::StackedLstm;
use super::error::ModelError;

/// Windows per forward pass when predicting: bounds memory on long test periods.
const PREDICT_BATCH: usize = 512;

/// Predicts the next scaled row (every input) after each window in `windows` (flattened
/// `[n, window, features]`), flat as `[n, features]`. Fails with [`ModelError::NonFinitePredictions`] if the model produces
/// a non-finite value.
pub async fn predict(
    model: &StackedLstm,
    windows: &[f32],
    window: usize,
    device: &Device,
) -> Result<Vec<f32>, ModelError> {
    let features = model.features();
    let mut predictions = Vec::with_capacity(windows.len() / window);
    for chunk in windows.chunks(PREDICT_BATCH * window * features) {
        let batch = chunk.len() / (window * features);
        let input = Tensor::<3>::from_data(
            TensorData::new(chunk.to_vec(), [batch, window, features]),
            device,
        );
        let data = model
            .forward(input)
            .into_data_async()
            .await
            .map_err(|e| ModelError::readback("predictions", e))?;
        predictions.extend(
            data.try_into_vec::<f32>().map_err(|e| ModelError::readback("predictions", e))?,
        );
    }
    if predictions.iter().any(|p| !p.is_finite()) {
        return Err(ModelError::NonFinitePredictions);
    }
    Ok(predictions)
}
