//! The load scenarios by name, with what a load generator needs to drive each one: the
//! workflow type, the input, the signals or updates to send and the result to expect.

use std::fmt;

use serde_json::{Value, json};

use super::chain::MAX_CHAIN_LENGTH;
use super::continue_as_new::{ContinueAsNewInput, MAX_CONTINUE_AS_NEW};
use super::saga::{SagaInput, SagaResult};
use super::signals::{MAX_SIGNALS, SIGNAL_NAME};
use super::timers::{MAX_TIMER_MS, MAX_TIMERS, TimersInput};
use super::updates::{MAX_UPDATES, UPDATE_NAME};

/// The number the `noop`, `activity` and `child` workflows get as input and must return.
pub const ECHO_VALUE: u64 = 42;

/// A built-in load scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LoadScenario {
    /// A workflow that returns at once.
    Noop,
    /// One activity.
    Activity,
    /// N activities in sequence.
    Chain,
    /// Three bookings, compensated when the last one fails.
    Saga,
    /// A few short timers.
    Timers,
    /// N signals sent after the start, all of which the workflow must receive.
    Signals,
    /// N updates sent after the start, one after another, each waited for until it completed
    /// and answered with the count so far.
    Updates,
    /// A child workflow.
    Child,
    /// K continue-as-new hops.
    ContinueAsNew,
}

impl LoadScenario {
    /// Every scenario, in the order `--help` lists them.
    pub const ALL: [LoadScenario; 9] = [
        LoadScenario::Noop,
        LoadScenario::Activity,
        LoadScenario::Chain,
        LoadScenario::Saga,
        LoadScenario::Timers,
        LoadScenario::Signals,
        LoadScenario::Updates,
        LoadScenario::Child,
        LoadScenario::ContinueAsNew,
    ];

    /// The name on the command line: `noop`, `activity`, …, `update`, …, `continue-as-new`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            LoadScenario::Noop => "noop",
            LoadScenario::Activity => "activity",
            LoadScenario::Chain => "chain",
            LoadScenario::Saga => "saga",
            LoadScenario::Timers => "timers",
            LoadScenario::Signals => "signals",
            LoadScenario::Updates => "update",
            LoadScenario::Child => "child",
            LoadScenario::ContinueAsNew => "continue-as-new",
        }
    }

    /// The scenario called `name`, if any.
    #[must_use]
    pub fn from_name(name: &str) -> Option<LoadScenario> {
        LoadScenario::ALL
            .into_iter()
            .find(|scenario| scenario.name() == name)
    }

    /// The workflow type the scenario starts.
    #[must_use]
    pub fn workflow_type(self) -> &'static str {
        match self {
            LoadScenario::Noop => super::noop::WORKFLOW_TYPE,
            LoadScenario::Activity => super::activity::WORKFLOW_TYPE,
            LoadScenario::Chain => super::chain::WORKFLOW_TYPE,
            LoadScenario::Saga => super::saga::WORKFLOW_TYPE,
            LoadScenario::Timers => super::timers::WORKFLOW_TYPE,
            LoadScenario::Signals => super::signals::WORKFLOW_TYPE,
            LoadScenario::Updates => super::updates::WORKFLOW_TYPE,
            LoadScenario::Child => super::child::WORKFLOW_TYPE,
            LoadScenario::ContinueAsNew => super::continue_as_new::WORKFLOW_TYPE,
        }
    }
}

impl fmt::Display for LoadScenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The knobs of the scenarios; each scenario reads the ones that concern it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadParams {
    /// `chain`: activities in sequence.
    pub chain_length: u32,
    /// `signals`: signals sent to each workflow.
    pub signals: u32,
    /// `update`: updates sent to each workflow.
    pub updates: u32,
    /// `saga`: the last step fails and the saga compensates.
    pub saga_fail: bool,
    /// `timers`: timers per workflow.
    pub timers: u32,
    /// `timers`: length of each timer, in milliseconds.
    pub timer_ms: u64,
    /// `continue-as-new`: hops per workflow.
    pub continue_as_new: u32,
}

impl Default for LoadParams {
    fn default() -> Self {
        LoadParams {
            chain_length: 5,
            signals: 5,
            updates: 5,
            saga_fail: false,
            timers: 3,
            timer_ms: 100,
            continue_as_new: 2,
        }
    }
}

/// How to drive one scenario: start `workflow_type` with `input`, send `signal_count` signals
/// named `signal_name` and `update_count` updates named `update_name`, and expect
/// `expected_result`.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadWorkflow {
    /// The workflow type to start.
    pub workflow_type: &'static str,
    /// The input, as JSON.
    pub input: Value,
    /// The signal to send after the start, if any.
    pub signal_name: Option<&'static str>,
    /// How many signals to send (0 without a signal).
    pub signal_count: u32,
    /// The update to send after the start, if any: one after another, each with its index
    /// (0, 1, …) as argument, waited for until it completed. The k-th update (k from 1) must
    /// answer k, the number of updates the workflow has received.
    pub update_name: Option<&'static str>,
    /// How many updates to send (0 without an update).
    pub update_count: u32,
    /// The result every run must return.
    pub expected_result: Value,
}

/// A scenario parameter out of range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{flag} {value}: {reason}")]
pub struct LoadParamsError {
    /// The flag, such as `--chain-length`.
    pub flag: &'static str,
    /// The value given.
    pub value: String,
    /// The accepted range.
    pub reason: String,
}

fn check(flag: &'static str, value: u64, low: u64, high: u64) -> Result<(), LoadParamsError> {
    if (low..=high).contains(&value) {
        Ok(())
    } else {
        Err(LoadParamsError {
            flag,
            value: value.to_string(),
            reason: format!("expected {low} to {high}"),
        })
    }
}

/// How to drive `scenario` with `params`. Parameters out of the workflows' limits are refused
/// here, before any workflow starts.
pub fn load_workflow(
    scenario: LoadScenario,
    params: &LoadParams,
) -> Result<LoadWorkflow, LoadParamsError> {
    let plain = |input: Value, expected_result: Value| LoadWorkflow {
        workflow_type: scenario.workflow_type(),
        input,
        signal_name: None,
        signal_count: 0,
        update_name: None,
        update_count: 0,
        expected_result,
    };
    Ok(match scenario {
        LoadScenario::Noop | LoadScenario::Activity | LoadScenario::Child => {
            plain(json!(ECHO_VALUE), json!(ECHO_VALUE))
        }
        LoadScenario::Chain => {
            check(
                "--chain-length",
                params.chain_length.into(),
                1,
                MAX_CHAIN_LENGTH.into(),
            )?;
            plain(json!(params.chain_length), json!(params.chain_length))
        }
        LoadScenario::Saga => {
            let input = SagaInput {
                fail_last: params.saga_fail,
            };
            plain(json!(input), json!(SagaResult::expected(input)))
        }
        LoadScenario::Timers => {
            check("--timers", params.timers.into(), 1, MAX_TIMERS.into())?;
            check("--timer-ms", params.timer_ms, 1, MAX_TIMER_MS)?;
            let input = TimersInput {
                count: params.timers,
                timer_ms: params.timer_ms,
            };
            plain(json!(input), json!(params.timers))
        }
        LoadScenario::Signals => {
            check("--signals", params.signals.into(), 1, MAX_SIGNALS.into())?;
            LoadWorkflow {
                workflow_type: scenario.workflow_type(),
                input: json!(params.signals),
                signal_name: Some(SIGNAL_NAME),
                signal_count: params.signals,
                update_name: None,
                update_count: 0,
                expected_result: json!(params.signals),
            }
        }
        LoadScenario::Updates => {
            check("--updates", params.updates.into(), 1, MAX_UPDATES.into())?;
            LoadWorkflow {
                update_name: Some(UPDATE_NAME),
                update_count: params.updates,
                ..plain(json!(params.updates), json!(params.updates))
            }
        }
        LoadScenario::ContinueAsNew => {
            check(
                "--continue-as-new",
                params.continue_as_new.into(),
                0,
                MAX_CONTINUE_AS_NEW.into(),
            )?;
            let input = ContinueAsNewInput {
                times: params.continue_as_new,
                run: 0,
            };
            plain(json!(input), json!(params.continue_as_new))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for scenario in LoadScenario::ALL {
            assert_eq!(LoadScenario::from_name(scenario.name()), Some(scenario));
        }
        assert_eq!(LoadScenario::from_name("nope"), None);
    }

    #[test]
    fn parameters_out_of_range_name_their_flag() {
        let params = LoadParams {
            chain_length: 0,
            ..LoadParams::default()
        };
        let error = load_workflow(LoadScenario::Chain, &params).expect_err("refused");
        assert_eq!(error.flag, "--chain-length");
        let params = LoadParams {
            signals: MAX_SIGNALS + 1,
            ..LoadParams::default()
        };
        let error = load_workflow(LoadScenario::Signals, &params).expect_err("refused");
        assert!(error.to_string().starts_with("--signals 1001"), "{error}");
    }

    #[test]
    fn signals_expect_their_count_back() {
        let params = LoadParams {
            signals: 7,
            ..LoadParams::default()
        };
        let workflow = load_workflow(LoadScenario::Signals, &params).expect("valid");
        assert_eq!(workflow.signal_count, 7);
        assert_eq!(workflow.signal_name, Some(SIGNAL_NAME));
        assert_eq!(workflow.expected_result, json!(7));
    }

    #[test]
    fn updates_send_their_count_and_expect_it_back() {
        assert_eq!(
            LoadScenario::from_name("update"),
            Some(LoadScenario::Updates)
        );
        assert_eq!(LoadScenario::Updates.workflow_type(), "LoadUpdates");
        assert_eq!(LoadParams::default().updates, 5);
        let params = LoadParams {
            updates: 3,
            ..LoadParams::default()
        };
        let workflow = load_workflow(LoadScenario::Updates, &params).expect("valid");
        assert_eq!(workflow.input, json!(3));
        assert_eq!(workflow.update_name, Some(UPDATE_NAME));
        assert_eq!(workflow.update_count, 3);
        assert_eq!(workflow.signal_name, None);
        assert_eq!(workflow.expected_result, json!(3));
        // The other scenarios send no update.
        let signals = load_workflow(LoadScenario::Signals, &params).expect("valid");
        assert_eq!((signals.update_name, signals.update_count), (None, 0));
        for updates in [0, MAX_UPDATES + 1] {
            let params = LoadParams {
                updates,
                ..LoadParams::default()
            };
            let error = load_workflow(LoadScenario::Updates, &params).expect_err("refused");
            assert_eq!(error.flag, "--updates");
        }
    }

    #[test]
    fn the_failing_saga_expects_its_compensations() {
        let params = LoadParams {
            saga_fail: true,
            ..LoadParams::default()
        };
        let workflow = load_workflow(LoadScenario::Saga, &params).expect("valid");
        assert_eq!(workflow.input, json!({"fail_last": true}));
        assert_eq!(
            workflow.expected_result,
            json!({"booked": 2, "compensated": 2})
        );
    }
}
