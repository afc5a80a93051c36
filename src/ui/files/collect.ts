/**
 * Reads what was dropped or pasted: files, and whole folders with their subfolders, each file
 * with its path so folders can become classes (see ./folders).
 */
import { isSystemFile, type FoundFile } from './folders';

/** The part of FileSystemEntry used here; tests hand in their own. */
export interface EntryLike {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
}
interface FileEntryLike extends EntryLike {
  file(success: (file: File) => void, failure: (error: unknown) => void): void;
}
interface DirectoryEntryLike extends EntryLike {
  createReader(): { readEntries(success: (entries: EntryLike[]) => void, failure: (error: unknown) => void): void };
}

async function readDirectory(directory: DirectoryEntryLike): Promise<EntryLike[]> {
  const reader = directory.createReader();
  const all: EntryLike[] = [];
  // readEntries hands out a directory in chunks (100 at a time in Chromium) until it returns none.
  for (;;) {
    const chunk = await new Promise<EntryLike[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (chunk.length === 0) return all;
    all.push(...chunk);
  }
}

/** Every file under the entries, depth first, with paths relative to the dropped items. */
export async function filesFromEntries(entries: EntryLike[], parent = ''): Promise<FoundFile[]> {
  const found: FoundFile[] = [];
  for (const entry of entries) {
    if (isSystemFile(entry.name)) continue;
    const path = parent + entry.name;
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileEntryLike).file(resolve, reject));
      found.push({ file, path });
    } else if (entry.isDirectory) {
      found.push(...(await filesFromEntries(await readDirectory(entry as DirectoryEntryLike), `${path}/`)));
    }
  }
  return found;
}

/**
 * Must be called during the drop or paste event itself: the browser empties the DataTransfer
 * afterwards. Returns a promise for the files; folders are walked asynchronously.
 */
export function filesFromTransfer(transfer: DataTransfer): Promise<FoundFile[]> {
  const entries = [...transfer.items].filter((item) => item.kind === 'file').map((item) => item.webkitGetAsEntry?.() ?? null);
  // Transfers made by scripts (and some paste sources) carry files but no entries.
  if (entries.length === 0 || entries.some((entry) => entry === null)) {
    return Promise.resolve([...transfer.files].filter((file) => !isSystemFile(file.name)).map((file) => ({ file, path: file.name })));
  }
  return filesFromEntries(entries as EntryLike[]);
}

/** Files from an <input type="file">; a folder picker fills in webkitRelativePath. */
export function filesFromInput(files: Iterable<File>): FoundFile[] {
  return [...files].filter((file) => !isSystemFile(file.name)).map((file) => ({ file, path: file.webkitRelativePath || file.name }));
}
