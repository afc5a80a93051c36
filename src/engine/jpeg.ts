/**
 * Whether a JPEG's own bytes can serve as its stored copy. Re-encoding a small JPEG costs the
 * decoding thread more than decoding it, loses a little quality and drops the metadata; keeping
 * the file as it is does none of that, but the file must then look the same and tell no more than
 * a re-encoded copy would. A hand-written marker walk (the JPEG header layout, no more) rather than
 * an EXIF library: nothing is read from the segments, only which ones there are.
 */

/** The stored copy's budget for a file kept as is: re-encoding at quality 0.9 gives ~0.3 bytes a pixel. */
export const KEPT_BYTES_PER_PIXEL = 1.5;

/** The markers that may stand before the image data of a file kept as is. */
function harmless(marker: number): boolean {
  return (
    // APP0 (JFIF), APP2 (ICC colour profile: keeps colours as shown), APP14 (Adobe: colour transform).
    marker === 0xe0 ||
    marker === 0xe2 ||
    marker === 0xee ||
    // Frame headers and tables (0xc0-0xcf but the reserved 0xc8), quantisation tables, restart
    // interval, comments: what the image is made of.
    (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc8) ||
    marker === 0xdb ||
    marker === 0xdd ||
    marker === 0xfe
  );
}

/**
 * True when `header` (the file's first bytes) is a JPEG whose segments before the image data
 * are all harmless: no APP1 (EXIF, with its orientation, camera and location; XMP), nor any
 * other application's metadata. False for anything else, or when the header ends before the
 * image data starts.
 */
export function isPlainJpeg(header: Uint8Array): boolean {
  if (header.length < 4 || header[0] !== 0xff || header[1] !== 0xd8) return false;
  let at = 2;
  while (at + 4 <= header.length) {
    if (header[at] !== 0xff) return false;
    const marker = header[at + 1];
    // Fill bytes before a marker.
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === 0xda) return true;
    if (!harmless(marker)) return false;
    at += 2 + ((header[at + 2] << 8) | header[at + 3]);
  }
  return false;
}

/** The first bytes read to decide: enough for the tables and a colour profile of usual size. */
export const JPEG_HEADER_BYTES = 64 * 1024;
