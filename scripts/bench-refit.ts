/**
 * `npx tsx scripts/bench-refit.ts [--baseline dist-old] [--runs 3] [--evaluating 1500] [--profile]`:
 * the warm refit after one more photo at 5,000 photos of the default features, in the real
 * trainer worker in Chromium (the built app's lab page; $E2E_DIST picks the build), as `npm run
 * stress` measures it in the app but without importing thousands of photos first. Each run starts
 * a new worker, trains the first head on 5,000 photos and, `--evaluating` ms into that head's
 * evaluation, sends the refit with one more photo (the last of the first class), warm-started from
 * the first head. With `--baseline`, another build (e.g. of an earlier commit, made with
 * `npx vite build --outDir dist-old`) runs the same, alternating with this one, so the two are
 * compared side by side on one machine at one time, and their heads number for number.
 * `--profile` records the worker's CPU profile during the last refit of each build and prints
 * where its time went.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CDPSession } from '@playwright/test';
import type { LogisticModel } from '../src/head/types';
import type { RefitSample } from '../src/trainer/refitLab';
import { summariseProfile, type CpuProfile } from './lib/cpuProfile';
import { defaultFeaturesId, LARGE_PHOTOS, largeSet } from './lib/headData';
import { openLab } from './lib/lab';
import { startTrace } from './lib/traceTasks';

const { values } = parseArgs({
  options: {
    baseline: { type: 'string' },
    runs: { type: 'string', default: '3' },
    evaluating: { type: 'string', default: '1500' },
    profile: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const evaluatingMs = Number(values.evaluating);

const loaded = largeSet(LARGE_PHOTOS + 1);
if (!loaded) throw new Error('the default features of the shared datasets are not all cached: run `npm run eval` on them first');
// Class by class, as the app lists a project's photos (src/ui/project/derive.ts).
const order = loaded.labels.map((_, i) => i).sort((a, b) => loaded.labels[a] - loaded.labels[b] || a - b);
const labels = order.map((i) => loaded.labels[i]);
const dimension = loaded.embeddings[0].length;
const numbers = new Float32Array(order.length * dimension);
order.forEach((i, row) => numbers.set(loaded.embeddings[i], row * dimension));
const extra = labels.lastIndexOf(0);

const folder = mkdtempSync(join(os.tmpdir(), 'bench-refit-'));
writeFileSync(join(folder, 'photos.f32'), numbers);
const builds = [
  ...(values.baseline ? [{ name: values.baseline, lab: await openLab(folder, values.baseline) }] : []),
  { name: process.env.E2E_DIST ?? 'dist', lab: await openLab(folder) },
];

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

/**
 * The refit's task in the trainer worker, from a trace of the refit: the first long task that
 * started and ended on a worker thread while tracing (the evaluation step it interrupted began
 * before, the next one ends after). `cpu` is the thread's own time, which the machine's other work
 * does not inflate as it does the wall-clock time.
 */
function refitTask(trace: { traceEvents: TraceEvent[] } | TraceEvent[]): { wallMs: number; cpuMs: number } | undefined {
  const events = Array.isArray(trace) ? trace : trace.traceEvents;
  const workerThreads = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'DedicatedWorker thread')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const task = events
    .filter((e) => e.ph === 'X' && e.name === 'RunTask' && workerThreads.has(`${e.pid}:${e.tid}`) && (e.dur ?? 0) > 50_000)
    .sort((a, b) => a.ts - b.ts)[0];
  return task && { wallMs: task.dur! / 1000, cpuMs: (task.tdur ?? NaN) / 1000 };
}

/**
 * The trainer worker's CPU profile from now until `stop()`: the newest worker whose script is the
 * trainer's, profiled through the browser's DevTools session (Playwright's own sessions do not
 * reach a page's workers).
 */
async function profileTrainer(browserSession: CDPSession): Promise<{ stop(): Promise<CpuProfile> }> {
  const { targetInfos } = (await browserSession.send('Target.getTargets')) as {
    targetInfos: { targetId: string; type: string; url: string; title: string }[];
  };
  const target = targetInfos.find((t) => t.type === 'worker' && t.title.includes('handful-trainer'));
  if (!target) throw new Error(`no trainer worker among ${JSON.stringify(targetInfos.map((t) => [t.type, t.title, t.url]))}`);
  const { sessionId } = (await browserSession.send('Target.attachToTarget', { targetId: target.targetId, flatten: false })) as {
    sessionId: string;
  };
  let nextId = 1;
  const waiting = new Map<number, (result: unknown) => void>();
  browserSession.on('Target.receivedMessageFromTarget', (event: { sessionId: string; message: string }) => {
    if (event.sessionId !== sessionId) return;
    const message = JSON.parse(event.message) as { id?: number; result?: unknown; error?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result ?? message.error);
  });
  const send = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      void browserSession.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
    });
  await send('Profiler.enable');
  await send('Profiler.setSamplingInterval', { interval: 500 });
  await send('Profiler.start');
  return {
    async stop() {
      const { profile } = (await send('Profiler.stop')) as { profile: CpuProfile };
      await browserSession.send('Target.detachFromTarget', { sessionId });
      return profile;
    },
  };
}

/**
 * `profile` with only the samples taken inside `functionName` (the others go to the root, which
 * summariseProfile leaves out): the refit, without the evaluations before and after it.
 */
function within(profile: CpuProfile, functionName: string): CpuProfile {
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const root = profile.nodes.find((node) => !parentOf.has(node.id))!.id;
  const inside = (id: number) => {
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      if (byId.get(at)!.callFrame.functionName === functionName) return true;
    }
    return false;
  };
  return { ...profile, samples: profile.samples?.map((id) => (inside(id) ? id : root)) };
}

try {
  for (const { lab } of builds) {
    await lab.page.evaluate(
      ([classes, labels, dimension, extra]) => window.handfulLab.trainer.loadPhotos('/files/photos.f32', classes, labels, dimension, extra),
      [loaded.classes, labels, dimension, extra] as const,
    );
  }
  const samples = builds.map(() => [] as (RefitSample & { refitWorkerCpuMs: number })[]);
  const profiles: string[] = [];
  for (let run = 0; run < runs; run++) {
    // Each build first in turn, so neither always follows the other.
    const order = builds.map((_, b) => (b + run) % builds.length);
    for (const b of order) {
      const { page } = builds[b].lab;
      await page.evaluate(() => window.handfulLab.trainer.firstFit());
      await page.waitForTimeout(evaluatingMs);
      const browserSession = values.profile && run === runs - 1 ? await page.context().browser()!.newBrowserCDPSession() : undefined;
      const profiling = browserSession ? await profileTrainer(browserSession) : undefined;
      const cdp = await page.context().newCDPSession(page);
      const endTrace = await startTrace(cdp, ['toplevel', 'disabled-by-default-devtools.timeline']);
      const refitted = await page.evaluate(() => window.handfulLab.trainer.refit());
      const traceFile = join(folder, `trace-${run}-${b}.json`);
      await endTrace(traceFile);
      const task = refitTask(JSON.parse(readFileSync(traceFile, 'utf8')));
      if (!task) throw new Error(`no refit task in the trainer worker's trace (${traceFile})`);
      const sample = { ...refitted, refitWorkerCpuMs: task.cpuMs };
      if (profiling) profiles[b] = summariseProfile(within(await profiling.stop(), 'trainHead'), 25);
      samples[b].push(sample);
      console.log(
        `run ${run + 1}, ${builds[b].name}: first fit ${sample.firstMs.toFixed(0)} ms (worker ${sample.firstWorkerMs.toFixed(0)}), refit ${sample.refitMs.toFixed(0)} ms (worker ${sample.refitWorkerMs.toFixed(0)}, its thread's CPU ${task.cpuMs.toFixed(0)})`,
      );
    }
  }
  const sameModel = (a: LogisticModel, b: LogisticModel) => JSON.stringify(a) === JSON.stringify(b);
  const reference = samples[0][0].refitModel;
  const identical = samples.flat().every((sample) => sameModel(sample.refitModel, reference));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const cell = (xs: number[]) => `${Math.min(...xs).toFixed(0)} / ${median(xs).toFixed(0)}`;
  console.log(`
${LARGE_PHOTOS} photos + 1 of ${loaded.classes.length} classes × ${dimension} (${defaultFeaturesId}, cached real embeddings); refit sent ${evaluatingMs} ms into the first head's evaluation; ${runs} runs of each build, ms min / median

| build | refit: on the page (request to head) | refit: in the worker | refit: the worker thread's CPU time | first fit on the page |
|---|---|---|---|---|
${builds.map(({ name }, b) => `| ${name} | ${cell(samples[b].map((s) => s.refitMs))} | ${cell(samples[b].map((s) => s.refitWorkerMs))} | ${cell(samples[b].map((s) => s.refitWorkerCpuMs))} | ${cell(samples[b].map((s) => s.firstMs))} |`).join('\n')}

The CPU time is the refit's task in the worker (a Chrome trace's thread time: unpacking the request, training, posting the head), which other work on a busy machine inflates far less than the wall-clock times.

Every refit's head the same, number for number: ${identical ? 'yes' : 'NO'}. Load average (1 min) at the end: ${os.loadavg()[0].toFixed(2)}.`);
  profiles.forEach((summary, b) => console.log(`\nWorker profile of the last refit, ${builds[b].name}:\n${summary}`));
} finally {
  for (const { lab } of builds) await lab.close();
  rmSync(folder, { recursive: true, force: true });
}
