// fetch wrapper for the JSON API under /api.
// - cookies only (credentials: 'same-origin'); the bearer token is never stored
// - writes carry X-CSRF-Token from the readable jijiao_csrf cookie
// - failures throw ApiError {status, code, detail, field}; 401 sends the user to /login?next=...,
//   403 password_change_required sends them to /password (those errors come back with handled = true)

import { navigate, queryString } from './router.js';

const CSRF_COOKIE = 'jijiao_csrf';
const unauthorizedHandlers = [];

export class ApiError extends Error {
  constructor(status, code, detail, field = null) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.field = field; // the request field the server names (validation errors: 'credits'), else null
    this.handled = false; // true when api() already reacted (redirected)
    this.errors = null; // an import's row errors [{row, field, column, detail}], when the server lists them
  }
}

const FALLBACK_DETAIL = {
  0: '网络连接失败，请检查网络后重试。',
  400: '请求有误，请检查后重试。',
  401: '登录已过期，请重新登录。',
  403: '没有权限执行此操作。',
  404: '内容不存在或无权查看。',
  409: '操作冲突，请刷新后重试。',
  413: '文件过大。',
  415: '文件类型不支持。',
  422: '填写的内容有误，请检查后重试。',
  429: '操作过于频繁，请稍后再试。',
};

function fallbackDetail(status) {
  if (FALLBACK_DETAIL[status]) return FALLBACK_DETAIL[status];
  if (status >= 500) return '服务器暂时无法处理请求，请稍后再试。';
  return '请求失败（' + status + '）。';
}

/** Called (no arguments) whenever an API call answers 401, e.g. to forget the cached user. */
export function onUnauthorized(fn) {
  unauthorizedHandlers.push(fn);
}

function readCookie(name) {
  const prefix = name + '=';
  const parts = document.cookie ? document.cookie.split('; ') : [];
  for (let i = 0; i < parts.length; i += 1) {
    if (parts[i].indexOf(prefix) === 0) return decodeURIComponent(parts[i].slice(prefix.length));
  }
  return null;
}

async function readError(res) {
  let body = null;
  try {
    body = await res.json();
  } catch (e) {
    body = null;
  }
  const code = body && typeof body.code === 'string' ? body.code : 'http_' + res.status;
  const detail = body && typeof body.detail === 'string' && body.detail ? body.detail : fallbackDetail(res.status);
  const field = body && typeof body.field === 'string' && body.field ? body.field : null;
  const error = new ApiError(res.status, code, detail, field);
  if (body && Array.isArray(body.errors)) error.errors = body.errors;
  return error;
}

/**
 * Call the API. Options: method ('GET'), body (sent as JSON), query (object),
 * signal (AbortSignal), redirect (false: do not react to 401 / password_change_required),
 * withStatus (true: resolve to {status, body}, for calls whose success status means something,
 * e.g. POST /api/checkins answers 201 for a new check-in and 200 for an existing one).
 * Resolves to the parsed JSON body, or null for 204 / empty bodies.
 */
export async function api(path, options = {}) {
  const method = (options.method || 'GET').toUpperCase();
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store', signal: options.signal };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  if (method !== 'GET' && method !== 'HEAD') {
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }

  let res;
  try {
    res = await fetch(path + queryString(options.query), init);
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', fallbackDetail(0));
  }

  if (!res.ok) {
    const error = await readError(res);
    if (options.redirect !== false) react(error);
    throw error;
  }
  let body = null;
  if (res.status !== 204) {
    const text = await res.text();
    body = text ? JSON.parse(text) : null;
  }
  return options.withStatus ? { status: res.status, body } : body;
}

/**
 * A file from the API (a PDF of a POST, for instance) with the same cookie, CSRF and error handling as
 * api(): resolves to {blob, filename} (the name from Content-Disposition's filename*). Options:
 * method ('GET'), body (sent as JSON), query.
 */
export async function download(path, options = {}) {
  const method = (options.method || 'GET').toUpperCase();
  const headers = {};
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  if (method !== 'GET' && method !== 'HEAD') {
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  let res;
  try {
    res = await fetch(path + queryString(options.query), init);
  } catch (e) {
    throw new ApiError(0, 'network_error', fallbackDetail(0));
  }
  if (!res.ok) {
    const error = await readError(res);
    react(error);
    throw error;
  }
  const disposition = res.headers.get('Content-Disposition') || '';
  const m = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  return { blob: await res.blob(), filename: m ? decodeURIComponent(m[1]) : 'download' };
}

/** Hand a downloaded blob to the browser as a file called `filename`. */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function errorFromXhr(xhr) {
  let body = null;
  try {
    body = JSON.parse(xhr.responseText);
  } catch (e) {
    body = null;
  }
  const code = body && typeof body.code === 'string' ? body.code : 'http_' + xhr.status;
  const detail = body && typeof body.detail === 'string' && body.detail ? body.detail : fallbackDetail(xhr.status);
  const field = body && typeof body.field === 'string' && body.field ? body.field : null;
  const error = new ApiError(xhr.status, code, detail, field);
  if (body && Array.isArray(body.errors)) error.errors = body.errors;
  return error;
}

/**
 * Upload one file as multipart/form-data (field `field`, default 'file') with the same cookie,
 * CSRF and error handling as api(). XMLHttpRequest, not fetch: only it reports upload progress.
 * Options: field, filename, fields (other form fields, {name: text}), onprogress(fraction 0..1),
 * signal (AbortSignal), redirect (as api()), raw (true: PUT the file itself as the body, for large
 * files the server streams to disk).
 * Resolves to the parsed JSON body (null when empty).
 */
export function upload(path, file, options = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    let body = file;
    if (!options.raw) {
      body = new FormData();
      if (options.filename) body.append(options.field || 'file', file, options.filename);
      else body.append(options.field || 'file', file);
      Object.keys(options.fields || {}).forEach((name) => body.append(name, options.fields[name]));
    }
    xhr.open(options.raw ? 'PUT' : 'POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
    const abort = () => xhr.abort();
    if (options.signal) {
      if (options.signal.aborted) {
        reject(new DOMException('aborted', 'AbortError'));
        return;
      }
      options.signal.addEventListener('abort', abort, { once: true });
    }
    const done = () => {
      if (options.signal) options.signal.removeEventListener('abort', abort);
    };
    if (options.onprogress) {
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable && event.total > 0) options.onprogress(event.loaded / event.total);
      };
    }
    xhr.onload = () => {
      done();
      if (xhr.status < 200 || xhr.status >= 300) {
        const error = errorFromXhr(xhr);
        if (options.redirect !== false) react(error);
        reject(error);
        return;
      }
      if (options.onprogress) options.onprogress(1);
      let body = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch (e) {
        body = null;
      }
      resolve(body);
    };
    xhr.onerror = () => {
      done();
      reject(new ApiError(0, 'network_error', fallbackDetail(0)));
    };
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = () => {
      done();
      reject(new DOMException('aborted', 'AbortError'));
    };
    xhr.send(body);
  });
}

function react(error) {
  const here = location.pathname + location.search;
  if (error.status === 401) {
    unauthorizedHandlers.forEach((fn) => fn());
    if (location.pathname !== '/login') {
      navigate('/login?next=' + encodeURIComponent(here), { replace: true });
    }
    error.handled = true;
  } else if (error.status === 403 && error.code === 'password_change_required') {
    if (location.pathname !== '/password') navigate('/password', { replace: true });
    error.handled = true;
  }
}

export function isAbort(error) {
  return Boolean(error) && error.name === 'AbortError';
}
