// Where the chart's lines and words go, the same as accountgraph/chart.py draws them in
// an SVG file: labels wrapped to their boxes, edges bent from box to box, long edges cut
// to the screen.

const PARALLEL_GAP = 18;
const LABEL_WIDTH_EM = 13.6;
const LABEL_LINES = 3;

// --- labels ---------------------------------------------------------------------------

function charWidth(char) {
  const code = char.codePointAt(0);
  if (code >= 0x2e80) return 1.0;
  if (char === ' ') return 0.3;
  if (char === 'M' || char === 'W') return 0.85;
  if (/\p{Lu}/u.test(char)) return 0.66;
  if (/[\p{L}\p{N}]/u.test(char)) return 0.54;
  return 0.36;
}

function textWidth(text) {
  let width = 0;
  for (const char of text) width += charWidth(char);
  return width;
}

function fit(chars, widthEm) {
  let used = 0;
  for (let i = 0; i < chars.length; i += 1) {
    used += charWidth(chars[i]);
    if (used > widthEm) return Math.max(i, 1);
  }
  return chars.length;
}

/** Characters no line may start with: closing brackets and quotes, punctuation that ends
 * a phrase, small kana, iteration and prolongation marks (as chart.NO_LINE_START). */
export const NO_LINE_START =
  ')]}»›’”)）］｝〕〗〙〛〉》」』】〟' +
  '、。，．：；！？,.:;!?‧・·…‥〜～ー々〻ゝゞヽヾ' +
  'ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ%％‰℃°′″';
/** Characters no line may end with: opening brackets and quotes (as chart.NO_LINE_END). */
export const NO_LINE_END = '([{«‹‘“（［｛〔〖〘〚〈《「『【〝';

/** A name in at most three lines that fit a box; a cut ends in "…" (as chart.wrap_label):
 * breaks at spaces and between CJK characters, never before closing punctuation nor after
 * opening punctuation. */
export function wrapLabel(text, widthEm = LABEL_WIDTH_EM, lines = LABEL_LINES) {
  const result = [];
  let line = '';
  for (const [token, space] of unbreakableTokens(text)) {
    const joined = line && space ? `${line} ${token}` : line + token;
    if (textWidth(joined) <= widthEm || !line) line = joined;
    else {
      result.push(line);
      line = token;
    }
    while (textWidth(line) > widthEm) {
      const chars = [...line];
      let cut = fit(chars, widthEm);
      while (cut > 1 && (NO_LINE_START.includes(chars[cut]) || NO_LINE_END.includes(chars[cut - 1]))) cut -= 1;
      result.push(chars.slice(0, cut).join(''));
      line = chars.slice(cut).join('');
    }
  }
  if (line) result.push(line);
  if (result.length > lines) {
    let last = [...result[lines - 1]];
    while (last.length && textWidth(`${last.join('')}…`) > widthEm) last.pop();
    return [...result.slice(0, lines - 1), `${last.join('').trimEnd()}…`];
  }
  return result;
}

/** The text cut where a line may break: [token, whether a space comes before it]. A word,
 * or one CJK character; a closing mark joins the token before it, an opening mark the
 * token after it. */
function unbreakableTokens(text) {
  const tokens = [];
  let word = '';
  let spaced = false;
  for (const char of text) {
    const space = /\s/u.test(char);
    if (space || char.codePointAt(0) >= 0x2e80) {
      if (word) {
        tokens.push([word, spaced]);
        word = '';
        spaced = false;
      }
      if (space) spaced = true;
      else {
        tokens.push([char, spaced]);
        spaced = false;
      }
    } else {
      word += char;
    }
  }
  if (word) tokens.push([word, spaced]);
  const joined = [];
  for (const [token, space] of tokens) {
    const before = joined.at(-1);
    if (before && (NO_LINE_START.includes([...token][0]) || NO_LINE_END.includes([...before[0]].at(-1)))) {
      before[0] += (space ? ' ' : '') + token;
    } else {
      joined.push([token, space]);
    }
  }
  return joined;
}

// --- geometry -------------------------------------------------------------------------

function clip(node, size, towardX, towardY) {
  const vx = towardX - node.x;
  const vy = towardY - node.y;
  const scales = [];
  if (vx) scales.push(size.width / 2 / Math.abs(vx));
  if (vy) scales.push(size.height / 2 / Math.abs(vy));
  if (!scales.length) return [node.x, node.y];
  const t = Math.min(Math.min(...scales), 1);
  return [node.x + vx * t, node.y + vy * t];
}

/** Each edge's curve [sx, sy, cx, cy, ex, ey], as chart.edge_curves draws it. */
export function edgeCurves(edges, nodesById, size, gap) {
  const groups = new Map();
  edges.forEach((edge, index) => {
    if (!nodesById.has(edge.from) || !nodesById.has(edge.to)) return;
    const first = edge.from < edge.to ? edge.from : edge.to;
    const second = edge.from < edge.to ? edge.to : edge.from;
    const key = `${first}\u0000${second}`;
    if (!groups.has(key)) groups.set(key, { first, second, indices: [] });
    groups.get(key).indices.push(index);
  });
  const curves = new Array(edges.length).fill(null);
  for (const { first, second, indices } of groups.values()) {
    const a = nodesById.get(first);
    const b = nodesById.get(second);
    indices.forEach((index, k) => {
      const offset = (k - (indices.length - 1) / 2) * PARALLEL_GAP;
      if (first === second) {
        const right = a.x + size.width / 2;
        const reach = 60 + Math.abs(offset) * 2;
        curves[index] = [right, a.y - 10, right + reach, a.y, right, a.y + 10];
        return;
      }
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const length = Math.hypot(dx, dy);
      const cx = (a.x + b.x) / 2 - (dy / length) * offset;
      let cy = (a.y + b.y) / 2 + (dx / length) * offset;
      if (a.layer === b.layer && Math.abs(dx) > gap * 1.5) cy -= 30 + Math.abs(dx) * 0.08;
      const edge = edges[index];
      const [sx, sy] = clip(nodesById.get(edge.from), size, cx, cy);
      const [ex, ey] = clip(nodesById.get(edge.to), size, cx, cy);
      curves[index] = [sx, sy, cx, cy, ex, ey].map((v) => Math.round(v * 10) / 10);
    });
  }
  return curves;
}

export function curvePath(curve) {
  const [sx, sy, cx, cy, ex, ey] = curve;
  return `M${sx},${sy}Q${cx},${cy} ${ex},${ey}`;
}

function pointAt(curve, t) {
  const [sx, sy, cx, cy, ex, ey] = curve;
  const u = 1 - t;
  return [u * u * sx + 2 * u * t * cx + t * t * ex, u * u * sy + 2 * u * t * cy + t * t * ey];
}

/** The part of a long curve inside ``rect`` (as a path), with how far along it starts, so
 * its dashes stay in step; ``null`` when no part is inside. A browser strokes a dashed
 * path dash by dash along its whole length, so an edge hundreds of screens long must be
 * cut to the screen before it is drawn. */
export function clippedPath(curve, rect, step) {
  const [x0, y0, x1, y1] = rect;
  const length = Math.hypot(curve[2] - curve[0], curve[3] - curve[1]) + Math.hypot(curve[4] - curve[2], curve[5] - curve[3]);
  const n = Math.min(4096, Math.max(16, Math.ceil(length / step)));
  let first = -1;
  let last = -1;
  let before = 0;
  let travelled = 0;
  let previous = pointAt(curve, 0);
  for (let i = 0; i <= n; i += 1) {
    const point = i ? pointAt(curve, i / n) : previous;
    travelled += Math.hypot(point[0] - previous[0], point[1] - previous[1]);
    previous = point;
    if (point[0] >= x0 && point[0] <= x1 && point[1] >= y0 && point[1] <= y1) {
      if (first < 0) {
        first = i;
        before = travelled;
      }
      last = i;
    }
  }
  if (first < 0) return null;
  const t0 = Math.max(0, (first - 1) / n);
  const t1 = Math.min(1, (last + 1) / n);
  const [sx, sy, cx, cy, ex, ey] = curve;
  const blend = (a, b, c) => (1 - t0) * (1 - t1) * a + ((1 - t0) * t1 + t0 * (1 - t1)) * b + t0 * t1 * c;
  const start = pointAt(curve, t0);
  const end = pointAt(curve, t1);
  const part = [start[0], start[1], blend(sx, cx, ex), blend(sy, cy, ey), end[0], end[1]].map((v) => Math.round(v * 10) / 10);
  const offset = first ? before - length / n : 0;
  return { d: curvePath(part), offset: Math.max(0, offset), whole: t0 === 0 && t1 === 1, end: t1 === 1 };
}

export function edgeKey(edge) {
  return `${edge.from}|${edge.relation}|${edge.to}|${edge.scope ?? ''}`;
}
