// Activities of the TypeScript SDK conformance scenarios (see conformance_workflows.js and
// run_scenarios.js). An activity's type name is its key in the exported object.

'use strict';

/** Returns a greeting: the one activity of `ts_hello`. */
async function ts_greet(name) {
  return `hello, ${name}`;
}

/** Waits `ms` milliseconds: as a local activity of `ts_signals_held`, it keeps the workflow task
 * that runs it in progress that long. */
async function ts_hold(ms) {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return ms;
}

module.exports = { ts_greet, ts_hold };
