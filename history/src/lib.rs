//! Temporal workflow histories: read every format found in the wild, write canonical JSON,
//! validate, normalise, diff and summarise.
//!
//! The in-memory model is the official `temporalio-protos` types
//! ([`History`], [`HistoryEvent`]), so histories move freely between wfkit, the Rust SDK and a
//! server.
//!
//! ```no_run
//! let loaded = wfkit_history::load_file("history.json")?;
//! for history in &loaded.histories {
//!     let report = wfkit_history::validate(history);
//!     assert!(report.is_valid(), "{report}");
//! }
//! # Ok::<(), wfkit_history::HistoryError>(())
//! ```

mod codec;
pub mod descriptors;
mod diff;
mod error;
mod error_code;
pub mod event;
mod json_fixup;
mod json_read;
mod json_write;
mod normalize;
mod proto_io;
mod stats;
pub mod synth;
mod table;
mod validate;

pub use codec::{
    Format, Loaded, StreamSummary, load_bytes, load_file, load_reader, read_events, save_file,
    to_json_string, write_histories,
};
pub use diff::{Divergence, FieldDiff, HistoryDiff, diff};
pub use error::{
    HistoryError, Location, WARN_UNKNOWN_ENUM, WARN_UNKNOWN_FIELD, WARN_UNKNOWN_TOP_LEVEL, Warning,
};
pub use error_code::{ErrorCode, error_table_markdown};
pub use json_write::{EnumStyle, event_to_json, write_json, write_json_array};
pub use normalize::{DEFAULT_DROPPED_FIELDS, Normalizer, STICKY_QUEUE_PLACEHOLDER, normalize};
pub use stats::{
    BLOB_SIZE_WARN_BYTES, HISTORY_COUNT_ERROR, HISTORY_COUNT_WARN, HISTORY_SIZE_ERROR_BYTES,
    HISTORY_SIZE_WARN_BYTES, HistoryStats, PayloadSize, StatsOptions, stats,
};
pub use table::render_table;
pub use validate::{ValidationReport, Violation, validate};

/// Validation violation codes (stable), as strings; [`ErrorCode`] holds them as data.
pub mod codes {
    pub use crate::validate::{
        V_ATTRIBUTES, V_CLOSE_EVENT, V_DANGLING_REFERENCE, V_EMPTY, V_EVENT_ID_GAP, V_FIRST_EVENT,
        V_WORKFLOW_TASK_ORDER,
    };
}

pub use temporalio_protos::temporal::api::enums::v1::EventType;
pub use temporalio_protos::temporal::api::history::v1::{
    History, HistoryEvent, history_event::Attributes,
};
