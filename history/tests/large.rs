//! A 100,000-event, 50 MB history streams: events arrive one by one, the file is never held
//! whole. (Its speed and peak memory are measured by `cargo bench -p wfkit-history`.)

use std::io::BufWriter;

use wfkit_history::{EventType, event, read_events, synth, validate};

#[test]
fn hundred_thousand_events_stream_and_validate() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("large.json");
    let file = std::fs::File::create(&path).expect("create");
    let bytes =
        synth::write_synthetic_json(&mut BufWriter::new(file), 100_000, 340).expect("write");
    assert!(
        bytes >= 50_000_000,
        "the synthetic history is {bytes} bytes; the case needs 50 MB"
    );

    let mut count = 0usize;
    let mut last_id = 0i64;
    let mut activities = 0usize;
    let summary = read_events(
        "large.json",
        std::fs::File::open(&path).expect("open"),
        |_, e| {
            count += 1;
            assert_eq!(e.event_id, last_id + 1);
            last_id = e.event_id;
            if event::event_type(&e) == EventType::ActivityTaskCompleted {
                activities += 1;
            }
            Ok(())
        },
    )
    .expect("streams");
    assert_eq!(count, 100_000);
    assert_eq!(summary.histories, 1);
    assert!(activities > 16_000, "{activities}");

    let loaded = wfkit_history::load_file(&path).expect("loads whole");
    let report = validate(&loaded.histories[0]);
    assert!(report.is_valid(), "{report}");
    assert_eq!(
        event::close_status(&loaded.histories[0].events),
        "completed"
    );
}
