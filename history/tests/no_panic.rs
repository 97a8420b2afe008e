//! Mutated input never panics the reader, the validator, the normaliser or the writer.

use proptest::prelude::*;
use serde_json::Value;
use wfkit_history::{Format, load_bytes, normalize, stats, validate, write_histories};

const GOOD: &str =
    include_str!("../../fixtures/public/sdk-go/test__replaytests__bad-empty-workflow.json");

fn exercise(bytes: &[u8]) {
    if let Ok(loaded) = load_bytes("mutated.json", bytes) {
        for history in &loaded.histories {
            let _ = validate(history);
            let _ = normalize(history);
            let _ = stats(history, Default::default());
            let mut out = Vec::new();
            let _ = write_histories(std::slice::from_ref(history), Format::Json, &mut out);
            let _ = write_histories(std::slice::from_ref(history), Format::Proto, &mut out);
        }
    }
}

/// Every node of a JSON tree, addressed as a JSON pointer.
fn pointers(value: &Value, prefix: String, out: &mut Vec<String>) {
    out.push(prefix.clone());
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                pointers(
                    child,
                    format!("{prefix}/{}", key.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                pointers(child, format!("{prefix}/{index}"), out);
            }
        }
        _ => {}
    }
}

fn replacement() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        Just(Value::String("EVENT_TYPE_TIMER_FIRED".into())),
        Just(Value::String("-9223372036854775808".into())),
        Just(Value::String("99999999999999999999".into())),
        Just(serde_json::json!([])),
        Just(serde_json::json!({})),
        Just(serde_json::json!({"payloads": [{"data": 1}]})),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Structural mutations: a random node of a real history replaced by a random value.
    #[test]
    fn structural_mutations_never_panic(picks in prop::collection::vec((any::<prop::sample::Index>(), replacement()), 1..4)) {
        let mut value: Value = serde_json::from_str(GOOD).expect("JSON");
        for (index, new_value) in picks {
            let mut all = Vec::new();
            pointers(&value, String::new(), &mut all);
            let pointer = index.get(&all).clone();
            if pointer.is_empty() {
                value = new_value;
            } else if let Some(node) = value.pointer_mut(&pointer) {
                *node = new_value;
            }
        }
        exercise(value.to_string().as_bytes());
    }

    /// Byte-level mutations: truncation, deletion, insertion and flips anywhere in the text.
    #[test]
    fn byte_mutations_never_panic(cut in any::<prop::sample::Index>(), edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8)) {
        let mut bytes = GOOD.as_bytes().to_vec();
        for (index, byte) in edits {
            let at = index.index(bytes.len());
            match byte % 3 {
                0 => { bytes.remove(at); }
                1 => bytes.insert(at, byte),
                _ => bytes[at] = byte,
            }
        }
        let keep = cut.index(bytes.len() + 1);
        bytes.truncate(keep.max(bytes.len() / 2));
        exercise(&bytes);
    }

    /// Binary protobuf mutations.
    #[test]
    fn protobuf_mutations_never_panic(edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6)) {
        let loaded = load_bytes("good.json", GOOD.as_bytes()).expect("loads");
        let mut bytes = Vec::new();
        write_histories(&loaded.histories, Format::Proto, &mut bytes).expect("writes");
        for (index, byte) in edits {
            let at = index.index(bytes.len());
            bytes[at] = byte;
        }
        exercise(&bytes);
    }
}
