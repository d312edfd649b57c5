/**
 * Alerts in the usage table: `pk = alert#<model>`, `sk = <rule>`, one item per model and rule that
 * ever fired. Opening and resolving are conditional updates (open: no item or a resolved one;
 * resolve: an open one), so a repeated or concurrent run changes each alert once and reports
 * whether its write was the one that did.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AlertRule } from '#core/monitoring/alert-rules.ts';
import type { AlertRecord, AlertState, AlertStore } from '#core/monitoring/scheduled-alerts.ts';

function recordOf(item: Record<string, unknown>): AlertRecord {
  return {
    model: item.model as string,
    rule: item.rule as AlertRule,
    state: item.state as AlertState,
    openedAt: item.openedAt as string,
    ...(typeof item.resolvedAt === 'string' ? { resolvedAt: item.resolvedAt } : {}),
    detail: item.detail as string,
  };
}

/** Every attribute goes by a placeholder (`state` is a reserved word; others may become one). */
function namesIn(...expressions: string[]): Record<string, string> {
  const names: Record<string, string> = {};
  for (const [, name] of expressions.join(' ').matchAll(/#(\w+)/g))
    if (name !== undefined) names[`#${name}`] = name;
  return names;
}

export class DynamoDbAlertRepository implements AlertStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#tableName = tableName;
  }

  async open(model: string, rule: AlertRule, detail: string, at: string): Promise<AlertRecord | undefined> {
    return this.#conditional(model, rule, {
      UpdateExpression:
        'SET #model = :model, #rule = :rule, #state = :open, #openedAt = :at, #detail = :detail REMOVE #resolvedAt',
      ConditionExpression: 'attribute_not_exists(pk) OR #state = :resolved',
      ExpressionAttributeValues: {
        ':model': model,
        ':rule': rule,
        ':open': 'open',
        ':resolved': 'resolved',
        ':at': at,
        ':detail': detail,
      },
    });
  }

  async resolve(model: string, rule: AlertRule, at: string): Promise<AlertRecord | undefined> {
    return this.#conditional(model, rule, {
      UpdateExpression: 'SET #state = :resolved, #resolvedAt = :at',
      ConditionExpression: '#state = :open',
      ExpressionAttributeValues: { ':open': 'open', ':resolved': 'resolved', ':at': at },
    });
  }

  async list(model: string, state?: AlertState): Promise<AlertRecord[]> {
    const result = await this.#client.send(
      new QueryCommand({
        TableName: this.#tableName,
        KeyConditionExpression: 'pk = :pk',
        ...(state === undefined
          ? { ExpressionAttributeValues: { ':pk': `alert#${model}` } }
          : {
              FilterExpression: '#state = :state',
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: { ':pk': `alert#${model}`, ':state': state },
            }),
      }),
    );
    return (result.Items ?? []).map(recordOf);
  }

  async #conditional(
    model: string,
    rule: AlertRule,
    update: {
      UpdateExpression: string;
      ConditionExpression: string;
      ExpressionAttributeValues: Record<string, unknown>;
    },
  ): Promise<AlertRecord | undefined> {
    try {
      const result = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { pk: `alert#${model}`, sk: rule },
          ...update,
          ExpressionAttributeNames: namesIn(update.UpdateExpression, update.ConditionExpression),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes === undefined ? undefined : recordOf(result.Attributes);
    } catch (error) {
      // Already open (or, resolving, not open): another run, or an earlier one, did it.
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }
}
