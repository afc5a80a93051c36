import { createHash } from 'node:crypto';

/** One line of a `sha256sum`-style manifest: the file a backbone needs and the digest it must have. */
export interface ManifestEntry {
  file: string;
  sha256: string;
}

export function parseManifest(text: string): ManifestEntry[] {
  const entries: ManifestEntry[] = [];
  for (const [lineNo, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([0-9a-f]{64})\s+\*?(\S+)$/.exec(line);
    if (!match) throw new Error(`manifest line ${lineNo + 1} is not "<sha256>  <file>": ${line}`);
    const file = match[2];
    // The names become paths under public/: refuse anything that could climb out of the folder.
    if (file.includes('/') || file.includes('\\') || file.startsWith('.')) {
      throw new Error(`manifest line ${lineNo + 1} names an unsafe file: ${file}`);
    }
    entries.push({ sha256: match[1], file });
  }
  if (entries.length === 0) throw new Error('manifest lists no files');
  return entries;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Returns a plain-language reason when the bytes are not the file the manifest promises. */
export function checkFile(entry: ManifestEntry, bytes: Uint8Array | undefined): string | undefined {
  if (bytes === undefined) return `${entry.file} is missing`;
  const actual = sha256(bytes);
  if (actual !== entry.sha256) {
    return `${entry.file} is damaged or a different version (sha256 ${actual.slice(0, 12)}..., expected ${entry.sha256.slice(0, 12)}...)`;
  }
  return undefined;
}
