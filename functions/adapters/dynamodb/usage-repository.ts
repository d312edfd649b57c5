/**
 * Per-minute prediction usage in the usage table, one item per minute, model, version, alias and
 * caller: `pk = usage#<yyyy-mm-dd>`, `sk = <model>#<minute, 10 digits>#<version>#<alias>#<caller>`.
 * Each flush is one UpdateItem per aggregate with atomic ADDs (counts and the non-empty latency
 * buckets, `l<i>` for the handler and `m<i>` for the model run), so concurrent containers add up
 * without reading first. A day's partition holds every model, which lets the admin report read a
 * day in one query and a model's report read its key range; items expire after 90 days.
 */
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { BUCKET_COUNT } from '#core/monitoring/latency-histogram.ts';
import type { UsageStore } from '#core/monitoring/usage-recorder.ts';
import { emptyCounts, type UsageAggregate } from '#core/monitoring/usage-records.ts';
import type { UsageReader } from '#core/monitoring/usage-report.ts';

const RETENTION_SECONDS = 90 * 86_400;
const DAY_SECONDS = 86_400;
/** UpdateItem calls in flight at once during a flush. */
const WRITE_CONCURRENCY = 16;

const COUNTERS = [
  'requests',
  'rows',
  'succeeded',
  'clientErrors',
  'serverErrors',
  'cacheHits',
  'cacheMisses',
] as const;
const LABELS = ['model', 'minute', 'version', 'alias', 'caller', 'callerName'] as const;

const dayOf = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString().slice(0, 10);
const minuteKey = (epochSeconds: number) => String(epochSeconds).padStart(10, '0');

export function usageKey(aggregate: UsageAggregate): { pk: string; sk: string } {
  return {
    pk: `usage#${dayOf(aggregate.minute)}`,
    sk: `${aggregate.model}#${minuteKey(aggregate.minute)}#${aggregate.version}#${aggregate.alias}#${aggregate.caller}`,
  };
}

function updateOf(aggregate: UsageAggregate) {
  const names: Record<string, string> = { '#expiresAt': 'expiresAt' };
  const values: Record<string, unknown> = { ':expiresAt': aggregate.minute + RETENTION_SECONDS };
  const adds: string[] = [];
  const sets: string[] = ['#expiresAt = if_not_exists(#expiresAt, :expiresAt)'];
  for (const counter of COUNTERS) {
    names[`#${counter}`] = counter;
    values[`:${counter}`] = aggregate[counter];
    adds.push(`#${counter} :${counter}`);
  }
  for (const [prefix, histogram] of [
    ['l', aggregate.latency],
    ['m', aggregate.modelLatency],
  ] as const) {
    for (let i = 0; i < BUCKET_COUNT; i += 1) {
      const count = histogram[i] ?? 0;
      if (count === 0) continue;
      names[`#${prefix}${i}`] = `${prefix}${i}`;
      values[`:${prefix}${i}`] = count;
      adds.push(`#${prefix}${i} :${prefix}${i}`);
    }
  }
  for (const label of LABELS) {
    names[`#${label}`] = label;
    values[`:${label}`] = aggregate[label];
    sets.push(`#${label} = :${label}`);
  }
  return {
    UpdateExpression: `ADD ${adds.join(', ')} SET ${sets.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

function aggregateOf(item: Record<string, unknown>): UsageAggregate {
  const counts = emptyCounts();
  for (const counter of COUNTERS) counts[counter] = Number(item[counter] ?? 0);
  for (let i = 0; i < BUCKET_COUNT; i += 1) {
    counts.latency[i] = Number(item[`l${i}`] ?? 0);
    counts.modelLatency[i] = Number(item[`m${i}`] ?? 0);
  }
  return {
    model: String(item.model),
    minute: Number(item.minute),
    version: Number(item.version),
    alias: String(item.alias ?? ''),
    caller: String(item.caller),
    callerName: String(item.callerName ?? item.caller),
    ...counts,
  };
}

export class DynamoDbUsageRepository implements UsageStore, UsageReader {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#tableName = tableName;
  }

  async add(aggregates: readonly UsageAggregate[]): Promise<readonly UsageAggregate[]> {
    const failed: UsageAggregate[] = [];
    for (let start = 0; start < aggregates.length; start += WRITE_CONCURRENCY) {
      const chunk = aggregates.slice(start, start + WRITE_CONCURRENCY);
      const results = await Promise.allSettled(
        chunk.map((aggregate) =>
          this.#client.send(
            new UpdateCommand({
              TableName: this.#tableName,
              Key: usageKey(aggregate),
              ...updateOf(aggregate),
            }),
          ),
        ),
      );
      results.forEach((result, i) => {
        if (result.status === 'rejected') failed.push(chunk[i] as UsageAggregate);
      });
    }
    return failed;
  }

  async list(query: { model?: string; from: number; to: number }): Promise<UsageAggregate[]> {
    const days: number[] = [];
    for (let day = Math.floor(query.from / DAY_SECONDS) * DAY_SECONDS; day < query.to; day += DAY_SECONDS) {
      days.push(day);
    }
    const perDay = await Promise.all(days.map((day) => this.#listDay(dayOf(day), query)));
    return perDay.flat();
  }

  async #listDay(
    day: string,
    query: { model?: string; from: number; to: number },
  ): Promise<UsageAggregate[]> {
    const items: UsageAggregate[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const range =
        query.model === undefined
          ? {
              KeyConditionExpression: 'pk = :pk',
              FilterExpression: '#minute >= :from AND #minute < :to',
              ExpressionAttributeNames: { '#minute': 'minute' },
              ExpressionAttributeValues: { ':pk': `usage#${day}`, ':from': query.from, ':to': query.to },
            }
          : {
              // `<model>#<from>` up to, not including, `<model>#<to>`: '#' sorts before the digits.
              KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
              ExpressionAttributeValues: {
                ':pk': `usage#${day}`,
                ':low': `${query.model}#${minuteKey(query.from)}`,
                ':high': `${query.model}#${minuteKey(query.to - 1)}#~`,
              },
            };
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#tableName,
          ...range,
          ...(cursor === undefined ? {} : { ExclusiveStartKey: cursor }),
        }),
      );
      for (const item of page.Items ?? []) items.push(aggregateOf(item));
      cursor = page.LastEvaluatedKey;
    } while (cursor !== undefined);
    return items;
  }
}
