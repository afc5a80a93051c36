// Replaced at build time (vite.config.ts `define`) with package.json's "version".
declare const __APP_VERSION__: string;

/** The running app's version, written into every file it saves. */
export const appVersion: string = typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : '0.0.0-dev';
