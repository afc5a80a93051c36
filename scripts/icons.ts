/**
 * Draws the app icons in public/icons/ from public/favicon.svg with the project's own Chromium,
 * so they match the favicon exactly. The PNGs are committed; run this again after changing the
 * favicon: `npx tsx scripts/icons.ts`.
 */
import { chromium } from '@playwright/test';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const favicon = readFileSync(join(root, 'public', 'favicon.svg'), 'utf8');
const inner = favicon.replace(/^<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '');
const hand = inner.match(/<path[^>]*\/>/)?.[0];
if (!hand) throw new Error('favicon.svg has no <path> to draw the hand from');

const icons = [
  // Any purpose: the favicon as it is, rounded corners transparent.
  { file: 'icon-192.png', size: 192, svg: favicon },
  { file: 'icon-512.png', size: 512, svg: favicon },
  // Maskable: full-bleed background, the hand inside the central 80% "safe zone".
  {
    file: 'maskable-512.png',
    size: 512,
    svg: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="#2454d6"/><g transform="translate(8 8) scale(0.75)">${hand}</g></svg>`,
  },
  // iOS rounds the corners itself and shows transparency as black: full-bleed too.
  {
    file: 'apple-touch-icon-180.png',
    size: 180,
    svg: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="#2454d6"/><g transform="translate(6.4 6.4) scale(0.8)">${hand}</g></svg>`,
  },
];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  for (const icon of icons) {
    const page = await browser.newPage({ viewport: { width: icon.size, height: icon.size } });
    const sized = icon.svg.replace('<svg ', `<svg width="${icon.size}" height="${icon.size}" `);
    await page.setContent(`<html><body style="margin:0;background:transparent">${sized}</body></html>`);
    const path = join(root, 'public', 'icons', icon.file);
    await page.screenshot({ path, omitBackground: true, clip: { x: 0, y: 0, width: icon.size, height: icon.size } });
    await page.close();
    console.log(`${icon.file}: ${statSync(path).size} bytes`);
  }
} finally {
  await browser.close();
}
