import { isPlainJpeg, JPEG_HEADER_BYTES, KEPT_BYTES_PER_PIXEL } from './jpeg';
import { centerSquare } from './preprocess';
import { timed } from './stages';

/** A file the browser could not turn into pixels: not an image, damaged, or a format it lacks. */
export class ImageDecodeError extends Error {}

/** The stored copy's longest side: enough to look at a photo, or to embed it again later. */
export const STORED_LONGEST_SIDE = 512;
export const THUMBNAIL_SIDE = 128;

/** What the app keeps of a photo: made in the engine worker from the same decode the model uses. */
export interface PhotoCopies {
  /** JPEG, longest side at most STORED_LONGEST_SIDE. */
  image: Blob;
  /** JPEG, the centred square (what the model looks at), THUMBNAIL_SIDE square. */
  thumbnail: Blob;
  /** Of the original file. */
  width: number;
  height: number;
}

export interface DecodedPhoto {
  /** size x size RGBA of the centred square, composited over white. */
  rgba: Uint8ClampedArray;
  copies?: PhotoCopies;
}

function describeUndecodable(blob: Blob): string {
  if (blob.size === 0) return 'The file is empty.';
  if (/hei[cf]/i.test(blob.type)) {
    return 'This browser cannot open HEIC photos. Export them as JPEG (on an iPhone: Settings > Camera > Formats > Most Compatible) and try again.';
  }
  return 'This file is not a picture this browser can open, or it is damaged. JPEG, PNG, WebP, GIF and BMP work.';
}

/** Decodes a file with its EXIF orientation applied; an ImageDecodeError says why it could not. */
export async function openBitmap(source: Blob): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(source, { imageOrientation: 'from-image' });
  } catch {
    throw new ImageDecodeError(describeUndecodable(source));
  }
}

function whiteCanvas(width: number, height: number): { canvas: OffscreenCanvas; context: OffscreenCanvasRenderingContext2D } {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('2D canvas unavailable in this browser');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  return { canvas, context };
}

/** Draws a rectangle of `source` resized to width x height on white (JPEG and the model know no transparency). */
async function draw(
  source: ImageBitmap | OffscreenCanvas,
  [x, y, w, h]: readonly number[],
  width: number,
  height: number,
): Promise<OffscreenCanvas> {
  // The browser's high-quality resampler downscales in one step, so a 12 MP photo never
  // reaches JavaScript at full size.
  const scaled = await createImageBitmap(source, x, y, w, h, {
    resizeWidth: Math.max(1, width),
    resizeHeight: Math.max(1, height),
    resizeQuality: 'high',
  });
  const { canvas, context } = whiteCanvas(scaled.width, scaled.height);
  context.drawImage(scaled, 0, 0);
  scaled.close();
  return canvas;
}

/**
 * The longest side a photo is resampled from. Chromium resamples a large downscale through
 * mipmaps kept in discardable shared memory; those of a photo over this size need a segment of
 * their own, of a size no other photo reuses, and the page's main thread unmaps every such segment
 * at once a minute later: 100-300 ms tasks, once a minute, during an import of thousands of photos.
 * The mipmaps of a photo this size (at most 1536 x 1536 x 4 / 3 bytes, about 3 MB) fit the 4 MB
 * segments that are reused photo after photo.
 */
const RESAMPLED_LONGEST_SIDE = 1536;

/**
 * `full` halved until its longest side is at most RESAMPLED_LONGEST_SIDE (`full` itself if it is
 * already): each halving takes the mean of 2 x 2 pixels, as a mipmap level does, without mipmaps.
 * The model's square made from it differs from one made from the full photo by 1.5 levels (of
 * 255) on average, and is as close to an exact area average (2 levels; 20 large photos measured).
 */
async function halvedForResampling(full: ImageBitmap): Promise<ImageBitmap> {
  let current = full;
  while (Math.max(current.width, current.height) > RESAMPLED_LONGEST_SIDE) {
    const width = Math.max(1, Math.floor(current.width / 2));
    const height = Math.max(1, Math.floor(current.height / 2));
    // Bilinear at exactly half the size samples between four pixels: their mean.
    const half = await createImageBitmap(current, 0, 0, Math.min(current.width, width * 2), Math.min(current.height, height * 2), {
      resizeWidth: width,
      resizeHeight: height,
      resizeQuality: 'low',
    });
    if (current !== full) current.close();
    current = half;
  }
  return current;
}

/**
 * The file itself as the stored copy, when it is a plain JPEG (./jpeg: no EXIF, so no orientation
 * to apply and no camera or location to keep) no larger than a stored copy in pixels, and in bytes
 * within reason: no work, and nothing lost to a second encode.
 */
async function keptAsIs(original: Blob | undefined, width: number, height: number): Promise<Blob | undefined> {
  if (!original || Math.max(width, height) > STORED_LONGEST_SIDE || original.size > KEPT_BYTES_PER_PIXEL * width * height) return undefined;
  const header = new Uint8Array(await original.slice(0, JPEG_HEADER_BYTES).arrayBuffer());
  return isPlainJpeg(header) ? original.slice(0, original.size, 'image/jpeg') : undefined;
}

/**
 * The stored copy (longest side 512, JPEG 0.9; or `original` itself, see keptAsIs) and the
 * thumbnail (the centred square, 128 px, JPEG 0.85). The thumbnail is made from the stored copy,
 * not from the full photo: far fewer pixels to resample for the same 128 px. `resampled` is `full`
 * as halvedForResampling makes it, when the caller has it already.
 */
export async function makeCopies(full: ImageBitmap, original?: Blob, resampled?: ImageBitmap): Promise<PhotoCopies> {
  const { width, height } = full;
  const thumbnailOf = async (source: ImageBitmap | OffscreenCanvas) => {
    const crop = centerSquare(source.width, source.height);
    const square = await draw(source, [crop.x, crop.y, crop.width, crop.height], THUMBNAIL_SIDE, THUMBNAIL_SIDE);
    return square.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
  };
  const kept = await keptAsIs(original, width, height);
  if (kept) return { image: kept, thumbnail: await thumbnailOf(full), width, height };
  const scale = Math.min(1, STORED_LONGEST_SIDE / Math.max(width, height));
  let stored: OffscreenCanvas;
  if (scale === 1) {
    // Small enough already: no resampling, only the white under any transparency.
    const blank = whiteCanvas(width, height);
    blank.context.drawImage(full, 0, 0);
    stored = blank.canvas;
  } else {
    const source = resampled ?? (await halvedForResampling(full));
    try {
      stored = await draw(source, [0, 0, source.width, source.height], Math.round(width * scale), Math.round(height * scale));
    } finally {
      if (source !== full && source !== resampled) source.close();
    }
  }
  const image = stored.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
  const thumbnail = thumbnailOf(stored);
  return { image: await image, thumbnail: await thumbnail, width, height };
}

/**
 * Decodes a photo once (EXIF orientation applied) and makes from it what the model looks at:
 * its centred square resized to size x size, as RGBA composited over white, so transparent PNGs
 * look as they do on a page rather than black; and, when asked, the copies the app stores.
 */
export async function decodePhoto(source: Blob | ImageBitmap, size: number, withCopies = false): Promise<DecodedPhoto> {
  const full = source instanceof Blob ? await timed('decode', () => openBitmap(source)) : source;
  let resampled: ImageBitmap | undefined;
  try {
    const halved = await timed('halve', () => halvedForResampling(full));
    resampled = halved;
    const crop = centerSquare(halved.width, halved.height);
    const rgba = await timed('model square', async () => {
      const canvas = await draw(halved, [crop.x, crop.y, crop.width, crop.height], size, size);
      return canvas.getContext('2d')!.getImageData(0, 0, size, size).data;
    });
    return {
      rgba,
      copies: withCopies ? await timed('copies', () => makeCopies(full, source instanceof Blob ? source : undefined, halved)) : undefined,
    };
  } finally {
    if (resampled && resampled !== full) resampled.close();
    if (source instanceof Blob) full.close();
  }
}

/** The model's square alone (see decodePhoto). */
export async function decodeSquare(source: Blob | ImageBitmap, size: number): Promise<Uint8ClampedArray> {
  return (await decodePhoto(source, size)).rgba;
}
