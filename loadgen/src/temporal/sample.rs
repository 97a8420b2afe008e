//! A uniform sample of the workflows that completed, for reading their histories after the run.

use crate::model::SplitMix64;

/// How many completed workflows a run samples by default.
pub const DEFAULT_SAMPLE_SIZE: usize = 200;
/// Seed of the sampler, fixed so that a rerun samples the same iterations when they complete
/// in the same order.
const SAMPLE_SEED: u64 = 0x5a3d_1e5e;

/// One completed run of a workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampledExecution {
    /// The workflow id.
    pub workflow_id: String,
    /// The run that completed (the last one, after continue-as-new).
    pub run_id: String,
}

/// Reservoir sampling (Vitter's algorithm R): every completed workflow has the same chance to
/// be kept, whatever the run's length, in bounded memory.
#[derive(Debug)]
pub(super) struct Reservoir {
    capacity: usize,
    seen: u64,
    rng: SplitMix64,
    kept: Vec<SampledExecution>,
}

impl Reservoir {
    pub(super) fn new(capacity: usize) -> Self {
        Reservoir {
            capacity,
            seen: 0,
            rng: SplitMix64::new(SAMPLE_SEED),
            kept: Vec::with_capacity(capacity.min(DEFAULT_SAMPLE_SIZE)),
        }
    }

    pub(super) fn offer(&mut self, execution: SampledExecution) {
        self.seen += 1;
        if self.kept.len() < self.capacity {
            self.kept.push(execution);
            return;
        }
        let slot = self.rng.next_u64() % self.seen;
        if let Ok(slot) = usize::try_from(slot)
            && slot < self.capacity
        {
            self.kept[slot] = execution;
        }
    }

    pub(super) fn kept(&self) -> Vec<SampledExecution> {
        self.kept.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn execution(n: u64) -> SampledExecution {
        SampledExecution {
            workflow_id: format!("w-{n}"),
            run_id: format!("r-{n}"),
        }
    }

    #[test]
    fn keeps_everything_below_capacity_and_at_most_capacity_above() {
        let mut reservoir = Reservoir::new(10);
        for n in 0..5 {
            reservoir.offer(execution(n));
        }
        assert_eq!(reservoir.kept().len(), 5);
        for n in 5..10_000 {
            reservoir.offer(execution(n));
        }
        let kept = reservoir.kept();
        assert_eq!(kept.len(), 10);
        // A uniform sample of 10,000 leaves few of the first 10 in place.
        let early = kept
            .iter()
            .filter(|e| e.workflow_id.len() <= "w-9".len())
            .count();
        assert!(early <= 2, "{kept:?}");
    }

    #[test]
    fn capacity_zero_keeps_nothing() {
        let mut reservoir = Reservoir::new(0);
        reservoir.offer(execution(1));
        assert!(reservoir.kept().is_empty());
    }
}
