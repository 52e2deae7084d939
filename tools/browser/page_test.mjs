// SPDX-License-Identifier: GPL-2.0
//
// page_test.mjs PAGE [SHOT.png [STEP]] - the step-through page of "buddyctl html"
// in Debian's real headless Chromium (driven by playwright-core, which
// brings no browser of its own).
//
// Loads PAGE from file://, with every request that is not the page itself
// counted as a failure (the page must stand alone), and checks: no console
// error and no exception; a <section data-step=N> per step, N from 0; one
// step shown at a time, the first one first; the arrow keys, Home and End,
// the buttons and the slider move the shown step; screenshots of the first
// and the last step differ and are not blank.  With SHOT, the last step's
// screenshot, or step STEP's, is also written there (make screenshot, for
// the README).
// Prints "PASS|FAIL name" lines and "N passed, N failed"; exit status 1 on
// a failure.

import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';
import { writeFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';

const [page_path, shot_path, shot_step] = process.argv.slice(2);
let passed = 0, failed = 0;

function check(ok, name, detail) {
	console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${ok || !detail ? '' : ': ' + detail}`);
	if (ok) passed++; else failed++;
}

// Distinct colours in a PNG screenshot: a blank page has one or two.
function colours(png) {
	const w = png.readUInt32BE(16), h = png.readUInt32BE(20);
	const chunks = [];
	for (let at = 8; at < png.length; ) {
		const len = png.readUInt32BE(at), type = png.toString('ascii', at + 4, at + 8);
		if (type === 'IDAT') chunks.push(png.subarray(at + 8, at + 8 + len));
		at += 12 + len;
	}
	const raw = inflateSync(Buffer.concat(chunks));
	const bpp = png[25] === 6 ? 4 : 3, stride = w * bpp + 1, seen = new Set();
	// Sample rows without undoing the filters: distinct filtered bytes
	// still tell one colour from many.
	for (let y = 0; y < h; y += 7)
		for (let x = 1; x < stride; x += bpp * 5)
			seen.add(raw[y * stride + x] * 65536 + raw[y * stride + x + 1] * 256 + raw[y * stride + x + 2]);
	return seen.size;
}

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	       '--disable-background-networking', '--disable-component-update',
	       '--disable-sync'],
});
try {
	const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
	const url = pathToFileURL(page_path).href;
	const errors = [], requests = [];
	page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
	page.on('pageerror', (e) => errors.push(String(e)));
	page.on('request', (r) => { if (r.url() !== url) requests.push(r.url()); });
	await page.goto(url);

	check(errors.length === 0, 'loads with no console error or exception', errors.join('; '));
	check(requests.length === 0, 'asks for nothing but itself', requests.join(' '));
	const nr = await page.locator('section[data-step]').count();
	const numbers = await page.$$eval('section[data-step]', (s) => s.map((e) => +e.dataset.step));
	check(nr >= 2 && numbers.every((n, i) => n === i), `a section per step, data-step 0..${nr - 1}`,
	      numbers.join(','));
	const shown = async () => page.$$eval('section[data-step]',
		(s) => s.filter((e) => getComputedStyle(e).display !== 'none').map((e) => +e.dataset.step));
	check(JSON.stringify(await shown()) === '[0]', 'step 0 alone is shown at first',
	      JSON.stringify(await shown()));
	check(await page.locator('section[data-step="0"] svg rect').count() > 3,
	      'step 0 has its picture');
	const first = await page.screenshot();

	await page.keyboard.press('ArrowRight');
	check(JSON.stringify(await shown()) === '[1]', 'ArrowRight shows step 1');
	await page.keyboard.press('ArrowLeft');
	check(JSON.stringify(await shown()) === '[0]', 'ArrowLeft goes back to step 0');
	await page.keyboard.press('End');
	check(JSON.stringify(await shown()) === `[${nr - 1}]`, 'End shows the last step');
	await page.click('#prev');
	check(JSON.stringify(await shown()) === `[${nr - 2}]`, 'the previous button');
	await page.click('#next');
	await page.locator('#slider').fill('1');
	check(JSON.stringify(await shown()) === '[1]', 'the slider jumps');
	// Alt+Left is the browser's Back: the page leaves it alone (the
	// slider, focused, would take the arrows as a slider does).
	await page.evaluate(() => document.activeElement.blur());
	await page.keyboard.press('Alt+ArrowRight');
	await page.keyboard.press('Control+ArrowRight');
	check(JSON.stringify(await shown()) === '[1]',
	      'arrows with Alt or Ctrl are the browser\'s, not steps');
	await page.evaluate(() => { location.hash = '#step=0'; });
	await page.waitForFunction(() => document.body.dataset.shown === '0',
				   null, { timeout: 3000 }).catch(() => {});
	check(JSON.stringify(await shown()) === '[0]', 'a new #step=N in the address shows step N');
	// The address follows the step, so a copied link or a reload opens
	// it, and the same #step=N typed again after a key moves back to it.
	await page.keyboard.press('ArrowRight');
	check(await page.evaluate(() => location.hash) === '#step=1',
	      'the address follows the step (#step=1 after ArrowRight)',
	      await page.evaluate(() => location.hash));
	await page.evaluate(() => { location.hash = '#step=0'; });
	await page.waitForFunction(() => document.body.dataset.shown === '0',
				   null, { timeout: 3000 }).catch(() => {});
	check(JSON.stringify(await shown()) === '[0]',
	      'the same #step=N typed again after a key moves back to it');
	// Home and End are the page's: they do not scroll it too.
	await page.evaluate(() => {
		window.prevented = [];
		document.addEventListener('keydown',
			(e) => window.prevented.push(e.key + ':' + e.defaultPrevented));
	});
	await page.keyboard.press('End');
	await page.keyboard.press('Home');
	check(JSON.stringify(await page.evaluate(() => window.prevented)) ===
	      '["End:true","Home:true"]', 'Home and End move the steps, not the page',
	      JSON.stringify(await page.evaluate(() => window.prevented)));
	check(await page.getAttribute('#slider', 'aria-label') === 'step' &&
	      await page.getAttribute('#where', 'aria-live') === 'polite',
	      'the slider is named, and the step it shows is announced');
	await page.keyboard.press('End');
	const last = await page.screenshot();
	check(!first.equals(last), 'the first and the last step look different');
	check(colours(first) > 8 && colours(last) > 8, 'neither screenshot is blank',
	      `${colours(first)} and ${colours(last)} colours`);
	check(errors.length === 0, 'still no console error', errors.join('; '));
	if (shot_path && shot_step !== undefined) {
		await page.locator('#slider').fill(shot_step);
		writeFileSync(shot_path, await page.screenshot({ fullPage: true }));
	} else if (shot_path) {
		writeFileSync(shot_path, last);
	}
	// A legend of wide tags (LEGEND_SVG, from run.sh), as the browser
	// draws it: no entry runs into the next, all of it within the picture.
	if (process.env.LEGEND_SVG) {
		await page.goto(pathToFileURL(process.env.LEGEND_SVG).href);
		const r = await page.evaluate(() => {
			const svg = document.querySelector('svg');
			const g = [...document.querySelectorAll('g.legend > *')];
			const box = (e) => e.getBBox();
			const bad = [];
			let n = 0;
			for (let i = 0; i + 1 < g.length; i++) {
				const a = box(g[i]), b = box(g[i + 1]);
				if (g[i].tagName !== 'text')
					continue;
				n++;
				if (a.x + a.width > +svg.getAttribute('width'))
					bad.push(g[i].textContent + ' past the edge');
				if (Math.abs(a.y - b.y) < 5 && b.x < a.x + a.width)
					bad.push(g[i].textContent + ' runs into what follows');
			}
			return { n, bad };
		});
		check(r.n >= 10 && r.bad.length === 0,
		      `a legend of ${r.n} wide tags, drawn: no overlap, within the picture`,
		      r.bad.join('; '));
	}
} finally {
	await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
