import { useState } from 'react';
import { ClassCard } from './ClassCard';
import { filesFromInput, filesFromTransfer } from './files/collect';
import { groupByFolder, type FolderGroups, type FoundFile } from './files/folders';
import { ImportProgressBar } from './ImportProgressBar';
import { WaitingBar } from './WaitingBar';
import { useProjectContext } from './project/context';
import { unsortedPile } from './project/useProject';
import { countWord } from './project/derive';
import { useDropTarget } from './useDropTarget';
import { FilePicker } from './FilePicker';

/** A drop that needs a decision: a folder of class folders, or loose photos dropped outside any class. */
interface Offer extends FolderGroups {
  /** The class they were dropped on, if any. */
  classId?: string;
  /** Everything dropped, with where each file was: the unsorted pile keeps the paths. */
  found: FoundFile[];
}

/** Step 1: the classes and their photos. */
export function Classes() {
  const { state, actions } = useProjectContext();
  const [offer, setOffer] = useState<Offer>();
  const classes = state.project?.classes ?? [];
  const { dragging, dropHandlers } = useDropTarget((transfer) => void filesFromTransfer(transfer).then((found) => receive(found)));

  /** Files for one class go straight in; a folder of class folders asks first. */
  function receive(found: FoundFile[], classId?: string) {
    if (found.length === 0) return;
    const grouped = groupByFolder(found);
    if (classId && grouped.groups.length < 2)
      actions.addFiles(
        classId,
        found.map((f) => f.file),
      );
    else setOffer({ ...grouped, classId, found });
  }

  return (
    <section className="step" aria-labelledby="classes-title">
      <h2 id="classes-title">1. Make classes and add photos</h2>
      <p className="hint">
        One class for each kind of thing to recognise, with a handful of photos of each (ten is a good start). Drop photos on a class,
        choose them, paste them, or use the camera.
      </p>
      {state.progress && state.progress.reason !== 'pile' && (
        <ImportProgressBar progress={state.progress} onCancel={actions.cancelImport} />
      )}
      <WaitingBar />
      {offer && <FolderOffer offer={offer} onDone={() => setOffer(undefined)} />}
      <ol className="classes">
        {classes.map((cls, index) => (
          <ClassCard key={cls.id} cls={cls} index={index} count={classes.length} onFiles={receive} />
        ))}
      </ol>
      <div className={`bulk-drop${dragging ? ' dragging' : ''}`} data-testid="bulk-drop" {...dropHandlers}>
        <button type="button" onClick={actions.addClass}>
          + Add a class
        </button>
        <FilePicker label="Add a folder with one folder per class" multiple folder onFiles={(files) => receive(filesFromInput(files))}>
          Add a folder of classes…
        </FilePicker>
        <span className="hint">or drop a folder with one folder per class here</span>
      </div>
    </section>
  );
}

function FolderOffer({ offer, onDone }: { offer: Offer; onDone(): void }) {
  const { state, actions } = useProjectContext();
  const classes = state.project?.classes ?? [];
  const target = classes.find((c) => c.id === offer.classId);
  const all = [...offer.groups.flatMap((g) => g.files), ...offer.loose];
  const existing = new Set(classes.map((c) => c.name.trim().toLocaleLowerCase()));
  const act = (run: () => void) => () => {
    run();
    onDone();
  };

  return (
    <div className="offer" role="dialog" aria-labelledby="offer-title" data-testid="folder-offer">
      {offer.groups.length > 0 ? (
        <>
          <h3 id="offer-title">
            {offer.groups.length === 1
              ? 'Make a class from this folder?'
              : `This folder has ${offer.groups.length} folders: make them classes?`}
          </h3>
          <ul>
            {offer.groups.map((group) => (
              <li key={group.name}>
                {group.name}: {countWord(group.files.length, 'photo')}
                {existing.has(group.name.trim().toLocaleLowerCase()) && ' (added to the class of that name)'}
              </li>
            ))}
          </ul>
          {offer.loose.length > 0 && <p>{countWord(offer.loose.length, 'file')} outside these folders will be left out.</p>}
          <button type="button" className="primary" onClick={act(() => actions.addGroups(offer.groups))} autoFocus>
            Make {offer.groups.length === 1 ? 'the class' : `${offer.groups.length} classes`}
          </button>
          {target && (
            <button type="button" onClick={act(() => actions.addFiles(target.id, all))}>
              Put all {all.length} in “{target.name}”
            </button>
          )}
        </>
      ) : (
        <>
          <h3 id="offer-title">Which class are these {countWord(all.length, 'photo')}?</h3>
          {classes.map((c) => (
            <button key={c.id} type="button" onClick={act(() => actions.addFiles(c.id, all))}>
              {c.name}
            </button>
          ))}
        </>
      )}
      <button
        type="button"
        onClick={act(() =>
          actions.addFiles(
            unsortedPile,
            offer.found.map((f) => f.file),
            new Map(offer.found.map((f) => [f.file, f.path])),
          ),
        )}
      >
        Put all {offer.found.length} in the unsorted pile
      </button>
      <button type="button" onClick={onDone}>
        Cancel
      </button>
    </div>
  );
}
