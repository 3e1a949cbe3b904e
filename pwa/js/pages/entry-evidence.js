// The evidence part of the entry form: take a photo (capture="environment") or choose files,
// shrink photos in the browser before they travel over a weak network, list them with
// thumbnails and remove buttons, and upload them one at a time with a progress bar each.
//
// Photos: long side at most MAX_SIDE px, JPEG at JPEG_QUALITY. Re-encoding through a canvas drops
// EXIF, so the original's EXIF block is copied into the smaller file (its orientation reset: the
// canvas already drew the picture upright), which lets the server keep the time it was taken.
// PDFs go as they are; a picture the browser cannot decode (HEIC on most Android browsers) too.

import { api, isAbort, upload } from '../api.js';
import { h, icon, mount } from '../ui.js';

const MAX_SIDE = 2000;
const JPEG_QUALITY = 0.85;
const MAX_BYTES = 10 * 1024 * 1024; // the server's limit (413 above it)
// A JPEG already small enough in pixels and bytes is sent untouched (keeps everything it has).
const KEEP_BYTES = 1.5 * 1024 * 1024;

function readBuffer(blob) {
  if (blob.arrayBuffer) return blob.arrayBuffer();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsArrayBuffer(blob);
  });
}

function decodeImage(blob) {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(blob);
    const img = new Image();
    img.onload = () => {
      URL.revokeObjectURL(url);
      if (img.naturalWidth > 0 && img.naturalHeight > 0) resolve(img);
      else reject(new Error('empty image'));
    };
    img.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error('cannot decode'));
    };
    img.src = url;
  });
}

function canvasBlob(canvas) {
  return new Promise((resolve) => {
    if (canvas.toBlob) {
      canvas.toBlob((blob) => resolve(blob), 'image/jpeg', JPEG_QUALITY);
      return;
    }
    // Old WebViews without toBlob.
    const data = canvas.toDataURL('image/jpeg', JPEG_QUALITY);
    const bytes = atob(data.split(',')[1]);
    const array = new Uint8Array(bytes.length);
    for (let i = 0; i < bytes.length; i += 1) array[i] = bytes.charCodeAt(i);
    resolve(new Blob([array], { type: 'image/jpeg' }));
  });
}

/** The EXIF APP1 segment (marker included) of a JPEG's first bytes, or null. */
function exifSegment(bytes) {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1];
    if (marker === 0xda || marker === 0xd9) return null; // image data: no more headers
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (length < 2 || at + 2 + length > bytes.length) return null;
    const isExif = marker === 0xe1 && bytes[at + 4] === 0x45 && bytes[at + 5] === 0x78 && bytes[at + 6] === 0x69 && bytes[at + 7] === 0x66 && bytes[at + 8] === 0 && bytes[at + 9] === 0;
    if (isExif) return bytes.slice(at, at + 2 + length);
    at += 2 + length;
  }
  return null;
}

/** Set the Orientation tag (0x0112) of IFD0 in an APP1 segment to 1 (upright), in place. */
function resetOrientation(segment) {
  const tiff = 10; // FF E1, length (2), "Exif\0\0"
  if (segment.length < tiff + 8) return;
  const little = segment[tiff] === 0x49;
  const view = new DataView(segment.buffer, segment.byteOffset, segment.byteLength);
  const ifd = tiff + view.getUint32(tiff + 4, little);
  if (ifd + 2 > segment.length) return;
  const count = view.getUint16(ifd, little);
  for (let i = 0; i < count; i += 1) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > segment.length) return;
    if (view.getUint16(entry, little) === 0x0112) view.setUint16(entry + 8, 1, little);
  }
}

/** `jpeg` with `segment` inserted after its SOI and JFIF header. */
async function withExif(jpeg, segment) {
  const bytes = new Uint8Array(await readBuffer(jpeg));
  let at = 2;
  if (bytes[2] === 0xff && bytes[3] === 0xe0) at = 4 + ((bytes[4] << 8) | bytes[5]);
  return new Blob([bytes.slice(0, at), segment, bytes.slice(at)], { type: 'image/jpeg' });
}

function isPdf(file) {
  return file.type === 'application/pdf' || /\.pdf$/i.test(file.name || '');
}

function jpegName(name) {
  const base = (name || 'photo').replace(/\.[^.]*$/, '');
  return (base || 'photo') + '.jpg';
}

/** What to upload for `file`: {blob, name, image (a browser-drawable picture)}. */
export async function prepareFile(file) {
  if (isPdf(file)) return { blob: file, name: file.name || 'document.pdf', image: false };
  let img;
  try {
    img = await decodeImage(file);
  } catch (e) {
    return { blob: file, name: file.name || 'photo', image: false }; // e.g. HEIC: the server takes it
  }
  const width = img.naturalWidth;
  const height = img.naturalHeight;
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  if (scale === 1 && file.type === 'image/jpeg' && file.size <= KEEP_BYTES) return { blob: file, name: file.name || 'photo.jpg', image: true };
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const context = canvas.getContext('2d');
  context.fillStyle = '#fff'; // transparent PNG areas become white, not black
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(img, 0, 0, canvas.width, canvas.height);
  let blob = await canvasBlob(canvas);
  if (!blob) return { blob: file, name: file.name || 'photo', image: true };
  if (file.type === 'image/jpeg') {
    try {
      const segment = exifSegment(new Uint8Array(await readBuffer(file.slice(0, 256 * 1024))));
      if (segment) {
        resetOrientation(segment);
        blob = await withExif(blob, segment);
      }
    } catch (e) {
      // Without EXIF the photo is still good evidence.
    }
  }
  if (scale === 1 && blob.size >= file.size) return { blob: file, name: file.name || 'photo', image: true };
  return { blob, name: jpegName(file.name), image: true };
}

function sizeWords(bytes) {
  if (bytes >= 1024 * 1024) return (Math.round((bytes / 1024 / 1024) * 10) / 10) + ' MB';
  return Math.max(1, Math.round(bytes / 1024)) + ' KB';
}

let nextKey = 1;

/**
 * The evidence widget. Options: existing (EvidenceRead[] already attached), editable (remove
 * buttons on the attached ones), onchange() after any change of the list.
 * Returns {el, count(), unsent(), ready(), uploadAll(creditId) -> number failed, markError(text)}.
 */
export function evidenceField({ existing = [], editable = true, onchange = () => {} } = {}) {
  const items = existing.map((evidence) => ({ key: nextKey++, saved: true, evidence, name: evidence.filename || '证明材料', status: 'done' }));

  const list = h('ul', { class: 'attach-list', 'data-testid': 'evidence-list' });
  const error = h('p', { class: 'field-error', id: 'evidence-error', 'data-testid': 'evidence-error', hidden: true });

  const camera = h('input', {
    type: 'file',
    accept: 'image/*,application/pdf',
    capture: 'environment',
    multiple: true,
    class: 'visually-hidden',
    'data-testid': 'evidence-camera',
    onchange: (event) => addFiles(event.target),
  });
  const album = h('input', {
    type: 'file',
    accept: 'image/*,application/pdf',
    multiple: true,
    class: 'visually-hidden',
    'data-testid': 'evidence-album',
    onchange: (event) => addFiles(event.target),
  });

  const el = h(
    'div',
    { class: 'attach' },
    h(
      'div',
      { class: 'attach-pickers' },
      h('label', { class: 'btn btn-secondary attach-pick', 'data-testid': 'evidence-camera-button' }, camera, icon('scan'), '拍照'),
      h('label', { class: 'btn btn-secondary attach-pick', 'data-testid': 'evidence-album-button' }, album, icon('download'), '相册 / 文件'),
    ),
    error,
    list,
  );

  function markError(text) {
    error.textContent = text || '';
    error.hidden = !text;
  }

  function remove(item) {
    if (item.url) URL.revokeObjectURL(item.url);
    const i = items.indexOf(item);
    if (i !== -1) items.splice(i, 1);
    draw();
    onchange();
  }

  async function removeSaved(item, button) {
    if (!window.confirm('删除这份证明材料？')) return;
    button.disabled = true;
    try {
      await api('/api/evidence/' + encodeURIComponent(item.evidence.id), { method: 'DELETE' });
    } catch (e) {
      button.disabled = false;
      if (!e.handled) markError(e.detail);
      return;
    }
    remove(item);
  }

  function statusWords(item) {
    if (item.status === 'preparing') return '处理中…';
    if (item.status === 'ready') return '待上传 · ' + sizeWords(item.blob.size);
    if (item.status === 'uploading') return '上传中 ' + Math.round(item.progress * 100) + '%';
    if (item.status === 'failed') return '上传失败：' + item.error;
    if (item.status === 'too_big') return '文件超过 10 MB，请重新拍摄或压缩后再选';
    return item.saved ? '已上传' + (item.evidence.size ? ' · ' + sizeWords(item.evidence.size) : '') : '已上传';
  }

  function thumb(item) {
    if (item.saved && item.evidence.thumb_url) {
      return h('a', { class: 'attach-thumb', href: item.evidence.url, target: '_blank', rel: 'noopener' }, h('img', { src: item.evidence.thumb_url, alt: item.name, 'data-testid': 'evidence-thumb' }));
    }
    if (item.url) return h('span', { class: 'attach-thumb' }, h('img', { src: item.url, alt: item.name, 'data-testid': 'evidence-thumb' }));
    return h('span', { class: 'attach-thumb attach-file', 'aria-hidden': 'true' }, /pdf/i.test(item.name) ? 'PDF' : '文件');
  }

  function row(item) {
    const fill = h('span', { class: 'attach-bar-fill' });
    fill.style.width = Math.round((item.progress || 0) * 100) + '%';
    const removable = item.status !== 'uploading' && (!item.saved || editable);
    const button = removable
      ? h('button', { type: 'button', class: 'link-btn attach-remove', 'data-testid': 'evidence-remove', 'aria-label': '删除 ' + item.name }, '删除')
      : null;
    if (button) button.addEventListener('click', () => (item.saved ? removeSaved(item, button) : remove(item)));
    return h(
      'li',
      { class: 'attach-item attach-' + item.status, 'data-testid': 'evidence-item', 'data-status': item.status },
      thumb(item),
      h(
        'span',
        { class: 'attach-main' },
        h('span', { class: 'attach-name' }, item.name),
        h('span', { class: 'attach-status', 'data-testid': 'evidence-status' }, statusWords(item)),
        item.saved
          ? null
          : h(
              'span',
              {
                class: 'attach-bar',
                role: 'progressbar',
                'aria-valuemin': '0',
                'aria-valuemax': '100',
                'aria-valuenow': String(Math.round((item.progress || 0) * 100)),
                'aria-label': '上传进度',
                'data-testid': 'evidence-progress',
              },
              fill,
            ),
      ),
      button,
    );
  }

  function draw() {
    mount(list, items.map(row));
  }

  function addFiles(input) {
    const files = Array.prototype.slice.call(input.files || []);
    input.value = ''; // the same photo may be chosen again after removing it
    markError('');
    files.forEach((file) => {
      const item = { key: nextKey++, saved: false, file, name: file.name || '照片', status: 'preparing', progress: 0 };
      items.push(item);
      item.preparing = prepareFile(file).then(
        (prepared) => {
          item.blob = prepared.blob;
          item.name = prepared.name;
          if (prepared.image) item.url = URL.createObjectURL(prepared.blob);
          item.status = prepared.blob.size > MAX_BYTES ? 'too_big' : 'ready';
        },
        () => {
          item.blob = file;
          item.status = file.size > MAX_BYTES ? 'too_big' : 'ready';
        },
      ).then(() => {
        draw();
        onchange();
      });
    });
    draw();
    onchange();
  }

  async function uploadOne(creditId, item) {
    item.status = 'uploading';
    item.progress = 0;
    draw();
    let lastDraw = 0;
    try {
      item.evidence = await upload('/api/credits/' + encodeURIComponent(creditId) + '/evidence', item.blob, {
        filename: item.name,
        onprogress: (fraction) => {
          item.progress = fraction;
          const now = Date.now();
          if (now - lastDraw > 150 || fraction === 1) {
            lastDraw = now;
            draw();
          }
        },
      });
      item.status = 'done';
      item.saved = true;
      if (item.url && item.evidence && item.evidence.thumb_url) {
        URL.revokeObjectURL(item.url);
        item.url = null;
      }
      return true;
    } catch (e) {
      if (isAbort(e)) throw e;
      if (e.handled) throw e;
      item.status = 'failed';
      item.error = e.detail || '网络错误';
      return false;
    } finally {
      draw();
    }
  }

  draw();

  return {
    el,
    markError,
    /** Files attached or waiting to be (those too big excluded). */
    count: () => items.filter((item) => item.status !== 'too_big').length,
    /** Chosen files not on the server yet. */
    unsent: () => items.filter((item) => !item.saved && item.status !== 'too_big').length,
    tooBig: () => items.filter((item) => item.status === 'too_big').length,
    /** Until every chosen photo is shrunk. */
    ready: () => Promise.all(items.filter((item) => item.preparing).map((item) => item.preparing)),
    /** Upload what is not on the server yet, one file at a time; resolves to how many failed. */
    async uploadAll(creditId) {
      let failed = 0;
      const waiting = items.filter((item) => !item.saved && (item.status === 'ready' || item.status === 'failed'));
      for (let i = 0; i < waiting.length; i += 1) {
        if (!(await uploadOne(creditId, waiting[i]))) failed += 1;
      }
      onchange();
      return failed;
    },
  };
}
