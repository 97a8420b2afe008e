#!/usr/bin/env node
// Runs wfkit's TypeScript SDK scenarios against a Temporal server and records their histories.
//
// The TypeScript counterpart of scenarios/python/run_scenarios.py. Starts a worker in this process
// (the workflows of conformance_workflows.js, bundled through `workflowsPath`, and the activities
// of conformance_activities.js), runs every scenario of SCENARIOS below with the TypeScript
// client, checks each outcome, and writes each history as canonical proto3 JSON (what the SDK's
// `historyToJSON` writes, the shape of Python's `history.to_json()`) to `<out>/<scenario>.json`.
// Prints one line per scenario. Exits 0 when every scenario passed, 1 when any failed (each
// failure is reported on stderr, the other scenarios still run), 2 on bad usage.
//
// The driver is deterministic: before each step it waits until the workflow has no workflow task
// in progress (the last workflow-task event is WorkflowTaskCompleted), so the same scenario
// yields the same events on any conforming server. Update ids are given (`<scenario>-step-<i>`),
// not random, so that histories compare equal. The exception is a step marked `burst`: it is sent
// right after the step before it, without waiting (the read-after-write checks: a query sent right
// after signals must see them all). Where that makes the events depend on timing (which signal
// lands in which workflow task), the scenario checks its answers but records no history.
//
// Usage:
//   node scenarios/typescript/run_scenarios.js \
//       --address 127.0.0.1:7233 --namespace default --task-queue ts-conformance --out /tmp/h
// Needs: the packages `bash scripts/setup.sh` installs into scenarios/typescript/node_modules.

'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { inspect, isDeepStrictEqual } = require('node:util');

const USAGE =
  'usage: node scenarios/typescript/run_scenarios.js --address HOST:PORT [--namespace NS]\n' +
  '           --task-queue QUEUE --out DIR [--timeout-s SECONDS] [--workflow-id-prefix PREFIX]\n' +
  '           [--only SCENARIO]...\n' +
  'Runs the TypeScript SDK scenarios and writes each history to DIR/<scenario>.json.';

// Bounds the workflow itself, so a driver that dies leaves nothing running for long.
const EXECUTION_TIMEOUT = '60 seconds';
// Between two history polls while waiting for the workflow to become idle.
const IDLE_POLL_INTERVAL_MS = 20;
// How long fetching a failed scenario's history (for the report) may take.
const DIAGNOSTIC_FETCH_TIMEOUT_MS = 5000;
// How long the worker may take to shut down before the runner gives up on it.
const WORKER_SHUTDOWN_TIMEOUT_MS = 30000;
// Bounds the whole process (connecting, bundling the workflows, every scenario, shutdown), so
// that it cannot hang whatever the server does; below the Rust test's own bound (180 s).
const PROCESS_TIMEOUT_MS = 170000;

// ---------------------------------------------------------------------------------------------
// Scenarios: what the driver starts, sends, and expects.

const SIGNAL = 'ts_add';
const QUERY = 'ts_received';

/** Send signal `name` with `arg`. */
const signal = (name, arg, options = {}) => ({ kind: 'signal', name, arg, ...options });
/** Query `name` and expect `answer`. */
const query = (name, answer, options = {}) => ({ kind: 'query', name, answer, ...options });
/** Execute update `name` with `arg` (undefined: no argument) and expect `answer`: a value, or a
 * `failure(...)` (the update was rejected by its validator or its handler failed). */
const update = (name, arg, answer) => ({ kind: 'update', name, arg, answer });
/** An `ApplicationFailure` of this type, message and retryability. */
const failure = (type, message, nonRetryable) => ({ kind: 'failure', type, message, nonRetryable });
/** Options of a step sent right after the previous one, without waiting for the workflow to have
 * no workflow task in progress. */
const BURST = { burst: true };
/** Wait until a workflow task is in progress (its WorkflowTaskStarted is the last workflow-task
 * event), right after the previous step. */
const busy = () => ({ kind: 'busy', burst: true });

const SCENARIOS = [
  { name: 'ts_hello', workflow: 'ts_hello', arg: 'wfkit', steps: [], expected: 'hello, wfkit' },
  {
    name: 'ts_signals_query',
    workflow: 'ts_signals_query',
    arg: 3,
    steps: [
      query(QUERY, []),
      signal(SIGNAL, 'a'),
      query(QUERY, ['a']),
      signal(SIGNAL, 'b'),
      signal(SIGNAL, 'c'),
      // The workflow has completed by now: the query is answered by a closed workflow.
      query(QUERY, ['a', 'b', 'c']),
    ],
    expected: ['a', 'b', 'c'],
  },
  {
    // Read after write: a query sent right after three signals (sent back to back, without
    // waiting for the workflow to be idle in between) must see exactly those three. The workflow
    // task that takes the first signal stays in progress for 2 s (ts_signals_held), and the
    // driver sends the other two and the query once it has seen that task start: so the last two
    // signals and the query always arrive while a workflow task is in progress, and the history
    // is the same on every run and server.
    name: 'ts_signals_then_query',
    workflow: 'ts_signals_held',
    arg: 4,
    steps: [
      signal(SIGNAL, 'a'),
      busy(),
      signal(SIGNAL, 'b', BURST),
      signal(SIGNAL, 'c', BURST),
      query(QUERY, ['a', 'b', 'c'], BURST),
      signal(SIGNAL, 'd'),
    ],
    expected: ['a', 'b', 'c', 'd'],
  },
  {
    // The same read-after-write check from an idle workflow, as the bug report had it: three
    // signals back to back, then a query at once, which must see exactly three. Which workflow
    // task takes which signal depends on timing (how fast the worker answers between two signal
    // calls: on the engine `b` and `c` land in one task or in two), so the history is not
    // recorded; the answers and the result are checked on both servers all the same.
    name: 'ts_signals_burst_query',
    workflow: 'ts_signals_query',
    arg: 4,
    record: false,
    steps: [
      signal(SIGNAL, 'a'),
      signal(SIGNAL, 'b', BURST),
      signal(SIGNAL, 'c', BURST),
      query(QUERY, ['a', 'b', 'c'], BURST),
      signal(SIGNAL, 'd'),
    ],
    expected: ['a', 'b', 'c', 'd'],
  },
  {
    name: 'ts_updates',
    workflow: 'ts_updates',
    arg: 'got',
    steps: [
      update('ts_update_add', 'first', 1),
      // Rejected by the validator: no event reaches the history.
      update('ts_update_add', '', failure('TsEmptyItem', 'an item must not be empty', false)),
      update('ts_update_add_later', 'second', 2),
      update('ts_update_fail', 'failed on purpose', failure('TsUpdateFailed', 'failed on purpose', true)),
      update('ts_update_finish', undefined, 'finishing with 2 items'),
    ],
    expected: ['got: first', 'got: second'],
  },
];

// ---------------------------------------------------------------------------------------------

class ScenarioFailed extends Error {}

function requireSdk() {
  try {
    return {
      client: require('@temporalio/client'),
      worker: require('@temporalio/worker'),
      common: require('@temporalio/common'),
      proto: require('@temporalio/proto'),
      patchProtobufRoot: require('@temporalio/proto/lib/patch-protobuf-root').patchProtobufRoot,
      // The proto3 JSON mapping of the protobufjs copy that `@temporalio/proto`'s types belong to;
      // see historyToJson.
      protojson: require(
        require.resolve('protobufjs/ext/protojson', {
          paths: [path.dirname(require.resolve('@temporalio/proto/package.json'))],
        }),
      ),
    };
  } catch (error) {
    console.error(`run_scenarios: cannot load the Temporal TypeScript SDK (${error.message})`);
    console.error('    install it with: bash scripts/setup.sh');
    process.exit(1);
  }
}

const sdk = requireSdk();
const { EventType } = sdk.proto.temporal.api.enums.v1;

const CLOSED_EVENT_TYPES = new Set([
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
]);
const WORKFLOW_TASK_EVENT_TYPES = new Set([
  EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
]);

const historyType = sdk.patchProtobufRoot(sdk.proto).lookupType('temporal.api.history.v1.History');

/**
 * A history as canonical proto3 JSON (camelCase names, enum names, 64-bit integers as strings),
 * the shape of Python's `history.to_json()` and of `temporal workflow show --output json`.
 *
 * This is `historyToJSON` of `@temporalio/common/lib/proto-utils`, with one difference: that
 * function throws "TypeError: type must be a Type" in this install, because npm gives
 * `@temporalio/common` and `@temporalio/proto` separate copies of protobufjs 8 (the top-level one
 * is protobufjs 7, for @grpc/proto-loader), and the JSON mapping of the first rejects the types of
 * the second. Here both come from `@temporalio/proto`'s copy.
 */
function historyToJson(history) {
  const message = sdk.proto.temporal.api.history.v1.History.fromObject(history);
  return JSON.stringify(sdk.protojson.toJson(historyType, message), null, 2);
}

/** `eventType` as protobufjs decodes it (a number), as a short name. */
function shortEventType(value) {
  const name = EventType[value];
  return typeof name === 'string' ? name.replace(/^EVENT_TYPE_/, '') : `UNKNOWN(${value})`;
}

const isClosed = (events) => events.length > 0 && CLOSED_EVENT_TYPES.has(events[events.length - 1].eventType);

/** True when the workflow is closed or its last workflow-task event is a completion. */
function isIdle(events) {
  if (isClosed(events)) return true;
  for (let i = events.length - 1; i >= 0; i -= 1) {
    if (WORKFLOW_TASK_EVENT_TYPES.has(events[i].eventType)) {
      return events[i].eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
    }
  }
  return false;
}

/** What a scenario is doing, for the message when it fails or times out. */
class Progress {
  constructor() {
    this.phase = 'starting the workflow';
    this.eventTypes = [];
    // Set when the scenario timed out: its driver stops at its next step.
    this.abandoned = false;
  }

  saw(history) {
    this.eventTypes = (history.events || []).map((event) => shortEventType(event.eventType));
  }

  check() {
    if (this.abandoned) throw new ScenarioFailed('abandoned');
  }
}

const describeValue = (value) => inspect(value, { depth: 6, breakLength: Infinity });
const sleepMs = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function describeStep(step) {
  const burst = step.burst ? ', right after the previous step' : '';
  switch (step.kind) {
    case 'busy':
      return 'a workflow task in progress';
    case 'signal':
      return `signal ${step.name}(${describeValue(step.arg)})${burst}`;
    case 'query':
      return `query ${step.name} (expecting ${describeValue(step.answer)})${burst}`;
    default:
      return `update ${step.name}(${step.arg === undefined ? '' : describeValue(step.arg)})`;
  }
}

function describeFailure(expected) {
  return (
    `ApplicationFailure(type=${describeValue(expected.type)}, message=${describeValue(expected.message)}, ` +
    `nonRetryable=${expected.nonRetryable})`
  );
}

/** One readable line for an error, with the gRPC status and causes when there are any. */
function describeError(error) {
  if (!(error instanceof Error)) return String(error);
  if (error instanceof sdk.common.ApplicationFailure) {
    return describeFailure(error);
  }
  const parts = [`${error.name}: ${error.message}`];
  for (const key of ['code', 'details']) {
    if (error[key] !== undefined && !error.message.includes(String(error[key]))) {
      parts.push(`${key}=${error[key]}`);
    }
  }
  // Recursion describes the cause's own causes.
  if (error.cause !== undefined) parts.push(`caused by ${describeError(error.cause)}`);
  return parts.join('; ');
}

/** Throws unless `error` (a workflow or update failure) carries the expected ApplicationFailure. */
function checkFailure(what, error, expected) {
  const cause = error.cause;
  const matches =
    cause instanceof sdk.common.ApplicationFailure &&
    cause.type === expected.type &&
    cause.message === expected.message &&
    cause.nonRetryable === expected.nonRetryable;
  if (!matches) {
    throw new ScenarioFailed(
      `${what} failed with ${cause ? describeError(cause) : describeError(error)}, expected ${describeFailure(expected)}`,
    );
  }
}

async function waitUntilIdle(handle, progress) {
  for (;;) {
    progress.check();
    const history = await handle.fetchHistory();
    progress.saw(history);
    if (isIdle(history.events || [])) return;
    await sleepMs(IDLE_POLL_INTERVAL_MS);
  }
}

/** Waits until a workflow task is in progress; fails at once when the workflow became idle again
 * after the last signal (the task that took it completed before the driver saw it start). */
async function waitUntilBusy(handle, progress) {
  for (;;) {
    progress.check();
    const history = await handle.fetchHistory();
    progress.saw(history);
    const events = history.events || [];
    const lastIndex = (test) => events.findLastIndex((event) => test(event.eventType));
    const lastTask = lastIndex((type) => WORKFLOW_TASK_EVENT_TYPES.has(type));
    const lastSignal = lastIndex((type) => type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
    if (lastTask >= 0 && events[lastTask].eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) return;
    if (isClosed(events) || (isIdle(events) && lastTask > lastSignal)) {
      throw new ScenarioFailed(
        'the workflow task that took the last signal was over before the driver saw it in progress',
      );
    }
    await sleepMs(IDLE_POLL_INTERVAL_MS);
  }
}

/** Executes an update and checks its outcome: a value, or the failure it was refused or failed
 * with. The update id is given (not random) so that histories compare equal. */
async function runUpdate(handle, step, updateId) {
  const { WorkflowUpdateFailedError } = sdk.client;
  const options = step.arg === undefined ? { updateId } : { args: [step.arg], updateId };
  const expected = step.answer;
  const isFailure = expected && expected.kind === 'failure';
  let answer;
  try {
    answer = await handle.executeUpdate(step.name, options);
  } catch (error) {
    if (!(error instanceof WorkflowUpdateFailedError)) throw error;
    if (!isFailure) {
      throw new ScenarioFailed(`${describeStep(step)}: failed unexpectedly: ${describeError(error)}`);
    }
    checkFailure(describeStep(step), error, expected);
    return;
  }
  if (isFailure) {
    throw new ScenarioFailed(
      `${describeStep(step)}: answered ${describeValue(answer)}, expected the failure ${describeFailure(expected)}`,
    );
  }
  if (!isDeepStrictEqual(answer, expected)) {
    throw new ScenarioFailed(`${describeStep(step)}: answered ${describeValue(answer)}, expected ${describeValue(expected)}`);
  }
}

/** Runs one scenario, checks its outcome and returns its history as JSON. */
async function runScenario(client, taskQueue, workflowId, scenario, progress) {
  const handle = await client.workflow.start(scenario.workflow, {
    args: [scenario.arg],
    taskQueue,
    workflowId,
    workflowExecutionTimeout: EXECUTION_TIMEOUT,
  });
  for (const [index, step] of scenario.steps.entries()) {
    progress.check();
    if (!step.burst) {
      progress.phase = `waiting for no workflow task in progress, before ${describeStep(step)}`;
      await waitUntilIdle(handle, progress);
    }
    if (step.kind === 'busy') {
      progress.phase = `waiting for ${describeStep(step)}`;
      await waitUntilBusy(handle, progress);
    } else if (step.kind === 'signal') {
      progress.phase = `sending ${describeStep(step)}`;
      await handle.signal(step.name, step.arg);
    } else if (step.kind === 'update') {
      progress.phase = `waiting for the outcome of ${describeStep(step)}`;
      await runUpdate(handle, step, `${scenario.name}-step-${index}`);
    } else {
      progress.phase = `waiting for the answer to ${describeStep(step)}`;
      const answer = await handle.query(step.name);
      if (!isDeepStrictEqual(answer, step.answer)) {
        throw new ScenarioFailed(`${describeStep(step)}: answered ${describeValue(answer)}, expected ${describeValue(step.answer)}`);
      }
    }
  }

  progress.check();
  progress.phase = "waiting for the workflow's result";
  const expected = scenario.expected;
  const expectsFailure = expected && expected.kind === 'failure';
  let result;
  try {
    result = await handle.result();
  } catch (error) {
    if (!(error instanceof sdk.client.WorkflowFailedError)) throw error;
    if (!expectsFailure) {
      throw new ScenarioFailed(`workflow failed unexpectedly: ${describeError(error)}`);
    }
    checkFailure('the workflow', error, expected);
    result = undefined;
  }
  if (result !== undefined || !expectsFailure) {
    if (expectsFailure) {
      throw new ScenarioFailed(`workflow completed with ${describeValue(result)}, expected ${describeFailure(expected)}`);
    }
    if (!isDeepStrictEqual(result, expected)) {
      throw new ScenarioFailed(`result ${describeValue(result)}, expected ${describeValue(expected)}`);
    }
  }

  progress.check();
  progress.phase = 'fetching the complete history';
  const history = await handle.fetchHistory();
  progress.saw(history);
  if (!isClosed(history.events || [])) {
    throw new ScenarioFailed('history does not end with a close event');
  }
  return historyToJson(history);
}

/** Resolves after `ms` with `value`; `cancel()` clears the timer. */
function delay(ms, value) {
  let timer;
  const promise = new Promise((resolve) => {
    timer = setTimeout(() => resolve(value), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** Runs one scenario and writes its history; returns what went wrong, or null. */
async function attempt(client, args, scenario, workerRun) {
  const workflowId = `${args.workflowIdPrefix}-${scenario.name}`;
  const progress = new Progress();
  const started = performance.now();
  const run = runScenario(client, args.taskQueue, workflowId, scenario, progress).then(
    (json) => ({ json }),
    (error) => ({ error }),
  );
  const timeout = delay(args.timeoutS * 1000, { timedOut: true });
  // A worker that stops (say, on an RPC error) ends the wait at once, not at the limit.
  const outcome = await Promise.race([run, timeout.promise, workerRun.settled.then(() => ({ workerStopped: true }))]);
  timeout.cancel();

  let what;
  if (outcome.workerStopped || outcome.timedOut) {
    progress.abandoned = true;
    what = outcome.workerStopped
      ? `the worker stopped while ${progress.phase}`
      : `timed out after ${args.timeoutS} s while ${progress.phase}`;
  } else if (outcome.error !== undefined) {
    what = `${describeError(outcome.error)} (while ${progress.phase})`;
  } else {
    const elapsed = Math.round(performance.now() - started);
    let where = '(history not recorded: its events depend on timing)';
    if (scenario.record !== false) {
      where = path.join(args.out, `${scenario.name}.json`);
      fs.writeFileSync(where, `${outcome.json}\n`, 'utf8');
      where = `-> ${where}`;
    }
    console.log(`ok   ${scenario.name}: ${progress.eventTypes.length} events in ${elapsed} ms ${where}`);
    return null;
  }
  console.log(`FAIL ${scenario.name}: ${what}`);
  // The history as it is now says more than the last one the driver happened to fetch.
  try {
    const fetch = client.workflow.getHandle(workflowId).fetchHistory();
    fetch.catch(() => {});
    const fetchTimeout = delay(DIAGNOSTIC_FETCH_TIMEOUT_MS, null);
    const history = await Promise.race([fetch, fetchTimeout.promise]);
    fetchTimeout.cancel();
    if (history) progress.saw(history);
  } catch {
    // Best effort: keep what was seen before.
  }
  return (
    `${scenario.name} (workflow id ${workflowId}): ${what}\n` +
    `    history so far: ${progress.eventTypes.join(', ') || '(none fetched)'}`
  );
}

function parseArgs(argv) {
  const usage = (message) => {
    console.error(`run_scenarios: ${message}\n${USAGE}`);
    process.exit(2);
  };
  const args = { namespace: 'default', timeoutS: 20, workflowIdPrefix: 'ts-conformance', only: [] };
  const flags = {
    '--address': 'address',
    '--namespace': 'namespace',
    '--task-queue': 'taskQueue',
    '--out': 'out',
    '--timeout-s': 'timeoutS',
    '--workflow-id-prefix': 'workflowIdPrefix',
    '--only': 'only',
  };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    if (flag === '-h' || flag === '--help') {
      console.log(USAGE);
      process.exit(0);
    }
    const key = flags[flag];
    if (key === undefined) usage(`unknown argument ${JSON.stringify(flag)}`);
    const value = argv[i + 1];
    if (value === undefined) usage(`${flag} needs a value`);
    i += 1;
    if (key === 'only') args.only.push(value);
    else args[key] = value;
  }
  for (const flag of ['--address', '--task-queue', '--out']) {
    if (args[flags[flag]] === undefined) usage(`${flag} is required`);
  }
  args.timeoutS = Number(args.timeoutS);
  if (!Number.isFinite(args.timeoutS) || args.timeoutS <= 0) usage('--timeout-s must be a positive number');
  const known = SCENARIOS.map((s) => s.name);
  for (const name of args.only) {
    if (!known.includes(name)) usage(`unknown scenario ${JSON.stringify(name)}; known: ${known.join(', ')}`);
  }
  args.out = path.resolve(args.out);
  return args;
}

async function run(args) {
  const { Client, Connection } = sdk.client;
  const { Worker, NativeConnection, Runtime, DefaultLogger } = sdk.worker;
  const selected = SCENARIOS.filter((s) => args.only.length === 0 || args.only.includes(s.name));
  fs.mkdirSync(args.out, { recursive: true });

  // Warnings and errors only: an SDK complaint about the server still shows, routine worker
  // start/stop lines do not.
  Runtime.install({
    logger: new DefaultLogger('WARN', ({ level, message, meta }) => {
      const extra = meta === undefined ? '' : ` ${inspect(meta, { breakLength: Infinity, depth: 4 })}`;
      process.stderr.write(`sdk ${level}: ${message}${extra}\n`);
    }),
  });

  let connection;
  let nativeConnection;
  try {
    connection = await Connection.connect({ address: args.address });
    nativeConnection = await NativeConnection.connect({ address: args.address });
  } catch (error) {
    console.error(`run_scenarios: cannot connect to ${args.address}: ${describeError(error)}`);
    return 1;
  }
  const client = new Client({ connection, namespace: args.namespace });

  let worker;
  try {
    worker = await Worker.create({
      connection: nativeConnection,
      namespace: args.namespace,
      taskQueue: args.taskQueue,
      workflowsPath: require.resolve('./conformance_workflows.js'),
      activities: require('./conformance_activities.js'),
      // The runner shuts the worker down itself; a signal to the process just ends it.
      shutdownSignals: [],
    });
  } catch (error) {
    console.error(`run_scenarios: cannot create the worker: ${describeError(error)}`);
    return 1;
  }

  const workerRun = { done: false, error: undefined };
  workerRun.settled = worker.run().then(
    () => {
      workerRun.done = true;
    },
    (error) => {
      workerRun.done = true;
      workerRun.error = error;
    },
  );

  const failures = [];
  try {
    for (const scenario of selected) {
      const problem = await attempt(client, args, scenario, workerRun);
      if (problem !== null) failures.push(problem);
      if (workerRun.done) break;
    }
  } finally {
    if (workerRun.done) {
      // The worker stopped on its own: the likely cause of everything else, so first.
      const reason = workerRun.error ? describeError(workerRun.error) : 'without an error';
      failures.unshift(`the worker stopped early: ${reason}`);
    } else {
      try {
        worker.shutdown();
        const limit = delay(WORKER_SHUTDOWN_TIMEOUT_MS, 'timeout');
        const stopped = await Promise.race([workerRun.settled, limit.promise]);
        limit.cancel();
        if (stopped === 'timeout') {
          failures.push(`worker shutdown: not done after ${WORKER_SHUTDOWN_TIMEOUT_MS / 1000} s`);
        } else if (workerRun.error) {
          failures.push(`worker shutdown: ${describeError(workerRun.error)}`);
        }
      } catch (error) {
        failures.push(`worker shutdown: ${describeError(error)}`);
      }
    }
  }

  if (failures.length > 0) {
    console.error(
      `run_scenarios: ${failures.length} problem(s) against ${args.address} ` +
        `(namespace ${args.namespace}, task queue ${args.taskQueue}):`,
    );
    for (const problem of failures) console.error(`  - ${problem}`);
    return 1;
  }
  console.log(`run_scenarios: ${selected.length} scenario(s) passed against ${args.address}`);
  return 0;
}

/** Exits once standard output and standard error are flushed (pipes can be asynchronous). */
function exit(code) {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

const args = parseArgs(process.argv.slice(2));
setTimeout(() => {
  console.error(`run_scenarios: not finished after ${PROCESS_TIMEOUT_MS / 1000} s; giving up`);
  exit(1);
}, PROCESS_TIMEOUT_MS).unref();

// The SDK's native runtime keeps the event loop alive after the worker stops: exit explicitly.
run(args).then(exit, (error) => {
  console.error(`run_scenarios: ${describeError(error)}`);
  const frames = String((error && error.stack) || '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line));
  if (frames.length > 0) console.error(frames.join('\n'));
  exit(1);
});
