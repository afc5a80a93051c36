import { expect, test } from '@playwright/test';
import { serveDatasets } from './files';

// The decode step in the real browser on synthetic photos with known pixels: format support,
// EXIF orientation, the centre crop and the resize.

test.beforeEach(async ({ page }) => {
  await page.goto('/lab.html');
});

/** Mean RGB of a rectangle of an RGBA square of side `size`. */
function meanColour(rgba: number[], size: number, x0: number, y0: number, x1: number, y1: number): number[] {
  const sum = [0, 0, 0];
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++) sum[c] += rgba[(y * size + x) * 4 + c];
  return sum.map((s) => Math.round(s / ((x1 - x0) * (y1 - y0))));
}

test('a landscape photo is centre-cropped and resized: the margins are cut off', async ({ page }) => {
  // 300 x 100: a red band, a green square in the middle, a blue band.
  const rgba = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(300, 100);
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#f00';
    context.fillRect(0, 0, 100, 100);
    context.fillStyle = '#0f0';
    context.fillRect(100, 0, 100, 100);
    context.fillStyle = '#00f';
    context.fillRect(200, 0, 100, 100);
    return window.handfulLab.decode(await canvas.convertToBlob({ type: 'image/png' }), 224);
  });
  expect(rgba).toHaveLength(224 * 224 * 4);
  // Away from the edges (where resampling blends) the whole square is the green middle.
  expect(meanColour(rgba, 224, 4, 4, 220, 220)).toEqual([0, 255, 0]);
});

test('a photo larger than 1536 px (halved before it is resampled) keeps its crop, its size and its detail averaged', async ({ page }) => {
  await page.evaluate(() => window.handfulLab.start(window.handfulLab.defaultFeaturesId, 'wasm', 2));
  const { banded, checkered, sizes } = await page.evaluate(async () => {
    // 4801 x 1601 (odd, so the halvings drop a last column and row): red, green, blue bands.
    const bands = new OffscreenCanvas(4801, 1601);
    const context = bands.getContext('2d')!;
    ['#f00', '#0f0', '#00f'].forEach((colour, i) => {
      context.fillStyle = colour;
      context.fillRect(i * 1600, 0, 1601, 1601);
    });
    const bandsPng = await bands.convertToBlob({ type: 'image/png' });
    // A checkerboard of single black and white pixels: averaged it is grey; picked from, it would alias.
    const board = new OffscreenCanvas(2048, 2048);
    const image = new ImageData(2048, 2048);
    for (let i = 0; i < 2048 * 2048; i++)
      image.data.fill(((i % 2048) + Math.floor(i / 2048)) % 2 ? 255 : 0, i * 4, i * 4 + 3).fill(255, i * 4 + 3, i * 4 + 4);
    board.getContext('2d')!.putImageData(image, 0, 0);
    return {
      banded: await window.handfulLab.decode(bandsPng, 224),
      checkered: await window.handfulLab.decode(await board.convertToBlob({ type: 'image/png' }), 224),
      sizes: (await window.handfulLab.embedWithCopies([bandsPng])).sizes,
    };
  });
  expect(meanColour(banded, 224, 4, 4, 220, 220)).toEqual([0, 255, 0]);
  const greys = checkered.filter((_, i) => i % 4 !== 3);
  expect(greys.reduce((min, v) => Math.min(min, v), 255)).toBeGreaterThan(110);
  expect(greys.reduce((max, v) => Math.max(max, v), 0)).toBeLessThan(146);
  expect(sizes[0]).toMatchObject({ image: [512, 171], thumbnail: [128, 128], original: [4801, 1601] });
});

test('WebP and GIF decode as well as JPEG, PNG and BMP', async ({ page }) => {
  const colours = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(64, 64);
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#ff8000';
    context.fillRect(0, 0, 64, 64);
    const webp = await canvas.convertToBlob({ type: 'image/webp', quality: 1 });
    // A 1 x 1 GIF89a with one orange pixel (the browser can decode GIF but not encode it).
    const gif = new Blob(
      [
        new Uint8Array([
          0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0, 0x80, 0, 0, 0xff, 0x80, 0x00, 0, 0, 0, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2,
          0x44, 0x01, 0, 0x3b,
        ]),
      ],
      { type: 'image/gif' },
    );
    const centre = async (blob: Blob) => {
      const rgba = await window.handfulLab.decode(blob, 8);
      return rgba.slice((4 * 8 + 4) * 4, (4 * 8 + 4) * 4 + 3);
    };
    return { webp: await centre(webp), gif: await centre(gif), webpType: webp.type };
  });
  expect(colours.webpType).toBe('image/webp');
  for (const rgb of [colours.webp, colours.gif]) {
    expect(Math.abs(rgb[0] - 255)).toBeLessThan(4);
    expect(Math.abs(rgb[1] - 128)).toBeLessThan(4);
    expect(rgb[2]).toBeLessThan(4);
  }
});

test('EXIF orientation is honoured: a phone photo shot sideways comes out upright', async ({ page }) => {
  const rgba = await page.evaluate(async () => {
    // Stored 300 x 200 with red on the left and blue on the right; EXIF orientation 6 says
    // "rotate 90 degrees clockwise to display", so upright it is 200 x 300, red on top.
    const canvas = new OffscreenCanvas(300, 200);
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#f00';
    context.fillRect(0, 0, 150, 200);
    context.fillStyle = '#00f';
    context.fillRect(150, 0, 150, 200);
    const jpeg = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 1 })).arrayBuffer());
    // An APP1 Exif segment: big-endian TIFF header, one IFD entry, Orientation (0x0112) = 6.
    const tiff = [0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0];
    const payload = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
    const app1 = [0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff, ...payload];
    const withExif = new Uint8Array([...jpeg.slice(0, 2), ...app1, ...jpeg.slice(2)]);
    return window.handfulLab.decode(new Blob([withExif], { type: 'image/jpeg' }), 224);
  });
  const top = meanColour(rgba, 224, 8, 8, 216, 100);
  const bottom = meanColour(rgba, 224, 8, 124, 216, 216);
  expect(top[0]).toBeGreaterThan(240);
  expect(top[2]).toBeLessThan(15);
  expect(bottom[2]).toBeGreaterThan(240);
  expect(bottom[0]).toBeLessThan(15);
});

test('one decode gives the model its square and the app its stored copy and thumbnail, copies first', async ({ page }) => {
  await serveDatasets(page);
  await page.evaluate(() => window.handfulLab.start(window.handfulLab.defaultFeaturesId, 'wasm', 2));
  const { order, sizes } = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(1280, 720);
    canvas.getContext('2d')!.fillRect(0, 0, 1280, 720);
    const wide = await canvas.convertToBlob({ type: 'image/jpeg' });
    const small = await (await fetch('/datasets/photos/cat.bmp')).blob();
    return window.handfulLab.embedWithCopies([wide, new Blob(['not an image'], { type: 'image/jpeg' }), small]);
  });
  // Each photo's copies come before its embedding (so they can be saved before the model runs);
  // a file that cannot be decoded gets no copies.
  for (const index of [0, 2]) expect(order.indexOf(`prepared ${index}`)).toBeLessThan(order.indexOf(`embedded ${index}`));
  expect(order).toContain('failed 1');
  expect(order).not.toContain('prepared 1');
  const [wide, small] = sizes.sort((a, b) => a.index - b.index);
  expect(wide).toMatchObject({ index: 0, image: [512, 288], thumbnail: [128, 128], original: [1280, 720], fileKept: false });
  // A photo smaller than 512 px is kept at its own size (a BMP re-encoded as a JPEG).
  expect(small.image).toEqual(small.original);
  expect(small).toMatchObject({ fileKept: false, type: 'image/jpeg' });
  expect(small.thumbnail).toEqual([128, 128]);
});

test('a small plain JPEG is stored as it is; one with EXIF is stored re-encoded, upright and without its metadata', async ({ page }) => {
  await page.evaluate(() => window.handfulLab.start(window.handfulLab.defaultFeaturesId, 'wasm', 2));
  const { sizes } = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(300, 200);
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#f00';
    context.fillRect(0, 0, 150, 200);
    context.fillStyle = '#00f';
    context.fillRect(150, 0, 150, 200);
    const plain = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
    const jpeg = new Uint8Array(await plain.arrayBuffer());
    // EXIF orientation 6 (see the orientation test above): upright it is 200 x 300.
    const tiff = [0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0];
    const payload = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
    const app1 = [0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff, ...payload];
    const withExif = new Blob([new Uint8Array([...jpeg.slice(0, 2), ...app1, ...jpeg.slice(2)])], { type: 'image/jpeg' });
    // A file without a type (some systems hand them over so) is stored as a JPEG all the same.
    return window.handfulLab.embedWithCopies([new Blob([plain]), withExif]);
  });
  const [plain, withExif] = sizes.sort((a, b) => a.index - b.index);
  expect(plain).toEqual({ index: 0, image: [300, 200], thumbnail: [128, 128], original: [300, 200], fileKept: true, type: 'image/jpeg' });
  expect(withExif).toEqual({
    index: 1,
    image: [200, 300],
    thumbnail: [128, 128],
    original: [200, 300],
    fileKept: false,
    type: 'image/jpeg',
  });
});
