import { chromium } from '@playwright/test';
import { readFileSync } from 'node:fs';
const [src, ...ys] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const p = await b.newPage({ viewport: { width: 1280, height: 1800 } });
const data = readFileSync(src).toString('base64');
await p.setContent(`<body style="margin:0"><img src="data:image/png;base64,${data}"></body>`);
for (const y of ys) await p.screenshot({ path: `/tmp/crop-${y}.png`, clip: { x: 0, y: Number(y), width: 1280, height: 1800 }, fullPage: true });
await b.close();
