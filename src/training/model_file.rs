//! Saving a trained model to a file and loading it back, with the settings and scaler it needs.
//!
//! The weights are stored as a burn record (burnpack bytes, base64 in a small JSON file beside
//! the settings and scaler). A record is taken synchronously, which WebGPU forbids in a browser,
//! so the weights are first read with asynchronous readback and put into a CPU copy of the
//! model, whose record is then taken.

use base64::Engine;
use burn::module::{Module, Param};
use burn::nn::Linear;
use burn::store::ModuleRecord;
use burn::tensor::{Bytes, Device, Tensor};
use serde::{Deserialize, Serialize};

use super::Settings;
use crate::data::scaling::MinMaxScaler;
use crate::model::error::{FORMAT, ModelError, VERSION};
use crate::model::{LstmLayer, StackedLstm};

/// Everything needed to use a trained model again: its settings (the inputs among them), the
/// scalers its inputs were scaled with, and its weights as a burn record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelFile {
    pub format: String,
    pub version: u32,
    pub settings: Settings,
    /// The target's scaler.
    pub scaler: MinMaxScaler,
    /// The extra inputs' scalers, in `settings.features` order (absent in files of models
    /// without extra inputs, written before there were any).
    #[serde(default)]
    pub input_scalers: Vec<MinMaxScaler>,
    /// The model's burn record (burnpack), base64-encoded.
    pub record: String,
    /// The bar size of the data it was trained on (`1h`, `1d`, `irregular`; absent in files
    /// written before bar sizes were detected, which were all trained on days).
    #[serde(default)]
    pub bar: Option<String>,
}

/// The model's tensors with their names, in file order.
fn named(model: &StackedLstm) -> Vec<(String, Tensor<2>)> {
    let mut tensors = Vec::new();
    for (i, layer) in model.layers.iter().enumerate() {
        tensors.push((format!("layer{i}.input_weight"), layer.input_weight.val()));
        tensors.push((format!("layer{i}.recurrent_weight"), layer.recurrent_weight.val()));
        tensors.push((format!("layer{i}.bias"), layer.bias.val().unsqueeze::<2>()));
    }
    tensors.push(("head.weight".into(), model.head.weight.val()));
    let bias = model.head.bias.as_ref().expect("the head has a bias").val();
    tensors.push(("head.bias".into(), bias.unsqueeze::<2>()));
    tensors
}

/// A copy of `template` holding `tensors` (in the order of [`named`]).
fn assemble(template: &StackedLstm, tensors: Vec<Tensor<2>>) -> StackedLstm {
    let mut tensors = tensors.into_iter();
    let mut next = || tensors.next().expect("one tensor per name");
    let layers = template
        .layers
        .iter()
        .map(|layer| LstmLayer {
            input_weight: Param::from_tensor(next()),
            recurrent_weight: Param::from_tensor(next()),
            bias: Param::from_tensor(next().squeeze_dim(0)),
            hidden: layer.hidden,
        })
        .collect();
    let head = Linear {
        weight: Param::from_tensor(next()),
        bias: Some(Param::from_tensor(next().squeeze_dim(0))),
    };
    StackedLstm { layers, head, ..template.clone() }
}

impl ModelFile {
    /// Reads the model's weights (asynchronously, on any backend) into a file.
    /// `scalers`: every input's, the target's first; `bar`: the training data's bar size.
    pub async fn from_model(
        model: &StackedLstm,
        settings: &Settings,
        scalers: &[MinMaxScaler],
        bar: Option<String>,
    ) -> Result<Self, ModelError> {
        let cpu = Device::flex();
        let mut tensors = Vec::new();
        for (name, tensor) in named(model) {
            let data =
                tensor.into_data_async().await.map_err(|e| ModelError::readback(&name, e))?;
            tensors.push(Tensor::<2>::from_data(data, &cpu));
        }
        let copy = assemble(&StackedLstm::new(settings.model_shape(), 0, &cpu), tensors);
        let bytes =
            copy.into_record().into_bytes().map_err(|e| ModelError::Recording(format!("{e:?}")))?;
        let record = base64::engine::general_purpose::STANDARD.encode(&bytes[..]);
        let (scaler, input_scalers) = (scalers[0], scalers[1..].to_vec());
        Ok(Self {
            format: FORMAT.into(),
            version: VERSION,
            settings: settings.clone(),
            scaler,
            input_scalers,
            record,
            bar,
        })
    }

    /// Every input's scaler, the target's first; a file whose scalers do not match its inputs
    /// is refused as damaged.
    pub fn scalers(&self) -> Result<Vec<MinMaxScaler>, ModelError> {
        let inputs = &self.settings.features;
        if self.input_scalers.len() != inputs.len() {
            return Err(ModelError::ScalersMismatch {
                inputs: inputs.clone(),
                scalers: self.input_scalers.len(),
            });
        }
        Ok(std::iter::once(self.scaler).chain(self.input_scalers.iter().copied()).collect())
    }

    /// Reads a file's text, refusing anything that is not a StockLSTM model of this version.
    pub fn parse(text: &str) -> Result<Self, ModelError> {
        let file: Self =
            serde_json::from_str(text).map_err(|e| ModelError::NotAModelFile(e.to_string()))?;
        if file.format != FORMAT || file.version != VERSION {
            return Err(ModelError::OtherFormat { format: file.format, version: file.version });
        }
        Ok(file)
    }

    /// What to tell a person loading this model onto data of another bar size, if it is one.
    pub fn bar_mismatch(&self, data: Option<&str>) -> Option<String> {
        let trained = self.bar.as_deref().unwrap_or("1d");
        let data = data.unwrap_or("undated");
        (trained != data).then(|| {
            format!(
                "this model was trained on {trained} bars and the loaded data's bars are {data}: it was evaluated anyway, but it \
                 learnt {trained} moves; load data of its bar size (or aggregate finer data with bars={trained})"
            )
        })
    }

    /// Rebuilds the model on `device` from its record, which must match the settings exactly.
    pub fn to_model(&self, device: &Device) -> Result<StackedLstm, ModelError> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&self.record)
            .map_err(|e| ModelError::Damaged(e.to_string()))?;
        let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(bytes))
            .map_err(|e| ModelError::Damaged(format!("{e:?}")))?;
        StackedLstm::new(self.settings.model_shape(), 0, device)
            .try_load_record(record)
            .map_err(|e| ModelError::Damaged(format!("{e:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings { layers: 2, units: 4, window: 6, ..Settings::default() }
    }

    #[test]
    fn a_saved_model_loads_back_with_the_same_predictions() {
        let device = Device::flex();
        let model = StackedLstm::new(settings().model_shape(), 5, &device);
        let scaler = MinMaxScaler { min: 1.0, max: 2.0 };
        let file = pollster::block_on(ModelFile::from_model(
            &model,
            &settings(),
            &[scaler],
            Some("1h".into()),
        ))
        .unwrap();
        let text = serde_json::to_string(&file).unwrap();
        let back = ModelFile::parse(&text).unwrap();
        assert_eq!(back, file);
        let loaded = back.to_model(&device).unwrap();
        let input = Tensor::<3>::random([3, 6, 1], burn::tensor::Distribution::Default, &device);
        assert_eq!(model.forward(input.clone()).into_data(), loaded.forward(input).into_data());
    }

    #[test]
    fn damaged_or_foreign_files_are_refused_with_messages() {
        let device = Device::flex();
        let model = StackedLstm::new(settings().model_shape(), 5, &device);
        let file = pollster::block_on(ModelFile::from_model(
            &model,
            &settings(),
            &[MinMaxScaler { min: 0.0, max: 1.0 }],
            None,
        ))
        .unwrap();
        let foreign = ModelFile::parse("{\"a\": 1}").unwrap_err();
        assert!(matches!(foreign, ModelError::NotAModelFile(_)), "{foreign:?}");
        assert!(foreign.to_string().starts_with("this is not a StockLSTM model file"));
        let mut other = file.clone();
        other.version = 9;
        let text = serde_json::to_string(&other).unwrap();
        let other = ModelFile::parse(&text).unwrap_err();
        assert_eq!(other, ModelError::OtherFormat { format: "stocklstm-model".into(), version: 9 });
        assert_eq!(
            other.to_string(),
            "this model file is 'stocklstm-model' version 9, expected 'stocklstm-model' version 1"
        );
        let mut cut = file.clone();
        cut.record.truncate(cut.record.len() / 2);
        assert!(matches!(cut.to_model(&device).unwrap_err(), ModelError::Damaged(_)));
        let mut resized = file;
        resized.settings.units = 5;
        let error = resized.to_model(&device).unwrap_err();
        assert!(
            matches!(&error, ModelError::Damaged(why) if why.contains("shape mismatch")),
            "{error}"
        );
        assert!(error.to_string().starts_with("the model file is damaged"));
    }
}
