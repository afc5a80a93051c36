import { describe, expect, it } from 'vitest';
import { checkFile, parseManifest, sha256 } from './manifest';

const hello = new TextEncoder().encode('hello');
const helloSha = '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';

describe('sha256 manifest', () => {
  it('parses sha256sum lines, ignoring blanks and comments', () => {
    const entries = parseManifest(`# weights\n${helloSha}  model.json\n\n${helloSha} *group1-shard1of1\n`);
    expect(entries).toEqual([
      { sha256: helloSha, file: 'model.json' },
      { sha256: helloSha, file: 'group1-shard1of1' },
    ]);
  });

  it('refuses malformed lines, unsafe names and empty manifests', () => {
    expect(() => parseManifest('abc  model.json')).toThrow(/line 1/);
    expect(() => parseManifest(`${helloSha}  ../../etc/passwd`)).toThrow(/unsafe/);
    expect(() => parseManifest('# nothing\n')).toThrow(/no files/);
  });

  it('accepts the right bytes and names what is wrong otherwise', () => {
    const entry = { file: 'model.json', sha256: helloSha };
    expect(sha256(hello)).toBe(helloSha);
    expect(checkFile(entry, hello)).toBeUndefined();
    expect(checkFile(entry, undefined)).toBe('model.json is missing');
    expect(checkFile(entry, new TextEncoder().encode('hellO'))).toMatch(/model.json is damaged.*expected 2cf24dba5fb0/);
  });
});
