//! Side effects that activities record, so invariants can check what happened in the world
//! (a card charged twice, a booking never cancelled) and not only what the history says.

use std::sync::{Arc, Mutex, PoisonError};

/// One thing an activity did to the world.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SideEffect {
    /// What kind of thing, such as `charge` or `cancel_car`.
    pub kind: String,
    /// Which thing, such as an order id.
    pub key: String,
}

/// The side effects of one case, shared by every worker incarnation of that case.
#[derive(Debug, Clone, Default)]
pub struct SideEffects {
    effects: Arc<Mutex<Vec<SideEffect>>>,
}

impl SideEffects {
    /// An empty record.
    pub fn new() -> Self {
        SideEffects::default()
    }

    /// Records one side effect.
    pub fn record(&self, kind: impl Into<String>, key: impl Into<String>) {
        self.effects
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(SideEffect {
                kind: kind.into(),
                key: key.into(),
            });
    }

    /// True when an effect of this kind and key was recorded (for activities that make
    /// themselves idempotent).
    pub fn contains(&self, kind: &str, key: &str) -> bool {
        self.effects
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .any(|effect| effect.kind == kind && effect.key == key)
    }

    /// Everything recorded, in order.
    pub fn all(&self) -> Vec<SideEffect> {
        self.effects
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// How many effects of this kind and key were recorded.
    pub fn count(&self, kind: &str, key: &str) -> usize {
        self.effects
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|effect| effect.kind == kind && effect.key == key)
            .count()
    }
}
