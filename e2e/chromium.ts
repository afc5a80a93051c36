/**
 * How Handful's tests, benchmark and evaluation harness start Chromium: Debian's build, never a
 * downloaded one. SwiftShader gives WebGL and WebGPU without a GPU, so every backend the engine
 * supports can be exercised on a plain CI machine; the background-networking flags keep Chromium
 * from calling home on a closed network.
 */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
  '--enable-features=Vulkan',
];

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
