//! Errors of the fuzzer itself (not failures it finds: those are [`crate::FuzzFailure`]s).

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
