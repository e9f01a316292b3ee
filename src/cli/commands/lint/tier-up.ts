/**
 * How eagerly V8 optimizes, for a lint: one pass over thousands of documents that ends within a
 * second or two.
 *
 * V8 sends a function to its optimizing compiler once it has run a few "interrupt budgets" of
 * bytecode, a threshold tuned for pages and servers that run for minutes. A lint runs some 175
 * distinct functions that hot (the rules, the locator, the selector index, the YAML reader), and
 * compiling them cost ~0.75 s of CPU on background threads on the bench corpus, against ~1 s on
 * the main thread (per-thread CPU from /proc): mostly for functions the run ends before their
 * optimized code earns it back. Four times the budget leaves the optimizing compiler to the truly
 * hot loops (84 functions, ~0.33 s): a fifth less CPU, and less elapsed time on 2 cores, where
 * those threads compete with the main one (bench/lint.ts, README "gantry lint"). js-yaml's parse
 * alone, with its few very hot functions, gains nothing from the change; three, six or eight times
 * the budget did no better than four. Measured again once the block reader (block-yaml.ts) took
 * over the parse: the default budget 2.2× js-yaml's CPU, twice it 1.9–2.1×, four to ten times it
 * 1.4–1.7× alike.
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
