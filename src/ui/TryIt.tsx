import { useEffect, useRef, useState } from 'react';
import type { EngineClient, Guess } from '../engine';
import { classify } from '../head';
import { captureFrame, useCamera } from './camera';
import { embedCounted } from './embedCount';
import { filesFromInput } from './files/collect';
import { withTypeFromName } from './files/images';
import { useProjectContext } from './project/context';

type Tried =
  | { state: 'idle' }
  | { state: 'working'; name: string }
  | { state: 'done'; file: File; url: string; embedding: Float32Array; guesses: Guess[]; ms: number; addedTo?: string }
  | { state: 'problem'; name: string; message: string };

const percent = (p: number) => `${Math.round(p * 100)}%`;

/**
 * Step 3: a new photo in, the classifier's answer out. Tried photos are never added to training
 * by themselves; one click adds one to a class.
 */
export function TryIt({ engine, backend }: { engine: EngineClient | undefined; backend: string | undefined }) {
  const { state, actions, training } = useProjectContext();
  const [tried, setTried] = useState<Tried>({ state: 'idle' });
  const [dragging, setDragging] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const { video, camera, start, stop } = useCamera();
  const busy = useRef(false);

  useEffect(() => () => {
    if (tried.state === 'done') URL.revokeObjectURL(tried.url);
  }, [tried]);

  async function look(file: File) {
    if (!engine || busy.current) return;
    busy.current = true;
    if (camera.state !== 'on') setTried({ state: 'working', name: file.name });
    try {
      const { results } = await embedCounted(engine, [withTypeFromName(file)], { guesses: 3 });
      const result = results[0];
      if (!result || 'problem' in result) setTried({ state: 'problem', name: file.name, message: result?.problem ?? 'Nothing came back.' });
      else setTried({ state: 'done', file, url: URL.createObjectURL(file), embedding: result.embedding, guesses: result.guesses, ms: result.ms });
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

  function take(files: FileList | null | undefined) {
    const found = files ? filesFromInput(files) : [];
    if (found[0]) void look(found[0].file);
  }

  const project = state.project;
  const head = state.head;
  const usable = head && training && project;
  const result = tried.state === 'done' && usable ? classify(head.model, tried.embedding) : undefined;
  const nameOf = new Map(project?.classes.map((c) => [c.id, c.name]));
  const classNames = head?.model.classes.map((id) => nameOf.get(id) ?? 'a deleted class') ?? [];

  return (
    <section className="step" aria-labelledby="try-title" onPaste={(event) => {
      if (event.clipboardData.files.length === 0) return;
      event.preventDefault();
      take(event.clipboardData.files);
    }}>
      <h2 id="try-title">3. Try it</h2>
      <div
        className={`dropzone${dragging ? ' dragging' : ''}`}
        data-testid="try-dropzone"
        role="group"
        tabIndex={0}
        aria-label="Try a photo: drop or paste it here"
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event) => {
          event.preventDefault();
          setDragging(false);
          take(event.dataTransfer.files);
        }}
      >
        <p>Drop or paste a new photo here, or</p>
        <button type="button" onClick={() => picker.current?.click()}>
          Choose a photo
        </button>
        <input
          ref={picker}
          type="file"
          accept="image/*"
          hidden
          aria-label="Choose a photo to try"
          onChange={(event) => {
            take(event.target.files);
            event.target.value = '';
          }}
        />
        <button type="button" aria-pressed={camera.state === 'on'} onClick={() => (camera.state === 'off' || camera.state === 'failed' ? void start() : stop())}>
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
                    {result.unsure ? `Not sure. Perhaps ${classNames[result.classIndex]}?` : `It’s ${classNames[result.classIndex]}.`}
                  </p>
                  <ol className="bars" data-testid="prediction">
                    {classNames.map((name, c) => (
                      <li key={head!.model.classes[c]} className={c === result.classIndex ? 'winner' : undefined}>
                        <span className="label">{name}</span>
                        <span className="meter" aria-hidden="true">
                          <span style={{ width: percent(result.probabilities[c]) }} />
                        </span>
                        <span className="value">{percent(result.probabilities[c])}</span>
                      </li>
                    ))}
                  </ol>
                  {camera.state !== 'on' && project && (
                    <p className="add-tested">
                      {tried.addedTo ? (
                        `Added to “${tried.addedTo}”.`
                      ) : (
                        <>
                          Add this photo to:{' '}
                          {project.classes.map((c) => (
                            <button
                              key={c.id}
                              type="button"
                              onClick={() => {
                                void actions.addTested(c.id, tried.file, tried.embedding);
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
                <p className="hint">Add photos to at least two classes to see what your classifier thinks.</p>
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
                The photo became a list of <span data-testid="embedding-length">{tried.embedding.length}</span> numbers in {Math.round(tried.ms)} ms, running on{' '}
                {backend ?? 'this computer'}.
              </p>
            </div>
          </div>
        )}
      </div>
    </section>
  );
}
