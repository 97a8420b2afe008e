//! The public face of fault injection on [`Engine`] (and so on [`crate::TestEngine`]).

use tokio::sync::mpsc;

use crate::faults::{Fault, FaultEvent};
use crate::server::Engine;

impl Engine {
    /// Installs a fault plan (replacing any earlier one) and starts its counts from zero.
    pub fn install_faults(&self, plan: Vec<Fault>) {
        self.shared.lock().faults.install(plan);
        self.shared.timer_wake.notify_one();
    }

    /// A channel that receives every later [`FaultEvent`] as it happens (one listener at a
    /// time: a second call replaces the first).
    pub fn fault_events(&self) -> mpsc::UnboundedReceiver<FaultEvent> {
        let (sender, receiver) = mpsc::unbounded_channel();
        self.shared.lock().faults.listen(sender);
        receiver
    }

    /// Every [`FaultEvent`] so far, in order.
    pub fn fault_log(&self) -> Vec<FaultEvent> {
        self.shared.lock().faults.log()
    }

    /// True while a second delivery of an activity task waits for a poll.
    pub fn has_pending_duplicates(&self) -> bool {
        self.shared.lock().faults.has_pending_duplicates()
    }
}
