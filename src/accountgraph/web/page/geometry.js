// Where the chart's lines and words go, the same as accountgraph/chart.py draws them in
// an SVG file: labels wrapped to their boxes, edges bent from box to box, long edges cut
// to the screen.

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

/** Where the ray from (px, py) toward (towardX, towardY) leaves the box of ``node`` (the
 * point toward, when that is inside the box). */
function clip(node, size, px, py, towardX, towardY) {
  const vx = towardX - px;
  const vy = towardY - py;
  const scales = [1];
  if (vx) scales.push((node.x + (Math.sign(vx) * size.width) / 2 - px) / vx);
  if (vy) scales.push((node.y + (Math.sign(vy) * size.height) / 2 - py) / vy);
  const t = Math.max(Math.min(...scales), 0);
  return [px + vx * t, py + vy * t];
}

/** How far apart the edges between the same two parties bend: one cable of side-by-side
 * lines, each relation still its own line and arrow (as chart.CABLE_GAP). */
export const CABLE_GAP = 5;

/** How far apart a cable's lines end on a party's border: wider than an arrowhead
 * (ARROWHEAD), so each line's head stands clear of its neighbours' (as chart.CABLE_END_GAP). */
export const CABLE_END_GAP = 11;

/** An arrowhead's length and width (as chart.ARROWHEAD). */
export const ARROWHEAD = 9;

/** The pair of parties an edge joins, whichever way it points. */
export function pairKey(from, to) {
  return from < to ? `${from}|${to}` : `${to}|${from}`;
}

/** The edges shown between each pair of parties (either way), one bundle a pair, in the
 * order of their first edge: { key, first, second, indices, curve } where ``curve`` is the
 * bundle's centre line. Edges not ``shown`` (hidden relations) take no place in a bundle,
 * so a bundle closes up when a relation is hidden. */
export function edgeBundles(edges, nodesById, size, gap, shown = () => true) {
  const bundles = new Map();
  edges.forEach((edge, index) => {
    if (!nodesById.has(edge.from) || !nodesById.has(edge.to) || !shown(edge)) return;
    const key = pairKey(edge.from, edge.to);
    if (!bundles.has(key)) {
      const [first, second] = edge.from < edge.to ? [edge.from, edge.to] : [edge.to, edge.from];
      bundles.set(key, { key, first, second, indices: [] });
    }
    bundles.get(key).indices.push(index);
  });
  for (const bundle of bundles.values()) {
    bundle.curve = cableLine(nodesById.get(bundle.first), nodesById.get(bundle.second), size, gap, 0, false);
  }
  return [...bundles.values()];
}

/** Each edge's curve [sx, sy, cx, cy, ex, ey], as chart.edge_curves draws it (``null``
 * for an edge not shown): the edges of a bundle side by side, bent CABLE_GAP apart and
 * ending CABLE_END_GAP apart, so their arrowheads do not overlap. */
export function edgeCurves(edges, nodesById, size, gap, shown = () => true) {
  const curves = new Array(edges.length).fill(null);
  for (const { first, second, indices } of edgeBundles(edges, nodesById, size, gap, shown)) {
    const a = nodesById.get(first);
    const b = nodesById.get(second);
    indices.forEach((index, k) => {
      const side = k - (indices.length - 1) / 2;
      curves[index] = cableLine(a, b, size, gap, side, edges[index].from !== first);
    });
  }
  return curves;
}

/** One line of the cable from ``a`` to ``b`` (``a`` < ``b``), ``side`` places from its
 * centre line: its bend that many CABLE_GAP aside (more on a short cable), its ends that
 * many CABLE_END_GAP; an edge along a layer arches over the boxes between its ends; from
 * ``b`` when ``reversed``. */
function cableLine(a, b, size, gap, side, reversed) {
  if (a === b) {
    const right = a.x + size.width / 2;
    const reach = 60 + Math.abs(side * CABLE_GAP) * 2;
    return [right, a.y - 10, right + reach, a.y, right, a.y + 10];
  }
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = Math.hypot(dx, dy);
  const [ux, uy] = [-dy / length, dx / length];
  let cy = (a.y + b.y) / 2;
  if (a.layer === b.layer && Math.abs(dx) > gap * 1.5) cy -= 30 + Math.abs(dx) * 0.08;
  const mx = (a.x + b.x) / 2;
  // Lines bent closer than they end turn toward each other at their ends; over a short
  // reach from bend to end, the bend gap closes by at most 2 units an arrowhead's length,
  // so neighbouring heads stay more than an arrowhead apart.
  const reach = Math.min(...[a, b].map((p) => {
    const [x, y] = clip(p, size, p.x, p.y, mx, cy);
    return Math.hypot(x - mx, y - cy);
  }));
  const bendGap = Math.max(CABLE_GAP, CABLE_END_GAP - (2 * reach) / ARROWHEAD);
  const [bend, ends] = [side * bendGap, side * CABLE_END_GAP];
  const [ex, ey] = [ux * ends, uy * ends];
  // Each end leaves its box as the centre line does, ``ends`` across from it.
  const start = clip(a, size, a.x + ex, a.y + ey, mx + ex, cy + ey);
  const end = clip(b, size, b.x + ex, b.y + ey, mx + ex, cy + ey);
  const [s, e] = reversed ? [end, start] : [start, end];
  return [s[0], s[1], mx + ux * bend, cy + uy * bend, e[0], e[1]].map((v) => Math.round(v * 10) / 10);
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
