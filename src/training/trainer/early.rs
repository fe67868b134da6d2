//! Early stopping, as Keras' `EarlyStopping(restore_best_weights=True)`: training ends once the
//! validation loss has not improved for `patience` epochs, and the best epoch's weights are kept.

use crate::model::StackedLstm;
use crate::training::report::EarlyStop;

/// Watches the validation loss epoch by epoch and keeps the best epoch's model.
pub struct EarlyStopping {
    patience: usize,
    /// The best epoch so far, its loss and its weights.
    best: Option<(usize, f64, StackedLstm)>,
}

impl EarlyStopping {
    pub fn new(patience: usize) -> Self {
        Self { patience, best: None }
    }

    /// Takes epoch `epoch`'s validation loss and model; true when training should stop (the
    /// loss has not gone below the best for `patience` epochs).
    pub fn should_stop(&mut self, epoch: usize, loss: f64, model: &StackedLstm) -> bool {
        match &self.best {
            Some((_, best, _)) if loss >= *best => {}
            _ => self.best = Some((epoch, loss, model.clone())),
        }
        self.best.as_ref().is_some_and(|(best, _, _)| epoch - best >= self.patience)
    }

    /// The best epoch's model (`last` when no epoch was validated) and what happened, training
    /// having ended after `stopped_epoch` of `epochs`.
    pub fn finish(
        self,
        last: StackedLstm,
        stopped_epoch: usize,
        epochs: usize,
    ) -> (StackedLstm, Option<EarlyStop>) {
        match self.best {
            Some((best_epoch, _, model)) => {
                let patience = self.patience;
                (model, Some(EarlyStop { best_epoch, stopped_epoch, epochs, patience }))
            }
            None => (last, None),
        }
    }
}
