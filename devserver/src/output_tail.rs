//! The last lines a child process wrote, kept for error messages.
//!
//! The child's pipes must be drained for its whole life (a full pipe blocks the server), so the
//! readers run until end of file; only a bounded tail is kept.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, AsyncRead, BufReader};
use tokio::task::JoinHandle;

/// First lines kept per stream: a Go panic names its cause before a long stack trace.
const MAX_HEAD_LINES: usize = 20;
/// Last lines kept per stream.
const MAX_TAIL_LINES: usize = 40;
/// Characters kept per line; longer lines are cut with a marker.
const MAX_LINE_CHARS: usize = 2_000;
/// Stdout lines shown after a non-empty stderr.
const STDOUT_LINES_AFTER_STDERR: usize = 8;

/// The first and last lines of one stream, and how many were dropped between them.
#[derive(Debug, Default)]
struct StreamLines {
    head: Vec<String>,
    tail: VecDeque<String>,
    skipped: usize,
}

impl StreamLines {
    fn push(&mut self, line: String) {
        if self.head.len() < MAX_HEAD_LINES {
            self.head.push(line);
            return;
        }
        if self.tail.len() == MAX_TAIL_LINES {
            self.tail.pop_front();
            self.skipped += 1;
        }
        self.tail.push_back(line);
    }

    /// Every kept line, with a marker where lines were dropped.
    fn all(&self) -> Vec<String> {
        let mut lines = self.head.clone();
        if self.skipped > 0 {
            lines.push(format!("[... {} lines skipped ...]", self.skipped));
        }
        lines.extend(self.tail.iter().cloned());
        lines
    }

    /// The last `count` lines.
    fn last(&self, count: usize) -> Vec<String> {
        let all: Vec<&String> = self.head.iter().chain(self.tail.iter()).collect();
        all[all.len().saturating_sub(count)..]
            .iter()
            .map(|line| (*line).clone())
            .collect()
    }
}

/// Bounded views of a child's stdout and stderr, filled by background readers.
#[derive(Debug, Default)]
pub(crate) struct OutputTail {
    stdout: Arc<Mutex<StreamLines>>,
    stderr: Arc<Mutex<StreamLines>>,
    readers: Vec<JoinHandle<()>>,
}

impl OutputTail {
    /// Starts draining `stdout` and `stderr` (either may be absent).
    pub(crate) fn drain<O, E>(stdout: Option<O>, stderr: Option<E>) -> OutputTail
    where
        O: AsyncRead + Unpin + Send + 'static,
        E: AsyncRead + Unpin + Send + 'static,
    {
        let mut tail = OutputTail::default();
        if let Some(stream) = stdout {
            tail.readers
                .push(tokio::spawn(read_lines(stream, Arc::clone(&tail.stdout))));
        }
        if let Some(stream) = stderr {
            tail.readers
                .push(tokio::spawn(read_lines(stream, Arc::clone(&tail.stderr))));
        }
        tail
    }

    /// Waits (bounded) until the readers reached end of file, so the output of a process that
    /// has exited is complete.
    pub(crate) async fn settle(&mut self, timeout: Duration) {
        let readers = std::mem::take(&mut self.readers);
        // A reader that outlives the timeout keeps running detached; the output is just shorter.
        let _ = tokio::time::timeout(timeout, async {
            for reader in readers {
                let _ = reader.await;
            }
        })
        .await;
    }

    /// The start and end of stderr, then stdout, each line prefixed with its stream. When stderr
    /// has something to say, only the end of stdout follows it (usage text and banners are long).
    pub(crate) fn render(&self) -> String {
        let stderr = lock(&self.stderr).all();
        let stdout = {
            let stdout = lock(&self.stdout);
            if stderr.is_empty() {
                stdout.all()
            } else {
                stdout.last(STDOUT_LINES_AFTER_STDERR)
            }
        };
        let mut out = String::new();
        for (name, lines) in [("stderr", stderr), ("stdout", stdout)] {
            for line in lines {
                out.push_str(name);
                out.push_str(": ");
                out.push_str(&line);
                out.push('\n');
            }
        }
        out
    }
}

fn lock(lines: &Mutex<StreamLines>) -> MutexGuard<'_, StreamLines> {
    // A reader that panicked mid-push leaves usable lines; they are diagnostics only.
    lines
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

async fn read_lines<R: AsyncRead + Unpin>(stream: R, lines: Arc<Mutex<StreamLines>>) {
    let mut reader = BufReader::new(stream);
    let mut buffer = Vec::new();
    loop {
        buffer.clear();
        match reader.read_until(b'\n', &mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {
                let text = String::from_utf8_lossy(&buffer);
                let text = text.trim_end();
                if text.is_empty() {
                    continue;
                }
                let line = if text.chars().count() > MAX_LINE_CHARS {
                    let cut: String = text.chars().take(MAX_LINE_CHARS).collect();
                    format!("{cut} [...]")
                } else {
                    text.to_owned()
                };
                lock(&lines).push(line);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hundred_lines() -> std::io::Cursor<Vec<u8>> {
        let many: String = (0..100).map(|i| format!("line {i}\n")).collect();
        std::io::Cursor::new(many.into_bytes())
    }

    async fn drained(stdout: Option<&str>, stderr: Option<&str>) -> OutputTail {
        let cursor = |text: &str| std::io::Cursor::new(text.as_bytes().to_vec());
        let mut tail = OutputTail::drain(stdout.map(cursor), stderr.map(cursor));
        tail.settle(Duration::from_secs(5)).await;
        tail
    }

    #[tokio::test]
    async fn after_stderr_only_the_end_of_stdout_is_shown() {
        let mut tail = OutputTail::drain(
            Some(hundred_lines()),
            Some(std::io::Cursor::new(b"boom\n".to_vec())),
        );
        tail.settle(Duration::from_secs(5)).await;
        let rendered = tail.render();
        assert!(
            rendered.starts_with("stderr: boom\nstdout: line 92\n"),
            "{rendered}"
        );
        assert!(rendered.ends_with("stdout: line 99\n"), "{rendered}");
        assert_eq!(rendered.lines().count(), 1 + STDOUT_LINES_AFTER_STDERR);
    }

    #[tokio::test]
    async fn a_long_stream_keeps_its_first_and_last_lines() {
        let many: String = (0..100).map(|i| format!("line {i}\n")).collect();
        let tail = drained(None, Some(&many)).await;
        let rendered = tail.render();
        let lines: Vec<&str> = rendered.lines().collect();
        assert_eq!(lines.len(), MAX_HEAD_LINES + 1 + MAX_TAIL_LINES);
        assert_eq!(lines[0], "stderr: line 0");
        assert_eq!(lines[MAX_HEAD_LINES], "stderr: [... 40 lines skipped ...]");
        assert_eq!(lines[MAX_HEAD_LINES + 1], "stderr: line 60");
        assert_eq!(lines.last().copied(), Some("stderr: line 99"));
    }

    #[tokio::test]
    async fn without_stderr_stdout_is_shown_in_full_form() {
        let tail = drained(Some("a\n\nb\n"), None).await;
        assert_eq!(tail.render(), "stdout: a\nstdout: b\n");
    }
}
