// QR codes drawn in the browser (works offline): the vendored qrcode-generator (MIT) computes the
// modules, this turns them into an <svg> element (built with DOM calls, no markup strings).
//
//   qrSvg('JJ1.12.58932211.04718236', { border: 4, title: '个人签到码' }) -> SVGSVGElement

import qrcode from '../vendor/qrcode-generator/qrcode.mjs';

const SVG_NS = 'http://www.w3.org/2000/svg';
// QR alphanumeric mode: 0-9, A-Z, space and $%*+-./: — denser than bytes, so bigger modules.
const ALPHANUMERIC = /^[0-9A-Z $%*+\-./:]*$/;

/** The dark modules of `text` as rows of booleans (error correction M, smallest version). */
export function qrMatrix(text, level = 'M') {
  const qr = qrcode(0, level);
  qr.addData(text, ALPHANUMERIC.test(text) ? 'Alphanumeric' : 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  const rows = [];
  for (let y = 0; y < n; y += 1) {
    const row = [];
    for (let x = 0; x < n; x += 1) row.push(qr.isDark(y, x));
    rows.push(row);
  }
  return rows;
}

/** An <svg> of `text`: viewBox in modules with `border` modules of quiet zone; size it with CSS. */
export function qrSvg(text, { border = 4, level = 'M', title = '' } = {}) {
  const matrix = qrMatrix(text, level);
  const size = matrix.length + 2 * border;
  let d = '';
  matrix.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (row[x]) {
        const start = x;
        while (x < row.length && row[x]) x += 1;
        d += 'M' + (start + border) + ' ' + (y + border) + 'h' + (x - start) + 'v1h-' + (x - start) + 'z';
      } else {
        x += 1;
      }
    }
  });
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 ' + size + ' ' + size);
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.setAttribute('role', 'img');
  if (title) svg.setAttribute('aria-label', title);
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', String(size));
  bg.setAttribute('height', String(size));
  bg.setAttribute('fill', '#fff');
  const path = document.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', d);
  path.setAttribute('fill', '#000');
  svg.appendChild(bg);
  svg.appendChild(path);
  return svg;
}
