//! What replay concludes about one history.

use std::fmt;

use serde::Serialize;

/// A hint: a stable code and a sentence a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hint {
    /// Stable code, such as `activity-type-changed`.
    pub code: &'static str,
    /// What probably happened and what to do.
    pub text: String,
}

/// Where new code and a recorded history part ways.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Divergence {
    /// The recorded event at the point of divergence, when known.
    pub event_id: Option<i64>,
    /// Its type, such as `ActivityTaskScheduled`.
    pub event_type: Option<String>,
    /// What the recording has there, in short (`activity greet (id 1)`).
    pub expected: Option<String>,
    /// The command the new code issued instead, in short; `None` when it issued none.
    pub actual: Option<String>,
    /// The SDK's own message, when the SDK detected it.
    pub sdk_message: Option<String>,
}

/// The verdict on one history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// The code replays the whole history, including its last workflow task.
    Ok {
        /// Anything worth knowing (a patch taken, a task the recording failed that now completes).
        notes: Vec<String>,
    },
    /// The code no longer produces what the history recorded.
    Nondeterministic {
        /// The divergence.
        divergence: Divergence,
        /// The likely cause.
        hint: Hint,
    },
    /// The workflow task failed for another reason (a panic, an error, no answer in time).
    Failed {
        /// The SDK's message.
        message: String,
        /// The failure cause the worker reported, or `timeout`.
        cause: String,
        /// The likely cause.
        hint: Hint,
    },
    /// The history itself cannot be replayed (unreadable file, broken structure).
    Unreadable {
        /// Why.
        reason: String,
    },
}

impl Verdict {
    /// `ok`, `nondeterministic`, `failed` or `unreadable`.
    pub fn name(&self) -> &'static str {
        match self {
            Verdict::Ok { .. } => "ok",
            Verdict::Nondeterministic { .. } => "nondeterministic",
            Verdict::Failed { .. } => "failed",
            Verdict::Unreadable { .. } => "unreadable",
        }
    }

    /// True for `ok`.
    pub fn is_ok(&self) -> bool {
        matches!(self, Verdict::Ok { .. })
    }

    /// The same verdict with its hint and notes naming the API of `language`'s SDK.
    pub(crate) fn in_language(self, language: crate::language::SdkLanguage) -> Verdict {
        match self {
            Verdict::Ok { notes } => Verdict::Ok {
                notes: notes.iter().map(|n| language.localize(n)).collect(),
            },
            Verdict::Nondeterministic { divergence, hint } => Verdict::Nondeterministic {
                divergence,
                hint: Hint {
                    code: hint.code,
                    text: language.localize(&hint.text),
                },
            },
            Verdict::Failed {
                message,
                cause,
                hint,
            } => Verdict::Failed {
                message,
                cause,
                hint: Hint {
                    code: hint.code,
                    text: language.localize(&hint.text),
                },
            },
            unreadable @ Verdict::Unreadable { .. } => unreadable,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Ok { notes } if notes.is_empty() => f.write_str("ok"),
            Verdict::Ok { notes } => write!(f, "ok ({})", notes.join("; ")),
            Verdict::Nondeterministic { divergence, hint } => {
                f.write_str("nondeterministic")?;
                if let (Some(id), Some(kind)) = (divergence.event_id, &divergence.event_type) {
                    write!(f, " at event {id} {kind}")?;
                }
                if divergence.expected.is_some() || divergence.actual.is_some() {
                    write!(
                        f,
                        ": expected {}, the code issued {}",
                        divergence.expected.as_deref().unwrap_or("nothing"),
                        divergence.actual.as_deref().unwrap_or("nothing")
                    )?;
                }
                if let Some(message) = &divergence.sdk_message {
                    write!(f, "\n      sdk: {message}")?;
                }
                write!(f, "\n      hint [{}]: {}", hint.code, hint.text)
            }
            Verdict::Failed {
                message,
                cause,
                hint,
            } => {
                write!(
                    f,
                    "failed ({cause}): {message}\n      hint [{}]: {}",
                    hint.code, hint.text
                )
            }
            Verdict::Unreadable { reason } => write!(f, "unreadable: {reason}"),
        }
    }
}

pub(crate) fn hint(code: &'static str, text: impl Into<String>) -> Hint {
    Hint {
        code,
        text: text.into(),
    }
}
