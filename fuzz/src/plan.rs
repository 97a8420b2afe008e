//! Fault plans: what goes wrong in one fuzz case, as values proptest can generate and shrink,
//! and as text that prints readably and parses back, so a failing plan pasted into a test
//! reproduces the failure.
//!
//! One fault per line:
//!
//! ```text
//! activity-fails task=2 attempts=1 type=InjectedFault non-retryable after-side-effect
//! activity-times-out task=1 after-side-effect
//! activity-response-lost task=3
//! activity-delivered-twice task=1
//! workflow-task-response-lost task=2
//! workflow-task-times-out task=2
//! worker-crash after-workflow-task=2
//! worker-crash during-activity-task=1
//! engine-restart after-workflow-task=1
//! clock-jump after-workflow-task=1 by=3600s
//! signal-delayed signal=0 by-workflow-tasks=2
//! signal-duplicated signal=0
//! signals-reordered signal=0
//! ```
//!
//! Tasks are counted from 1 in the order the engine hands them out (activity attempts) or
//! accepts them (workflow task completions); signals are numbered from 0 in the target's list.

use std::fmt;
use std::time::Duration;

use crate::error::FuzzError;

/// One fault of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlannedFault {
    /// Activity attempt `task` (and the next `attempts - 1` attempts of the same activity) fail.
    ActivityFails {
        /// Activity attempt number.
        task: u32,
        /// Attempts that fail, from this one on.
        attempts: u32,
        /// The failure's error type.
        error_type: String,
        /// Whether the failure is non-retryable.
        non_retryable: bool,
        /// Whether the worker runs the activity (its side effect) first.
        after_side_effect: bool,
    },
    /// Activity attempt `task` times out.
    ActivityTimesOut {
        /// Activity attempt number.
        task: u32,
        /// Whether the worker runs the activity (its side effect) first.
        after_side_effect: bool,
    },
    /// The answer to activity attempt `task` is applied; the worker sees UNAVAILABLE.
    ActivityResponseLost {
        /// Activity attempt number.
        task: u32,
    },
    /// Activity attempt `task` is delivered twice.
    ActivityDeliveredTwice {
        /// Activity attempt number.
        task: u32,
    },
    /// Workflow task completion `task` is applied; the worker sees UNAVAILABLE.
    WorkflowTaskResponseLost {
        /// Workflow task completion number.
        task: u32,
    },
    /// Workflow task completion `task` never arrives; the task times out.
    WorkflowTaskTimesOut {
        /// Workflow task completion number.
        task: u32,
    },
    /// The worker crashes after workflow task completion `n`.
    WorkerCrashAfterWorkflowTask {
        /// Workflow task completion number.
        after_workflow_task: u32,
    },
    /// The worker crashes while it runs activity attempt `task`.
    WorkerCrashDuringActivityTask {
        /// Activity attempt number.
        task: u32,
    },
    /// The engine restarts after workflow task completion `n`.
    EngineRestart {
        /// Workflow task completion number.
        after_workflow_task: u32,
    },
    /// The clock jumps ahead by `by_s` seconds after workflow task completion `n`.
    ClockJump {
        /// Workflow task completion number.
        after_workflow_task: u32,
        /// Seconds.
        by_s: u64,
    },
    /// Signal `signal` arrives `by_workflow_tasks` workflow tasks later than planned.
    SignalDelayed {
        /// Index in the target's signals.
        signal: usize,
        /// Workflow task completions of delay.
        by_workflow_tasks: u32,
    },
    /// Signal `signal` is delivered twice.
    SignalDuplicated {
        /// Index in the target's signals.
        signal: usize,
    },
    /// Signals `signal` and `signal + 1` swap their delivery points.
    SignalsReordered {
        /// Index in the target's signals.
        signal: usize,
    },
}

/// The faults of one case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct FaultPlan {
    /// The faults, in the order they were generated.
    pub faults: Vec<PlannedFault>,
}

impl FaultPlan {
    /// A plan with no faults.
    pub fn none() -> Self {
        FaultPlan::default()
    }

    /// A plan with these faults.
    pub fn new(faults: Vec<PlannedFault>) -> Self {
        FaultPlan { faults }
    }

    /// Parses the text form (see the module docs); blank lines and `#` comments are skipped.
    pub fn parse(text: &str) -> Result<Self, FuzzError> {
        let mut faults = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line == NO_FAULTS {
                continue;
            }
            faults.push(parse_fault(line).map_err(|message| FuzzError::PlanSyntax {
                line: index + 1,
                text: line.to_string(),
                message,
            })?);
        }
        Ok(FaultPlan { faults })
    }
}

/// How an empty plan prints.
const NO_FAULTS: &str = "(no faults)";

impl fmt::Display for FaultPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.faults.is_empty() {
            return write!(f, "{NO_FAULTS}");
        }
        for (index, fault) in self.faults.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{fault}")?;
        }
        Ok(())
    }
}

impl fmt::Display for PlannedFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlannedFault::ActivityFails {
                task,
                attempts,
                error_type,
                non_retryable,
                after_side_effect,
            } => {
                write!(
                    f,
                    "activity-fails task={task} attempts={attempts} type={error_type}"
                )?;
                if *non_retryable {
                    write!(f, " non-retryable")?;
                }
                if *after_side_effect {
                    write!(f, " after-side-effect")?;
                }
                Ok(())
            }
            PlannedFault::ActivityTimesOut {
                task,
                after_side_effect,
            } => {
                write!(f, "activity-times-out task={task}")?;
                if *after_side_effect {
                    write!(f, " after-side-effect")?;
                }
                Ok(())
            }
            PlannedFault::ActivityResponseLost { task } => {
                write!(f, "activity-response-lost task={task}")
            }
            PlannedFault::ActivityDeliveredTwice { task } => {
                write!(f, "activity-delivered-twice task={task}")
            }
            PlannedFault::WorkflowTaskResponseLost { task } => {
                write!(f, "workflow-task-response-lost task={task}")
            }
            PlannedFault::WorkflowTaskTimesOut { task } => {
                write!(f, "workflow-task-times-out task={task}")
            }
            PlannedFault::WorkerCrashAfterWorkflowTask {
                after_workflow_task,
            } => write!(f, "worker-crash after-workflow-task={after_workflow_task}"),
            PlannedFault::WorkerCrashDuringActivityTask { task } => {
                write!(f, "worker-crash during-activity-task={task}")
            }
            PlannedFault::EngineRestart {
                after_workflow_task,
            } => write!(
                f,
                "engine-restart after-workflow-task={after_workflow_task}"
            ),
            PlannedFault::ClockJump {
                after_workflow_task,
                by_s,
            } => write!(
                f,
                "clock-jump after-workflow-task={after_workflow_task} by={by_s}s"
            ),
            PlannedFault::SignalDelayed {
                signal,
                by_workflow_tasks,
            } => write!(
                f,
                "signal-delayed signal={signal} by-workflow-tasks={by_workflow_tasks}"
            ),
            PlannedFault::SignalDuplicated { signal } => {
                write!(f, "signal-duplicated signal={signal}")
            }
            PlannedFault::SignalsReordered { signal } => {
                write!(f, "signals-reordered signal={signal}")
            }
        }
    }
}

/// The `key=value` and flag words of one line after its kind.
struct Words<'a> {
    words: Vec<&'a str>,
}

impl<'a> Words<'a> {
    fn value(&self, key: &str) -> Result<&'a str, String> {
        self.words
            .iter()
            .find_map(|word| {
                word.strip_prefix(key)
                    .and_then(|rest| rest.strip_prefix('='))
            })
            .ok_or_else(|| format!("missing `{key}=`"))
    }

    fn number<T: std::str::FromStr>(&self, key: &str) -> Result<T, String> {
        let text = self.value(key)?;
        text.parse()
            .map_err(|_| format!("`{key}={text}`: expected a whole number"))
    }

    fn task(&self, key: &str) -> Result<u32, String> {
        let task: u32 = self.number(key)?;
        if task == 0 {
            return Err(format!("`{key}=0`: tasks are counted from 1"));
        }
        Ok(task)
    }

    fn flag(&self, name: &str) -> bool {
        self.words.contains(&name)
    }
}

fn parse_fault(line: &str) -> Result<PlannedFault, String> {
    let mut parts = line.split_whitespace();
    let kind = parts.next().unwrap_or_default();
    let words = Words {
        words: parts.collect(),
    };
    Ok(match kind {
        "activity-fails" => PlannedFault::ActivityFails {
            task: words.task("task")?,
            attempts: words.number("attempts").unwrap_or(1).max(1),
            error_type: words.value("type").unwrap_or("InjectedFault").to_string(),
            non_retryable: words.flag("non-retryable"),
            after_side_effect: words.flag("after-side-effect"),
        },
        "activity-times-out" => PlannedFault::ActivityTimesOut {
            task: words.task("task")?,
            after_side_effect: words.flag("after-side-effect"),
        },
        "activity-response-lost" => PlannedFault::ActivityResponseLost {
            task: words.task("task")?,
        },
        "activity-delivered-twice" => PlannedFault::ActivityDeliveredTwice {
            task: words.task("task")?,
        },
        "workflow-task-response-lost" => PlannedFault::WorkflowTaskResponseLost {
            task: words.task("task")?,
        },
        "workflow-task-times-out" => PlannedFault::WorkflowTaskTimesOut {
            task: words.task("task")?,
        },
        "worker-crash" => {
            if words.value("during-activity-task").is_ok() {
                PlannedFault::WorkerCrashDuringActivityTask {
                    task: words.task("during-activity-task")?,
                }
            } else {
                PlannedFault::WorkerCrashAfterWorkflowTask {
                    after_workflow_task: words.task("after-workflow-task")?,
                }
            }
        }
        "engine-restart" => PlannedFault::EngineRestart {
            after_workflow_task: words.task("after-workflow-task")?,
        },
        "clock-jump" => PlannedFault::ClockJump {
            after_workflow_task: words.task("after-workflow-task")?,
            by_s: parse_seconds(words.value("by")?)?,
        },
        "signal-delayed" => PlannedFault::SignalDelayed {
            signal: words.number("signal")?,
            by_workflow_tasks: words.number("by-workflow-tasks")?,
        },
        "signal-duplicated" => PlannedFault::SignalDuplicated {
            signal: words.number("signal")?,
        },
        "signals-reordered" => PlannedFault::SignalsReordered {
            signal: words.number("signal")?,
        },
        other => return Err(format!("unknown fault `{other}`")),
    })
}

fn parse_seconds(text: &str) -> Result<u64, String> {
    text.strip_suffix('s')
        .unwrap_or(text)
        .parse()
        .map_err(|_| format!("`by={text}`: expected seconds such as `3600s`"))
}

impl PlannedFault {
    /// The clock jump as a duration (for faults that have one).
    pub fn jump(&self) -> Option<Duration> {
        match self {
            PlannedFault::ClockJump { by_s, .. } => Some(Duration::from_secs(*by_s)),
            _ => None,
        }
    }
}
