import { Zip, ZipPassThrough } from 'fflate';
import { useMemo, useState } from 'react';
import { fileSlug } from '../../format/slug';
import { labelsCsv } from '../../pile';
import type { ProjectRecord } from '../../store/projects';
import { countWord } from '../project/derive';
import type { PhotoLibrary } from '../project/library';
import { saveFile } from '../share/exportProject';
import { copiesToSave, labelRows, sortedCopies, type SortedCopy } from './exportLabels';
import { originalOf } from './originals';
import type { Suggestion } from './usePile';

interface Props {
  project: ProjectRecord;
  library: PhotoLibrary;
  suggestionOf: ReadonlyMap<string, Suggestion>;
}

/** The File System Access API's folder picker; Chromium-based browsers only, so far. */
type DirectoryPicker = (options?: { mode?: 'readwrite'; id?: string }) => Promise<FileSystemDirectoryHandle>;
const directoryPicker = (window as unknown as { showDirectoryPicker?: DirectoryPicker }).showDirectoryPicker;

/** The original when it is still at hand, else the stored copy (longest side 512). */
function contentOf(copy: SortedCopy, library: PhotoLibrary): Blob | undefined {
  return originalOf(copy.hash) ?? library.recordOf(copy.hash)?.image;
}

/** A stored copy is a JPEG whatever the original was: its name says so. */
function nameFor(copy: SortedCopy): string {
  return originalOf(copy.hash) || /\.jpe?g$/i.test(copy.fileName) ? copy.fileName : `${copy.fileName}.jpg`;
}

async function saveInto(directory: FileSystemDirectoryHandle, copies: SortedCopy[], library: PhotoLibrary): Promise<number> {
  let saved = 0;
  const folders = new Map<string, FileSystemDirectoryHandle>();
  for (const copy of copies) {
    const content = contentOf(copy, library);
    if (!content) continue;
    let folder = folders.get(copy.folder);
    if (!folder) {
      folder = await directory.getDirectoryHandle(copy.folder, { create: true });
      folders.set(copy.folder, folder);
    }
    const writable = await (await folder.getFileHandle(nameFor(copy), { create: true })).createWritable();
    await writable.write(content);
    await writable.close();
    saved++;
  }
  return saved;
}

async function zipOf(copies: SortedCopy[], library: PhotoLibrary): Promise<Blob> {
  const chunks: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else chunks.push(chunk);
  });
  for (const copy of copies) {
    const content = contentOf(copy, library);
    if (!content) continue;
    // Photos are compressed already: stored as they are.
    const entry = new ZipPassThrough(`${copy.folder}/${nameFor(copy)}`);
    zip.add(entry);
    entry.push(new Uint8Array(await content.arrayBuffer()), true);
  }
  zip.end();
  if (failure) throw failure;
  return new Blob(chunks as BlobPart[], { type: 'application/zip' });
}

/** "Take the labels out": the labels CSV, and the photos sorted into one folder per class. */
export function ExportPanel({ project, library, suggestionOf }: Props) {
  const [status, setStatus] = useState<{ tone: 'info' | 'problem'; text: string }>();
  const [busy, setBusy] = useState(false);
  // The copies' folders and names are worked out only when they are saved: computed on every
  // change, they cost the page a pass over every photo each frame of an import of thousands.
  const { count, withoutOriginal } = useMemo(() => copiesToSave(project, (hash) => originalOf(hash) !== undefined), [project]);
  const slug = fileSlug(project.name) || 'photos';

  async function run(work: () => Promise<string | undefined>) {
    setBusy(true);
    setStatus(undefined);
    try {
      const text = await work();
      if (text) setStatus({ tone: 'info', text });
    } catch (error) {
      // Closing the folder picker is a choice, not a failure.
      if ((error as Error).name !== 'AbortError')
        setStatus({ tone: 'problem', text: `The copies could not be saved: ${(error as Error).message}` });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="export-labels" role="group" aria-labelledby="export-title" data-testid="export-labels">
      <h3 id="export-title">Take the labels out</h3>
      <div className="actions">
        <button
          type="button"
          onClick={() =>
            saveFile(new Blob([labelsCsv(labelRows(project, suggestionOf))], { type: 'text/csv;charset=utf-8' }), `${slug}-labels.csv`)
          }
        >
          Export labels (CSV)
        </button>
        {directoryPicker ? (
          <button
            type="button"
            disabled={busy || count === 0}
            onClick={() =>
              void run(async () => {
                const directory = await directoryPicker({ mode: 'readwrite', id: 'handful-sorted' });
                const saved = await saveInto(directory, sortedCopies(project), library);
                return `Saved ${countWord(saved, 'photo')} into one folder per class in “${directory.name}”.`;
              })
            }
          >
            Save sorted copies…
          </button>
        ) : (
          <button
            type="button"
            disabled={busy || count === 0}
            onClick={() =>
              void run(async () => {
                saveFile(await zipOf(sortedCopies(project), library), `${slug}-sorted.zip`);
                return undefined;
              })
            }
          >
            Download sorted copies (.zip)
          </button>
        )}
      </div>
      <p className="hint">
        The CSV lists every photo with its relative path, file name, label, how it was labelled (by hand, accepted suggestion or unsorted)
        and how sure the classifier was. The sorted copies put each photo labelled by hand or accepted into a folder named after its class;
        unsorted photos are left out.
        {!directoryPicker &&
          ' This browser cannot write into a folder you pick, so the sorted copies come as one .zip with a folder per class.'}
      </p>
      {withoutOriginal > 0 && (
        <p className="hint" data-testid="originals-missing">
          {countWord(withoutOriginal, 'photo')} {withoutOriginal === 1 ? 'was' : 'were'} added before this page was last opened, so{' '}
          {withoutOriginal === 1 ? 'its' : 'their'} original {withoutOriginal === 1 ? 'file is' : 'files are'} no longer at hand (a browser
          forgets files when the page closes). The copies kept here (at most 512 pixels across, as JPEG) are saved instead.
        </p>
      )}
      {status && (
        <p className={status.tone === 'problem' ? 'problem' : 'status'} role={status.tone === 'problem' ? 'alert' : 'status'}>
          {status.text}
        </p>
      )}
    </div>
  );
}
