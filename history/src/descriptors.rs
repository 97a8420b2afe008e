//! The protobuf descriptors of the Temporal API, as compiled by `temporalio-protos`.
//!
//! They drive the proto3 JSON mapping (field names, enum value names, well-known types), so the
//! JSON codecs always agree with the in-memory types.

use std::sync::OnceLock;

use prost_reflect::{DescriptorPool, MessageDescriptor};

static DESCRIPTOR_SET: &[u8] = include_bytes!(env!("WFKIT_TEMPORAL_DESCRIPTORS"));

/// The pool of every message in the Temporal API.
pub fn pool() -> &'static DescriptorPool {
    static POOL: OnceLock<DescriptorPool> = OnceLock::new();
    POOL.get_or_init(|| {
        // The bytes are embedded at build time from temporalio-protos; they are never user input.
        DescriptorPool::decode(DESCRIPTOR_SET)
            .expect("the descriptor set embedded from temporalio-protos decodes")
    })
}

fn message(name: &str) -> MessageDescriptor {
    pool()
        .get_message_by_name(name)
        .unwrap_or_else(|| panic!("the Temporal API descriptors define {name}"))
}

/// `temporal.api.history.v1.HistoryEvent`.
pub fn history_event() -> MessageDescriptor {
    static DESC: OnceLock<MessageDescriptor> = OnceLock::new();
    DESC.get_or_init(|| message("temporal.api.history.v1.HistoryEvent"))
        .clone()
}
