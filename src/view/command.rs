//! What a person does on the page ([`Action`]) and what the page must then do outside the run
//! view ([`Command`]): talk to the worker, read files, use the browser's storage, download.

use std::sync::Arc;

use super::history::RunRecord;
use crate::data::dates::DayOrder;
use crate::data::parse::ParseOptions;
use crate::protocol::ToWorker;
use crate::training::Settings;
use crate::training::speed::SpeedMeasurement;

/// A person's action, as components send it.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The page opened, or a CSV file was picked or dropped: its bytes are to be read.
    LoadData,
    /// Another ticker of a file listing several: the shown file is parsed again.
    ChooseTicker(String),
    /// The other day order for dates that fit both: the shown file is parsed again.
    ChooseDayOrder(DayOrder),
    /// A setting typed in the form, as text.
    SetSetting {
        key: &'static str,
        value: String,
    },
    /// Something the page could not accept or do (a link's invalid settings, a chart that could
    /// not be drawn, a file the browser would not export): told like a refused setting.
    Refuse(String),
    /// A load that could not start or finish in the page (a fetch, a read, the worker's start).
    Fail(String),
    Train,
    Stop,
    SaveModel,
    /// A model file was picked, to be evaluated on the loaded data.
    LoadModel,
    /// Export the actual prices, fits, forecast and bands as CSV.
    ExportResults,
    /// Put a run's settings back in the form.
    RestoreRun(u64),
    /// Put a settings search trial's settings (by its number) in the form.
    ApplyTrial(usize),
    /// Draw a run over the chart, or stop drawing it.
    TogglePin(u64),
    DeleteRun(u64),
    ExportRuns,
}

/// A file to offer as a download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    pub text: String,
    pub name: &'static str,
    pub mime: &'static str,
    /// What the notice says, before the browser's reason, when the download cannot be offered.
    pub failure: &'static str,
}

/// What the page must do after the view changed.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Post this message to the worker.
    Send(ToWorker),
    /// Start training: the page adds the backend speed measurements it keeps.
    Train {
        settings: Settings,
        gpu_failed: Option<String>,
    },
    /// Read the data chosen last (the link's, the sample, a picked file) and parse it with these
    /// choices.
    ReadData(ParseOptions),
    /// Read the picked model file and send it to the worker.
    ReadModelFile,
    /// The data being loaded is now the data shown: a restarted worker loads it again.
    DataLoaded,
    /// Replace the crashed worker with a new one and load the shown data into it again, with
    /// these choices.
    RestartWorker(ParseOptions),
    /// Read the Runs table kept under this key, and hand it to [`super::RunView::runs_read`].
    ReadRuns {
        key: String,
    },
    /// A run finished or a model was evaluated: hand the time to [`super::RunView::record_run`].
    RecordRun {
        from_model_file: bool,
    },
    /// Keep the Runs table under this key for the next visit.
    SaveRuns {
        key: String,
        runs: Arc<Vec<RunRecord>>,
    },
    Download(Download),
    /// Keep this backend speed measurement for later runs.
    KeepSpeed(SpeedMeasurement),
}
