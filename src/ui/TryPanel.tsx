import { useEffect, useRef, useState } from 'react';
import type { EngineClient, Guess } from '../engine';
import { classify, type HeadModel } from '../head';
import { captureFrame, useCamera } from './camera';
import { embedCounted } from './embedCount';
import { filesFromInput } from './files/collect';
import { withTypeFromName } from './files/images';
import { useDropTarget } from './useDropTarget';
import { FilePicker } from './FilePicker';

type Tried =
  | { state: 'idle' }
  | { state: 'working'; name: string }
  | { state: 'done'; file: File; url: string; embedding: Float32Array; guesses: Guess[]; ms: number; addedTo?: string }
  | { state: 'problem'; name: string; message: string };

const percent = (p: number) => `${Math.round(p * 100)}%`;

/** A classifier to try photos on: the trainer's head, or one opened from a file. */
export interface TrialClassifier {
  model: HeadModel;
  /** What people call each of the model's classes, in its order. */
  names: string[];
  /** A stable React key per class. */
  keys: string[];
}

interface Props {
  engine: EngineClient | undefined;
  backend: string | undefined;
  classifier: TrialClassifier | undefined;
  /** Said instead of the bars while there is no classifier. */
  withoutClassifier: string;
  /** The trainer offers to add a tried photo to one of its classes; an opened classifier has none. */
  addTo?: { classes: { id: string; name: string }[]; add(classId: string, file: File, embedding: Float32Array): void };
  /** A photo pasted anywhere on the page is tried (when nothing else on the page took it). */
  pasteAnywhere?: boolean;
}

/**
 * A new photo in (dropped, pasted, picked or the live camera), the classifier's answer out: a bar
 * per class, the winner highlighted or "not sure". Each bar carries its probability in full
 * precision (`data-probability`) for tests and anyone inspecting the page.
 */
export function TryPanel({ engine, backend, classifier, withoutClassifier, addTo, pasteAnywhere }: Props) {
  const [tried, setTried] = useState<Tried>({ state: 'idle' });
  const { video, camera, start, stop } = useCamera();
  const busy = useRef(false);
  const { dragging, dropHandlers } = useDropTarget((transfer) => take(transfer.files));

  useEffect(
    () => () => {
      if (tried.state === 'done') URL.revokeObjectURL(tried.url);
    },
    [tried],
  );

  /** A photo that came before the engine did (the first moments of a visit): looked at once it is there. */
  const waitingForEngine = useRef<File>(undefined);
  useEffect(() => {
    const file = waitingForEngine.current;
    if (!engine || !file) return;
    waitingForEngine.current = undefined;
    void look(file);
    // `look` reads the engine of this render, the one just arrived.
  }, [engine]);

  async function look(file: File) {
    if (busy.current) return;
    if (!engine) {
      waitingForEngine.current = file;
      setTried({ state: 'working', name: file.name });
      return;
    }
    busy.current = true;
    if (camera.state !== 'on') setTried({ state: 'working', name: file.name });
    try {
      const { results } = await embedCounted(engine, [withTypeFromName(file)], { guesses: 3 });
      const result = results[0];
      if (!result || 'problem' in result) setTried({ state: 'problem', name: file.name, message: result?.problem ?? 'Nothing came back.' });
      else
        setTried({
          state: 'done',
          file,
          url: URL.createObjectURL(file),
          embedding: result.embedding,
          guesses: result.guesses,
          ms: result.ms,
        });
    } catch (error) {
      setTried({ state: 'problem', name: file.name, message: (error as Error).message });
    } finally {
      busy.current = false;
    }
  }

  // Live camera: one frame after another, each as soon as the previous answer is in.
  useEffect(() => {
    if (camera.state !== 'on') return;
    let running = true;
    void (async () => {
      while (running) {
        const frame = video.current && (await captureFrame(video.current));
        if (frame && running) await look(frame);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    return () => {
      running = false;
    };
    // `look` reads the engine of the latest render; restarting the loop on each render is not wanted.
  }, [camera.state]);

  function take(files: Iterable<File> | null | undefined) {
    const found = files ? filesFromInput(files) : [];
    if (found[0]) void look(found[0].file);
  }

  const lookRef = useRef(take);
  lookRef.current = take;
  useEffect(() => {
    if (!pasteAnywhere) return;
    const onPaste = (event: ClipboardEvent) => {
      if (event.defaultPrevented || !event.clipboardData || event.clipboardData.files.length === 0) return;
      event.preventDefault();
      lookRef.current(event.clipboardData.files);
    };
    window.addEventListener('paste', onPaste);
    return () => window.removeEventListener('paste', onPaste);
  }, [pasteAnywhere]);

  // An embedding from another feature configuration (the engine changed meanwhile) fits no row of weights.
  const fits = tried.state === 'done' && classifier !== undefined && tried.embedding.length === classifier.model.dim;
  const result = fits ? classify(classifier.model, tried.embedding) : undefined;
  const names = classifier?.names ?? [];

  return (
    <div
      onPaste={(event) => {
        if (event.clipboardData.files.length === 0) return;
        event.preventDefault();
        take(event.clipboardData.files);
      }}
    >
      <div
        className={`dropzone${dragging ? ' dragging' : ''}`}
        data-testid="try-dropzone"
        role="group"
        tabIndex={0}
        aria-label="Try a photo: drop or paste it here"
        {...dropHandlers}
      >
        <p>Drop or paste a new photo here, or</p>
        <FilePicker label="Choose a photo to try" accept="image/*" onFiles={take}>
          Choose a photo
        </FilePicker>
        <button
          type="button"
          aria-pressed={camera.state === 'on'}
          onClick={() => (camera.state === 'off' || camera.state === 'failed' ? void start() : stop())}
        >
          {camera.state === 'on' ? 'Stop the camera' : 'Use the camera'}
        </button>
      </div>
      <video ref={video} muted playsInline hidden={camera.state !== 'on'} className="live" aria-label="Camera picture being tried" />
      {camera.state === 'failed' && (
        <p className="problem" role="alert">
          {camera.message}
        </p>
      )}

      <div>
        {tried.state === 'working' && (
          <p className="status" role="status">
            Looking at {tried.name}…
          </p>
        )}
        {tried.state === 'problem' && (
          <p className="problem" role="alert">
            “{tried.name}” could not be used. {tried.message}
          </p>
        )}
        {tried.state === 'done' && (
          <div className="result">
            {camera.state !== 'on' && <img src={tried.url} alt={tried.file.name} />}
            <div className="answer">
              {result ? (
                <>
                  {/* Read out once per photo; the live camera would otherwise talk without pause. */}
                  <p className="verdict" data-testid="verdict" aria-live={camera.state === 'on' ? 'off' : 'polite'}>
                    {result.unsure ? `Not sure. Perhaps ${names[result.classIndex]}?` : `It’s ${names[result.classIndex]}.`}
                  </p>
                  <ol className="bars" data-testid="prediction">
                    {names.map((name, c) => (
                      <li
                        key={classifier!.keys[c]}
                        className={c === result.classIndex ? 'winner' : undefined}
                        data-class={name}
                        data-probability={String(result.probabilities[c])}
                      >
                        <span className="label">{name}</span>
                        <span className="meter" aria-hidden="true">
                          <span style={{ width: percent(result.probabilities[c]) }} />
                        </span>
                        <span className="value">{percent(result.probabilities[c])}</span>
                      </li>
                    ))}
                  </ol>
                  {camera.state !== 'on' && addTo && (
                    <p className="add-tested">
                      {tried.addedTo ? (
                        `Added to “${tried.addedTo}”.`
                      ) : (
                        <>
                          Add this photo to:{' '}
                          {addTo.classes.map((c) => (
                            <button
                              key={c.id}
                              type="button"
                              onClick={() => {
                                addTo.add(c.id, tried.file, tried.embedding);
                                setTried({ ...tried, addedTo: c.name });
                              }}
                            >
                              {c.name}
                            </button>
                          ))}
                        </>
                      )}
                    </p>
                  )}
                </>
              ) : (
                <p className="hint">{classifier && !fits ? 'The model changed meanwhile: try the photo again.' : withoutClassifier}</p>
              )}
              <h3>What MobileNet sees</h3>
              <p className="hint">The ready-made model underneath, with the everyday things it was taught before you came.</p>
              <ol className="guesses" data-testid="guesses">
                {tried.guesses.map((guess) => (
                  <li key={guess.label}>
                    <span className="label">{guess.label}</span>
                    <span className="value">{percent(guess.probability)}</span>
                  </li>
                ))}
              </ol>
              <p className="facts hint" data-testid="facts">
                The photo became a list of <span data-testid="embedding-length">{tried.embedding.length}</span> numbers in{' '}
                {Math.round(tried.ms)} ms, running on {backend ?? 'this computer'}.
              </p>
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
