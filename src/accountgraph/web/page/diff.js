// What a change set changes on the graph, drawn and told: a small diagram of the parties
// and edges it adds, retires or changes, a list saying the same in words, and a legend.
// Colour is never the only cue: added is green, solid and marked "+"; retired red,
// dashed, struck through and marked "−"; changed blue, dotted and marked "~".

import { wrapLabel } from './geometry.js';
import { svgElement } from './svg.js';

const WIDTH = 560;
const ROW = 66;
const BOX_W = 200;
const BOX_H = 44;
const MARKS = { ADDED: '+', RETIRED: '−', CHANGED: '~' };
const CLASSES = { ADDED: 'added', RETIRED: 'retired', CHANGED: 'changed' };

let diagrams = 0;

/**
 * ``changes`` (GraphChanges: parties, edges, duties) as an element: legend, diagram and
 * list. ``words`` gives names and labels: { t, nameOf(id), relationLabel(relation),
 * kindLabel(kind) }.
 */
export function renderChanges(changes, words, { legend = true, diagram = true } = {}) {
  const box = document.createElement('div');
  box.className = 'changes';
  const names = namesIn(changes, words);
  const count = changes.parties.length + changes.edges.length + changes.duties.length;
  if (!count) {
    box.append(Object.assign(document.createElement('p'), { className: 'muted', textContent: words.t('noChanges') }));
    return box;
  }
  if (legend) box.append(renderLegend(words.t));
  if (diagram && changes.parties.length + changes.edges.length) box.append(drawDiagram(changes, names, words));
  box.append(listChanges(changes, names, words));
  return box;
}

/** A party's name: from the change set when it adds or changes the party, else the graph. */
function namesIn(changes, words) {
  const names = new Map();
  for (const change of changes.parties) names.set(change.after.id, change.after.name);
  return (id) => names.get(id) || words.nameOf(id);
}

export function renderLegend(t) {
  const legend = document.createElement('p');
  legend.className = 'diff-legend';
  for (const change of ['ADDED', 'RETIRED', 'CHANGED']) {
    const item = document.createElement('span');
    item.className = `diff-${CLASSES[change]}`;
    const sample = svgElement('svg', { viewBox: '0 0 36 10', width: 36, height: 10, 'aria-hidden': 'true' });
    sample.append(svgElement('path', { d: 'M1,5H35', class: 'diff-line' }));
    item.append(sample, ` ${MARKS[change]} ${t(`legend${CLASSES[change]}`)}`);
    legend.append(item);
  }
  return legend;
}

function labelLines(text) {
  return wrapLabel(text, 15, 2);
}

function partyBox(x, y, name, id) {
  const group = svgElement('g', { class: 'diff-box', transform: `translate(${x},${y})` });
  const title = svgElement('title');
  title.textContent = `${name} (${id})`;
  group.append(title, svgElement('rect', { width: BOX_W, height: BOX_H, rx: 6 }));
  const lines = labelLines(name);
  const text = svgElement('text', { x: BOX_W / 2, 'text-anchor': 'middle' });
  const first = BOX_H / 2 + 4 - (lines.length - 1) * 7;
  lines.forEach((line, i) => {
    const span = svgElement('tspan', { x: BOX_W / 2, y: first + 14 * i });
    span.textContent = line;
    text.append(span);
  });
  group.append(text);
  return group;
}

/** Where the diagram puts things: in rows, the edge's ends side by side (wide screens),
 * or in a column, one end above the other (phones, where rows would shrink the text to
 * half its size). */
const WIDE = {
  width: WIDTH,
  partyRow: ROW,
  edgeRow: ROW,
  party: (y) => ({ x: (WIDTH - BOX_W) / 2, y, mark: { x: (WIDTH - BOX_W) / 2 - 10, y: y + BOX_H / 2 + 5, anchor: 'end' } }),
  edge(y) {
    const left = 4;
    const right = WIDTH - BOX_W - 4;
    const middle = y + BOX_H / 2;
    return {
      from: { x: left, y },
      to: { x: right, y },
      line: `M${left + BOX_W + 4},${middle}H${right - 4}`,
      label: { x: WIDTH / 2, y: middle - 7, anchor: 'middle' },
    };
  },
};
const COLUMN_GAP = 48;
const NARROW_WIDTH = 240;
const COLUMN = {
  width: NARROW_WIDTH,
  partyRow: BOX_H + 30,
  edgeRow: 2 * BOX_H + COLUMN_GAP + 30,
  party: (y) => ({ x: 4, y: y + 16, mark: { x: 4, y: y + 11, anchor: 'start' } }),
  edge(y) {
    const line = 4 + 24;
    const below = y + BOX_H + COLUMN_GAP;
    return {
      from: { x: 4, y },
      to: { x: 4, y: below },
      line: `M${line},${y + BOX_H + 4}V${below - 4}`,
      label: { x: line + 10, y: y + BOX_H + COLUMN_GAP / 2 + 4, anchor: 'start' },
    };
  },
};
const NARROW = window.matchMedia('(max-width: 760px)');

function drawDiagram(changes, names, words) {
  const id = `diff-${(diagrams += 1)}`;
  const layout = NARROW.matches ? COLUMN : WIDE;
  const height = changes.parties.length * layout.partyRow + changes.edges.length * layout.edgeRow + 8;
  const counts = { ADDED: 0, RETIRED: 0, CHANGED: 0 };
  [...changes.parties, ...changes.edges].forEach((c) => (counts[c.change] += 1));
  const svg = svgElement('svg', {
    class: 'diff-diagram',
    viewBox: `0 0 ${layout.width} ${height}`,
    role: 'img',
    'aria-label': words.t('diagramLabel', counts.ADDED, counts.RETIRED, counts.CHANGED),
  });
  svg.dataset.layout = layout === COLUMN ? 'column' : 'rows';
  const defs = svgElement('defs');
  for (const kind of Object.values(CLASSES)) {
    const marker = svgElement('marker', {
      id: `${id}-${kind}`, class: `diff-${kind}`, viewBox: '0 0 10 10', refX: 9, refY: 5,
      markerWidth: 8, markerHeight: 8, orient: 'auto',
    });
    marker.append(svgElement('path', { d: 'M0,0L10,5L0,10Z', class: 'diff-head' }));
    defs.append(marker);
  }
  svg.append(defs);
  let y = 8;
  for (const change of changes.parties) {
    const kind = CLASSES[change.change];
    const group = svgElement('g', { class: `diff-party diff-${kind}`, 'data-change': change.change, 'data-party': change.after.id });
    const at = layout.party(y);
    group.append(partyBox(at.x, at.y, names(change.after.id), change.after.id));
    const mark = svgElement('text', { x: at.mark.x, y: at.mark.y, 'text-anchor': at.mark.anchor, class: 'diff-mark' });
    mark.textContent = `${MARKS[change.change]} ${words.t(`party${CLASSES[change.change]}`)}`;
    group.append(mark);
    svg.append(group);
    y += layout.partyRow;
  }
  for (const change of changes.edges) {
    const kind = CLASSES[change.change];
    const edge = change.after;
    const group = svgElement('g', {
      class: `diff-${kind}`,
      'data-change': change.change,
      'data-edge': `${edge.from}|${edge.relation}|${edge.to}|${edge.scope ?? ''}`,
    });
    const at = layout.edge(y);
    group.append(
      partyBox(at.from.x, at.from.y, names(edge.from), edge.from),
      partyBox(at.to.x, at.to.y, names(edge.to), edge.to),
      svgElement('path', { d: at.line, class: 'diff-line', 'marker-end': `url(#${id}-${kind})` }),
    );
    const label = svgElement('text', { x: at.label.x, y: at.label.y, 'text-anchor': at.label.anchor, class: 'diff-relation' });
    label.textContent = `${MARKS[change.change]} ${words.relationLabel(edge.relation)}${edge.scope ? ` (${edge.scope})` : ''}`;
    group.append(label);
    svg.append(group);
    y += layout.edgeRow;
  }
  return svg;
}

function since(record, t) {
  if (record.validTo) return t('lastDay', record.validTo);
  if (record.validFrom) return t('fromDay', record.validFrom);
  return '';
}

function listChanges(changes, names, words) {
  const { t } = words;
  const list = document.createElement('ul');
  list.className = 'diff-list';
  const item = (change, what, text, when) => {
    const li = document.createElement('li');
    li.className = `diff-${CLASSES[change]}`;
    li.dataset.change = change;
    const mark = document.createElement('span');
    mark.className = 'diff-word';
    mark.textContent = `${MARKS[change]} ${t(`change${CLASSES[change]}`)} ${what}:`;
    const body = document.createElement(change === 'ADDED' ? 'ins' : change === 'RETIRED' ? 'del' : 'span');
    body.textContent = text;
    li.append(mark, ' ', body);
    if (when) li.append(` (${when})`);
    list.append(li);
  };
  for (const change of changes.parties) {
    const party = change.after;
    item(change.change, t('whatParty'), `${names(party.id)} (${party.id}, ${words.kindLabel(party.kind)})`, since(party, t));
  }
  for (const change of changes.edges) {
    const edge = change.after;
    const relation = `${words.relationLabel(edge.relation)}${edge.scope ? ` (${edge.scope})` : ''}`;
    const sections = edge.sources?.length ? ` [${edge.sources.map((s) => s.section).join(', ')}]` : '';
    item(change.change, t('whatEdge'), `${names(edge.from)} — ${relation} → ${names(edge.to)}${sections}`, since(edge, t));
  }
  for (const change of changes.duties) {
    const duty = change.after;
    item(change.change, t('whatDuty'), `${duty.code} · ${names(duty.holder)}: ${duty.text}`, since(duty, t));
  }
  return list;
}
