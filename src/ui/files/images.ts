/** Content hashing and the downscaled copies kept in storage. */
import { makeCopies, openBitmap, type PhotoCopies } from '../../engine';

export async function sha256Hex(file: Blob): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export { STORED_LONGEST_SIDE } from '../../engine';

/**
 * The stored copy and thumbnail of a photo the engine has not decoded (restoring a backup, or a
 * photo whose embedding is known already); photos the model looks at get theirs from the engine.
 */
export async function downscale(file: Blob): Promise<PhotoCopies> {
  const full = await openBitmap(file);
  try {
    return await makeCopies(full, file);
  } finally {
    full.close();
  }
}

/**
 * Some systems hand over HEIC photos without a type; naming it lets the engine give its advice
 * for HEIC (export as JPEG) rather than a general "cannot open".
 */
export function withTypeFromName(file: File): File {
  if (file.type !== '' || !/\.hei[cf]$/i.test(file.name)) return file;
  return new File([file], file.name, { type: 'image/heic' });
}
