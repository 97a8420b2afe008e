#!/usr/bin/env node
// The TypeScript SDK's time-skipping test environment on wfkit's test server.
//
// `TestWorkflowEnvironment.createTimeSkipping()` downloads Temporal's Java test server at first
// use; with `server.executable = { type: 'existing-path', path }` it runs a binary already on the
// machine instead, as `<exe> <port>`. This script points it at `wfkit-test-server` and checks what
// the SDK's documentation promises:
//
// - month:    a workflow that sleeps 30 days returns at once: `env.client` skips time while it
//             waits on the result. The workflow itself must see >= 30 days pass (its `Date.now()`
//             is the server's virtual time), and so must `env.currentTimeMs()`. The wall time is
//             printed, never bounded.
// - sleep:    `env.sleep(2 days)` moves `env.currentTimeMs()` ahead by at least 2 days.
// - no-skip:  a plain `Client` on `env.connection` (not the time-skipping `env.client`) does not
//             unlock time skipping while it waits: a 2 s timer still fires and takes its real time.
//
// It prints one line per check (PASS/FAIL), then one JSON object with what it measured (the Rust
// test `cli/tests/test_server_typescript.rs` asserts on it), and exits 0 only when every check
// passes; 1 when one fails or something throws; 2 on bad usage.
//
// Usage: node scenarios/typescript/time_skipping_env.js PATH_TO_wfkit-test-server
//        (or WFKIT_TEST_SERVER=PATH node scenarios/typescript/time_skipping_env.js)
// Needs: the packages `bash scripts/setup.sh` installs into scenarios/typescript/node_modules.

'use strict';

const path = require('node:path');
const fs = require('node:fs');
const { randomUUID } = require('node:crypto');
const { inspect } = require('node:util');

const USAGE =
  'usage: node scenarios/typescript/time_skipping_env.js PATH_TO_wfkit-test-server\n' +
  '       (or set WFKIT_TEST_SERVER); install the SDK first with: bash scripts/setup.sh';

const DAY_MS = 24 * 60 * 60 * 1000;
const MONTH_MS = 30 * DAY_MS;
const ENV_SLEEP_MS = 2 * DAY_MS;
const SHORT_TIMER_MS = 2000;
// Nothing here should take minutes; a hang (a server that never fires a timer) fails with the
// step it hung in instead of blocking CI forever. This bounds a hang, not the measured speed.
const WATCHDOG_MS = 5 * 60 * 1000;

let step = 'loading the SDK';

function requireSdk() {
  try {
    return {
      testing: require('@temporalio/testing'),
      worker: require('@temporalio/worker'),
      client: require('@temporalio/client'),
    };
  } catch (error) {
    console.error(`FAIL: cannot load the Temporal TypeScript SDK (${error.message})`);
    console.error('     install it with: bash scripts/setup.sh');
    process.exit(1);
  }
}

/** One readable line for an error, with the gRPC status when there is one. */
function describe(error) {
  if (!(error instanceof Error)) return String(error);
  const parts = [`${error.name}: ${error.message}`];
  for (const key of ['code', 'details']) {
    if (error[key] !== undefined && !error.message.includes(String(error[key]))) {
      parts.push(`${key}=${error[key]}`);
    }
  }
  let cause = error.cause;
  while (cause) {
    parts.push(`caused by ${cause.name || 'Error'}: ${cause.message}`);
    cause = cause.cause;
  }
  return parts.join('; ');
}

const days = (ms) => (ms / DAY_MS).toFixed(4);
const seconds = (ms) => (ms / 1000).toFixed(3);

async function main(serverPath) {
  const sdk = requireSdk();
  const { TestWorkflowEnvironment } = sdk.testing;
  const { Worker, Runtime, DefaultLogger } = sdk.worker;
  const { Client } = sdk.client;

  // Warnings and errors only: an SDK complaint about the server still shows, routine worker
  // start/stop lines do not. The one warning this setup always causes (the worker has no
  // activities, by design) is dropped.
  Runtime.install({
    logger: new DefaultLogger('WARN', ({ level, message, meta }) => {
      if (message.startsWith('No activities registered')) return;
      const extra = meta === undefined ? '' : ` ${inspect(meta, { breakLength: Infinity })}`;
      process.stderr.write(`sdk ${level}: ${message}${extra}\n`);
    }),
  });

  const measured = {};
  const checks = [];
  const check = (name, ok, detail) => {
    checks.push({ name, ok });
    console.log(`${ok ? 'PASS' : 'FAIL'} ${name}: ${detail}`);
  };

  step = 'starting the time-skipping environment';
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: serverPath } },
  });
  try {
    if (!env.supportsTimeSkipping) {
      throw new Error('createTimeSkipping() returned an environment without time skipping');
    }
    const taskQueue = `time-skipping-${randomUUID()}`;
    step = 'creating the worker (bundling workflows.js)';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('./workflows.js'),
    });

    await worker.runUntil(async () => {
      // (a) 30 days of workflow sleep through the auto-skipping client.
      step = 'month: sleepsAMonth through env.client (auto time skipping)';
      const before = await env.currentTimeMs();
      let wall = performance.now();
      const month = await env.client.workflow.execute('sleepsAMonth', {
        taskQueue,
        workflowId: `month-${randomUUID()}`,
      });
      measured.month_wall_s = (performance.now() - wall) / 1000;
      const after = await env.currentTimeMs();
      measured.month_result = month.result;
      measured.month_workflow_elapsed_s = month.elapsedMs / 1000;
      measured.month_skipped_s = (after - before) / 1000;
      check(
        'month',
        month.result === 'woke up' && month.elapsedMs >= MONTH_MS && after - before >= MONTH_MS,
        `sleepsAMonth returned ${JSON.stringify(month.result)}; the workflow saw ` +
          `${days(month.elapsedMs)} days pass, env.currentTimeMs() moved ${days(after - before)} ` +
          `days (both must be >= 30); wall time ${seconds(measured.month_wall_s * 1000)} s`,
      );

      // (b) env.sleep skips the server clock ahead.
      step = 'sleep: env.sleep(2 days)';
      wall = performance.now();
      await env.sleep(ENV_SLEEP_MS);
      measured.env_sleep_wall_s = (performance.now() - wall) / 1000;
      const slept = await env.currentTimeMs();
      measured.env_sleep_skipped_s = (slept - after) / 1000;
      check(
        'sleep',
        slept - after >= ENV_SLEEP_MS,
        `env.sleep(2 days) moved env.currentTimeMs() ${days(slept - after)} days (must be >= 2); ` +
          `wall time ${seconds(measured.env_sleep_wall_s * 1000)} s`,
      );

      // (c) A plain Client never unlocks time skipping: the timer runs in real time.
      step = 'no-skip: shortTimer through a plain Client on env.connection';
      const plain = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
      wall = performance.now();
      const timer = await plain.workflow.execute('shortTimer', {
        taskQueue,
        workflowId: `timer-${randomUUID()}`,
      });
      const noSkipWallMs = performance.now() - wall;
      measured.no_skip_result = timer.result;
      measured.no_skip_workflow_elapsed_s = timer.elapsedMs / 1000;
      measured.no_skip_wall_s = noSkipWallMs / 1000;
      check(
        'no-skip',
        timer.result === 'timer fired' &&
          timer.elapsedMs >= SHORT_TIMER_MS &&
          noSkipWallMs >= SHORT_TIMER_MS * 0.9,
        `shortTimer returned ${JSON.stringify(timer.result)}; the workflow saw ` +
          `${seconds(timer.elapsedMs)} s pass (must be >= 2); wall time ${seconds(noSkipWallMs)} s ` +
          `(must be >= 1.8: skipping stayed off)`,
      );
      step = 'shutting the worker down';
    });
  } finally {
    step = 'tearing the environment down';
    await env.teardown();
  }

  const failed = checks.filter((c) => !c.ok).map((c) => c.name);
  if (failed.length > 0) {
    console.error(`FAIL: ${failed.length} of ${checks.length} checks failed: ${failed.join(', ')}`);
  } else {
    console.log(`all ${checks.length} checks passed`);
  }
  // Last line of standard output: what was measured, for the Rust test.
  console.log(JSON.stringify(measured));
  return failed.length > 0 ? 1 : 0;
}

/** Exits once standard output and standard error are flushed (pipes can be asynchronous). */
function exit(code) {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

function serverFromArgs() {
  const args = process.argv.slice(2);
  if (args.length > 1 || args[0] === '-h' || args[0] === '--help') {
    console.error(USAGE);
    process.exit(2);
  }
  const given = args[0] ?? process.env.WFKIT_TEST_SERVER;
  if (!given) {
    console.error(USAGE);
    process.exit(2);
  }
  const resolved = path.resolve(given);
  try {
    fs.accessSync(resolved, fs.constants.X_OK);
  } catch {
    console.error(`FAIL: ${resolved} is not an executable file (build it with cargo build -p wfkit-cli)`);
    process.exit(2);
  }
  return resolved;
}

const server = serverFromArgs();
setTimeout(() => {
  console.error(`FAIL: still ${step} after ${WATCHDOG_MS / 1000} s; giving up`);
  process.exit(1);
}, WATCHDOG_MS).unref();

// The SDK's native runtime keeps the event loop alive after teardown: exit explicitly.
main(server).then(exit, (error) => {
  console.error(`FAIL: ${step}: ${describe(error)}`);
  // The stack's frames, when there are any (errors from the native bridge have none).
  const frames = String((error && error.stack) || '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line));
  if (frames.length > 0) console.error(frames.join('\n'));
  exit(1);
});
