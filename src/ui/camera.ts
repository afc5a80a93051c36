/** The webcam: a stream into a <video>, and single frames as JPEG files. */
import { useCallback, useEffect, useRef, useState } from 'react';

export type CameraState = { state: 'off' } | { state: 'starting' } | { state: 'on' } | { state: 'failed'; message: string };

function explain(error: unknown): string {
  const name = (error as { name?: string }).name;
  if (name === 'NotAllowedError') return 'The browser was not allowed to use the camera. Allow it in the address bar and try again.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No camera was found on this device.';
  if (name === 'NotReadableError') return 'The camera is busy, perhaps in another program. Close it there and try again.';
  return 'The camera could not be started.';
}

export function useCamera() {
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | undefined>(undefined);
  const [camera, setCamera] = useState<CameraState>({ state: 'off' });

  const stop = useCallback(() => {
    stream.current?.getTracks().forEach((track) => track.stop());
    stream.current = undefined;
    setCamera({ state: 'off' });
  }, []);

  const start = useCallback(async () => {
    setCamera({ state: 'starting' });
    try {
      if (!navigator.mediaDevices?.getUserMedia) throw new Error('no camera API');
      stream.current = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 640 }, height: { ideal: 480 } },
        audio: false,
      });
      if (video.current) {
        video.current.srcObject = stream.current;
        await video.current.play();
      }
      setCamera({ state: 'on' });
    } catch (error) {
      stop();
      setCamera({ state: 'failed', message: explain(error) });
    }
  }, [stop]);

  useEffect(() => stop, [stop]);
  return { video, camera, start, stop };
}

let frameNumber = 0;

/** The video's current picture as a JPEG file, or undefined before the first frame arrives. */
export async function captureFrame(video: HTMLVideoElement): Promise<File | undefined> {
  if (video.videoWidth === 0) return undefined;
  const bitmap = await createImageBitmap(video);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
  bitmap.close();
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
  const time = new Date().toISOString().slice(11, 19).replaceAll(':', '-');
  return new File([blob], `camera-${time}-${++frameNumber}.jpg`, { type: 'image/jpeg' });
}
