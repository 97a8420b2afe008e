// Workflows of the TypeScript SDK conformance scenarios: `run_scenarios.js` runs them against a
// server and records their histories; `engine/tests/typescript_conformance.rs` runs them on the
// real Temporal dev server and on the wfkit engine and compares the normalised histories.
//
// The TypeScript counterparts of `scenarios/python/wfkit_scenarios.py` (`ts_` for `py_`). Plain
// CommonJS that the worker's bundler reads through `workflowsPath` (no compile step); it imports
// nothing but `@temporalio/workflow`. A workflow's type name is its export name, and signal,
// query and update names are explicit, so the recorded histories do not depend on the code's
// identifiers. Every workflow is deterministic: the same driver steps yield the same events on any
// conforming server.

'use strict';

const {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
} = require('@temporalio/workflow');

// Generous, so that a slow CI machine never turns a scenario into a timeout scenario.
const ACTIVITY_START_TO_CLOSE = '10 seconds';

const addSignal = defineSignal('ts_add');
const receivedQuery = defineQuery('ts_received');

// ts_updates: an update with a validator, one whose handler waits on a timer, one whose handler
// fails (the update fails, the workflow does not), and one that lets the workflow finish.
const addUpdate = defineUpdate('ts_update_add');
const addLaterUpdate = defineUpdate('ts_update_add_later');
const failUpdate = defineUpdate('ts_update_fail');
const finishUpdate = defineUpdate('ts_update_finish');
const UPDATE_HANDLER_TIMER_MS = 300;

const { ts_greet } = proxyActivities({ startToCloseTimeout: ACTIVITY_START_TO_CLOSE });
const { ts_hold } = proxyLocalActivities({ startToCloseTimeout: ACTIVITY_START_TO_CLOSE });

// ts_signals_held: how long the workflow task that takes the first signal stays in progress (a
// local activity keeps it open), so that the signals and the query the driver sends meanwhile
// arrive while it is in progress on any server, however fast the worker. Well below the workflow
// task timeout (10 s), so the SDK completes the task once, without heartbeating it.
const HOLD_MS = 2000;

/** Runs one activity and returns its result. */
async function ts_hello(name) {
  return await ts_greet(name);
}

/** Collects signals `ts_add` and answers the query `ts_received` with what it has so far. */
function collectSignals() {
  const received = [];
  setHandler(addSignal, (value) => {
    received.push(value);
  });
  setHandler(receivedQuery, () => [...received]);
  return received;
}

/** Collects `expected` signals, answers a query with what it has so far, returns them. */
async function ts_signals_query(expected) {
  const received = collectSignals();
  await condition(() => received.length >= expected);
  return [...received];
}

/** Like ts_signals_query, but the workflow task that takes the first signal stays in progress
 * for HOLD_MS (a local activity), so that signals and queries sent meanwhile find a workflow
 * task in progress: the driver's read-after-write check, with a history that does not depend on
 * timing. */
async function ts_signals_held(expected) {
  const received = collectSignals();
  await condition(() => received.length >= 1);
  await ts_hold(HOLD_MS);
  await condition(() => received.length >= expected);
  return [...received];
}

/** Collects items sent by updates until the finish update; returns them. */
async function ts_updates(label) {
  const items = [];
  let finished = false;
  setHandler(
    addUpdate,
    async (item) => {
      items.push(item);
      return items.length;
    },
    {
      validator: (item) => {
        if (!item) {
          throw ApplicationFailure.create({
            message: 'an item must not be empty',
            type: 'TsEmptyItem',
          });
        }
      },
    },
  );
  setHandler(addLaterUpdate, async (item) => {
    await sleep(UPDATE_HANDLER_TIMER_MS);
    items.push(item);
    return items.length;
  });
  setHandler(failUpdate, async (reason) => {
    throw ApplicationFailure.create({ message: reason, type: 'TsUpdateFailed', nonRetryable: true });
  });
  setHandler(finishUpdate, async () => {
    finished = true;
    return `finishing with ${items.length} items`;
  });
  await condition(() => finished);
  // Lets the finish update's handler return before the run completes.
  await condition(allHandlersFinished);
  return items.map((item) => `${label}: ${item}`);
}

module.exports = { ts_hello, ts_signals_query, ts_signals_held, ts_updates };
