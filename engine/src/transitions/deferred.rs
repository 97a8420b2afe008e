//! Effects of a workflow task's commands that happen once the task is complete (children
//! started, external signals and cancels delivered), so that the events they cause land after
//! that task's events, as the real server's transfer tasks do.

use crate::state::{Deferred, State};

impl State {
    /// Performs the deferred effects, in the order their commands came.
    pub(crate) fn run_deferred(&mut self) {
        for effect in std::mem::take(&mut self.deferred) {
            match effect {
                Deferred::StartChild {
                    parent,
                    initiated_event_id,
                } => self.start_child(&parent, initiated_event_id),
                Deferred::SignalExternal {
                    sender,
                    initiated_event_id,
                } => self.deliver_external_signal(&sender, initiated_event_id),
                Deferred::CancelExternal {
                    sender,
                    initiated_event_id,
                } => self.deliver_external_cancel(&sender, initiated_event_id),
            }
        }
    }
}
