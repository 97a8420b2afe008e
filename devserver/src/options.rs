//! What to start: extra namespaces, dynamic config, extra flags, deadlines.

use std::path::PathBuf;
use std::time::Duration;

use crate::error::DevServerError;

/// The namespace `temporal server start-dev` always creates.
pub const DEFAULT_NAMESPACE: &str = "default";

/// How a [`DevServer`](crate::DevServer) is started. [`Default`] gives a headless, in-memory
/// server on free loopback ports with only the `default` namespace.
#[derive(Debug, Clone)]
#[must_use]
pub struct DevServerOptions {
    /// The `temporal` CLI to run; `None` means [`find_temporal_binary`](crate::find_temporal_binary).
    pub binary: Option<PathBuf>,
    /// Namespaces to create at launch, besides `default` (`--namespace`).
    pub namespaces: Vec<String>,
    /// Dynamic config values (`--dynamic-config-value KEY=JSON`), in the order given.
    pub dynamic_config: Vec<(String, serde_json::Value)>,
    /// Further arguments appended to `temporal server start-dev ...` verbatim.
    pub extra_args: Vec<String>,
    /// The server's own log level (`--log-level`): `debug`, `info`, `warn`, `error` or `never`.
    pub log_level: String,
    /// How long to wait for the server to answer before killing it.
    pub startup_timeout: Duration,
    /// How many times to start over on fresh ports when the chosen ports were taken meanwhile.
    pub bind_attempts: u32,
}

impl Default for DevServerOptions {
    fn default() -> Self {
        DevServerOptions {
            binary: None,
            namespaces: Vec::new(),
            dynamic_config: Vec::new(),
            extra_args: Vec::new(),
            log_level: "error".to_owned(),
            startup_timeout: Duration::from_secs(30),
            bind_attempts: 3,
        }
    }
}

impl DevServerOptions {
    /// Runs this `temporal` CLI instead of searching for one.
    pub fn binary(mut self, path: impl Into<PathBuf>) -> Self {
        self.binary = Some(path.into());
        self
    }

    /// Also creates this namespace at launch.
    pub fn namespace(mut self, name: impl Into<String>) -> Self {
        self.namespaces.push(name.into());
        self
    }

    /// Sets a dynamic config value, e.g.
    /// `.dynamic_config_value("frontend.enableUpdateWorkflowExecution", true)`.
    pub fn dynamic_config_value(
        mut self,
        key: impl Into<String>,
        value: impl Into<serde_json::Value>,
    ) -> Self {
        self.dynamic_config.push((key.into(), value.into()));
        self
    }

    /// Appends one argument to the command line verbatim.
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.extra_args.push(arg.into());
        self
    }

    /// Sets the server's log level (`--log-level`).
    pub fn log_level(mut self, level: impl Into<String>) -> Self {
        self.log_level = level.into();
        self
    }

    /// Sets how long to wait for the server to become ready.
    pub fn startup_timeout(mut self, timeout: Duration) -> Self {
        self.startup_timeout = timeout;
        self
    }

    /// Every namespace the server will have: `default` first, then the extra ones.
    pub fn all_namespaces(&self) -> Vec<String> {
        let mut all = vec![DEFAULT_NAMESPACE.to_owned()];
        for name in &self.namespaces {
            if !all.contains(name) {
                all.push(name.clone());
            }
        }
        all
    }

    /// Checks the options and builds the arguments after the binary, for the given ports.
    pub(crate) fn command_args(
        &self,
        grpc_port: u16,
        http_port: u16,
    ) -> Result<Vec<String>, DevServerError> {
        let invalid = |message: String| DevServerError::InvalidOption { message };
        if self.startup_timeout.is_zero() {
            return Err(invalid("startup_timeout must be more than zero".to_owned()));
        }
        if self.bind_attempts == 0 {
            return Err(invalid("bind_attempts must be at least 1".to_owned()));
        }
        if !["debug", "info", "warn", "error", "never"].contains(&self.log_level.as_str()) {
            return Err(invalid(format!(
                "log level {:?} is not one of debug, info, warn, error, never",
                self.log_level
            )));
        }

        let mut args: Vec<String> = [
            "server",
            "start-dev",
            "--headless",
            "--ip",
            "127.0.0.1",
            "--port",
            &grpc_port.to_string(),
            "--http-port",
            &http_port.to_string(),
            "--log-level",
            &self.log_level,
        ]
        .iter()
        .map(|arg| (*arg).to_owned())
        .collect();

        for name in &self.namespaces {
            if name.trim().is_empty() || name.starts_with('-') {
                return Err(invalid(format!(
                    "namespace {name:?} is not a valid namespace name"
                )));
            }
            args.push("--namespace".to_owned());
            args.push(name.clone());
        }
        for (key, value) in &self.dynamic_config {
            if !is_dynamic_config_key(key) {
                return Err(invalid(format!(
                    "dynamic config key {key:?} must be dotted identifiers such as `frontend.enableUpdateWorkflowExecution`"
                )));
            }
            args.push("--dynamic-config-value".to_owned());
            // serde_json renders any Value as valid JSON, which is what the CLI requires.
            args.push(format!("{key}={value}"));
        }
        args.extend(self.extra_args.iter().cloned());
        Ok(args)
    }
}

fn is_dynamic_config_key(key: &str) -> bool {
    !key.is_empty()
        && key.split('.').all(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_command_binds_loopback_only_and_is_headless() -> Result<(), DevServerError> {
        let args = DevServerOptions::default().command_args(7000, 7001)?;
        let joined = args.join(" ");
        assert_eq!(
            joined,
            "server start-dev --headless --ip 127.0.0.1 --port 7000 --http-port 7001 --log-level error"
        );
        Ok(())
    }

    #[test]
    fn namespaces_dynamic_config_and_extra_args_are_passed_in_order() -> Result<(), DevServerError>
    {
        let options = DevServerOptions::default()
            .namespace("orders")
            .dynamic_config_value("frontend.enableUpdateWorkflowExecution", true)
            .dynamic_config_value("limit.maxIDLength", 1000)
            .dynamic_config_value("system.name", "x y")
            .arg("--search-attribute")
            .arg("Customer=Keyword");
        let args = options.command_args(1, 2)?;
        let tail = &args[11..];
        assert_eq!(
            tail,
            [
                "--namespace",
                "orders",
                "--dynamic-config-value",
                "frontend.enableUpdateWorkflowExecution=true",
                "--dynamic-config-value",
                "limit.maxIDLength=1000",
                "--dynamic-config-value",
                "system.name=\"x y\"",
                "--search-attribute",
                "Customer=Keyword",
            ]
        );
        assert_eq!(options.all_namespaces(), ["default", "orders"]);
        Ok(())
    }

    #[test]
    fn bad_options_are_rejected_with_the_option_named() {
        let cases = [
            DevServerOptions::default().dynamic_config_value("has space", 1),
            DevServerOptions::default().dynamic_config_value("", 1),
            DevServerOptions::default().namespace("--port"),
            DevServerOptions::default().log_level("loud"),
            DevServerOptions::default().startup_timeout(Duration::ZERO),
        ];
        for options in cases {
            let error = options.command_args(1, 2).err();
            assert!(
                matches!(error, Some(DevServerError::InvalidOption { .. })),
                "{options:?} gave {error:?}"
            );
        }
    }
}
