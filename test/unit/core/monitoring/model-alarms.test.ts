import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_SETTINGS, mergeAlertSettings } from '#core/monitoring/alert-rules.ts';
import {
  alarmDescription,
  alarmName,
  alarmSpecsOf,
  type ModelAlarmSpec,
  parseAlarmName,
  planAlarms,
} from '#core/monitoring/model-alarms.ts';

const PREFIX = 'MlPlatform-dev-model-';
const errorRate: ModelAlarmSpec = {
  rule: 'errorRate',
  model: 'iris',
  thresholdPercent: 5,
  windowMinutes: 15,
  minRequests: 20,
};
const latency: ModelAlarmSpec = { rule: 'latency', model: 'iris', p99Ms: 1000, windowMinutes: 15 };

describe('alarm names', () => {
  it('put the rule first, so a model name with dashes reads back whole', () => {
    const name = alarmName(PREFIX, { rule: 'errorRate', model: 'iris-v2-prod' });
    expect(name).toBe('MlPlatform-dev-model-errorRate-iris-v2-prod');
    expect(parseAlarmName(PREFIX, name)).toEqual({ rule: 'errorRate', model: 'iris-v2-prod' });
  });

  it('read nothing into other names: another prefix, an unknown rule, no model', () => {
    expect(parseAlarmName(PREFIX, 'MlPlatform-prod-model-latency-iris')).toBeUndefined();
    expect(parseAlarmName(PREFIX, `${PREFIX}drift-iris`)).toBeUndefined();
    expect(parseAlarmName(PREFIX, `${PREFIX}latency-`)).toBeUndefined();
    expect(parseAlarmName(PREFIX, `${PREFIX}latency`)).toBeUndefined();
  });
});

describe('alarmSpecsOf', () => {
  it('wants one alarm per enabled error-rate and latency rule, with the owner’s numbers', () => {
    expect(alarmSpecsOf('iris', DEFAULT_ALERT_SETTINGS)).toEqual([errorRate, latency]);
    const latencyOff = mergeAlertSettings(undefined, {
      latency: { enabled: false },
      noTraffic: { enabled: true },
    });
    expect(alarmSpecsOf('iris', latencyOff).map((s) => s.rule)).toEqual(['errorRate']);
  });
});

describe('planAlarms', () => {
  const existingOf = (spec: ModelAlarmSpec) => ({
    name: alarmName(PREFIX, spec),
    description: alarmDescription(spec),
  });

  it('puts the alarms that are missing and leaves unchanged ones alone (no call for them)', () => {
    const plan = planAlarms(PREFIX, [errorRate, latency], [existingOf(errorRate)]);
    expect(plan.put.map((p) => p.name)).toEqual(['MlPlatform-dev-model-latency-iris']);
    expect(plan.put[0]?.spec).toEqual(latency);
    expect(plan.delete).toEqual([]);
  });

  it('puts an alarm again when its rule changed (its description is its fingerprint)', () => {
    const tighter: ModelAlarmSpec = { ...errorRate, thresholdPercent: 2 };
    const plan = planAlarms(PREFIX, [tighter], [existingOf(errorRate)]);
    expect(plan.put).toEqual([
      { name: 'MlPlatform-dev-model-errorRate-iris', description: alarmDescription(tighter), spec: tighter },
    ]);
    expect(alarmDescription(tighter)).toMatch(/2 % or more .* over 15 min \(at least 20 requests\)/);
  });

  it('deletes the alarms of rules turned off and of models gone, and never touches other alarms', () => {
    const plan = planAlarms(
      PREFIX,
      [errorRate],
      [
        existingOf(errorRate),
        existingOf(latency),
        { name: `${PREFIX}errorRate-deleted-model`, description: 'x' },
        { name: 'MlPlatform-dev-Api5xxAlarm', description: 'the platform’s own' },
      ],
    );
    expect(plan.put).toEqual([]);
    expect(plan.delete).toEqual([`${PREFIX}latency-iris`, `${PREFIX}errorRate-deleted-model`]);
  });
});
