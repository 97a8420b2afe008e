//! `wfkit history ...` end to end: the real binary on real and broken files, checking output
//! and exit codes (0 success, 1 check failed, 2 unusable input).

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn wfkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wfkit"))
        .args(args)
        .output()
        .expect("wfkit runs")
}

fn public(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/public")
        .join(relative);
    assert!(path.is_file(), "{} exists", path.display());
    path.display().to_string()
}

fn text(output: &Output) -> String {
    common::printed(output)
}

#[test]
fn validate_reports_one_line_per_file_and_exit_code() {
    let good = public("samples-go/helloworld__helloworld.json");
    let array =
        public("features/features__activity__retry_on_error__history__history.go.v1.5.0.json");
    let output = wfkit(&["history", "validate", &good, &array]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines[0].starts_with("OK")
            && lines[0].contains("format=legacy-json workflow=Workflow events=11 status=completed"),
        "{stdout}"
    );
    assert!(
        lines[1].contains("array of 1") && lines[1].contains("status=failed"),
        "{stdout}"
    );

    let broken =
        public("sdk-java/temporal-sdk__src__test__resources__laSuccessfulCompletion_1_17.json");
    let output = wfkit(&["history", "validate", &good, &broken]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(
        text(&output).contains("[WFV003] event 5: field `workflowTaskCompletedEventId`"),
        "{}",
        text(&output)
    );
}

#[test]
fn unreadable_input_names_file_event_and_field() {
    let dir = tempfile::tempdir().expect("temp dir");
    let source =
        std::fs::read_to_string(public("samples-go/helloworld__helloworld.json")).expect("read");
    let mut value: serde_json::Value = serde_json::from_str(&source).expect("JSON");
    value["events"][2]["workflowTaskStartedEventAttributes"]["scheduledEventId"] =
        serde_json::json!([1]);
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, value.to_string()).expect("write");
    let truncated = dir.path().join("truncated.json");
    std::fs::write(&truncated, &source[..source.len() / 3]).expect("write");
    let bad = bad.display().to_string();
    let truncated = truncated.display().to_string();

    let output = wfkit(&["history", "validate", &bad, &truncated]);
    assert_eq!(output.status.code(), Some(1));
    let out = text(&output);
    assert!(
        out.contains(&format!(
            "{bad}: event 3: field `workflowTaskStartedEventAttributes.scheduledEventId`"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("{truncated}:")) && out.contains("truncated"),
        "{out}"
    );

    for command in [
        vec!["show", bad.as_str()],
        vec!["stats", bad.as_str()],
        vec!["convert", "--to", "json", bad.as_str(), "/dev/null"],
    ] {
        let mut args = vec!["history"];
        args.extend(command);
        let output = wfkit(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", text(&output));
        assert!(
            text(&output)
                .contains("event 3: field `workflowTaskStartedEventAttributes.scheduledEventId`"),
            "{}",
            text(&output)
        );
        assert!(!text(&output).contains("panicked"), "{}", text(&output));
    }
    let output = wfkit(&["history", "show", "/no/such/file.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output).contains("/no/such/file.json"),
        "{}",
        text(&output)
    );
}

#[test]
fn convert_round_trips_and_diff_compares() {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = public("sdk-go/test__replaytests__bad-empty-workflow.json");
    let out = |name: &str| -> PathBuf { dir.path().join(name) };
    let proto = out("h.pb");
    let legacy = out("h.legacy.json");
    let canonical = out("h.json");
    for (format, input, output) in [
        ("proto", source.clone(), proto.clone()),
        ("legacy-json", proto.display().to_string(), legacy.clone()),
        ("json", legacy.display().to_string(), canonical.clone()),
    ] {
        let run = wfkit(&[
            "history",
            "convert",
            "--to",
            format,
            &input,
            &output.display().to_string(),
        ]);
        assert_eq!(run.status.code(), Some(0), "{format}: {}", text(&run));
    }
    let canonical_text = std::fs::read_to_string(&canonical).expect("read");
    assert!(canonical_text.contains("\"eventType\": \"EVENT_TYPE_WORKFLOW_EXECUTION_STARTED\""));
    assert!(canonical_text.contains("\"eventId\": \"1\""));
    let legacy_text = std::fs::read_to_string(&legacy).expect("read");
    assert!(legacy_text.contains("\"eventType\": \"WorkflowExecutionStarted\""));

    let same = wfkit(&[
        "history",
        "diff",
        "--raw",
        &source,
        &canonical.display().to_string(),
    ]);
    assert_eq!(same.status.code(), Some(0), "{}", text(&same));
    assert!(
        text(&same).starts_with("equal: 25 events"),
        "{}",
        text(&same)
    );

    let other = public("sdk-go/test__replaytests__bad-continue-as-new.json");
    let differ = wfkit(&["history", "diff", &source, &other]);
    assert_eq!(differ.status.code(), Some(1), "{}", text(&differ));
    let out = text(&differ);
    assert!(out.contains("histories differ first at event"), "{out}");
    assert!(out.contains("summary:"), "{out}");

    // A failed conversion leaves nothing behind and says why.
    let target = out_path(&dir, "missing-dir/x.pb");
    let refused = wfkit(&["history", "convert", "--to", "proto", &source, &target]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(text(&refused).contains("missing-dir"), "{}", text(&refused));
    assert!(!Path::new(&target).exists());
}

fn out_path(dir: &tempfile::TempDir, name: &str) -> String {
    dir.path().join(name).display().to_string()
}

#[test]
fn show_and_stats() {
    let file = public("samples-go/helloworld__helloworld.json");
    let show = wfkit(&["history", "show", &file]);
    assert_eq!(show.status.code(), Some(0));
    let out = text(&show);
    assert_eq!(out.lines().count(), 12, "{out}");
    assert!(
        out.contains("ActivityTaskScheduled") && out.contains("type=Activity input=\"Temporal\""),
        "{out}"
    );

    let stats = wfkit(&["history", "stats", "--continue-as-new-events", "10", &file]);
    assert_eq!(stats.status.code(), Some(0));
    let out = text(&stats);
    assert!(out.contains("events: 11"), "{out}");
    assert!(
        out.contains("past the continue-as-new threshold (10 events"),
        "{out}"
    );
    assert!(out.contains("largest payloads:"), "{out}");
}

#[test]
fn bad_flags_exit_two() {
    let output = wfkit(&["history", "convert", "--to", "yaml", "a", "b"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output).contains("unknown format \"yaml\""),
        "{}",
        text(&output)
    );
}
