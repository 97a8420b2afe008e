//! Every real history from Temporal's public SDK repositories (`fixtures/public/`)
//! loads, and survives a round trip through wfkit's canonical JSON and binary protobuf.

use std::path::{Path, PathBuf};

use wfkit_history::{Format, load_bytes, load_file, validate, write_histories};

fn public_histories_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/public");
    assert!(
        root.is_dir(),
        "the public histories are expected at {}",
        root.display()
    );
    root
}

fn all_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![public_histories_dir()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable directory") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_public_history_loads_and_round_trips() {
    let files = all_files();
    assert!(
        files.len() >= 150,
        "expected the 150 public histories, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    let mut histories = 0usize;
    let mut legacy = 0usize;
    for file in &files {
        let loaded = match load_file(file) {
            Ok(loaded) => loaded,
            Err(err) => {
                failures.push(format!("load: {err}"));
                continue;
            }
        };
        if loaded.format == Some(Format::LegacyJson) {
            legacy += 1;
        }
        assert!(
            !loaded.histories.is_empty(),
            "{}: no history",
            file.display()
        );
        for history in &loaded.histories {
            assert!(
                !history.events.is_empty(),
                "{}: a history without events",
                file.display()
            );
        }
        histories += loaded.histories.len();
        for format in [Format::Json, Format::LegacyJson, Format::Proto] {
            if format == Format::Proto && loaded.histories.len() != 1 {
                continue;
            }
            let mut bytes = Vec::new();
            if let Err(err) = write_histories(&loaded.histories, format, &mut bytes) {
                failures.push(format!("{}: write {format}: {err}", file.display()));
                continue;
            }
            match load_bytes("round trip", &bytes) {
                Ok(again) => {
                    if again.histories != loaded.histories {
                        failures.push(format!(
                            "{}: {format} round trip changed the history",
                            file.display()
                        ));
                    }
                    let expected =
                        if format == Format::Json && loaded.format == Some(Format::LegacyJson) {
                            // Canonical output of a legacy input is canonical.
                            Format::Json
                        } else {
                            format
                        };
                    if again.format != Some(expected) && format != Format::LegacyJson {
                        failures.push(format!(
                            "{}: {format} output detected as {:?}",
                            file.display(),
                            again.format
                        ));
                    }
                }
                Err(err) => failures.push(format!("{}: reload {format}: {err}", file.display())),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        legacy > 50,
        "the corpus has many legacy files; only {legacy} were detected as legacy"
    );
    assert!(histories >= files.len());
}

/// Validation over the corpus: every history that the SDK repositories use as a valid example
/// validates. The few that break a rule on purpose are listed with the rule they break.
#[test]
fn public_histories_validate() {
    // Hand-written replay fixtures whose references really are broken: the Go SDK's point one
    // event at a later event or at a WorkflowTaskStarted, the Java SDK's point markers and commands
    // at the WorkflowTaskStarted instead of the WorkflowTaskCompleted. The SDK replayers do not
    // check `workflowTaskCompletedEventId`; wfkit does, and names the event and field.
    let known_broken = [
        (
            "test__replaytests__child-workflow-cancel-with-update.json",
            12,
        ),
        (
            "test__replaytests__replay-tests-cancel-order-timer-resolved.json",
            11,
        ),
        (
            "temporal-sdk__src__test__resources__get_version_after_scope_cancellation.json",
            5,
        ),
        (
            "temporal-sdk__src__test__resources__laRetriesAndFails_1_17.json",
            8,
        ),
        (
            "temporal-sdk__src__test__resources__laSuccessfulCompletion_1_17.json",
            5,
        ),
        (
            "temporal-sdk__src__test__resources__testGetHistoryLength.json",
            11,
        ),
        (
            "temporal-sdk__src__test__resources__testGetHistorySize.json",
            11,
        ),
        (
            "temporal-sdk__src__test__resources__testGetVersionInterleavedUpdateReplayWaitForMarkerHistory.json",
            5,
        ),
        (
            "temporal-sdk__src__test__resources__testUnknownHistoryEventClean.json",
            5,
        ),
        (
            "temporal-sdk__src__test__resources__testUnknownHistoryEventMayIgnore.json",
            5,
        ),
        (
            "temporal-sdk__src__test__resources__testUnknownHistoryEventMayNotIgnore.json",
            5,
        ),
    ];
    let mut report: Vec<String> = Vec::new();
    for file in all_files() {
        let loaded = load_file(&file).expect("loads (see the round-trip test)");
        for history in &loaded.histories {
            let result = validate(history);
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            match known_broken.iter().find(|(broken, _)| *broken == name) {
                Some((_, event_id)) => {
                    let first = result.violations.first();
                    assert!(
                        first.is_some_and(|v| v.event_id == *event_id
                            && v.code == wfkit_history::codes::V_DANGLING_REFERENCE
                            && v.field == Some("workflowTaskCompletedEventId")),
                        "{name}: expected the broken reference at event {event_id}, got: {result}"
                    );
                }
                None if !result.is_valid() => {
                    report.push(format!("{name}: {}", result.violations[0]))
                }
                None => {}
            }
        }
    }
    assert!(
        report.is_empty(),
        "{} histories do not validate:\n{}",
        report.len(),
        report.join("\n")
    );
}
