//! Generates the gRPC server traits of the services the engine implements, from the descriptor
//! set that `temporalio-protos` publishes (`DEP_TEMPORALIO_PROTOS_DESCRIPTOR_PATH`).
//!
//! Only the service definitions are generated: every message type is the one `temporalio-protos`
//! already compiled (`extern_path`), so requests and responses are the very types the official
//! SDK and client crates use, and no `.proto` file lives in this repository.

use prost::Message;

/// The service files whose servers the engine implements.
const SERVICE_FILES: &[&str] = &[
    "temporal/api/workflowservice/v1/service.proto",
    "temporal/api/operatorservice/v1/service.proto",
    "temporal/api/testservice/v1/service.proto",
    "health/v1/health.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::var("DEP_TEMPORALIO_PROTOS_DESCRIPTOR_PATH").map_err(
        |_| "temporalio-protos must publish its descriptor set (links = temporalio_protos)",
    )?;
    println!("cargo:rerun-if-env-changed=DEP_TEMPORALIO_PROTOS_DESCRIPTOR_PATH");
    println!("cargo:rerun-if-changed={path}");
    let bytes = std::fs::read(&path)?;
    let mut set = prost_types::FileDescriptorSet::decode(bytes.as_slice())?;
    set.file.retain(|file| SERVICE_FILES.contains(&file.name()));
    if set.file.len() != SERVICE_FILES.len() {
        return Err(format!(
            "expected {} service files in the descriptor set, found {}",
            SERVICE_FILES.len(),
            set.file.len()
        )
        .into());
    }
    tonic_prost_build::configure()
        .build_client(false)
        .build_server(true)
        // RPCs the engine does not serve answer UNIMPLEMENTED, as an older server would.
        .generate_default_stubs(true)
        .extern_path(".temporal", "::temporalio_protos::temporal")
        .extern_path(".google", "::temporalio_protos::google")
        .extern_path(".grpc", "::temporalio_protos::grpc")
        .compile_fds(set)?;
    Ok(())
}
