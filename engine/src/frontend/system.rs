//! GetSystemInfo and the namespace RPCs.

use temporalio_protos::temporal::api::enums::v1::NamespaceState;
use temporalio_protos::temporal::api::enums::v1::{ArchivalState, ReplicationState};
use temporalio_protos::temporal::api::namespace::v1::BadBinaries;
use temporalio_protos::temporal::api::namespace::v1::{
    NamespaceConfig, NamespaceInfo, namespace_info,
};
use temporalio_protos::temporal::api::replication::v1::{
    ClusterReplicationConfig, NamespaceReplicationConfig,
};
use temporalio_protos::temporal::api::workflowservice::v1::{
    DescribeNamespaceRequest, DescribeNamespaceResponse, GetSystemInfoRequest,
    GetSystemInfoResponse, ListNamespacesRequest, ListNamespacesResponse, RegisterNamespaceRequest,
    RegisterNamespaceResponse, get_system_info_response::Capabilities,
};

use super::Frontend;
use crate::error::EngineError;
use crate::namespace::NamespaceRecord;
use crate::time::{duration, proto_duration};

/// The server version the engine reports: the release whose behaviour it follows.
pub(crate) const SERVER_VERSION: &str = "1.32.0";

impl Frontend {
    /// A worker stops: its sticky queue is gone, so runs stuck to it go back to the normal
    /// queue now instead of waiting out their sticky schedule-to-start timeout.
    pub(crate) async fn shutdown_worker(
        &self,
        request: temporalio_protos::temporal::api::workflowservice::v1::ShutdownWorkerRequest,
    ) -> Result<
        temporalio_protos::temporal::api::workflowservice::v1::ShutdownWorkerResponse,
        EngineError,
    > {
        if request.sticky_task_queue.is_empty() {
            return Ok(Default::default());
        }
        let mut state = self.shared.lock();
        let stuck: Vec<_> = state
            .executions
            .values()
            .filter(|run| {
                run.key.namespace == request.namespace
                    && run
                        .sticky
                        .as_ref()
                        .is_some_and(|sticky| sticky.queue == request.sticky_task_queue)
            })
            .map(|run| run.key.clone())
            .collect();
        for key in stuck {
            state.unstick_scheduled_task(&key);
            if let Some(run) = state.executions.get_mut(&key).map(std::sync::Arc::make_mut) {
                run.sticky = None;
            }
        }
        Ok(Default::default())
    }

    /// ResetStickyTaskQueue: the run forgets its sticky queue (a task waiting there moves to
    /// the normal queue), so its next task goes to any worker.
    pub(crate) async fn reset_sticky_task_queue(
        &self,
        request: temporalio_protos::temporal::api::workflowservice::v1::ResetStickyTaskQueueRequest,
    ) -> Result<
        temporalio_protos::temporal::api::workflowservice::v1::ResetStickyTaskQueueResponse,
        EngineError,
    > {
        let Some(execution) = request.execution else {
            return Err(EngineError::InvalidArgument(
                "Execution is not set on request.".to_string(),
            ));
        };
        if execution.workflow_id.is_empty() {
            return Err(EngineError::InvalidArgument(
                "WorkflowId is not set on request.".to_string(),
            ));
        }
        let mut state = self.shared.lock();
        state.namespace(&request.namespace)?;
        let key = state.resolve(
            &request.namespace,
            &execution.workflow_id,
            &execution.run_id,
        )?;
        if !state.execution(&key)?.is_running() {
            return Err(EngineError::NotFound(
                "workflow execution already completed".to_string(),
            ));
        }
        state.unstick_scheduled_task(&key);
        if let Some(run) = state.executions.get_mut(&key).map(std::sync::Arc::make_mut) {
            run.sticky = None;
        }
        Ok(Default::default())
    }

    pub(crate) async fn get_system_info(
        &self,
        _request: GetSystemInfoRequest,
    ) -> Result<GetSystemInfoResponse, EngineError> {
        Ok(GetSystemInfoResponse {
            server_version: SERVER_VERSION.to_string(),
            capabilities: Some(Capabilities {
                signal_and_query_header: true,
                internal_error_differentiation: true,
                activity_failure_include_heartbeat: true,
                supports_schedules: true,
                encoded_failure_attributes: true,
                // The dev server says true; the Rust worker then stamps its build id on tasks.
                build_id_based_versioning: true,
                upsert_memo: true,
                eager_workflow_start: false,
                sdk_metadata: true,
                count_group_by_execution_status: false,
                nexus: false,
                ..Capabilities::default()
            }),
        })
    }

    pub(crate) async fn describe_namespace(
        &self,
        request: DescribeNamespaceRequest,
    ) -> Result<DescribeNamespaceResponse, EngineError> {
        let state = self.shared.lock();
        let record = if !request.id.is_empty() {
            state
                .namespaces
                .values()
                .find(|n| n.id == request.id)
                .ok_or_else(|| EngineError::NamespaceNotFound(request.id.clone()))?
        } else {
            state.namespace(&request.namespace)?
        };
        Ok(describe(record))
    }

    pub(crate) async fn list_namespaces(
        &self,
        _request: ListNamespacesRequest,
    ) -> Result<ListNamespacesResponse, EngineError> {
        let state = self.shared.lock();
        Ok(ListNamespacesResponse {
            namespaces: state.namespaces.values().map(describe).collect(),
            next_page_token: Vec::new(),
        })
    }

    pub(crate) async fn register_namespace(
        &self,
        request: RegisterNamespaceRequest,
    ) -> Result<RegisterNamespaceResponse, EngineError> {
        if request.namespace.is_empty() {
            return Err(EngineError::InvalidArgument(
                "Namespace is not set on request.".to_string(),
            ));
        }
        // The server checks the retention before it looks for the namespace.
        let retention = duration(request.workflow_execution_retention_period.as_ref())
            .filter(|r| !r.is_zero())
            .ok_or_else(|| {
                EngineError::InvalidArgument(
                    "A valid retention period is not set on request.".to_string(),
                )
            })?;
        let mut state = self.shared.lock();
        if state.namespaces.contains_key(&request.namespace) {
            return Err(EngineError::NamespaceAlreadyExists);
        }
        let id = state.ids.uuid();
        let mut record = NamespaceRecord::new(&request.namespace, id, retention);
        record.description = request.description;
        record.owner_email = request.owner_email;
        state.namespaces.insert(request.namespace, record);
        Ok(RegisterNamespaceResponse {})
    }
}

fn describe(record: &NamespaceRecord) -> DescribeNamespaceResponse {
    DescribeNamespaceResponse {
        namespace_info: Some(NamespaceInfo {
            name: record.name.clone(),
            state: NamespaceState::Registered as i32,
            description: record.description.clone(),
            owner_email: record.owner_email.clone(),
            id: record.id.clone(),
            capabilities: Some(namespace_info::Capabilities {
                eager_workflow_start: false,
                sync_update: true,
                async_update: true,
                ..namespace_info::Capabilities::default()
            }),
            supports_schedules: true,
            ..NamespaceInfo::default()
        }),
        config: Some(NamespaceConfig {
            workflow_execution_retention_ttl: Some(proto_duration(record.retention)),
            // The server always sends these; the `temporal` CLI dereferences them.
            bad_binaries: Some(BadBinaries::default()),
            history_archival_state: ArchivalState::Disabled as i32,
            visibility_archival_state: ArchivalState::Disabled as i32,
            ..NamespaceConfig::default()
        }),
        // A single-cluster server names its one cluster `active`, as start-dev does.
        replication_config: Some(NamespaceReplicationConfig {
            active_cluster_name: "active".to_string(),
            clusters: vec![ClusterReplicationConfig {
                cluster_name: "active".to_string(),
                ..Default::default()
            }],
            state: ReplicationState::Normal as i32,
        }),
        ..DescribeNamespaceResponse::default()
    }
}
