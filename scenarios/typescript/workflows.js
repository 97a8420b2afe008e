// Workflows for the TypeScript SDK scenarios (plain CommonJS: the worker's bundler reads this file
// through `workflowsPath`, no compile step).
//
// Inside a workflow `Date.now()` is the workflow's own (deterministic) clock: the time of the
// workflow task being processed. On a time-skipping server it is the server's virtual time, so
// each workflow reports how much time it saw pass across its timer.

'use strict';

const { sleep } = require('@temporalio/workflow');

const DAY_MS = 24 * 60 * 60 * 1000;
const MONTH_MS = 30 * DAY_MS;
const SHORT_TIMER_MS = 2000;

/** Sleeps 30 days; returns what it woke up to and the virtual time it saw pass. */
async function sleepsAMonth() {
  const start = Date.now();
  await sleep(MONTH_MS);
  return { result: 'woke up', elapsedMs: Date.now() - start };
}

/** A 2 s timer: with time skipping disabled it takes its real duration. */
async function shortTimer() {
  const start = Date.now();
  await sleep(SHORT_TIMER_MS);
  return { result: 'timer fired', elapsedMs: Date.now() - start };
}

module.exports = { sleepsAMonth, shortTimer };
