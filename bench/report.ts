/**
 * The benchmark's report: machine description, the targets from the issue with PASS/MISS, the
 * tables printed on stdout, and the JSON document written to bench-results/.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ColdStartSummary } from './cold-start.ts';
import type { LoadResult } from './load.ts';
import type { VariantStats } from './micro.ts';
import { formatNumber, table } from './stats.ts';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly os: string;
  readonly node: string;
  readonly onnxruntime: string;
  readonly date: string;
  /** 1, 5 and 15 minute load averages when the bench ends (and starts, added by the runner). */
  readonly loadAverage: readonly number[];
  readonly loadAverageAtStart?: readonly number[];
}

export function machineInfo(): MachineInfo {
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    onnxruntime: ort.env.versions.node ?? 'unknown',
    date: new Date().toISOString(),
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

export interface Target {
  readonly name: string;
  readonly target: string;
  readonly measured: string;
  readonly pass: boolean;
}

export interface InProcessResult {
  readonly rows: number;
  readonly variants: Record<string, VariantStats>;
  /** Per handler invocation against the emulator: DynamoDB calls and the time spent waiting on them. */
  readonly dynamodb: { readonly callsPerInvocation: number; readonly emulatorMsPerInvocation: number };
}

export interface LoadSeries {
  readonly name: string;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly runs: readonly LoadResult[];
}

export interface BenchReport {
  readonly machine: MachineInfo;
  readonly setup: Record<string, unknown>;
  readonly inProcess: readonly InProcessResult[];
  readonly load: readonly LoadSeries[];
  readonly coldStart: { readonly runtime: ColdStartSummary; readonly handler: ColdStartSummary };
  readonly targets: readonly Target[];
  readonly durationSeconds: number;
}

/** What each in-process variant measures, in the order they are printed. */
export const VARIANT_LABELS: Readonly<Record<string, string>> = {
  raw: 'raw session.run (served bytes, ready Float32Array)',
  onnxModel: 'OnnxModel.predict (rows → checked tensors → run → decode)',
  handlerReplay: 'predict handler, DynamoDB answers replayed (no socket)',
  handlerEmulator: 'predict handler, DynamoDB emulator (as `npm start`)',
  handlerCached: 'predict handler, prediction cache on, every row a hit',
  authorizer: 'authorizer (token verification, cached per container, + revocation check; before the handler)',
};

const us = (value: number | undefined) => formatNumber(value ?? Number.NaN, 1);
const ms = (value: number | undefined, digits = 2) => formatNumber(value ?? Number.NaN, digits);

export function inProcessTables(results: readonly InProcessResult[]): string {
  const latency = table(
    ['path', 'rows', 'p50 µs', 'p99 µs'],
    results.flatMap((result) =>
      Object.entries(VARIANT_LABELS)
        .filter(([name]) => result.variants[name] !== undefined)
        .map(([name, label]) => [
          label,
          String(result.rows),
          us(result.variants[name]?.p50Us),
          us(result.variants[name]?.p99Us),
        ]),
    ),
  );
  const p50 = (result: InProcessResult, name: string) => result.variants[name]?.p50Us ?? Number.NaN;
  const breakdown = table(
    ['where the handler’s p50 goes', ...results.map((r) => `${r.rows} row${r.rows === 1 ? '' : 's'} µs`)],
    [
      ['onnxruntime run (raw p50)', ...results.map((r) => us(p50(r, 'raw')))],
      [
        'rows → tensors, checks, decoding (OnnxModel − raw)',
        ...results.map((r) => us(p50(r, 'onnxModel') - p50(r, 'raw'))),
      ],
      [
        'platform code: middy, Powertools, zod, SDK, registry logic, JSON (replayed − OnnxModel)',
        ...results.map((r) => us(p50(r, 'handlerReplay') - p50(r, 'onnxModel'))),
      ],
      [
        'DynamoDB round trips to the emulator (emulator − replayed)',
        ...results.map((r) => us(p50(r, 'handlerEmulator') - p50(r, 'handlerReplay'))),
      ],
      [
        '  measured inside the emulator calls, mean per invocation',
        ...results.map((r) => us(r.dynamodb.emulatorMsPerInvocation * 1000)),
      ],
      [
        '  DynamoDB calls per invocation',
        ...results.map((r) => formatNumber(r.dynamodb.callsPerInvocation, 0)),
      ],
      ['handler total (emulator p50)', ...results.map((r) => us(p50(r, 'handlerEmulator')))],
    ],
  );
  return `${latency}\n\n${breakdown}`;
}

function loadTable(series: readonly LoadSeries[]): string {
  return table(
    ['server (8 connections, 1 row)', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'runs: req/s'],
    series.map((s) => [
      s.name,
      formatNumber(s.requestsPerSecond, 0),
      ms(s.p50Ms),
      ms(s.p99Ms),
      String(s.non2xx + s.errors),
      s.runs.map((r) => formatNumber(r.requestsPerSecond, 0)).join(' / '),
    ]),
  );
}

const COLD_STEPS: readonly [string, string][] = [
  ['importOrt', 'import onnxruntime-node'],
  ['importOther', 'import S3 client + OnnxModel (onnx-proto)'],
  ['fetchS3', 'GetObject from the S3 emulator'],
  ['createSession', 'OnnxModel.create (ZipMap rewrite + session)'],
  ['firstPrediction', 'first predict (1 row)'],
  ['importHandler', 'import the predict handler module'],
  ['firstInvocation', 'first invocation (DynamoDB, S3, load, predict)'],
];

function coldStartTable(cold: BenchReport['coldStart']): string {
  const cell = (summary: ColdStartSummary, step: string) =>
    summary.steps[step] === undefined ? '–' : ms(summary.steps[step], 1);
  return table(
    ['cold start (median of runs), ms', 'runtime', 'handler'],
    [
      ['node start-up (process start → script)', ms(cold.runtime.bootMs, 1), ms(cold.handler.bootMs, 1)],
      ...COLD_STEPS.map(([step, label]) => [label, cell(cold.runtime, step), cell(cold.handler, step)]),
      ['total: process start → first answer', ms(cold.runtime.totalMs, 1), ms(cold.handler.totalMs, 1)],
      ['wall: spawn → exit, seen by the parent', ms(cold.runtime.wallMs, 1), ms(cold.handler.wallMs, 1)],
    ],
  ).concat(
    ...[cold.runtime, cold.handler]
      .filter((summary) => summary.error !== undefined)
      .map((summary) => `\nFAILED: ${summary.error}`),
  );
}

function targetTable(targets: readonly Target[]): string {
  return table(
    ['target (from the issue)', 'wanted', 'measured', ''],
    targets.map((t) => [t.name, t.target, t.measured, t.pass ? 'PASS' : 'MISS']),
  );
}

export function printReport(report: BenchReport): string {
  const m = report.machine;
  return [
    `Inference benchmark — ${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB, ${m.os}, Node ${m.node}, onnxruntime-node ${m.onnxruntime}, ${m.date}`,
    `Load average (1/5/15 min) at start ${m.loadAverageAtStart?.join(' / ') ?? '?'}, at end ${m.loadAverage.join(' / ')}: other work on the machine skews every figure.`,
    '',
    inProcessTables(report.inProcess),
    '',
    loadTable(report.load),
    '',
    coldStartTable(report.coldStart),
    '',
    targetTable(report.targets),
    '',
    `Finished in ${formatNumber(report.durationSeconds, 0)} s.`,
  ].join('\n');
}

export async function writeReport(path: string, report: BenchReport): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
}
