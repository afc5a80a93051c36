/**
 * Turns the paths of dropped or picked files into classes: a folder holding one subfolder per
 * class ("flowers/daisy/1.jpg", "flowers/tulip/2.jpg") becomes the classes daisy and tulip.
 */

/** A file with where it was found: "flowers/daisy/1.jpg", or just "1.jpg" for a loose file. */
export interface FoundFile {
  file: File;
  path: string;
}

export interface FolderGroups {
  /** One group per class folder, in name order; photos in deeper subfolders belong to it too. */
  groups: { name: string; files: File[] }[];
  /** Files that sit beside the class folders rather than inside one. */
  loose: File[];
}

const directoriesOf = (path: string) =>
  path
    .split('/')
    .filter((part) => part !== '')
    .slice(0, -1);

/**
 * Leading folders shared by every file are only packaging ("flowers/" above the class folders)
 * and are skipped while some file still sits in a folder below them. A single folder of photos
 * therefore comes back as one group named after the folder.
 */
export function groupByFolder(found: FoundFile[]): FolderGroups {
  let folders = found.map(({ path }) => directoriesOf(path));
  const shared = () => folders.every((dirs) => dirs.length >= 1 && dirs[0] === folders[0][0]);
  while (folders.length > 0 && shared() && folders.some((dirs) => dirs.length >= 2)) {
    folders = folders.map((dirs) => dirs.slice(1));
  }
  const byName = new Map<string, File[]>();
  const loose: File[] = [];
  found.forEach(({ file }, i) => {
    const name = folders[i][0];
    if (name === undefined) loose.push(file);
    else byName.set(name, [...(byName.get(name) ?? []), file]);
  });
  const groups = [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))
    .map(([name, files]) => ({ name, files }));
  return { groups, loose };
}

/** Files an operating system leaves in folders, never photos: skipped without a word. */
export function isSystemFile(name: string): boolean {
  return name.startsWith('.') || /^(thumbs\.db|desktop\.ini)$/i.test(name);
}
