/**
 * The original files the person gave in this session, by content hash: "Save sorted copies" copies
 * them byte for byte. The browser lets a page keep a File only while it is open, so after a reload
 * they are gone and the page says so (only the stored copies, longest side 512, remain).
 */
const originals = new Map<string, File>();

export function rememberOriginal(hash: string, file: File): void {
  originals.set(hash, file);
}

export function originalOf(hash: string): File | undefined {
  return originals.get(hash);
}
