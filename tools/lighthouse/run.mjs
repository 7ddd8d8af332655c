// Runs Lighthouse (desktop preset) in Debian's Chromium against each URL given, RUNS times
// each, and prints one JSON object per run on its own line:
//   {"url", "run", "scores": {category: 0..1}, "metrics": {"fcp_ms", "lcp_ms", "tbt_ms",
//    "cls", "speed_index_ms"}, "failing": {category: [{"id", "title", "score",
//    "display", "items"}]}, "runtime_error"}
// "failing" lists, per category, the audits that count towards its score and scored below 1.
//
//   node run.mjs [--runs N] [--categories a,b] [--report-dir DIR] URL...
//
// CHROME_PATH names the browser (default /usr/bin/chromium); none is ever downloaded.
// Exits 0 when every run finished (whatever the scores), 1 when Lighthouse failed, 2 on a
// wrong command line.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';

const CHROME_FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const ITEMS_SHOWN = 5;
// Bounds on a loaded 2-core machine (Lighthouse's defaults: 30 s and 45 s); nothing here
// is a measurement.
const MAX_WAIT_FOR_FCP_MS = 90_000;
const MAX_WAIT_FOR_LOAD_MS = 120_000;

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      runs: { type: 'string', default: '1' },
      categories: { type: 'string', default: 'accessibility,best-practices,performance' },
      'report-dir': { type: 'string' },
    },
  });
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  parsed = null;
}
const runs = Number(parsed?.values.runs);
if (!parsed || parsed.positionals.length === 0 || !Number.isInteger(runs) || runs < 1) {
  process.stderr.write('usage: node run.mjs [--runs N] [--categories a,b] [--report-dir DIR] URL...\n');
  process.exit(2);
}
const categories = parsed.values.categories.split(',').filter(Boolean);
const reportDir = parsed.values['report-dir'];
if (reportDir) mkdirSync(reportDir, { recursive: true });

function itemText(item) {
  const node = item.node ?? item;
  const text = node.selector ?? node.snippet ?? item.description ?? item.url ?? item.source?.url;
  return String(text ?? JSON.stringify(item)).slice(0, 200);
}

function failing(lhr) {
  const found = {};
  for (const id of categories) {
    found[id] = lhr.categories[id].auditRefs
      .filter((ref) => ref.weight > 0)
      .map((ref) => lhr.audits[ref.id])
      .filter((audit) => audit.score !== null && audit.score < 1)
      .map((audit) => ({
        id: audit.id,
        title: audit.title,
        score: audit.score,
        display: audit.displayValue ?? '',
        items: (audit.details?.items ?? []).slice(0, ITEMS_SHOWN).map(itemText),
      }));
  }
  return found;
}

function metric(lhr, id) {
  return lhr.audits[id]?.numericValue ?? null;
}

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  chromeFlags: CHROME_FLAGS,
});
let failed = false;
try {
  for (const url of parsed.positionals) {
    for (let run = 1; run <= runs; run++) {
      const result = await lighthouse(
        url,
        {
          port: chrome.port,
          output: 'json',
          logLevel: 'error',
          onlyCategories: categories,
          maxWaitForFcp: MAX_WAIT_FOR_FCP_MS,
          maxWaitForLoad: MAX_WAIT_FOR_LOAD_MS,
        },
        desktopConfig,
      );
      if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
      const { lhr } = result;
      if (reportDir) {
        const name = `${new URL(url).pathname.replace(/\W+/g, '_') || '_'}-${run}.json`;
        writeFileSync(join(reportDir, name), result.report);
      }
      const scores = Object.fromEntries(categories.map((id) => [id, lhr.categories[id].score]));
      const line = {
        url,
        run,
        scores,
        metrics: {
          fcp_ms: metric(lhr, 'first-contentful-paint'),
          lcp_ms: metric(lhr, 'largest-contentful-paint'),
          tbt_ms: metric(lhr, 'total-blocking-time'),
          cls: metric(lhr, 'cumulative-layout-shift'),
          speed_index_ms: metric(lhr, 'speed-index'),
        },
        failing: failing(lhr),
        runtime_error: lhr.runtimeError?.message ?? null,
      };
      process.stdout.write(JSON.stringify(line) + '\n');
    }
  }
} catch (error) {
  process.stderr.write(`${error.stack ?? error}\n`);
  failed = true;
} finally {
  await chrome.kill();
}
process.exit(failed ? 1 : 0);
