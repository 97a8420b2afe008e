//! What every wfkit crate's error-code registry (`<crate>/src/error_code.rs`, the engine's
//! `error.rs`) shares: the Markdown table its `ERRORS.md` holds, and the scan of the crate's
//! sources its tests use to check that every code is used and every code literal registered.
//! No dependencies: each registry stays the data of its own crate.

use std::path::{Path, PathBuf};

/// The table of codes as an `ERRORS.md` holds it: one row per (code, meaning, what to do).
pub fn markdown_table<'a>(rows: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>) -> String {
    let mut table = String::from("| code | meaning | what to do |\n|---|---|---|\n");
    for (code, meaning, what_to_do) in rows {
        table.push_str(&format!("| {code} | {meaning} | {what_to_do} |\n"));
    }
    table
}

/// Every `.rs` file under `<manifest_dir>/src`: its path relative to `src/`, and its text.
/// For registry tests; panics when the sources cannot be read.
pub fn source_files(manifest_dir: &str) -> Vec<(String, String)> {
    let root = Path::new(manifest_dir).join("src");
    let mut pending: Vec<PathBuf> = vec![root.clone()];
    let mut files = Vec::new();
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|error| panic!("{} is not readable: {error}", dir.display()));
        for entry in entries {
            let path = entry
                .unwrap_or_else(|error| panic!("a directory entry: {error}"))
                .path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
                let name = path.strip_prefix(&root).unwrap_or(&path);
                files.push((name.display().to_string(), text));
            }
        }
    }
    files
}

/// Whether `needle` occurs in `text` as a whole word (`ErrorCode::Empty` is not in
/// `ErrorCode::EmptyHistory`).
pub fn contains_word(text: &str, needle: &str) -> bool {
    text.match_indices(needle).any(|(at, _)| {
        text[at + needle.len()..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric() && c != '_')
    })
}

/// The `WF<letter><three digits>` words in `text` whose letter is one of `letters`.
pub fn code_literals(text: &str, letters: &[u8]) -> Vec<String> {
    let bytes = text.as_bytes();
    let word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    (0..bytes.len().saturating_sub(5))
        .filter(|&at| {
            bytes[at..].starts_with(b"WF")
                && letters.contains(&bytes[at + 2])
                && bytes[at + 3..at + 6].iter().all(u8::is_ascii_digit)
                && (at == 0 || !word(&bytes[at - 1]))
                && bytes.get(at + 6).is_none_or(|b| !word(b))
        })
        .map(|at| text[at..at + 6].to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_row_per_code_and_literals_as_whole_words() {
        let table = markdown_table([("WFX001", "it broke", "fix it")]);
        assert!(
            table.ends_with("| WFX001 | it broke | fix it |\n"),
            "{table}"
        );
        assert_eq!(
            code_literals("a WFX001, WFY002 and XWFX003", b"X"),
            ["WFX001"]
        );
        assert!(contains_word("ErrorCode::Empty;", "ErrorCode::Empty"));
        assert!(!contains_word(
            "ErrorCode::EmptyHistory",
            "ErrorCode::Empty"
        ));
    }
}
