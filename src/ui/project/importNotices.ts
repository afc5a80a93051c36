/** What the person is told about files an import or a look at waiting photos could not use. */
import { countWord } from './derive';
import type { ImportReport } from './importPhotos';
import type { Notice } from './state';

type NewNotice = Omit<Notice, 'id'>;

/** One line per fate, naming the files that share it: “a.jpg”, “b.jpg”: The file is empty. */
export function groupedLines(items: { name: string; text: string }[]): string[] {
  const byText = new Map<string, string[]>();
  for (const { name, text } of items) byText.set(text, [...(byText.get(text) ?? []), `“${name}”`]);
  return [...byText.entries()].map(([text, names]) => `${names.join(', ')}: ${text}`);
}

/** The files of one import that were skipped and those already in the project, if any. */
export function importNotices(result: Pick<ImportReport, 'added' | 'skipped' | 'duplicates'>): NewNotice[] {
  const notices: NewNotice[] = [];
  if (result.skipped.length > 0) {
    const others = result.added > 0 ? ` The other ${countWord(result.added, 'photo')} ${result.added === 1 ? 'was' : 'were'} added.` : '';
    notices.push({
      tone: 'problem',
      title: `${countWord(result.skipped.length, 'file')} could not be used and ${result.skipped.length === 1 ? 'was' : 'were'} skipped.${others}`,
      lines: groupedLines(result.skipped.map(({ name, problem }) => ({ name, text: problem }))),
    });
  }
  if (result.duplicates.length > 0) {
    const n = result.duplicates.length;
    notices.push({
      tone: 'info',
      title: `${countWord(n, 'photo')} ${n === 1 ? 'was' : 'were'} already here and ${n === 1 ? 'was' : 'were'} not added twice.`,
      lines: groupedLines(
        result.duplicates.map(({ name, where }) => ({
          name,
          text: where === 'this drop' ? 'twice in this drop' : `already in “${where}”`,
        })),
      ),
    });
  }
  return notices;
}

/** Photos refused as a whole (`why`: the reason and what to do), named so none vanishes without a word. */
export function notAddedNotice(files: { name: string }[], why: string): NewNotice {
  const names = files.slice(0, 5).map((f) => `“${f.name}”`);
  const more = files.length > 5 ? [`and ${countWord(files.length - 5, 'more photo')}`] : [];
  return { tone: 'problem', title: `${countWord(files.length, 'photo')} not added. ${why}`, lines: [names.join(', '), ...more] };
}

/**
 * Stored photos the model could not look at: after a change of features they are left out (and
 * keep their place); photos waiting from an import are skipped.
 */
export function unusableNotice(problems: { name: string; problem: string }[], reason: 'features' | 'resume' | undefined): NewNotice {
  const n = problems.length;
  return {
    tone: 'problem',
    title:
      reason === 'features'
        ? `${countWord(n, 'photo')} could not be looked at again and ${n === 1 ? 'is' : 'are'} left out.`
        : `${countWord(n, 'photo')} could not be used and ${n === 1 ? 'was' : 'were'} skipped.`,
    lines: groupedLines(problems.map(({ name, problem }) => ({ name, text: problem }))),
  };
}
