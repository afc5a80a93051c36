/** Content hashing and the downscaled copies kept in storage. */

export async function sha256Hex(file: Blob): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export const STORED_LONGEST_SIDE = 512;
export const THUMBNAIL_SIDE = 128;

/**
 * The stored copy (longest side 512, JPEG 0.9) and the thumbnail (the centred square the model
 * looks at, 128 px). Decoding and resizing run in the browser's image threads through
 * createImageBitmap; the page only draws an already small bitmap, which takes a few milliseconds.
 */
export async function downscale(file: Blob): Promise<{ image: Blob; thumbnail: Blob; width: number; height: number }> {
  const full = await createImageBitmap(file, { imageOrientation: 'from-image' });
  try {
    const { width, height } = full;
    const scale = Math.min(1, STORED_LONGEST_SIDE / Math.max(width, height));
    const image = await encode(full, [0, 0, width, height], Math.round(width * scale), Math.round(height * scale), 0.9);
    const side = Math.min(width, height);
    const square: [number, number, number, number] = [Math.floor((width - side) / 2), Math.floor((height - side) / 2), side, side];
    const thumbnail = await encode(full, square, THUMBNAIL_SIDE, THUMBNAIL_SIDE, 0.85);
    return { image, thumbnail, width, height };
  } finally {
    full.close();
  }
}

async function encode(
  source: ImageBitmap,
  [x, y, w, h]: [number, number, number, number],
  width: number,
  height: number,
  quality: number,
): Promise<Blob> {
  const scaled = await createImageBitmap(source, x, y, w, h, {
    resizeWidth: Math.max(1, width),
    resizeHeight: Math.max(1, height),
    resizeQuality: 'high',
  });
  const canvas = new OffscreenCanvas(scaled.width, scaled.height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('2D canvas unavailable in this browser');
  // JPEG has no transparency: a transparent PNG is shown on white, as on a page.
  context.fillStyle = '#fff';
  context.fillRect(0, 0, scaled.width, scaled.height);
  context.drawImage(scaled, 0, 0);
  scaled.close();
  return canvas.convertToBlob({ type: 'image/jpeg', quality });
}

/**
 * Some systems hand over HEIC photos without a type; naming it lets the engine give its advice
 * for HEIC (export as JPEG) rather than a general "cannot open".
 */
export function withTypeFromName(file: File): File {
  if (file.type !== '' || !/\.hei[cf]$/i.test(file.name)) return file;
  return new File([file], file.name, { type: 'image/heic' });
}
