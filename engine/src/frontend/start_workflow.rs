//! StartWorkflowExecution: the request checked and applied by `transitions::start_request`.

use temporalio_protos::temporal::api::workflowservice::v1::{
    StartWorkflowExecutionRequest, StartWorkflowExecutionResponse,
};

use super::Frontend;
use crate::error::EngineError;
use crate::transitions::start_request::{start_workflow, validate};

impl Frontend {
    pub(crate) async fn start_workflow_execution(
        &self,
        mut request: StartWorkflowExecutionRequest,
    ) -> Result<StartWorkflowExecutionResponse, EngineError> {
        validate(&mut request)?;
        let mut state = self.shared.lock();
        state.namespace(&request.namespace)?;
        start_workflow(&mut state, request)
    }
}
