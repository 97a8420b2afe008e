//! `temporal.api.operatorservice.v1.OperatorService`: served so that operator clients (the
//! `temporal operator` commands, SDK test helpers) reach the engine and get a clear
//! UNIMPLEMENTED for each RPC, rather than an unknown service. Its RPCs (search attributes,
//! Nexus endpoints, clusters) get their handlers here as the engine learns them.

use crate::services::operatorservice::operator_service_server::OperatorService;

/// The OperatorService: every RPC answers with the generated default, UNIMPLEMENTED.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct OperatorFrontend;

#[tonic::async_trait]
impl OperatorService for OperatorFrontend {}
