/** Reads a folder-per-class dataset: <dataset>/<split>/<class>/<image>. */
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface Photo {
  /** Path relative to the dataset folder, e.g. "train/daisy/001.jpg". */
  path: string;
  label: number;
}

export interface Dataset {
  name: string;
  root: string;
  classes: string[];
  train: Photo[];
  test: Photo[];
  testSplit: string;
}

const imageFile = /\.(jpe?g|png|bmp|gif|webp)$/i;
const testSplitNames = ['test', 'val', 'validation'];

function folders(path: string): string[] {
  return readdirSync(path)
    .filter((name) => statSync(join(path, name)).isDirectory())
    .sort();
}

/** Uses the dataset's own split: "train" for training, and "test", "val" or "validation" to test. */
export function readDataset(root: string): Dataset {
  const splits = folders(root);
  const testSplit = testSplitNames.find((name) => splits.includes(name));
  if (!splits.includes('train') || !testSplit) {
    throw new Error(`${root} needs a train/ folder and one of ${testSplitNames.join(', ')}/, each with a folder per class`);
  }
  const classes = folders(join(root, 'train'));
  const photos = (split: string): Photo[] =>
    classes.flatMap((name, label) =>
      readdirSync(join(root, split, name))
        .filter((file) => imageFile.test(file))
        .sort()
        .map((file) => ({ path: `${split}/${name}/${file}`, label })),
    );
  return { name: basename(root), root, classes, train: photos('train'), test: photos(testSplit), testSplit };
}
