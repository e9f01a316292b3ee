/**
 * How eagerly V8 optimizes, for a lint: one pass over thousands of documents that ends within a
 * second or two.
 *
 * V8 sends a function to its optimizing compiler once it has run a few "interrupt budgets" of
 * bytecode, a threshold tuned for pages and servers that run for minutes. A lint runs some 180
 * distinct functions that hot (sixty rules, the locator, the selector index, the YAML reader),
 * and compiling them all costs about as much CPU as the lint itself: 0.7 s of 1.7 s on the
 * bench corpus (per-thread CPU from /proc), most of it spent on functions the run ends before the
 * optimized code earns back. Four times the budget leaves the optimizing compiler to the truly hot
 * loops: on that corpus a quarter less CPU and no more wall time (bench/lint.ts, README "gantry
 * lint"). js-yaml's parse alone, with its few very hot functions, gains nothing from the change.
 *
 * The flag is read each time a budget is refilled, so setting it here, before the documents are
 * read, takes effect for the whole lint; it changes when code is optimized, never what it does.
 */
import { setFlagsFromString } from 'node:v8';

/** Node 20's V8 (11.3) default is 66 KiB. */
const LINT_INTERRUPT_BUDGET = 4 * 66 * 1024;

export function optimizeOnlyTheHottest(): void {
  setFlagsFromString(`--interrupt-budget=${LINT_INTERRUPT_BUDGET}`);
}
