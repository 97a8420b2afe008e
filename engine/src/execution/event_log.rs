//! A run's history as written. Only `Execution::append` adds an event (and only
//! `Execution::attach_command_metadata` touches one): the log's writing methods are private to
//! the `execution` module, so no rule can write an event any other way.

use std::sync::Arc;

use temporalio_protos::temporal::api::history::v1::HistoryEvent;

/// The events of one run, in order, event id `n` at index `n - 1`. Persistent, so that a
/// snapshot of the state does not copy histories; each event behind an `Arc`, since the
/// vector's operations move whole chunks of elements (on the stack, too) and an event is large.
#[derive(Debug, Clone, Default)]
pub(crate) struct EventLog {
    events: imbl::Vector<Arc<HistoryEvent>>,
}

impl EventLog {
    /// Appends an event (its id must be the next one).
    pub(super) fn push(&mut self, event: HistoryEvent) {
        self.events.push_back(Arc::new(event));
    }

    /// The event at `index`, to change in place.
    pub(super) fn get_mut(&mut self, index: usize) -> Option<&mut HistoryEvent> {
        self.events.get_mut(index).map(Arc::make_mut)
    }

    /// How many events there are (the last event's id).
    #[allow(clippy::len_without_is_empty)]
    pub(crate) fn len(&self) -> usize {
        self.events.len()
    }

    /// The event at `index` (event id `index + 1`).
    pub(crate) fn get(&self, index: usize) -> Option<&HistoryEvent> {
        self.events.get(index).map(|event| &**event)
    }

    /// The events in order.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = &HistoryEvent> {
        self.events.iter().map(|event| &**event)
    }

    /// Copies of the events at indexes `start..end` (clamped), read through a narrowed focus
    /// in O(log n + range).
    pub(crate) fn range(&self, start: usize, end: usize) -> Vec<HistoryEvent> {
        let end = end.min(self.events.len());
        let start = start.min(end);
        self.events
            .focus()
            .narrow(start..end)
            .into_iter()
            .map(|event| (**event).clone())
            .collect()
    }
}
