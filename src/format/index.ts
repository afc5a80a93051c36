/**
 * Files Handful writes and reads: the classifier file (one JSON head, usable outside Handful;
 * docs/head-format.md) and the project backup (.zip; docs/backup-format.md). Pure TypeScript, no
 * DOM or React: the UI passes in what the person picked and gets back plain data, or an error
 * whose message can be shown as is.
 */
export { appVersion } from './appVersion';
export { BackupError, FileFormatError, HeadFileError, type FileErrorCode } from './errors';
export { summariseEvaluation, type EvaluationSummary } from './evaluationSummary';
export {
  HEAD_FORMAT,
  HEAD_FORMAT_VERSION,
  HEAD_LIMITS,
  headToFile,
  parseHeadFile,
  readHeadFile,
  type HeadFile,
  type HeadFileInput,
  type HeadFileOutput,
  type HeadFormatOptions,
  type KnownBackbone,
} from './head';
export {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  BACKUP_LIMITS,
  BACKUP_MAX_NAME,
  backupFileName,
  isBackupPath,
  readBackup,
  writeBackup,
  type BackupClass,
  type BackupEmbeddings,
  type BackupLimits,
  type BackupOptions,
  type BackupPhoto,
  type BackupPilePhoto,
  type ProjectBackup,
  type RestoredProject,
} from './backup';
export type { Migration } from './migrate';
