//! Calls into the engine from the same process, without a gRPC connection: for harnesses (the
//! fuzzer) that drive many short runs and must not pay for a client per run.

use temporalio_protos::temporal::api::workflowservice::v1::{
    StartWorkflowExecutionRequest, StartWorkflowExecutionResponse,
};

use crate::error::EngineError;
use crate::frontend::Frontend;
use crate::server::Engine;

impl Engine {
    /// StartWorkflowExecution, handled exactly as the RPC is.
    pub async fn start_workflow(
        &self,
        request: StartWorkflowExecutionRequest,
    ) -> Result<StartWorkflowExecutionResponse, EngineError> {
        let frontend = Frontend {
            shared: self.shared.clone(),
        };
        crate::frontend::catch_panic(frontend.start_workflow_execution(request)).await
    }
}
