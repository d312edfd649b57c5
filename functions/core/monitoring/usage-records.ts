/**
 * What is counted for each prediction, and the per-minute aggregates that are stored: one per
 * minute, model, version, alias and caller, with counts by outcome and two latency histograms.
 */
import type { Principal } from '../auth/principal.ts';
import { addSample, emptyHistogram, type LatencyHistogram, mergeInto } from './latency-histogram.ts';

/** One answered prediction request (v1 predict or v2 infer) whose serving version was chosen. */
export interface PredictionUsage {
  readonly model: string;
  readonly version: number;
  /** The alias that routed the call (a split alias names the alias; `version` is the arm). */
  readonly alias?: string;
  readonly caller: string;
  readonly callerName: string;
  readonly rows: number;
  readonly status: number;
  /** Time in the prediction use case: resolving the version, running it, shaping the answer. */
  readonly handlerMs: number;
  /** Time in the model runner alone; absent when the call failed before the model ran. */
  readonly modelMs?: number;
  /** Rows answered from the prediction cache and rows it ran, when the model's cache is on. */
  readonly cacheHits?: number;
  readonly cacheMisses?: number;
}

export interface UsageCounts {
  requests: number;
  rows: number;
  /** 2xx answers. */
  succeeded: number;
  clientErrors: number;
  serverErrors: number;
  /** Rows answered from the prediction cache, and rows of cached models the model ran. */
  cacheHits: number;
  cacheMisses: number;
  latency: LatencyHistogram;
  modelLatency: LatencyHistogram;
}

export interface UsageDimensions {
  /** Start of the minute, epoch seconds. */
  readonly minute: number;
  readonly model: string;
  readonly version: number;
  /** Empty when no alias routed the call. */
  readonly alias: string;
  readonly caller: string;
  readonly callerName: string;
}

export interface UsageAggregate extends UsageDimensions, UsageCounts {}

/** `key:<id>` for API keys, `user:<sub>` for tokens: the key, not its owner, is the caller. */
export function callerOf(principal: Principal): { caller: string; callerName: string } {
  return principal.keyId === undefined
    ? { caller: `user:${principal.userId}`, callerName: principal.username }
    : { caller: `key:${principal.keyId}`, callerName: principal.username };
}

export function minuteOf(epochMs: number): number {
  return Math.floor(epochMs / 60_000) * 60;
}

export function emptyCounts(): UsageCounts {
  return {
    requests: 0,
    rows: 0,
    succeeded: 0,
    clientErrors: 0,
    serverErrors: 0,
    cacheHits: 0,
    cacheMisses: 0,
    latency: emptyHistogram(),
    modelLatency: emptyHistogram(),
  };
}

export function addUsage(counts: UsageCounts, usage: PredictionUsage): void {
  counts.requests += 1;
  counts.rows += usage.rows;
  if (usage.status >= 500) counts.serverErrors += 1;
  else if (usage.status >= 400) counts.clientErrors += 1;
  else counts.succeeded += 1;
  counts.cacheHits += usage.cacheHits ?? 0;
  counts.cacheMisses += usage.cacheMisses ?? 0;
  addSample(counts.latency, usage.handlerMs);
  if (usage.modelMs !== undefined) addSample(counts.modelLatency, usage.modelMs);
}

export function mergeCounts(into: UsageCounts, from: Readonly<UsageCounts>): UsageCounts {
  into.requests += from.requests;
  into.rows += from.rows;
  into.succeeded += from.succeeded;
  into.clientErrors += from.clientErrors;
  into.serverErrors += from.serverErrors;
  into.cacheHits += from.cacheHits;
  into.cacheMisses += from.cacheMisses;
  mergeInto(into.latency, from.latency);
  mergeInto(into.modelLatency, from.modelLatency);
  return into;
}

/** Identity of an aggregate within a container's buffer. */
export function aggregateKey(d: Omit<UsageDimensions, 'callerName'>): string {
  return `${d.minute}|${d.model}|${d.version}|${d.alias}|${d.caller}`;
}
