//! File names for pulled histories that are safe on every file system and never collide.

/// Longest workflow-id part kept in a shortened name.
const MAX_WORKFLOW_ID_CHARS: usize = 80;
/// Longest run-id part kept in a shortened name (run ids are 36-character UUIDs).
const MAX_RUN_ID_CHARS: usize = 40;
/// Longest name (without `.json`) written verbatim; longer ones are shortened.
const MAX_VERBATIM_CHARS: usize = 150;

/// The file name for one execution's history: `<workflowId>__<runId>.json`.
///
/// Ids are used verbatim when they are made of `[A-Za-z0-9._-]`, hold no `__`, neither start
/// nor end with `_`, and are short enough. Otherwise every other character becomes `_`, long
/// parts are cut, and a hash of the exact ids is appended:
/// `<workflowId>__<runId>__<16 hex digits>.json`. A verbatim name contains `__` exactly once
/// and a hashed one at least twice, so the two kinds never meet, and distinct ids get distinct
/// names (up to a 64-bit hash collision among the hashed ones).
pub fn history_file_name(workflow_id: &str, run_id: &str) -> String {
    let verbatim_len = workflow_id.len() + 2 + run_id.len();
    if is_verbatim_part(workflow_id)
        && is_verbatim_part(run_id)
        && verbatim_len <= MAX_VERBATIM_CHARS
    {
        return format!("{workflow_id}__{run_id}.json");
    }
    format!(
        "{}__{}__{:016x}.json",
        sanitize(workflow_id, MAX_WORKFLOW_ID_CHARS),
        sanitize(run_id, MAX_RUN_ID_CHARS),
        ids_hash(workflow_id, run_id)
    )
}

fn is_allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

fn is_verbatim_part(part: &str) -> bool {
    !part.is_empty()
        && part.chars().all(is_allowed)
        && !part.contains("__")
        && !part.starts_with('_')
        && !part.ends_with('_')
        // "." and ".." alone are fine inside a longer name, but keep names plainly readable.
        && part != "."
        && part != ".."
}

fn sanitize(part: &str, max_chars: usize) -> String {
    let cleaned: String = part
        .chars()
        .take(max_chars)
        .map(|c| if is_allowed(c) { c } else { '_' })
        .collect();
    if cleaned.is_empty() {
        "_".to_owned()
    } else {
        cleaned
    }
}

/// FNV-1a, 64 bits, over the length-prefixed ids: stable across platforms, versions and runs,
/// which `std`'s hashers do not promise.
fn ids_hash(workflow_id: &str, run_id: &str) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let length = u64::try_from(workflow_id.len()).unwrap_or(u64::MAX);
    let bytes = length
        .to_le_bytes()
        .into_iter()
        .chain(workflow_id.bytes())
        .chain(run_id.bytes());
    bytes.fold(OFFSET, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn plain_ids_are_kept_verbatim() {
        assert_eq!(
            history_file_name("order-42.v2", "0b3e5f1c-8a44-4f5e-9d6c-2f1a7b9e0c11"),
            "order-42.v2__0b3e5f1c-8a44-4f5e-9d6c-2f1a7b9e0c11.json"
        );
    }

    #[test]
    fn unsafe_characters_are_replaced_and_hashed() {
        let name = history_file_name("orders/42: ünï", "run 1");
        assert!(name.starts_with("orders_42___n___run_1__"), "{name}");
        assert!(name.ends_with(".json"));
        assert!(name.chars().all(is_allowed), "{name}");
    }

    #[test]
    fn names_that_sanitize_alike_stay_distinct() {
        let pairs = [
            ("a/b", "r"),
            ("a:b", "r"),
            ("a_b", "r"),
            ("a__b", "c"),
            ("a", "b__c"),
            ("a_", "b"),
            ("a", "_b"),
            ("a", "b"),
            ("", "r"),
            ("_", "r"),
            (".", "r"),
        ];
        let names: BTreeSet<String> = pairs.iter().map(|(w, r)| history_file_name(w, r)).collect();
        assert_eq!(names.len(), pairs.len(), "{names:#?}");
    }

    #[test]
    fn long_ids_are_cut_with_a_hash() {
        let long = "x".repeat(1_000);
        let a = history_file_name(&long, "r");
        let b = history_file_name(&format!("{long}y"), "r");
        assert_ne!(a, b);
        assert!(
            a.len() <= MAX_WORKFLOW_ID_CHARS + MAX_RUN_ID_CHARS + 2 + 2 + 16 + 5,
            "{}",
            a.len()
        );
    }

    #[test]
    fn the_hash_is_stable() {
        // Pinned: changing the hash would rename every pulled file.
        assert_eq!(
            history_file_name("a/b", "r"),
            "a_b__r__022b2a61f5cc1812.json"
        );
    }
}
