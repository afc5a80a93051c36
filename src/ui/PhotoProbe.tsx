import { useEffect, useRef, useState } from 'react';
import type { EngineClient, Guess } from '../engine';

type Probe =
  | { state: 'idle' }
  | { state: 'working'; name: string; url: string }
  | { state: 'done'; name: string; url: string; guesses: Guess[]; embeddingLength: number; ms: number }
  | { state: 'problem'; name: string; message: string };

const percent = (p: number) => `${Math.round(p * 100)}%`;

/** The first screen: one photo in, what the model sees out. Proves the whole pipeline to a person. */
export function PhotoProbe({ engine, backend }: { engine: EngineClient; backend: string }) {
  const [probe, setProbe] = useState<Probe>({ state: 'idle' });
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => () => {
    if ('url' in probe) URL.revokeObjectURL(probe.url);
  }, [probe]);

  async function look(file: File) {
    const url = URL.createObjectURL(file);
    setProbe({ state: 'working', name: file.name, url });
    try {
      const { results } = await engine.embed([file], { guesses: 3 });
      const result = results[0];
      if (!result || 'problem' in result) {
        URL.revokeObjectURL(url);
        setProbe({ state: 'problem', name: file.name, message: result?.problem ?? 'Nothing came back.' });
        return;
      }
      setProbe({ state: 'done', name: file.name, url, guesses: result.guesses, embeddingLength: result.embedding.length, ms: result.ms });
    } catch (error) {
      URL.revokeObjectURL(url);
      setProbe({ state: 'problem', name: file.name, message: (error as Error).message });
    }
  }

  function take(files: FileList | null | undefined) {
    const file = files?.[0];
    if (file) void look(file);
  }

  return (
    <section className="probe" aria-labelledby="probe-title">
      <h2 id="probe-title">Try the model on a photo</h2>
      <div
        className={`dropzone${dragging ? ' dragging' : ''}`}
        data-testid="dropzone"
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
        <p>Drop a photo here, or</p>
        <button type="button" onClick={() => input.current?.click()}>
          Choose a photo
        </button>
        <input
          ref={input}
          type="file"
          accept="image/*"
          hidden
          aria-label="Choose a photo"
          onChange={(event) => {
            take(event.target.files);
            event.target.value = '';
          }}
        />
      </div>

      <div aria-live="polite">
        {probe.state === 'working' && <p className="status">Looking at {probe.name}…</p>}
        {probe.state === 'problem' && (
          <p className="problem" role="alert">
            “{probe.name}” could not be used. {probe.message}
          </p>
        )}
        {probe.state === 'done' && (
          <div className="result">
            <img src={probe.url} alt={probe.name} />
            <div>
              <h3>What the model sees</h3>
              <ol className="guesses" data-testid="guesses">
                {probe.guesses.map((guess) => (
                  <li key={guess.label}>
                    <span className="label">{guess.label}</span>
                    <span className="bar" style={{ width: percent(guess.probability) }} aria-hidden="true" />
                    <span className="value">{percent(guess.probability)}</span>
                  </li>
                ))}
              </ol>
              <p className="facts" data-testid="facts">
                The photo became a list of <strong data-testid="embedding-length">{probe.embeddingLength}</strong> numbers in{' '}
                {Math.round(probe.ms)} ms, running on <strong>{backend}</strong>.
              </p>
            </div>
          </div>
        )}
      </div>
    </section>
  );
}
