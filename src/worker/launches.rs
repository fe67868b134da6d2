//! Counting the GPU kernel launches this worker issues, with cubecl's launch observer.
//!
//! Launches per training batch are a hardware-independent figure of the WebGPU path's overhead
//! (each dispatch costs tens of microseconds of API time on real hardware, whatever it computes):
//! the same on the software adapter here as on a real GPU, so a browser test can hold them under
//! a bound on any machine.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use burn::cubecl::logging::{LaunchObservation, LaunchObserver};

/// Launches so far, by kernel name.
#[derive(Default)]
struct Count(Mutex<BTreeMap<&'static str, u64>>);

impl LaunchObserver for Count {
    fn launched(&self, kernel: &'static str) {
        if let Ok(mut counts) = self.0.lock() {
            *counts.entry(kernel).or_default() += 1;
        }
    }
}

thread_local! {
    /// Installed once per worker, for its lifetime.
    static COUNTER: (Arc<Count>, LaunchObservation) = {
        let count = Arc::new(Count::default());
        let observation = LaunchObservation::new(count.clone());
        (count, observation)
    };
}

/// Launches this worker has issued so far, by kernel name (all GPU work, on any client).
pub fn by_kernel() -> BTreeMap<&'static str, u64> {
    COUNTER.with(|(count, _)| count.0.lock().map(|counts| counts.clone()).unwrap_or_default())
}

/// Launches this worker has issued so far.
pub fn issued() -> u64 {
    by_kernel().values().sum()
}
