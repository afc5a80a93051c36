import { useEffect, useState } from 'react';

/**
 * True once the page has painted with `shown` true (a frame after it rendered), or `latestMs`
 * after mounting if that never comes (a project that cannot be read). Work that can wait, and
 * would otherwise take cores from the first screen's render and layout, waits for it.
 */
export function useFirstScreenPainted(shown: boolean, latestMs: number): boolean {
  const [painted, setPainted] = useState(false);

  useEffect(() => {
    if (painted) return;
    const latest = setTimeout(() => setPainted(true), latestMs);
    return () => clearTimeout(latest);
  }, [painted, latestMs]);

  useEffect(() => {
    if (painted || !shown) return;
    // The animation frame runs just before the paint; a task posted from it runs just after.
    let afterPaint: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      afterPaint = setTimeout(() => setPainted(true), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(afterPaint);
    };
  }, [painted, shown]);

  return painted;
}
