// The stand-in snapcraft (test/fake-bin/snapcraft) itself: it must answer in snapcraft 9.0.1's format (the
// tables of snapcraft's own tests) and refuse what the store refuses, or the release tests prove nothing.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { FAKE_BIN } from '../helpers/fake-tools.js';
import { tinySnap } from '../helpers/tiny-snap.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'coreforge-standin-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function snapcraft(storeDir: string, ...args: string[]) {
  const r = spawnSync(path.join(FAKE_BIN, 'snapcraft'), args, {
    env: { ...process.env, SNAPCRAFT_STANDIN_STORE: storeDir, SNAPCRAFT_STANDIN_NOW: '2026-12-01T10:00:00Z' },
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('stand-in snapcraft', () => {
  test("revisions: the exact table of snapcraft's own test_revisions for the same store content", () => {
    const dir = path.join(tmp, 'revisions');
    mkdirSync(dir);
    writeFileSync(
      path.join(dir, 'store.json'),
      JSON.stringify({
        account: 'a',
        names: ['test-snap'],
        keys: [],
        map: {},
        revisions: [
          { snap: 'test-snap', revision: 1, version: '2.0.2', arch: 'amd64', uploaded: '2016-09-27T18:38:43Z' },
          { snap: 'test-snap', revision: 2, version: '2.0.1', arch: 'i386', uploaded: '2016-09-27T19:23:40Z' },
        ],
        releases: [
          { snap: 'test-snap', revision: 1, channel: 'latest/stable', arch: 'amd64' },
          { snap: 'test-snap', revision: 1, channel: 'latest/edge', arch: 'amd64' },
        ],
      }),
    );
    const r = snapcraft(dir, 'revisions', 'test-snap');
    expect(r.stdout).toBe(
      [
        'Rev.    Uploaded              Arches    Version    Channels',
        '2       2016-09-27T19:23:40Z  i386      2.0.1      -',
        '1       2016-09-27T18:38:43Z  amd64     2.0.2      latest/edge*,latest/stable*',
      ].join('\n') + '\n',
    );
    expect(snapcraft(dir, 'list-revisions', 'test-snap')).toMatchObject({
      status: 2,
      stderr: "The 'list-revisions' command was renamed to 'revisions'.\n",
    });
  });

  test("status: snapcraft's table for a progressive release (track and arch repeated, as when stdout is not a terminal)", () => {
    const dir = path.join(tmp, 'status');
    expect(snapcraft(dir, 'register', 'classifier', '--yes').stdout).toBe("Registered 'classifier'\n");
    const snap = tinySnap(path.join(tmp, 'snaps'), 'classifier', '1.0');
    expect(snapcraft(dir, 'upload', snap, '--release', 'beta').stdout).toBe(
      "Revision 1 created for 'classifier' and released to 'beta'\n",
    );
    const snap2 = tinySnap(path.join(tmp, 'snaps'), 'classifier', '1.1');
    expect(snapcraft(dir, 'upload', snap2).stdout).toBe("Revision 2 created for 'classifier'\n");
    expect(snapcraft(dir, 'release', 'classifier', '2', 'beta', '--progressive', '20').stdout).toBe(
      "Released 'classifier' revision 2 to channels: 'beta' for 20% of users\n",
    );
    expect(snapcraft(dir, 'status', 'classifier').stdout).toBe(
      [
        'Track    Arch    Channel    Version    Revision    Progress',
        'latest   amd64   stable     -          -           -',
        'latest   amd64   candidate  -          -           -',
        'latest   amd64   beta       1.0        1           ?→80%',
        '                            1.1        2           ?→20%',
        'latest   amd64   edge       ↑          ↑           -',
      ].join('\n') + '\n',
    );
  });

  test('refuses what the store refuses', () => {
    const dir = path.join(tmp, 'refusals');
    const snap = tinySnap(path.join(tmp, 'snaps-r'), 'classifier', '1.0');
    expect(snapcraft(dir, 'upload', snap)).toMatchObject({ status: 2, stderr: "Snap 'classifier' was not found.\n" });
    snapcraft(dir, 'register', 'classifier', '--yes');
    expect(snapcraft(dir, 'upload', snap).status).toBe(0);
    expect(snapcraft(dir, 'release', 'classifier', '9', 'edge').stderr).toBe(
      "Store operation failed:\n- The revision 9 of 'classifier' does not exist.\n",
    );
    for (const p of ['0', '101', '2.5'])
      expect(snapcraft(dir, 'release', 'classifier', '1', 'beta', '--progressive', p).status, p).toBe(2);
    expect(snapcraft(dir, 'release', 'classifier', '1', 'edge').status).toBe(0);
    const promote = snapcraft(
      dir,
      'promote',
      'classifier',
      '--from-channel',
      'beta',
      '--to-channel',
      'candidate',
      '--yes',
    );
    expect(promote.status).toBe(2);
    expect(promote.stderr).toContain(
      "The 'latest/beta' channel for 'classifier' does not form a complete set.\nThere is no revision released for the following architectures: amd64.",
    );
    const store = JSON.parse(readFileSync(path.join(dir, 'store.json'), 'utf8')) as {
      map: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(store.map.classifier!)).toEqual(['latest/edge']);
  });
});
