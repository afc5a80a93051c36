import { useEffect, useRef, useState } from 'react';
import { captureFrame, useCamera } from './camera';
import { useProjectContext } from './project/context';
import { countWord } from './project/derive';

const burstIntervalMs = 250;

/** The camera for a class: hold the button (or Space) and it takes a photo four times a second. */
export function CameraBurst({ classId, className }: { classId: string; className: string }) {
  const { actions } = useProjectContext();
  const { video, camera, start } = useCamera();
  const [taken, setTaken] = useState(0);
  const burst = useRef<{ timer: ReturnType<typeof setInterval>; frames: Promise<File | undefined>[] } | undefined>(undefined);

  useEffect(() => {
    void start();
  }, [start]);

  function begin() {
    if (burst.current || !video.current) return;
    const frames: Promise<File | undefined>[] = [];
    const take = () => {
      frames.push(captureFrame(video.current!));
      setTaken((n) => n + 1);
    };
    take();
    burst.current = { timer: setInterval(take, burstIntervalMs), frames };
  }

  async function end() {
    const current = burst.current;
    if (!current) return;
    burst.current = undefined;
    clearInterval(current.timer);
    const files = (await Promise.all(current.frames)).filter((file): file is File => file !== undefined);
    actions.addFiles(classId, files);
  }

  // Closing the camera mid-burst keeps what was taken.
  useEffect(() => () => void end(), []);

  return (
    <div className="camera">
      <video ref={video} muted playsInline aria-label={`Camera picture for “${className}”`} />
      {camera.state === 'failed' && (
        <p className="problem" role="alert">
          {camera.message}
        </p>
      )}
      {camera.state === 'on' && (
        <>
          <button
            type="button"
            className="primary"
            onPointerDown={begin}
            onPointerUp={() => void end()}
            onPointerLeave={() => void end()}
            onKeyDown={(event) => {
              if ((event.key === ' ' || event.key === 'Enter') && !event.repeat) {
                event.preventDefault();
                begin();
              }
            }}
            onKeyUp={(event) => {
              if (event.key === ' ' || event.key === 'Enter') void end();
            }}
          >
            Hold to take photos
          </button>
          <span aria-live="polite">{taken > 0 && `${countWord(taken, 'photo')} taken`}</span>
        </>
      )}
    </div>
  );
}
