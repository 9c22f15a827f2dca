import { describe, expect, test } from 'vitest';
import { DEFAULT_RELEASE_PLAN } from '../config/normalize.js';
import type { ReleaseConfig } from '../config/types.js';
import { decideNext, formatDuration, previousRevision } from './plan.js';
import type { Rollout } from './state.js';

const release: ReleaseConfig = { track: 'latest', plan: DEFAULT_RELEASE_PLAN };
const rollout = (done: Rollout['done']): Rollout => ({
  revision: 5,
  version: '1.1',
  arch: 'amd64',
  startedAt: '2026-12-01T00:00:00.000Z',
  done,
});
const at = (iso: string) => new Date(iso);

describe('decideNext', () => {
  test('refuses without an upload, and says what to run', () => {
    expect(decideNext(release, undefined, at('2026-12-01T00:00:00Z'), [])).toMatchObject({
      kind: 'refuse',
      hint: 'coreforge release upload',
    });
  });

  test('after edge, beta 20% comes next with the health gate', () => {
    const r = rollout([{ step: 0, channel: 'edge', percent: 100, at: '2026-12-01T00:00:00.000Z' }]);
    const status = [{ track: 'latest', arch: 'amd64', risk: 'edge', following: false, revision: 5, version: '1.1' }];
    expect(decideNext(release, r, at('2026-12-01T00:00:01Z'), status)).toEqual({
      kind: 'advance',
      step: 1,
      target: DEFAULT_RELEASE_PLAN[1],
      checkHealth: true,
    });
  });

  test('refuses before the soak time, with the time left and when to come back', () => {
    const r = rollout([
      { step: 0, channel: 'edge', percent: 100, at: '2026-12-01T00:00:00.000Z' },
      { step: 1, channel: 'beta', percent: 20, at: '2026-12-01T00:00:00.000Z' },
    ]);
    const status = [
      {
        track: 'latest',
        arch: 'amd64',
        risk: 'beta',
        following: false,
        progressive: { revision: 5, version: '1.1', percent: 20 },
      },
    ];
    expect(decideNext(release, r, at('2026-12-01T06:30:00Z'), status)).toEqual({
      kind: 'refuse',
      message: 'cannot advance to step 3 (beta 50%): step 2 (beta 20%) must soak 1d 0h, 17h 30m to go',
      hint: 'run "coreforge release next" again after 2026-12-02T00:00:00.000Z',
    });
    expect(decideNext(release, r, at('2026-12-02T00:00:00Z'), status)).toMatchObject({ kind: 'advance', step: 2 });
  });

  test('refuses when the store no longer holds the revision where the last step put it', () => {
    const r = rollout([{ step: 0, channel: 'edge', percent: 100, at: '2026-12-01T00:00:00.000Z' }]);
    const status = [{ track: 'latest', arch: 'amd64', risk: 'edge', following: false, revision: 4, version: '1.0' }];
    expect(decideNext(release, r, at('2026-12-03T00:00:00Z'), status)).toMatchObject({
      kind: 'refuse',
      message: expect.stringContaining('the store no longer shows revision 5 on latest/edge for amd64'),
    });
  });

  test('is done after the last step (idempotent)', () => {
    const r = rollout(
      DEFAULT_RELEASE_PLAN.map((s, i) => ({
        step: i,
        channel: s.channel,
        percent: s.percent,
        at: '2026-12-01T00:00:00.000Z',
      })),
    );
    expect(decideNext(release, r, at('2026-12-09T00:00:00Z'), [])).toMatchObject({ kind: 'done' });
  });
});

test('previousRevision: the newest older revision the channel held for the arch', () => {
  const revs = [
    { revision: 7, arches: ['amd64'], channels: [{ channel: 'latest/stable', current: true }] },
    { revision: 6, arches: ['arm64'], channels: [{ channel: 'latest/stable', current: true }] },
    { revision: 5, arches: ['amd64'], channels: [{ channel: 'latest/beta', current: false }] },
    { revision: 3, arches: ['amd64'], channels: [{ channel: 'latest/stable', current: false }] },
  ];
  expect(previousRevision(revs, 'latest/stable', 'amd64', 7)).toBe(3);
  expect(previousRevision(revs, 'latest/stable', 'amd64', 3)).toBeUndefined();
});

test('formatDuration', () => {
  expect([
    formatDuration(59),
    formatDuration(61),
    formatDuration(3600 * 5 + 120),
    formatDuration(86400 * 2 + 3600),
  ]).toEqual(['59s', '1m 1s', '5h 2m', '2d 1h']);
});
