import { describe, expect, it } from 'vitest';
import { addStageTimes, takeStageTimes, timed } from './stages';

describe('stage times', () => {
  it('sums time and count per stage, adds times from elsewhere, and starts afresh once taken', async () => {
    takeStageTimes();
    expect(await timed('decode', async () => 'pixels')).toBe('pixels');
    await expect(
      timed('decode', () => {
        throw new Error('bad file');
      }),
    ).rejects.toThrow('bad file');
    addStageTimes({ decode: { ms: 5, count: 1 }, copies: { ms: 2, count: 1 } });
    const taken = takeStageTimes();
    expect(taken.decode.count).toBe(3);
    expect(taken.decode.ms).toBeGreaterThanOrEqual(5);
    expect(taken.copies).toEqual({ ms: 2, count: 1 });
    expect(takeStageTimes()).toEqual({});
  });
});
