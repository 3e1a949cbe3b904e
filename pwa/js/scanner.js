// Camera + QR decoding, shared by the trainee scanner (/scan) and the organiser's tablet (reverse mode).
//
//   import { startScanner, ScannerError } from '../scanner.js';
//   const stop = await startScanner(videoElement, (text) => { ... });   // rejects with ScannerError
//   stop();                                                             // camera off (safe to call twice)
//
// - the back camera (facingMode 'environment') into the <video> (made playsinline + muted here)
// - decodes with the native BarcodeDetector when it supports QR codes, else with the vendored
//   barcode-detector polyfill (zxing-wasm), loaded only then, its wasm served from /vendor/
// - onText(text) is called for each decoded QR; the same text again only after `repeatAfterMs`
// - stops by itself when the video element is removed from the document (the user left the page)
//
// ScannerError.code: 'unsupported' (no camera API: old browser or not https), 'denied',
// 'no_camera', 'busy' (used by another app), 'decoder' (the decoder could not load), 'failed'.
// ScannerError.detail is a Chinese sentence for the user.

const POLYFILL_URL = '/vendor/barcode-detector/ponyfill.js';
const WASM_DIR = '/vendor/barcode-detector/';
const SCAN_INTERVAL_MS = 120;

export class ScannerError extends Error {
  constructor(code, detail, cause) {
    super(detail);
    this.name = 'ScannerError';
    this.code = code;
    this.detail = detail;
    this.cause = cause;
  }
}

const DETAILS = {
  unsupported: '当前浏览器不支持调用摄像头（需使用 HTTPS 访问，或升级浏览器 / 微信）。',
  denied: '未获得摄像头权限。请在浏览器或微信的设置中允许使用摄像头后重试。',
  no_camera: '未找到可用的摄像头。',
  busy: '摄像头正被其他应用占用，请关闭其他使用摄像头的应用后重试。',
  decoder: '扫码组件加载失败，请检查网络后重试。',
  failed: '无法打开摄像头，请重试。',
};

function scannerError(code, cause) {
  return new ScannerError(code, DETAILS[code] || DETAILS.failed, cause);
}

let detectorPromise = null;

async function nativeDetector() {
  if (typeof window.BarcodeDetector !== 'function') return null;
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    if (formats && formats.indexOf('qr_code') !== -1) return new window.BarcodeDetector({ formats: ['qr_code'] });
  } catch (e) {
    // Exposed but unusable (some desktop builds): fall back to the polyfill.
  }
  return null;
}

const loadingListeners = [];

/** fn(true) when the QR decoder polyfill (~470 KB, not in the trainee precache) starts loading, fn(false) when done. */
export function onDecoderLoading(fn) {
  loadingListeners.push(fn);
}

async function polyfillDetector() {
  loadingListeners.forEach((fn) => fn(true));
  try {
    return await loadPolyfill();
  } finally {
    loadingListeners.forEach((fn) => fn(false));
  }
}

async function loadPolyfill() {
  const mod = await import(POLYFILL_URL);
  const overrides = {
    // Emscripten asks for 'zxing_reader.wasm'; serve it ourselves instead of from a CDN.
    locateFile: (path, prefix) => (path.slice(-5) === '.wasm' ? WASM_DIR + path : prefix + path),
  };
  mod.setZXingModuleOverrides(overrides);
  // Load (and compile) the wasm now, so that a failure shows up here rather than as failed detections.
  await mod.prepareZXingModule({ overrides, fireImmediately: true });
  return new mod.BarcodeDetector({ formats: ['qr_code'] });
}

/** The QR detector, created once per page load. */
function getDetector() {
  if (!detectorPromise) {
    detectorPromise = nativeDetector()
      .then((detector) => detector || polyfillDetector())
      .catch((error) => {
        detectorPromise = null; // let a later attempt (say, back online) try again
        throw scannerError('decoder', error);
      });
  }
  return detectorPromise;
}

/** Start loading the decoder early (e.g. while the camera permission prompt is up). */
export function preloadDecoder() {
  getDetector().catch(() => {});
}

function cameraError(error) {
  const name = error && error.name;
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') return scannerError('denied', error);
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError') return scannerError('no_camera', error);
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') return scannerError('busy', error);
  return scannerError('failed', error);
}

async function openCamera() {
  if (!navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== 'function') throw scannerError('unsupported');
  const constraints = { audio: false, video: { facingMode: 'environment', width: { ideal: 1280 }, height: { ideal: 720 } } };
  try {
    return await navigator.mediaDevices.getUserMedia(constraints);
  } catch (error) {
    if (error && error.name === 'OverconstrainedError') {
      try {
        return await navigator.mediaDevices.getUserMedia({ audio: false, video: true });
      } catch (again) {
        throw cameraError(again);
      }
    }
    throw cameraError(error);
  }
}

function stopStream(stream) {
  stream.getTracks().forEach((track) => track.stop());
}

/**
 * Open the camera into `video` and call onText(text) for every QR code seen.
 * Options: repeatAfterMs (2500): how long the same text is ignored after it was reported.
 * Resolves to stop(); rejects with a ScannerError (the camera is then off again).
 */
export async function startScanner(video, onText, options = {}) {
  const repeatAfterMs = options.repeatAfterMs === undefined ? 2500 : options.repeatAfterMs;
  const wasConnected = video.isConnected;
  const detectorReady = getDetector();
  detectorReady.catch(() => {}); // handled below, after the camera

  const stream = await openCamera();
  let running = true;
  let timer = null;

  function stop() {
    if (!running) return;
    running = false;
    clearTimeout(timer);
    stopStream(stream);
    if (video.srcObject === stream) video.srcObject = null;
  }

  video.setAttribute('playsinline', '');
  video.setAttribute('autoplay', '');
  video.muted = true;
  video.srcObject = stream;
  let detector;
  try {
    await video.play();
    detector = await detectorReady;
  } catch (error) {
    stop();
    throw error instanceof ScannerError ? error : scannerError('failed', error);
  }

  let lastText = null;
  let lastAt = 0;

  async function tick() {
    if (!running) return;
    if (wasConnected && !video.isConnected) {
      stop(); // the page was left without calling stop()
      return;
    }
    if (!document.hidden && video.readyState >= 2 && video.videoWidth > 0) {
      let found = [];
      try {
        found = await detector.detect(video);
      } catch (e) {
        found = []; // a frame that could not be read; try the next one
      }
      if (!running) return;
      for (let i = 0; i < found.length; i += 1) {
        const text = found[i].rawValue;
        if (!text) continue;
        const now = Date.now();
        if (text === lastText && now - lastAt < repeatAfterMs) continue;
        lastText = text;
        lastAt = now;
        try {
          onText(text);
        } catch (e) {
          setTimeout(() => {
            throw e;
          });
        }
        if (!running) return;
      }
    }
    timer = setTimeout(tick, SCAN_INTERVAL_MS);
  }

  // A camera taken away (another app, unplugged) ends the tracks: report it as stopped.
  stream.getVideoTracks().forEach((track) =>
    track.addEventListener('ended', () => {
      if (running && typeof options.onEnded === 'function') options.onEnded();
      stop();
    }),
  );

  tick();
  return stop;
}
