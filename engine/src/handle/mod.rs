//! What users hold: [`crate::Engine`]'s public extensions (canned tasks, fault plans, in-process
//! calls) and [`TestEngine`], which is an `Engine` with the test-only additions in one place.

mod canned;
mod faults;
mod in_process;
pub(crate) mod test_engine;

pub use test_engine::TestEngine;
