/**
 * What the page's long main-thread tasks spent their time on, read from a Chrome trace recorded
 * with `traceCategories`: for the tasks over `overMs`, the functions (by inclusive CPU samples)
 * and the browser's own work (layout, style, garbage collection...) inside them. Used by
 * `npm run stress -- --trace <folder>`; names are readable with an unminified build
 * (`vite build --minify false`).
 */
import type { CDPSession } from '@playwright/test';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';

export const traceCategories = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8',
  'disabled-by-default-v8.gc',
  'disabled-by-default-v8.cpu_profiler',
];

/** Starts tracing the page behind `cdp`; the returned function ends it and writes the trace to `file`. */
export async function startTrace(cdp: CDPSession, categories = traceCategories): Promise<(file: string) => Promise<void>> {
  await cdp.send('Tracing.start', {
    transferMode: 'ReturnAsStream',
    traceConfig: { includedCategories: categories, excludedCategories: ['*'] },
  });
  return async (file) => {
    const complete = new Promise<{ stream?: string }>((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.end');
    const { stream } = await complete;
    if (!stream) throw new Error('the browser returned no trace');
    const out = createWriteStream(file);
    for (;;) {
      const { data, eof, base64Encoded } = await cdp.send('IO.read', { handle: stream, size: 1 << 20 });
      if (!out.write(base64Encoded ? Buffer.from(data, 'base64') : data)) await once(out, 'drain');
      if (eof) break;
    }
    await cdp.send('IO.close', { handle: stream });
    out.end();
    await once(out, 'finish');
  };
}

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Time the thread spent on the CPU: far less than `dur` when the machine is busy or the thread waits. */
  tdur?: number;
  pid: number;
  tid: number;
  id?: string;
  args?: { name?: string; data?: Record<string, unknown>; src_func?: string; chrome_mojo_event_info?: { mojo_interface_tag?: string } };
}

interface ProfileNode {
  id: number;
  parent?: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** Browser work counted on its own when it is not inside a sampled function. */
const browserWork = new Set([
  'Layout',
  'UpdateLayoutTree',
  'Paint',
  'PrePaint',
  'Layerize',
  'MajorGC',
  'MinorGC',
  'V8.GC_MARK_COMPACTOR',
  'ParseHTML',
  'ScheduleStyleRecalculation',
  'HitTest',
  'UpdateLayerTree',
  'IntersectionObserverController::computeIntersections',
]);

export interface TaskSummary {
  /**
   * `cpuMs`: of `ms`, the time on the CPU (on a busy machine a task waits for it); `source`: what
   * posted the task (e.g. ScheduledPurge) or the message it handles (e.g. blink.mojom.DevToolsSession).
   */
  tasks: { startMs: number; ms: number; cpuMs: number; source: string; top: string[] }[];
  /** Over all long tasks: milliseconds by function (inclusive) and by browser work. */
  functions: [string, number][];
  browser: [string, number][];
}

/**
 * Reads a trace and sums, over the main-thread tasks of the page (its busiest renderer main thread)
 * longer than `overMs`, where their time went. `startMs` is relative to the first event.
 */
export async function summariseTrace(file: string, overMs = 50): Promise<TaskSummary> {
  const { traceEvents } = JSON.parse(await readFile(file, 'utf8')) as { traceEvents: TraceEvent[] };
  const mains = traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const busiest = mains
    .map((m) => ({ m, n: traceEvents.reduce((n, e) => (e.pid === m.pid && e.tid === m.tid ? n + 1 : n), 0) }))
    .sort((a, b) => b.n - a.n)[0]?.m;
  if (!busiest) throw new Error(`${file} has no renderer main thread`);
  const onMain = (e: TraceEvent) => e.pid === busiest.pid && e.tid === busiest.tid;
  const origin = traceEvents.reduce((first, e) => (e.ts > 0 && e.ts < first ? e.ts : first), Infinity);
  const tasks = traceEvents
    .filter((e) => onMain(e) && e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && (e.dur ?? 0) > overMs * 1000)
    .sort((a, b) => a.ts - b.ts);

  // CPU samples of the main thread: each with its time and its stack of function names.
  const profileIds = new Set(traceEvents.filter((e) => e.name === 'Profile' && onMain(e)).map((e) => e.id));
  const nodes = new Map<number, ProfileNode>();
  const samples: { ts: number; node: number }[] = [];
  const startOf = new Map(traceEvents.filter((e) => e.name === 'Profile').map((e) => [e.id, (e.args?.data?.startTime as number) ?? e.ts]));
  const clock = new Map<string | undefined, number>();
  for (const e of traceEvents) {
    if (e.name !== 'ProfileChunk' || !profileIds.has(e.id)) continue;
    const data = e.args!.data as { cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] }; timeDeltas?: number[] };
    for (const node of data.cpuProfile?.nodes ?? []) nodes.set(node.id, node);
    let at = clock.get(e.id) ?? startOf.get(e.id) ?? e.ts;
    (data.cpuProfile?.samples ?? []).forEach((node, i) => {
      at += data.timeDeltas?.[i] ?? 0;
      samples.push({ ts: at, node });
    });
    clock.set(e.id, at);
  }
  samples.sort((a, b) => a.ts - b.ts);
  const nameOf = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.split('/').pop()}:${lineNumber + 1}` : '';
    return `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
  };
  const stackOf = (id: number) => {
    const names = new Set<string>();
    for (let node = nodes.get(id); node; node = node.parent === undefined ? undefined : nodes.get(node.parent)) names.add(nameOf(node));
    return names;
  };
  const functions = new Map<string, number>();
  const browser = new Map<string, number>();
  const summaries: TaskSummary['tasks'] = [];
  const work = traceEvents.filter((e) => onMain(e) && e.ph === 'X' && browserWork.has(e.name)).sort((a, b) => a.ts - b.ts);
  // The message a task handles, if any (a DevTools command, a worker's answer...).
  const messages = traceEvents.filter((e) => onMain(e) && e.name === 'Receive mojo message').sort((a, b) => a.ts - b.ts);
  let s = 0;
  let w = 0;
  let m = 0;
  for (const task of tasks) {
    const end = task.ts + task.dur!;
    while (s < samples.length && samples[s].ts < task.ts) s++;
    const mine = new Map<string, number>();
    for (let i = s; i < samples.length && samples[i].ts < end; i++) {
      const dt = ((samples[i + 1]?.ts ?? samples[i].ts) - samples[i].ts) / 1000;
      for (const name of stackOf(samples[i].node)) mine.set(name, (mine.get(name) ?? 0) + dt);
    }
    mine.forEach((ms, name) => functions.set(name, (functions.get(name) ?? 0) + ms));
    while (w < work.length && work[w].ts < task.ts) w++;
    const mineBrowser = new Map<string, number>();
    for (let i = w; i < work.length && work[i].ts < end; i++)
      mineBrowser.set(work[i].name, (mineBrowser.get(work[i].name) ?? 0) + (work[i].dur ?? 0) / 1000);
    mineBrowser.forEach((ms, name) => browser.set(name, (browser.get(name) ?? 0) + ms));
    const top = [...mine]
      .filter(([name]) => !/^\((root|program|idle)\)/.test(name))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 14)
      .map(([name, ms]) => `${ms.toFixed(0)} ms ${name}`);
    top.push(`browser: ${[...mineBrowser].map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`).join(', ') || 'none traced'}`);
    while (m < messages.length && messages[m].ts < task.ts) m++;
    const message = messages[m]?.ts < end ? messages[m].args?.chrome_mojo_event_info?.mojo_interface_tag : undefined;
    summaries.push({
      startMs: (task.ts - origin) / 1000,
      ms: task.dur! / 1000,
      cpuMs: (task.tdur ?? 0) / 1000,
      source: message ?? task.args?.src_func ?? 'unknown',
      top,
    });
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { tasks: summaries, functions: sorted(functions).slice(0, 60), browser: sorted(browser) };
}

/** The summary as text: the slowest tasks with their heaviest functions, then the totals. */
export function describeTasks(label: string, summary: TaskSummary, slowest = 8): string {
  const onCpu = summary.tasks.filter((task) => task.cpuMs > 50).length;
  const lines = [
    `${label}: ${summary.tasks.length} tasks over 50 ms, ${summary.tasks.reduce((t, x) => t + x.ms, 0).toFixed(0)} ms in all; ${onCpu} of them over 50 ms on the CPU`,
  ];
  for (const task of [...summary.tasks].sort((a, b) => b.ms - a.ms).slice(0, slowest))
    lines.push(
      `  task of ${task.ms.toFixed(0)} ms (${task.cpuMs.toFixed(0)} ms on the CPU) at ${(task.startMs / 1000).toFixed(1)} s, ${task.source}:`,
      ...task.top.map((t) => `      ${t}`),
    );
  lines.push(
    '  in all long tasks, by function (inclusive):',
    ...summary.functions.map(([name, ms]) => `      ${ms.toFixed(0)} ms ${name}`),
  );
  lines.push('  browser work inside them:', ...summary.browser.map(([name, ms]) => `      ${ms.toFixed(0)} ms ${name}`));
  return lines.join('\n');
}
