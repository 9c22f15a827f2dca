import { describe, expect, test } from 'vitest';
import { versionFromGitDescribe } from './version.js';

describe('versionFromGitDescribe (snapcraft version: git)', () => {
  test.each([
    ['a tag on HEAD', '1.2.0\n', '', '1.2.0'],
    ['a tag three commits back', 'v1.2.0-3-gabc1234\n', '', 'v1.2.0+git3.abc1234'],
    ['a dirty tree after a tag', '1.2.0-12-g0f3e9a1-dirty', '', '1.2.0+git12.0f3e9a1-dirty'],
    ['a dirty tree on a tag', '1.2.0-dirty', '', '1.2.0-dirty'],
    ['a tag with dashes', 'release-2-1-gdeadbee', '', 'release-2+git1.deadbee'],
  ])('%s', (_name, described, always, expected) => {
    expect(versionFromGitDescribe(described, always)).toBe(expected);
  });

  test('an untagged repository gives 0+git.HASH', () => {
    expect(versionFromGitDescribe(undefined, '60b9fd2-dirty\n')).toBe('0+git.60b9fd2-dirty');
  });
});
