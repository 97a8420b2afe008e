//! The dev server against the real `temporal` CLI: start, answer gRPC, stop, leave nothing.
//!
//! A missing `temporal` CLI fails these tests with `[WFD001] ... run bash scripts/setup.sh`.

use std::time::Duration;

use anyhow::{Context as _, Result, bail, ensure};
use temporalio_protos::temporal::api::common::v1::WorkflowType;
use temporalio_protos::temporal::api::taskqueue::v1::TaskQueue;
use temporalio_protos::temporal::api::workflowservice::v1::{
    DescribeNamespaceRequest, GetSystemInfoRequest, StartWorkflowExecutionRequest,
};
use wfkit_devserver::{DevServer, DevServerError, DevServerOptions};

/// Whether a process with this id still runs (a zombie has finished running).
fn is_running(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state is the first field after the parenthesised command name.
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X"),
        Err(_) => false,
    }
}

async fn wait_until_gone(pid: u32) -> bool {
    for _ in 0..100 {
        if !is_running(pid) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test]
async fn start_answers_grpc_then_stop_leaves_no_process() -> Result<()> {
    let server = DevServer::start().await?;
    assert_eq!(server.namespace(), "default");
    assert!(
        server.address().starts_with("127.0.0.1:"),
        "{}",
        server.address()
    );
    assert_ne!(server.http_port(), server.grpc_port());
    let pid = server.pid().context("a running server has a pid")?;
    assert!(is_running(pid));

    let mut client = server.client().await?;
    let info = client
        .get_system_info(GetSystemInfoRequest {})
        .await?
        .into_inner();
    assert!(!info.server_version.is_empty(), "{info:?}");
    let capabilities = info
        .capabilities
        .context("GetSystemInfo returns capabilities")?;
    assert!(capabilities.signal_and_query_header, "{capabilities:?}");

    let namespace = client
        .describe_namespace(DescribeNamespaceRequest {
            namespace: "default".to_owned(),
            ..Default::default()
        })
        .await?
        .into_inner();
    assert_eq!(
        namespace.namespace_info.map(|info| info.name).as_deref(),
        Some("default")
    );

    // The HTTP API answers on its own port.
    let http = tokio::net::TcpStream::connect(("127.0.0.1", server.http_port())).await;
    assert!(
        http.is_ok(),
        "HTTP API port {} refused: {http:?}",
        server.http_port()
    );

    let address = server.address();
    server.stop().await?;
    assert!(
        wait_until_gone(pid).await,
        "pid {pid} still runs after stop()"
    );
    let refused = tokio::net::TcpStream::connect(&address).await;
    assert!(
        refused.is_err(),
        "{address} still accepts connections after stop()"
    );
    Ok(())
}

#[tokio::test]
async fn dropping_the_server_kills_the_process() -> Result<()> {
    let server = DevServer::start().await?;
    let pid = server.pid().context("a running server has a pid")?;
    drop(server);
    ensure!(
        wait_until_gone(pid).await,
        "pid {pid} still runs after drop"
    );
    Ok(())
}

#[tokio::test]
async fn extra_namespaces_and_dynamic_config_reach_the_server() -> Result<()> {
    let server = DevServer::start_with(
        DevServerOptions::default()
            .namespace("wfkit-extra")
            .dynamic_config_value("limit.maxIDLength", 20),
    )
    .await?;
    assert_eq!(server.namespaces(), ["default", "wfkit-extra"]);
    let mut client = server.client().await?;
    client
        .describe_namespace(DescribeNamespaceRequest {
            namespace: "wfkit-extra".to_owned(),
            ..Default::default()
        })
        .await
        .context("the extra namespace exists")?;

    let start = |workflow_id: &str| StartWorkflowExecutionRequest {
        namespace: "wfkit-extra".to_owned(),
        workflow_id: workflow_id.to_owned(),
        workflow_type: Some(WorkflowType {
            name: "T".to_owned(),
        }),
        task_queue: Some(TaskQueue {
            name: "q".to_owned(),
            ..Default::default()
        }),
        request_id: format!("request-{workflow_id}"),
        ..Default::default()
    };
    client.start_workflow_execution(start("short-id")).await?;
    // limit.maxIDLength=20 makes the server reject longer ids: the value reached it.
    let rejected = client
        .start_workflow_execution(start("an-id-longer-than-twenty-characters"))
        .await;
    match rejected {
        Err(status) => assert_eq!(status.code(), tonic::Code::InvalidArgument, "{status:?}"),
        Ok(response) => {
            bail!("a 35-character id was accepted despite limit.maxIDLength=20: {response:?}")
        }
    }
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn a_process_that_exits_early_is_reported_with_its_output() -> Result<()> {
    // `sh server start-dev ...` fails at once: "server" is no script.
    let error = DevServer::start_with(DevServerOptions::default().binary("/bin/sh"))
        .await
        .err()
        .context("sh is not a Temporal server")?;
    assert_eq!(error.code(), "WFD006", "{error}");
    let text = error.to_string();
    assert!(
        text.contains("stderr:") && text.contains("server"),
        "{text}"
    );
    Ok(())
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_and_is_killed() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let script = script(
        dir.path(),
        "silent-temporal",
        "#!/bin/sh\necho \"pretending to start on $*\" >&2\necho $$ > \"$0.pid\"\nexec sleep 60\n",
    )?;
    let error = DevServer::start_with(
        DevServerOptions::default()
            .binary(&script)
            .startup_timeout(Duration::from_millis(1_500)),
    )
    .await
    .err()
    .context("a silent process never becomes ready")?;
    let DevServerError::StartupTimeout { output_tail, .. } = &error else {
        bail!("expected a startup timeout, got {error}");
    };
    assert!(
        output_tail.contains("pretending to start on server start-dev --headless"),
        "{error}"
    );
    let pid: u32 = std::fs::read_to_string(dir.path().join("silent-temporal.pid"))?
        .trim()
        .parse()?;
    ensure!(
        wait_until_gone(pid).await,
        "the timed-out process {pid} was not killed"
    );
    Ok(())
}

/// Writes an executable shell script into `dir`.
fn script(dir: &std::path::Path, name: &str, body: &str) -> Result<std::path::PathBuf> {
    let path = dir.join(name);
    std::fs::write(&path, body)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
    }
    Ok(path)
}

#[tokio::test]
async fn a_port_taken_before_the_server_binds_it_is_retried_on_fresh_ports() -> Result<()> {
    let real = wfkit_devserver::find_temporal_binary()?;
    let dir = tempfile::tempdir()?;
    // The first launch fails the way the CLI does when another process won the race for the
    // port; the second runs the real server.
    let flaky = script(
        dir.path(),
        "flaky-temporal",
        &format!(
            "#!/bin/sh\nif [ ! -e \"$0.failed\" ]; then\n  touch \"$0.failed\"\n  echo \"Error: can't set frontend port: listen tcp 127.0.0.1:1: bind: address already in use\" >&2\n  exit 1\nfi\nexec '{}' \"$@\"\n",
            real.display()
        ),
    )?;
    let server = DevServer::start_with(DevServerOptions::default().binary(&flaky)).await?;
    ensure!(
        dir.path().join("flaky-temporal.failed").exists(),
        "the first attempt did not run"
    );
    server
        .client()
        .await?
        .get_system_info(GetSystemInfoRequest {})
        .await?;
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn a_binary_that_does_not_exist_is_named_in_the_error() -> Result<()> {
    let error = DevServer::start_with(DevServerOptions::default().binary("/nonexistent/temporal"))
        .await
        .err()
        .context("no such binary")?;
    assert_eq!(error.code(), "WFD005");
    assert!(
        error.to_string().contains("/nonexistent/temporal"),
        "{error}"
    );
    Ok(())
}

#[test]
fn the_temporal_cli_is_found() -> Result<()> {
    let binary = wfkit_devserver::find_temporal_binary()?;
    assert!(binary.is_file(), "{}", binary.display());
    Ok(())
}
