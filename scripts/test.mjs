#!/usr/bin/env node
// `npm test`: type-check, lint, format check, unit tests, then browser tests (on a production build); stops at the first failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const SYSTEM_CHROMIUM = '/usr/bin/chromium';

function section(title) {
  console.log(`\n${'='.repeat(72)}\n  ${title}\n${'='.repeat(72)}\n`);
}

function run(title, command, args) {
  section(title);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', env: process.env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`\nFAILED: ${title} (${seconds} s)`);
    process.exit(result.status ?? 1);
  }
  console.log(`\nPASSED: ${title} (${seconds} s)`);
}

/** Dawn (the `webgpu` package) in Node finds a software adapter through Chromium's SwiftShader ICD. */
function useSwiftShaderInNode() {
  if (process.env.VK_ICD_FILENAMES || !existsSync(SWIFTSHADER_ICD)) return;
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  process.env.XDG_RUNTIME_DIR ??= mkdtempSync(join(tmpdir(), 'wick-xdg-'));
}

/**
 * Outside CI, unit tests that need what this machine lacks (a WebGPU adapter, timestamp queries)
 * are skipped, and each file says why early in the output: say it again at the end, where it is seen.
 */
function reportSkippedUnitTests(reportFile) {
  if (!existsSync(reportFile)) return 0;
  const { numPendingTests = 0 } = JSON.parse(readFileSync(reportFile, 'utf8'));
  if (numPendingTests > 0)
    console.log(`\nSKIPPED: ${numPendingTests} unit tests did not run: the "SKIPPED" messages above say what this machine lacks and how to install it.`);
  return numPendingTests;
}

/** $CHROMIUM_PATH, else the system Chromium, else Playwright's own (downloaded when missing). */
async function ensureBrowser() {
  if (process.env.CHROMIUM_PATH) return `CHROMIUM_PATH=${process.env.CHROMIUM_PATH}`;
  if (existsSync(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM;
  const { chromium } = await import('@playwright/test');
  if (!existsSync(chromium.executablePath())) {
    run("Installing Playwright's Chromium", 'npx', ['--no-install', 'playwright', 'install', 'chromium']);
  }
  return chromium.executablePath();
}

run('Type-check (tsc)', 'npx', ['--no-install', 'tsc', '-p', 'tsconfig.json', '--noEmit']);
run('Lint (eslint)', 'npx', ['--no-install', 'eslint', '.']);
run('Format check (prettier; `npm run format` fixes it)', 'npx', ['--no-install', 'prettier', '--check', '.']);
useSwiftShaderInNode();
const unitReport = join(mkdtempSync(join(tmpdir(), 'wick-vitest-')), 'report.json');
run('Unit tests (vitest)', 'npx', ['--no-install', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${unitReport}`]);
const skippedUnitTests = reportSkippedUnitTests(unitReport);
console.log(`\nBrowser: ${await ensureBrowser()}`);
run('Browser tests (playwright)', 'npx', ['--no-install', 'playwright', 'test']);
section(skippedUnitTests ? `All tests passed, but ${skippedUnitTests} unit tests were skipped (see above)` : 'All tests passed');
