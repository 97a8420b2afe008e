//! JSON payloads, as the official SDKs' default data converter writes them.

use std::collections::HashMap;

use serde_json::Value;
use temporalio_protos::temporal::api::common::v1::{Payload, Payloads};

const ENCODING: &str = "encoding";
const JSON_PLAIN: &[u8] = b"json/plain";
const BINARY_NULL: &[u8] = b"binary/null";

/// One `json/plain` payload holding `json` (already JSON text).
pub(super) fn json_payloads(json: Vec<u8>) -> Payloads {
    Payloads {
        payloads: vec![Payload {
            metadata: HashMap::from([(ENCODING.to_owned(), JSON_PLAIN.to_vec())]),
            data: json,
            ..Payload::default()
        }],
    }
}

/// The first payload of a result as JSON: `null` for no payload or `binary/null`; an error
/// message for other encodings or broken JSON.
pub(super) fn first_as_json(payloads: Option<&Payloads>) -> Result<Value, String> {
    let Some(payload) = payloads.and_then(|payloads| payloads.payloads.first()) else {
        return Ok(Value::Null);
    };
    match payload.metadata.get(ENCODING).map(Vec::as_slice) {
        Some(JSON_PLAIN) => serde_json::from_slice(&payload.data)
            .map_err(|error| format!("the result is not JSON: {error}")),
        Some(BINARY_NULL) => Ok(Value::Null),
        Some(other) => Err(format!(
            "the result has encoding {:?}; only json/plain and binary/null are read",
            String::from_utf8_lossy(other)
        )),
        None => Err("the result payload has no encoding".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trips() {
        let payloads = json_payloads(br#"{"n": 3}"#.to_vec());
        assert_eq!(
            first_as_json(Some(&payloads)),
            Ok(serde_json::json!({"n": 3}))
        );
        assert_eq!(first_as_json(None), Ok(Value::Null));
    }

    #[test]
    fn other_encodings_are_reported() {
        let mut payloads = json_payloads(b"x".to_vec());
        assert!(first_as_json(Some(&payloads)).is_err());
        payloads.payloads[0]
            .metadata
            .insert(ENCODING.to_owned(), b"binary/protobuf".to_vec());
        let error = first_as_json(Some(&payloads)).expect_err("refused");
        assert!(error.contains("binary/protobuf"), "{error}");
    }
}
