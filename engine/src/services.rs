//! Server traits generated at build time from the descriptor set of `temporalio-protos`
//! (see `build.rs`). Messages are `temporalio-protos` types.
#![allow(missing_docs, unreachable_pub, clippy::all, clippy::pedantic)]

/// `temporal.api.workflowservice.v1`.
pub mod workflowservice {
    tonic::include_proto!("temporal.api.workflowservice.v1");
}

/// `temporal.api.operatorservice.v1`.
pub mod operatorservice {
    tonic::include_proto!("temporal.api.operatorservice.v1");
}

/// `temporal.api.testservice.v1`.
pub mod testservice {
    tonic::include_proto!("temporal.api.testservice.v1");
}

/// `grpc.health.v1`.
pub mod health {
    tonic::include_proto!("grpc.health.v1");
}
