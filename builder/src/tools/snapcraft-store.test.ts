import { describe, expect, test } from 'vitest';
import {
  parseRevisionsTable,
  parseStatusTable,
  parseUploadOutput,
  snapcraftPromoteArgs,
  snapcraftRegisterArgs,
  snapcraftRegisterKeyArgs,
  snapcraftReleaseArgs,
  snapcraftRevisionsArgs,
  snapcraftStatusArgs,
  snapcraftUploadArgs,
} from './snapcraft-store.js';

describe('snapcraft store argv (snapcraft 9.0.1 CLI)', () => {
  test('exact arrays', () => {
    expect(snapcraftRegisterArgs('classifier')).toEqual(['register', 'classifier', '--yes']);
    expect(snapcraftUploadArgs('/o/classifier_1.0_amd64.snap')).toEqual(['upload', '/o/classifier_1.0_amd64.snap']);
    expect(snapcraftUploadArgs('/o/c.snap', ['latest/edge', 'latest/beta'])).toEqual([
      'upload',
      '/o/c.snap',
      '--release',
      'latest/edge,latest/beta',
    ]);
    expect(snapcraftReleaseArgs('classifier', 7, ['latest/beta'], 20)).toEqual([
      'release',
      'classifier',
      '7',
      'latest/beta',
      '--progressive',
      '20',
    ]);
    expect(snapcraftReleaseArgs('classifier', 7, ['latest/stable'])).toEqual([
      'release',
      'classifier',
      '7',
      'latest/stable',
    ]);
    expect(snapcraftPromoteArgs('classifier', 'latest/beta', 'latest/candidate')).toEqual([
      'promote',
      'classifier',
      '--from-channel',
      'latest/beta',
      '--to-channel',
      'latest/candidate',
      '--yes',
    ]);
    expect(snapcraftStatusArgs('classifier')).toEqual(['status', 'classifier']);
    expect(snapcraftStatusArgs('classifier', 'arm64')).toEqual(['status', 'classifier', '--arch', 'arm64']);
    expect(snapcraftRevisionsArgs('classifier', 'amd64')).toEqual(['revisions', 'classifier', '--arch', 'amd64']);
    expect(snapcraftRegisterKeyArgs('acme-dev')).toEqual(['register-key', 'acme-dev']);
  });
});

describe('snapcraft output parsers', () => {
  test('upload: the revision from "Revision N created for"', () => {
    expect(parseUploadOutput("Revision 12 created for 'classifier' and released to 'latest/edge'\n")).toBe(12);
    expect(() => parseUploadOutput('Uploading...\n')).toThrow(/cannot find the new revision/);
  });

  // snapcraft's own test of the status table (tests/unit/commands/test_status.py, progressive beta on track 2.1).
  test("status: the table of snapcraft's own test, with a progressive release and following channels", () => {
    const text = [
      'Track    Arch    Channel    Version    Revision    Progress',
      '2.1      amd64   stable     -          -           -',
      '                 candidate  -          -           -',
      '                 beta       -          -           -',
      '                            10         19          ?→10%',
      '                 edge       ↑          ↑           -',
      '2.0      amd64   stable     -          -           -',
      '                 candidate  -          -           -',
      '                 beta       10         18          -',
      '                 edge       ↑          ↑           -',
    ].join('\n');
    expect(parseStatusTable(text)).toEqual([
      { track: '2.1', arch: 'amd64', risk: 'stable', following: false },
      { track: '2.1', arch: 'amd64', risk: 'candidate', following: false },
      {
        track: '2.1',
        arch: 'amd64',
        risk: 'beta',
        following: false,
        progressive: { revision: 19, version: '10', percent: 10 },
      },
      { track: '2.1', arch: 'amd64', risk: 'edge', following: true },
      { track: '2.0', arch: 'amd64', risk: 'stable', following: false },
      { track: '2.0', arch: 'amd64', risk: 'candidate', following: false },
      { track: '2.0', arch: 'amd64', risk: 'beta', following: false, revision: 18, version: '10' },
      { track: '2.0', arch: 'amd64', risk: 'edge', following: true },
    ]);
  });

  test('status: no released revisions', () => {
    expect(parseStatusTable('This snap has no released revisions\n')).toEqual([]);
    expect(() => parseStatusTable('Track Arch\n')).toThrow(/cannot read snapcraft status output/);
  });

  // snapcraft's own test of the revisions table (test_revisions).
  test("revisions: the table of snapcraft's own test", () => {
    const text = [
      'Rev.    Uploaded              Arches    Version    Channels',
      '2       2016-09-27T19:23:40Z  i386      2.0.1      -',
      '1       2016-09-27T18:38:43Z  amd64     2.0.2      latest/edge*,latest/stable*',
    ].join('\n');
    expect(parseRevisionsTable(text)).toEqual([
      { revision: 2, uploaded: '2016-09-27T19:23:40Z', arches: ['i386'], version: '2.0.1', channels: [] },
      {
        revision: 1,
        uploaded: '2016-09-27T18:38:43Z',
        arches: ['amd64'],
        version: '2.0.2',
        channels: [
          { channel: 'latest/edge', current: true },
          { channel: 'latest/stable', current: true },
        ],
      },
    ]);
  });
});
