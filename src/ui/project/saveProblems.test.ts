import { describe, expect, it } from 'vitest';
import { StorageFullError } from '../../store/records';
import { reasonOf, saveProblems } from './saveProblems';
import type { Action } from './state';

function recorded() {
  const actions: Action[] = [];
  return { actions, problems: saveProblems((action) => actions.push(action)) };
}
const noticesOf = (actions: Action[]) => actions.flatMap((a) => (a.type === 'noticed' ? [a.notice] : []));

describe('saveProblems', () => {
  it('says a full disk once, plainly, and marks the save line', () => {
    const { actions, problems } = recorded();
    problems.failed(new StorageFullError(), 'The trained classifier could not be saved on this device.', async () => {});
    expect(actions[0]).toEqual({ type: 'saving', saving: 'full' });
    expect(noticesOf(actions)).toEqual([{ tone: 'problem', title: new StorageFullError().message, lines: [] }]);
  });

  it('names the photos a full disk had no room for, once, with a retry that adds them again', () => {
    const { actions, problems } = recorded();
    const files = Array.from({ length: 12 }, (_, i) => new File(['x'], `photo-${i}.jpg`));
    const retry = () => {};
    problems.noRoomFor(files, retry);
    expect(actions[0]).toEqual({ type: 'saving', saving: 'full' });
    const notices = noticesOf(actions);
    expect(notices).toHaveLength(1);
    expect(notices[0].title).toMatch(/^12 photos could not be added: this device has no room left for them\./);
    expect(notices[0].lines).toEqual([
      files
        .slice(0, 10)
        .map((file) => `“${file.name}”`)
        .join(', '),
      'and 2 more photos',
    ]);
    expect(notices[0].retry).toBe(retry);
  });

  it('names photos not kept for another reason, with the reason and a retry; a full disk says so as noRoomFor does', () => {
    const { actions, problems } = recorded();
    const files = [new File(['x'], 'a.jpg'), new File(['y'], 'b.jpg')];
    const retry = () => {};
    problems.notAdded(files, new DOMException('The write was refused.', 'UnknownError'), retry);
    expect(actions.some((action) => action.type === 'saving')).toBe(false);
    const [notice] = noticesOf(actions);
    expect(notice.title).toMatch(/^2 photos could not be added: they could not be kept on this device\./);
    expect(notice.lines).toEqual(['“a.jpg”, “b.jpg”', 'The write was refused.']);
    expect(notice.retry).toBe(retry);
    problems.notAdded(files, new StorageFullError(), retry);
    expect(actions.at(-2)).toEqual({ type: 'saving', saving: 'full' });
    expect(noticesOf(actions)[1].title).toMatch(/no room left for them/);
  });

  it('says photos kept but not finished are waiting, never skipped, and names them with the reasons', () => {
    const { actions, problems } = recorded();
    const photos = Array.from({ length: 11 }, (_, i) => ({
      name: `p${i}.jpg`,
      problem: i < 10 ? 'The write was refused.' : 'The model stopped.',
    }));
    problems.stillWaiting(photos);
    const [notice] = noticesOf(actions);
    expect(notice.title).toMatch(/^11 photos are kept but could not be finished/);
    expect(notice.title).toContain('They wait in the project: “Look at them now” tries again');
    expect(notice.title).not.toMatch(/skipped/);
    expect(notice.lines).toEqual([
      photos
        .slice(0, 10)
        .map((photo) => `“${photo.name}”`)
        .join(', '),
      'and 1 more photo',
      'The write was refused.',
      'The model stopped.',
    ]);
    problems.stillWaiting([photos[0]]);
    expect(noticesOf(actions)[1].title).toMatch(
      /^1 photo is kept but could not be finished, so the classifier does not learn from it yet\. It waits/,
    );
  });

  it('names any other failure with its reason, and a retry that fails again is reported again', async () => {
    const { actions, problems } = recorded();
    let attempts = 0;
    const write = async () => {
      attempts++;
      throw new DOMException('The transaction was aborted.', 'AbortError');
    };
    problems.failed(new Error('disk went away'), 'The trained classifier could not be saved on this device.', write);
    const [first] = noticesOf(actions);
    expect(first).toMatchObject({ tone: 'problem', lines: ['disk went away'] });
    first.retry!();
    await new Promise((resolve) => setTimeout(resolve));
    expect(attempts).toBe(1);
    expect(noticesOf(actions)[1]).toMatchObject({ lines: ['The transaction was aborted.'] });
    expect(noticesOf(actions)[1].retry).toBeTypeOf('function');
  });

  it('turns a rejecting action into a reported one, whose retry runs it with the same arguments', async () => {
    const { actions, problems } = recorded();
    const calls: string[] = [];
    const remove = problems.reporting('The project could not be deleted.', async (id: string) => {
      calls.push(id);
      if (calls.length === 1) throw new Error('busy');
    });
    await expect(remove('p1')).resolves.toBeUndefined();
    const [notice] = noticesOf(actions);
    expect(notice).toMatchObject({ title: 'The project could not be deleted.', lines: ['busy'] });
    notice.retry!();
    await new Promise((resolve) => setTimeout(resolve));
    expect(calls).toEqual(['p1', 'p1']);
    expect(noticesOf(actions)).toHaveLength(1);
  });

  it('gives a plain reason when the browser gives none (a transaction aborted without an error)', () => {
    expect(reasonOf(null)).toBe('The browser gave no reason.');
    expect(reasonOf(new DOMException('', 'QuotaExceededError'))).toBe('QuotaExceededError');
  });
});
