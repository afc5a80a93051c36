import { centerSquare } from './preprocess';

/** A file the browser could not turn into pixels: not an image, damaged, or a format it lacks. */
export class ImageDecodeError extends Error {}

function describeUndecodable(blob: Blob): string {
  if (blob.size === 0) return 'The file is empty.';
  if (/hei[cf]/i.test(blob.type)) {
    return 'This browser cannot open HEIC photos. Export them as JPEG (on an iPhone: Settings > Camera > Formats > Most Compatible) and try again.';
  }
  return 'This file is not a picture this browser can open, or it is damaged. JPEG, PNG, WebP, GIF and BMP work.';
}

/**
 * Decodes a photo (EXIF orientation applied), takes its centred square and resizes it to
 * size x size, all off the main thread. Returns RGBA bytes composited over white, so transparent
 * PNGs look as they do on a page rather than black.
 */
export async function decodeSquare(source: Blob | ImageBitmap, size: number): Promise<Uint8ClampedArray> {
  let full: ImageBitmap;
  if (source instanceof Blob) {
    try {
      full = await createImageBitmap(source, { imageOrientation: 'from-image' });
    } catch {
      throw new ImageDecodeError(describeUndecodable(source));
    }
  } else {
    full = source;
  }
  try {
    const crop = centerSquare(full.width, full.height);
    // The browser's high-quality resampler downscales in one step, so a 12 MP photo never
    // reaches JavaScript at full size.
    const square = await createImageBitmap(full, crop.x, crop.y, crop.width, crop.height, {
      resizeWidth: size,
      resizeHeight: size,
      resizeQuality: 'high',
    });
    const canvas = new OffscreenCanvas(size, size);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('2D canvas unavailable in this browser');
    context.fillStyle = '#fff';
    context.fillRect(0, 0, size, size);
    context.drawImage(square, 0, 0);
    square.close();
    return context.getImageData(0, 0, size, size).data;
  } finally {
    if (source instanceof Blob) full.close();
  }
}
