//! Hands the descriptor set that `temporalio-protos` compiled to this crate's code.
//!
//! `temporalio-protos` declares `links = "temporalio_protos"` and prints `descriptor_path`, so
//! cargo gives dependents `DEP_TEMPORALIO_PROTOS_DESCRIPTOR_PATH`. That variable only reaches
//! build scripts, so it is forwarded to rustc here and embedded with `include_bytes!`. The
//! descriptors drive the proto3 JSON mapping, so field names and enum values are always those
//! of the exact protos the in-memory types were generated from.

fn main() {
    let path = std::env::var("DEP_TEMPORALIO_PROTOS_DESCRIPTOR_PATH")
        .expect("temporalio-protos must publish its descriptor set (links = temporalio_protos)");
    println!("cargo:rerun-if-env-changed=DEP_TEMPORALIO_PROTOS_DESCRIPTOR_PATH");
    println!("cargo:rustc-env=WFKIT_TEMPORAL_DESCRIPTORS={path}");
}
