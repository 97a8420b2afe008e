//! Errors of the fuzzer itself (not failures it finds: those are [`crate::FuzzFailure`]s).

use crate::error_code::ErrorCode;

/// Something stopped the fuzzer from running cases.
#[derive(Debug, thiserror::Error)]
pub enum FuzzError {
    /// A fault plan's text could not be read.
    #[error("[WFZ001] fault plan line {line} `{text}`: {message}")]
    PlanSyntax {
        /// 1-based line number.
        line: usize,
        /// The line.
        text: String,
        /// What is wrong.
        message: String,
    },
    /// The engine could not start.
    #[error("[WFZ002] cannot start the wfkit engine: {0}")]
    Engine(#[from] wfkit_engine::StartError),
    /// A worker could not start.
    #[error("[WFZ003] cannot start worker incarnation {incarnation}: {message}")]
    Worker {
        /// Which incarnation.
        incarnation: u32,
        /// Why.
        message: String,
    },
    /// The workflow could not be started.
    #[error("[WFZ004] cannot start workflow {workflow_type} ({workflow_id}): {message}")]
    Start {
        /// Workflow type.
        workflow_type: String,
        /// Workflow id.
        workflow_id: String,
        /// Why.
        message: String,
    },
    /// The regression file could not be read or written.
    #[error("[WFZ005] regression file {path}: {source}")]
    Regressions {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A tokio runtime could not be built.
    #[error("[WFZ006] cannot build a tokio runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// The settings are unusable.
    #[error("[WFZ007] {0}")]
    Config(String),
}

impl FuzzError {
    /// The stable code, such as `WFZ001` (the registry's [`ErrorCode::as_str`]).
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

    /// The code as data: its meaning and what to do ([`ErrorCode`]).
    pub fn error_code(&self) -> ErrorCode {
        match self {
            FuzzError::PlanSyntax { .. } => ErrorCode::PlanSyntax,
            FuzzError::Engine(_) => ErrorCode::Engine,
            FuzzError::Worker { .. } => ErrorCode::Worker,
            FuzzError::Start { .. } => ErrorCode::Start,
            FuzzError::Regressions { .. } => ErrorCode::Regressions,
            FuzzError::Runtime(_) => ErrorCode::Runtime,
            FuzzError::Config(_) => ErrorCode::Config,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn io() -> std::io::Error {
        std::io::Error::other("denied")
    }

    /// One value of every variant, in code order.
    fn one_of_each() -> Vec<FuzzError> {
        vec![
            FuzzError::PlanSyntax {
                line: 1,
                text: "activity-explodes".to_string(),
                message: "unknown fault".to_string(),
            },
            FuzzError::Engine(wfkit_engine::StartError::Bind {
                address: "127.0.0.1:1".to_string(),
                source: io(),
            }),
            FuzzError::Worker {
                incarnation: 0,
                message: "no worker".to_string(),
            },
            FuzzError::Start {
                workflow_type: "Saga".to_string(),
                workflow_id: "saga-1".to_string(),
                message: "refused".to_string(),
            },
            FuzzError::Regressions {
                path: "proptest-regressions/saga.txt".to_string(),
                source: io(),
            },
            FuzzError::Runtime(io()),
            FuzzError::Config("WFKIT_FUZZ_CASES=x: expected a whole number".to_string()),
        ]
    }

    #[test]
    fn every_message_starts_with_its_code() {
        for error in one_of_each() {
            let text = error.to_string();
            assert!(text.starts_with(&format!("[{}] ", error.code())), "{text}");
        }
    }

    #[test]
    fn the_errors_cover_every_code() {
        let codes: Vec<ErrorCode> = one_of_each().iter().map(FuzzError::error_code).collect();
        assert_eq!(codes, ErrorCode::ALL);
    }
}
