import { useProjectContext } from '../project/context';
import { classifierInput } from './exportProject';
import type { Share } from './useShare';
import { FilePicker } from '../FilePicker';

/** Saving and opening files: the trained classifier on its own, and the whole project as a backup. */
export function FileActions({ share }: { share: Share }) {
  const { state, persisted } = useProjectContext();
  const project = state.project;
  if (!project) return null;
  const classifier = classifierInput(project, state.head);
  const why = 'reason' in classifier ? classifier.reason : undefined;

  return (
    <section className="file-actions" aria-labelledby="files-title">
      <h2 id="files-title" className="visually-hidden">
        Save and open files
      </h2>
      <div className="file-buttons">
        <button type="button" onClick={share.downloadClassifier} disabled={why !== undefined} aria-describedby="download-hint">
          Download classifier
        </button>
        <FilePicker label="Open a classifier file" accept=".json,application/json" onFiles={([file]) => void share.openClassifier(file)}>
          Open classifier…
        </FilePicker>
        <button type="button" onClick={() => void share.backUp()} disabled={share.busy !== undefined} aria-describedby="backup-hint">
          Back up project
        </button>
        <FilePicker
          label="Restore a project from a backup file"
          accept=".zip,application/zip"
          disabled={share.busy !== undefined}
          onFiles={([file]) => void share.restore(file)}
        >
          Restore from backup…
        </FilePicker>
      </div>
      {persisted === false && (
        // Asked for after the first photos are added (requestPersistentStorage); the browser said no.
        <div className="notice info" role="status" data-testid="eviction-risk">
          <p>
            This browser has not promised to keep Handful’s data: if the device runs low on space, it may delete your projects without
            asking. A backup file keeps this project safe.
          </p>
          <button type="button" onClick={() => void share.backUp()} disabled={share.busy !== undefined}>
            Back up this project now
          </button>
        </div>
      )}
      <p className="hint" id="download-hint">
        {why ??
          '“Download classifier” saves what it has learned as one small file, without your photos. Anyone can try photos with it in Handful, with “Open classifier”.'}
      </p>
      <p className="hint" id="backup-hint">
        “Back up project” saves this project, photos included, as one .zip file. Restoring it always makes a new project; nothing here is
        replaced.
      </p>
      <p className="status" role="status" data-testid="file-status">
        {share.busy}
      </p>
    </section>
  );
}
