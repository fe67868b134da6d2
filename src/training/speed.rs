//! `backend=auto`'s speed probe: which backend trains this model faster on this machine, and why.
//!
//! A software WebGPU adapter (SwiftShader, llvmpipe: the CPU drawing pictures) is never picked.
//! On a real GPU the answer depends on the model's size and the machine, so it is measured: a few
//! training batches of the run's shape on each backend, shader compilation excluded. The page
//! keeps each measurement (per adapter and shape) so it is taken once.

use serde::{Deserialize, Serialize};

use super::settings::Settings;

/// The WebGPU adapter as the browser describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adapter {
    /// What the page shows next to "WebGPU", e.g. "SwiftShader" or "nvidia ampere".
    pub name: String,
    /// A fallback or software adapter: no GPU behind it.
    pub software: bool,
}

/// Training speed of both backends, measured for one model shape on one adapter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpeedMeasurement {
    pub adapter: String,
    /// [`shape_key`] of the settings measured.
    pub shape: String,
    pub cpu_seconds_per_batch: f64,
    pub gpu_seconds_per_batch: f64,
}

/// The backends `auto` chooses between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    Cpu,
    WebGpu,
}

/// What `auto` decided, with the reason the page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub pick: Pick,
    pub reason: String,
    /// A new measurement, for the page to keep.
    pub measured: Option<SpeedMeasurement>,
}

/// What a batch's cost depends on: the model, the window and the batch size.
pub fn shape_key(settings: &Settings) -> String {
    let Settings { layers, units, window, batch, dropout, .. } = settings;
    format!("{layers}x{units} window {window} batch {batch} dropout {dropout}")
}

impl SpeedMeasurement {
    fn pick(&self) -> Pick {
        if self.gpu_seconds_per_batch < self.cpu_seconds_per_batch {
            Pick::WebGpu
        } else {
            Pick::Cpu
        }
    }

    /// "CPU (2 workers): 3.1× faster than WebGPU (nvidia ampere) here".
    fn reason(&self, cpu_name: &str) -> String {
        let gpu_name = format!("WebGPU ({})", self.adapter);
        let (cpu, gpu) = (self.cpu_seconds_per_batch, self.gpu_seconds_per_batch);
        let (winner, loser, ratio) = match self.pick() {
            Pick::WebGpu => (gpu_name.as_str(), cpu_name, cpu / gpu),
            Pick::Cpu => (cpu_name, gpu_name.as_str(), gpu / cpu),
        };
        format!(
            "{winner}: {ratio:.1}× faster than {loser} here ({:.0} ms vs {:.0} ms per batch of this model)",
            1000.0 * cpu.min(gpu),
            1000.0 * cpu.max(gpu)
        )
    }
}

/// Decides `auto`'s backend. `gpu` is the WebGPU adapter or why there is none (the browser's
/// words, passed on by the worker as text that the reason quotes); `known` are the page's
/// earlier measurements; `measure` times a backend (seconds per batch) when none fits. A WebGPU
/// failure while measuring falls back to the CPU with the error in the reason.
pub async fn decide<E: std::fmt::Display>(
    gpu: Result<Adapter, String>,
    cpu_name: &str,
    settings: &Settings,
    known: &[SpeedMeasurement],
    mut measure: impl AsyncFnMut(Pick) -> Result<f64, E>,
) -> Decision {
    let cpu = |reason: String| Decision { pick: Pick::Cpu, reason, measured: None };
    let adapter = match gpu {
        Err(error) => return cpu(format!("WebGPU unavailable ({error}): training on the CPU")),
        Ok(adapter) if adapter.software => {
            return cpu(format!(
                "WebGPU here is a software adapter ({}), no GPU: training on the CPU",
                adapter.name
            ));
        }
        Ok(adapter) => adapter,
    };
    let shape = shape_key(settings);
    if let Some(earlier) = known.iter().find(|c| c.adapter == adapter.name && c.shape == shape) {
        let reason = format!("{} (measured earlier)", earlier.reason(cpu_name));
        return Decision { pick: earlier.pick(), reason, measured: None };
    }
    let gpu_seconds = match measure(Pick::WebGpu).await {
        Ok(seconds) => seconds,
        Err(error) => {
            return cpu(format!(
                "WebGPU ({}) failed while measuring its speed ({error}): training on the CPU",
                adapter.name
            ));
        }
    };
    let cpu_seconds = match measure(Pick::Cpu).await {
        Ok(seconds) => seconds,
        Err(error) => {
            return Decision {
                pick: Pick::WebGpu,
                reason: format!("the CPU could not be measured ({error}): training on WebGPU"),
                measured: None,
            };
        }
    };
    let measurement = SpeedMeasurement {
        adapter: adapter.name,
        shape,
        cpu_seconds_per_batch: cpu_seconds,
        gpu_seconds_per_batch: gpu_seconds,
    };
    Decision {
        pick: measurement.pick(),
        reason: measurement.reason(cpu_name),
        measured: Some(measurement),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hardware() -> Result<Adapter, String> {
        Ok(Adapter { name: "nvidia ampere".into(), software: false })
    }

    /// Runs `decide` with fixed timings, recording which backends were measured.
    fn decide_with(
        gpu: Result<Adapter, String>,
        known: &[SpeedMeasurement],
        cpu_s: f64,
        gpu_s: Result<f64, String>,
    ) -> (Decision, Vec<Pick>) {
        let mut measured = Vec::new();
        let decision = pollster::block_on(decide(
            gpu,
            "CPU (2 workers)",
            &Settings::default(),
            known,
            async |pick| {
                measured.push(pick);
                match pick {
                    Pick::Cpu => Ok(cpu_s),
                    Pick::WebGpu => gpu_s.clone(),
                }
            },
        ));
        (decision, measured)
    }

    #[test]
    fn a_software_adapter_or_none_means_the_cpu_unmeasured() {
        let software = Ok(Adapter { name: "SwiftShader".into(), software: true });
        let (decision, measured) = decide_with(software, &[], 1.0, Ok(0.1));
        assert_eq!(decision.pick, Pick::Cpu);
        assert_eq!(
            decision.reason,
            "WebGPU here is a software adapter (SwiftShader), no GPU: training on the CPU"
        );
        assert!(measured.is_empty());
        let (decision, _) =
            decide_with(Err("this browser does not offer WebGPU".into()), &[], 1.0, Ok(0.1));
        assert_eq!(
            decision.reason,
            "WebGPU unavailable (this browser does not offer WebGPU): training on the CPU"
        );
    }

    #[test]
    fn a_real_gpu_is_measured_once_and_the_faster_backend_wins() {
        let (decision, measured) = decide_with(hardware(), &[], 0.062, Ok(0.02));
        assert_eq!(measured, [Pick::WebGpu, Pick::Cpu]);
        assert_eq!(decision.pick, Pick::WebGpu);
        assert_eq!(
            decision.reason,
            "WebGPU (nvidia ampere): 3.1× faster than CPU (2 workers) here (20 ms vs 62 ms per batch of this model)"
        );
        let kept = decision.measured.expect("a new measurement to keep");
        assert_eq!(kept.shape, "3x50 window 100 batch 64 dropout 0");

        let (again, measured) = decide_with(hardware(), std::slice::from_ref(&kept), 9.0, Ok(9.0));
        assert!(measured.is_empty(), "measured earlier for this adapter and shape");
        assert_eq!((again.pick, again.measured), (Pick::WebGpu, None));
        assert!(again.reason.ends_with("(measured earlier)"), "{}", again.reason);

        let other_gpu = Ok(Adapter { name: "apple m2".into(), software: false });
        let (_, measured) = decide_with(other_gpu, &[kept], 1.0, Ok(2.0));
        assert_eq!(measured.len(), 2, "another adapter is measured anew");
    }

    #[test]
    fn a_slower_gpu_or_a_failing_one_gives_the_cpu() {
        let (decision, _) = decide_with(hardware(), &[], 0.5, Ok(1.5));
        assert_eq!(decision.pick, Pick::Cpu);
        assert!(
            decision
                .reason
                .starts_with("CPU (2 workers): 3.0× faster than WebGPU (nvidia ampere) here"),
            "{}",
            decision.reason
        );
        let (decision, measured) =
            decide_with(hardware(), &[], 0.5, Err("shader compilation failed".into()));
        assert_eq!((decision.pick, measured), (Pick::Cpu, vec![Pick::WebGpu]));
        assert_eq!(
            decision.reason,
            "WebGPU (nvidia ampere) failed while measuring its speed (shader compilation failed): training on the CPU"
        );
    }
}
