//! `pull_histories` against a real dev server: files, contents, query, limit, failures.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context as _, Result, ensure};
use temporalio_protos::temporal::api::enums::v1::EventType;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use wfkit_cluster::{
    Client, ConnectOptions, PullOptions, PullProgress, connect, history_file_name, pull_histories,
};
use wfkit_devserver::DevServer;

use common::{closed_workflow, start_workflow, terminate_reason, wait_for_visibility};

const ORDERS_TERMINATED: &str = "WorkflowType = 'OrderWorkflow' AND ExecutionStatus = 'Terminated'";

/// A dev server and a client connected to its `default` namespace.
async fn server_and_client() -> Result<(DevServer, Client)> {
    let server = DevServer::start().await?;
    let client = connect(&ConnectOptions::new(server.address(), server.namespace())).await?;
    Ok((server, client))
}

fn json_files(dir: &Path) -> Result<BTreeSet<String>> {
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        names.insert(name);
    }
    Ok(names)
}

#[tokio::test]
async fn pulls_every_matching_history_into_loadable_json_files() -> Result<()> {
    let (server, client) = server_and_client().await?;
    let mut expected = BTreeSet::new();
    for workflow_id in ["order-1", "order-2", "order-3", "orders/4: ünïcode id"] {
        let run_id = closed_workflow(&client, "OrderWorkflow", workflow_id).await?;
        expected.insert((workflow_id.to_owned(), run_id));
    }
    // Noise the query must leave out: another type, and an order still running.
    closed_workflow(&client, "OtherWorkflow", "other-1").await?;
    start_workflow(&client, "OrderWorkflow", "order-running").await?;
    wait_for_visibility(&client, ORDERS_TERMINATED, 4).await?;
    wait_for_visibility(&client, "", 6).await?;

    let out = tempfile::tempdir()?;
    let options = PullOptions::new("default", out.path()).query(ORDERS_TERMINATED);
    let mut progress_written = 0;
    let mut progress_total = None;
    let report = pull_histories(&client, &options, |progress| match progress {
        PullProgress::Listed { total } => progress_total = Some(total),
        PullProgress::Written(_) => progress_written += 1,
        _ => {}
    })
    .await?;

    ensure!(report.failed.is_empty(), "failures: {:?}", report.failed);
    assert_eq!(report.listed, 4);
    assert_eq!(report.written.len(), 4);
    assert!(report.is_complete());
    assert!(!report.truncated);
    assert_eq!((progress_total, progress_written), (Some(4), 4));

    let pulled: BTreeSet<(String, String)> = report
        .written
        .iter()
        .map(|p| (p.execution.workflow_id.clone(), p.execution.run_id.clone()))
        .collect();
    assert_eq!(pulled, expected);

    let expected_files: BTreeSet<String> = expected
        .iter()
        .map(|(w, r)| history_file_name(w, r))
        .collect();
    assert_eq!(
        json_files(out.path())?,
        expected_files,
        "exactly one file per execution, nothing else"
    );

    let mut total_bytes = 0;
    for pulled in &report.written {
        let workflow_id = &pulled.execution.workflow_id;
        assert_eq!(pulled.path.parent(), Some(out.path()));
        assert_eq!(std::fs::metadata(&pulled.path)?.len(), pulled.bytes);
        total_bytes += pulled.bytes;
        assert!(pulled.closed, "{workflow_id} should end with a close event");
        assert_eq!(pulled.execution.workflow_type, "OrderWorkflow");

        let loaded = wfkit_history::load_file(&pulled.path)
            .with_context(|| format!("loading {}", pulled.path.display()))?;
        assert_eq!(loaded.format, Some(wfkit_history::Format::Json));
        let [history] = loaded.histories.as_slice() else {
            anyhow::bail!(
                "{} holds {} histories",
                pulled.path.display(),
                loaded.histories.len()
            );
        };
        assert_eq!(history.events.len(), pulled.events);

        let first = history.events.first().context("a history has events")?;
        assert_eq!(first.event_type, EventType::WorkflowExecutionStarted as i32);
        let Some(Attributes::WorkflowExecutionStartedEventAttributes(started)) = &first.attributes
        else {
            anyhow::bail!("first event of {workflow_id} has no started attributes");
        };
        assert_eq!(
            started.workflow_type.as_ref().map(|t| t.name.as_str()),
            Some("OrderWorkflow")
        );
        assert_eq!(started.original_execution_run_id, pulled.execution.run_id);

        let last = history.events.last().context("a history has events")?;
        assert_eq!(
            last.event_type,
            EventType::WorkflowExecutionTerminated as i32
        );
        let Some(Attributes::WorkflowExecutionTerminatedEventAttributes(terminated)) =
            &last.attributes
        else {
            anyhow::bail!("last event of {workflow_id} has no terminated attributes");
        };
        assert_eq!(
            terminated.reason,
            terminate_reason(workflow_id),
            "the file holds the wrong execution"
        );
    }
    assert_eq!(report.bytes, total_bytes);
    assert_eq!(
        report.events,
        report.written.iter().map(|p| p.events as u64).sum::<u64>()
    );

    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn limit_is_honoured_and_the_report_says_more_remain() -> Result<()> {
    let (server, client) = server_and_client().await?;
    for workflow_id in ["order-a", "order-b", "order-c", "order-d", "order-e"] {
        closed_workflow(&client, "OrderWorkflow", workflow_id).await?;
    }
    wait_for_visibility(&client, ORDERS_TERMINATED, 5).await?;

    let out = tempfile::tempdir()?;
    let options = PullOptions::new("default", out.path())
        .query(ORDERS_TERMINATED)
        .limit(2);
    let report = pull_histories(&client, &options, |_| {}).await?;
    assert_eq!(report.listed, 2);
    assert_eq!(report.written.len(), 2);
    assert!(
        report.truncated,
        "5 matched, 2 were pulled: the report must say more remain"
    );
    assert_eq!(json_files(out.path())?.len(), 2);

    // A limit above the number of matches pulls them all and is not truncated.
    let all = tempfile::tempdir()?;
    let options = PullOptions::new("default", all.path())
        .query(ORDERS_TERMINATED)
        .limit(50);
    let report = pull_histories(&client, &options, |_| {}).await?;
    assert_eq!((report.written.len(), report.truncated), (5, false));
    assert_eq!(json_files(all.path())?.len(), 5);

    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn a_running_workflow_is_pulled_as_it_stands() -> Result<()> {
    let (server, client) = server_and_client().await?;
    let run_id = start_workflow(&client, "OrderWorkflow", "still-running").await?;
    let query = "WorkflowId = 'still-running'";
    wait_for_visibility(&client, query, 1).await?;

    let out = tempfile::tempdir()?;
    let report = pull_histories(
        &client,
        &PullOptions::new("default", out.path()).query(query),
        |_| {},
    )
    .await?;
    let [pulled] = report.written.as_slice() else {
        anyhow::bail!("expected one history, got {report:?}");
    };
    assert_eq!(pulled.execution.run_id, run_id);
    assert!(!pulled.closed);
    assert!(
        pulled.events >= 2,
        "started and a scheduled workflow task: {}",
        pulled.events
    );

    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn one_failing_history_does_not_stop_the_others() -> Result<()> {
    let (server, client) = server_and_client().await?;
    let mut run_ids = Vec::new();
    for workflow_id in ["order-x", "order-y", "order-z"] {
        run_ids.push(closed_workflow(&client, "OrderWorkflow", workflow_id).await?);
    }
    wait_for_visibility(&client, ORDERS_TERMINATED, 3).await?;

    // A directory where order-y's temporary file must go makes exactly that write fail.
    let out = tempfile::tempdir()?;
    let blocked = out.path().join(format!(
        "{}.partial",
        history_file_name("order-y", &run_ids[1])
    ));
    std::fs::create_dir(&blocked)?;

    let mut progress_failed = Vec::new();
    let options = PullOptions::new("default", out.path()).query(ORDERS_TERMINATED);
    let report = pull_histories(&client, &options, |progress| {
        if let PullProgress::Failed(failure) = progress {
            progress_failed.push(failure.execution.workflow_id.clone());
        }
    })
    .await?;

    assert_eq!(report.written.len(), 2);
    assert!(!report.is_complete());
    let [failure] = report.failed.as_slice() else {
        anyhow::bail!("expected one failure, got {:?}", report.failed);
    };
    assert_eq!(failure.execution.workflow_id, "order-y");
    assert_eq!(failure.error.code(), "WFC009", "{}", failure.error);
    assert!(
        failure.error.to_string().contains("order-y"),
        "{}",
        failure.error
    );
    assert_eq!(progress_failed, ["order-y"]);
    assert!(
        !out.path()
            .join(history_file_name("order-y", &run_ids[1]))
            .exists()
    );

    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn a_bad_query_fails_with_the_servers_message() -> Result<()> {
    let (server, client) = server_and_client().await?;
    let out = tempfile::tempdir()?;
    let options = PullOptions::new("default", out.path()).query("NoSuchAttribute = 'x'");
    let error = pull_histories(&client, &options, |_| {})
        .await
        .err()
        .context("an unknown search attribute is an error")?;
    let text = error.to_string();
    assert!(
        text.starts_with("[WFC006]") && text.contains("NoSuchAttribute"),
        "{text}"
    );
    server.stop().await?;
    Ok(())
}
