/**
 * "Maybe mislabelled": confident learning (Northcutt, Jiang & Chuang 2021). Each class gets a
 * threshold, the mean held-out probability of that class over the photos labelled with it (how sure
 * the classifier usually is about its own class). A photo is flagged when its held-out prediction
 * reaches another class's threshold and prefers that class to the one it has.
 */
import { topClass } from '../head/predict';
import type { HeldOut } from './acceptBar';

export interface MaybeMislabelled {
  /** Index into the held-out photos (the training photos' order). */
  index: number;
  givenClass: number;
  suggestedClass: number;
  /** Held-out probability of the suggested class. */
  confidence: number;
}

/** Flagged photos, the clearest disagreements first. Photos without a held-out prediction are never flagged. */
export function maybeMislabelled(heldOut: HeldOut): MaybeMislabelled[] {
  const { probabilities, labels } = heldOut;
  const classCount = probabilities.find((p) => p)?.length ?? 0;
  const sums = new Float64Array(classCount);
  const counts = new Float64Array(classCount);
  probabilities.forEach((p, i) => {
    if (!p) return;
    sums[labels[i]] += p[labels[i]];
    counts[labels[i]]++;
  });
  // A class with no held-out photo has no threshold: nothing can be confidently moved into it.
  const thresholds = Array.from(sums, (sum, c) => (counts[c] > 0 ? sum / counts[c] : Infinity));
  const flagged: (MaybeMislabelled & { gap: number })[] = [];
  probabilities.forEach((p, index) => {
    if (!p) return;
    const givenClass = labels[index];
    let suggestedClass = -1;
    for (let c = 0; c < classCount; c++) if (p[c] >= thresholds[c] && (suggestedClass < 0 || p[c] > p[suggestedClass])) suggestedClass = c;
    if (suggestedClass < 0 || suggestedClass === givenClass || topClass(p) !== suggestedClass) return;
    flagged.push({ index, givenClass, suggestedClass, confidence: p[suggestedClass], gap: p[suggestedClass] - p[givenClass] });
  });
  return flagged.sort((a, b) => b.gap - a.gap || a.index - b.index).map(({ gap: _gap, ...photo }) => photo);
}
