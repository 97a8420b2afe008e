//! wfkit's canonical JSON loads in the official Python SDK
//! (`temporalio.client.WorkflowHistory.from_json`), with the same event count and types.
//!
//! Needs the project's venv (`bash scripts/setup.sh`); a missing venv fails the test with the
//! command to run, it never skips.

use std::path::{Path, PathBuf};
use std::process::Command;

use wfkit_history::{Format, load_file, save_file};

fn python() -> PathBuf {
    if let Some(path) = std::env::var_os("WFKIT_PYTHON") {
        return PathBuf::from(path);
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
    assert!(
        path.is_file(),
        "no Python venv at {}: run `bash scripts/setup.sh` first",
        path.display()
    );
    path
}

const CHECK: &str = r#"
import json, sys
from temporalio.client import WorkflowHistory
for path in sys.argv[1:]:
    with open(path) as f:
        history = WorkflowHistory.from_json("wfkit-check", f.read())
    types = [e.event_type for e in history.events]
    print(json.dumps({"path": path, "events": len(history.events), "first_type": int(types[0]), "last_type": int(types[-1])}))
"#;

#[test]
fn canonical_output_loads_in_the_python_sdk() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/public");
    let picks = [
        "samples-go/helloworld__helloworld.json",
        "sdk-go/test__replaytests__bad-empty-workflow.json",
        "sdk-go/test__replaytests__update_complete_and_exit.json",
        "sdk-java/temporal-sdk__src__test__resources__laSuccessfulCompletion_1_17.json",
        "sdk-python/tests__contrib__openai_agents__histories__research-workflow-history.json",
        "sdk-typescript/contrib__interceptors-opentelemetry__src____tests____history_files__otel_smorgasbord_1_13_1.json",
    ];
    let dir = tempfile::tempdir().expect("temp dir");
    let mut written = Vec::new();
    let mut expected = Vec::new();
    for pick in picks {
        let source = corpus.join(pick);
        let loaded = load_file(&source).unwrap_or_else(|e| panic!("{e}"));
        let history = loaded.histories.into_iter().next().expect("one history");
        let out = dir.path().join(pick.replace('/', "__"));
        save_file(&out, std::slice::from_ref(&history), Format::Json).expect("writes");
        let text = std::fs::read_to_string(&out).expect("read back");
        assert!(
            !text.contains("\"eventType\": \"WorkflowExecutionStarted\""),
            "canonical, not legacy: {pick}"
        );
        expected.push((
            out.display().to_string(),
            history.events.len(),
            history.events[0].event_type,
            history
                .events
                .last()
                .map(|e| e.event_type)
                .unwrap_or_default(),
        ));
        written.push(out);
    }
    let output = Command::new(python())
        .arg("-c")
        .arg(CHECK)
        .args(&written)
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "the Python SDK rejected wfkit's JSON:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), expected.len(), "{stdout}");
    for (line, (path, events, first, last)) in lines.iter().zip(&expected) {
        assert_eq!(line["path"], path.as_str());
        assert_eq!(line["events"], *events, "{path}");
        assert_eq!(line["first_type"], *first, "{path}");
        assert_eq!(line["last_type"], *last, "{path}");
    }
}
