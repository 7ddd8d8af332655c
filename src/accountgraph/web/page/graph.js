// The organisation chart as SVG: pan and zoom, and drawing only what is in view.
// Positions come from the server (GET /api/graph); edges are bent and labels wrapped by
// geometry.js, with the same rules as accountgraph/chart.py.

import { clippedPath, curvePath, edgeCurves, edgeKey, wrapLabel } from './geometry.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const LABEL_SCALE = 0.32; // below this zoom, boxes are drawn without their names
const MIN_SCALE = 0.0005;
const MAX_SCALE = 4;
const LABEL_UNITS = 12; // the names' font size in chart units (page.css .graph .node text)
/** The smallest size, in CSS px, "Fit" and the first view draw names at. */
export const MIN_LABEL_PX = 11;
const READABLE_SCALE = MIN_LABEL_PX / LABEL_UNITS;
const FIT_MARGIN = 16; // px between the graph and the chart's edges when fitted

export function svgElement(name, attributes = {}) {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) element.setAttribute(key, String(value));
  }
  return element;
}

// --- the view -------------------------------------------------------------------------

export class GraphView {
  constructor(svg, { onSelect, insets = () => ({ left: 0, top: 0, right: 0, bottom: 0 }) }) {
    this.svg = svg;
    this.viewport = svg.querySelector('#viewport');
    this.edgeLayer = svg.querySelector('#edge-layer');
    this.nodeLayer = svg.querySelector('#node-layer');
    this.defs = svg.querySelector('#graph-defs');
    this.onSelect = onSelect;
    this.insets = insets;
    this.transform = { x: 0, y: 0, k: 1 };
    this.lang = 'en';
    this.hidden = new Set();
    this.highlight = { nodes: new Set(), edges: new Set() };
    this.selected = null;
    this.drawnNodes = new Map();
    this.drawnEdges = new Map();
    this.labelled = true;
    this.frame = 0;
    this.pointers = new Map();
    this.listen();
  }

  setGraph(doc) {
    this.doc = doc;
    this.svg.dataset.nodes = String(doc.nodes.length);
    this.size = doc.node_size;
    this.nodes = doc.nodes;
    this.nodesById = new Map(doc.nodes.map((node) => [node.id, node]));
    this.edges = doc.edges;
    this.curves = edgeCurves(doc.edges, this.nodesById, this.size, doc.gaps.node);
    this.boxes = this.curves.map((c) =>
      c && [Math.min(c[0], c[2], c[4]), Math.min(c[1], c[3], c[5]), Math.max(c[0], c[2], c[4]), Math.max(c[1], c[3], c[5])],
    );
    this.keys = doc.edges.map(edgeKey);
    const rows = new Map();
    for (const node of doc.nodes) {
      if (!rows.has(node.y)) rows.set(node.y, []);
      rows.get(node.y).push(node);
    }
    this.rows = [...rows.entries()].map(([y, nodes]) => {
      nodes.sort((a, b) => a.x - b.x);
      return { y, nodes, xs: Float64Array.from(nodes, (n) => n.x) };
    });
    this.labels = new Map();
    this.defs.replaceChildren(
      ...Object.entries(doc.relations).map(([relation, style]) => {
        const marker = svgElement('marker', {
          id: `arrow-${relation}`, viewBox: '0 0 10 10', refX: 9, refY: 5,
          markerWidth: 9, markerHeight: 9, markerUnits: 'userSpaceOnUse', orient: 'auto',
        });
        marker.append(svgElement('path', { d: 'M0,0L10,5L0,10Z', fill: style.colour }));
        return marker;
      }),
    );
    this.clear();
  }

  clear() {
    this.edgeLayer.replaceChildren();
    this.nodeLayer.replaceChildren();
    this.drawnNodes.clear();
    this.drawnEdges.clear();
    this.schedule();
  }

  setLang(lang) {
    if (lang === this.lang) return;
    this.lang = lang;
    this.clear();
  }

  setHidden(hidden) {
    this.hidden = new Set(hidden);
    this.schedule();
  }

  setHighlight(nodes, edges) {
    this.highlight = { nodes: new Set(nodes), edges: new Set(edges) };
    this.svg.classList.toggle('highlighting', this.highlight.nodes.size > 0);
    for (const [id, element] of this.drawnNodes) this.paintNode(element, id);
    for (const [index, element] of this.drawnEdges) this.paintEdge(element, index);
    this.schedule();
  }

  setSelected(id) {
    this.selected = id;
    for (const [nodeId, element] of this.drawnNodes) this.paintNode(element, nodeId);
  }

  nameOf(node) {
    return node.name[this.lang] || node.name.en || node.id;
  }

  // -- view transform

  get width() {
    return this.svg.clientWidth || 800;
  }

  get height() {
    return this.svg.clientHeight || 600;
  }

  setTransform(x, y, k) {
    this.transform = { x, y, k: Math.min(MAX_SCALE, Math.max(MIN_SCALE, k)) };
    this.viewport.setAttribute('transform', `translate(${x.toFixed(2)},${y.toFixed(2)}) scale(${this.transform.k.toFixed(5)})`);
    this.schedule();
  }

  /** The part of the chart nothing covers (a bottom sheet on a phone), less a margin. */
  freeArea() {
    const inset = this.insets();
    const left = inset.left + FIT_MARGIN;
    const top = inset.top + FIT_MARGIN;
    return {
      left,
      top,
      width: Math.max(this.width - left - inset.right - FIT_MARGIN, 100),
      height: Math.max(this.height - top - inset.bottom - FIT_MARGIN, 100),
    };
  }

  /** The box of the parties the relations shown join: what a readable first view centres
   * on (null when no relation shown has an edge). */
  focusBounds() {
    const ids = new Set();
    for (const edge of this.edges) {
      if (this.hidden.has(edge.relation)) continue;
      ids.add(edge.from);
      ids.add(edge.to);
    }
    const nodes = [...ids].map((id) => this.nodesById.get(id)).filter(Boolean);
    if (!nodes.length) return null;
    const { width, height } = this.size;
    const x0 = Math.min(...nodes.map((n) => n.x)) - width / 2;
    const x1 = Math.max(...nodes.map((n) => n.x)) + width / 2;
    const y0 = Math.min(...nodes.map((n) => n.y)) - height / 2;
    const y1 = Math.max(...nodes.map((n) => n.y)) + height / 2;
    return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  }

  /** The first view and "Fit": the whole graph when its names can be read at that size;
   * otherwise names at MIN_LABEL_PX, centred on the parties the shown relations join, from
   * the top rows down, the rest a pan away. Held at the top of the free area, never centred
   * in it with an empty band above. */
  fit() {
    const area = this.freeArea();
    const b = this.doc.bounds;
    if (this.wholeScale(area) >= READABLE_SCALE) {
      this.fitWhole();
      return;
    }
    const k = READABLE_SCALE;
    const focus = this.focusBounds() ?? b;
    let x = area.left + area.width / 2 - (focus.x + focus.width / 2) * k;
    if (b.width * k > area.width) {
      // No empty band beside a graph wider than the chart.
      x = Math.min(area.left - b.x * k, Math.max(area.left + area.width - (b.x + b.width) * k, x));
    } else x = area.left + (area.width - b.width * k) / 2 - b.x * k;
    const top = b.height * k <= area.height ? b.y : focus.y;
    this.setTransform(x, area.top - top * k, k);
  }

  /** The whole graph, however small its names ("Whole graph"): centred across, at the top. */
  fitWhole() {
    const area = this.freeArea();
    const b = this.doc.bounds;
    const k = this.wholeScale(area);
    this.setTransform(area.left + (area.width - b.width * k) / 2 - b.x * k, area.top - b.y * k, k);
  }

  wholeScale(area) {
    const b = this.doc.bounds;
    return Math.min(area.width / Math.max(b.width, 1), area.height / Math.max(b.height, 1), 1.2);
  }

  zoomBy(factor, cx = this.width / 2, cy = this.height / 2) {
    const { x, y, k } = this.transform;
    const next = Math.min(MAX_SCALE, Math.max(MIN_SCALE, k * factor));
    const ratio = next / k;
    this.setTransform(cx - (cx - x) * ratio, cy - (cy - y) * ratio, next);
  }

  panBy(dx, dy) {
    const { x, y, k } = this.transform;
    this.setTransform(x + dx, y + dy, k);
  }

  /** Centre on a node in the part of the chart nothing covers (the legend, a bottom sheet). */
  centreOn(id, minScale = 0.8) {
    const node = this.nodesById.get(id);
    if (!node) return;
    const k = Math.max(this.transform.k, minScale);
    const inset = this.insets();
    const cx = inset.left + Math.max(this.width - inset.left - inset.right, 100) / 2;
    const cy = Math.max(this.height - inset.bottom, 100) / 2;
    this.setTransform(cx - node.x * k, cy - node.y * k, k);
  }

  /** Centre on these nodes beside what covers the chart, zoomed to show them all (not
   * closer than 1:1). */
  showAll(ids) {
    const nodes = [...ids].map((id) => this.nodesById.get(id)).filter(Boolean);
    if (!nodes.length) return;
    const inset = this.insets();
    const xs = nodes.map((n) => n.x);
    const ys = nodes.map((n) => n.y);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const w = x1 - x0 + this.size.width + 80;
    const h = y1 - y0 + this.size.height + 80;
    const width = Math.max(this.width - inset.left - inset.right, 100);
    const height = Math.max(this.height - inset.top - inset.bottom, 100);
    const k = Math.max(MIN_SCALE, Math.min(1, width / w, height / h));
    const cx = inset.left + width / 2;
    const cy = inset.top + height / 2;
    this.setTransform(cx - ((x0 + x1) / 2) * k, cy - ((y0 + y1) / 2) * k, k);
  }

  // -- drawing what is in view

  schedule() {
    if (this.frame || !this.doc) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  visibleRect() {
    const { x, y, k } = this.transform;
    const pad = 40 / k;
    return [-x / k - pad, -y / k - pad, (this.width - x) / k + pad, (this.height - y) / k + pad];
  }

  draw() {
    const labelled = this.transform.k >= LABEL_SCALE;
    if (labelled !== this.labelled) {
      this.labelled = labelled;
      this.nodeLayer.replaceChildren();
      this.drawnNodes.clear();
    }
    const [x0, y0, x1, y1] = this.visibleRect();
    const halfW = this.size.width / 2;
    const halfH = this.size.height / 2;
    const wantNodes = new Set();
    for (const row of this.rows) {
      if (row.y + halfH < y0 || row.y - halfH > y1) continue;
      let i = lowerBound(row.xs, x0 - halfW);
      for (; i < row.nodes.length && row.xs[i] - halfW <= x1; i += 1) wantNodes.add(row.nodes[i].id);
    }
    const wantEdges = new Set();
    this.edges.forEach((edge, index) => {
      const box = this.boxes[index];
      if (!box || this.hidden.has(edge.relation)) return;
      if (box[2] < x0 || box[0] > x1 || box[3] < y0 || box[1] > y1) return;
      wantEdges.add(index);
    });
    for (const [index, element] of this.drawnEdges) {
      if (!wantEdges.has(index)) {
        element.remove();
        this.drawnEdges.delete(index);
      }
    }
    const newEdges = [];
    for (const index of wantEdges) {
      if (!this.drawnEdges.has(index)) {
        const element = this.edgeElement(index);
        this.drawnEdges.set(index, element);
        newEdges.push(element);
      }
    }
    this.edgeLayer.append(...newEdges);
    const reach = Math.max(x1 - x0, y1 - y0);
    for (const [index, element] of this.drawnEdges) this.fitEdge(element, index, [x0, y0, x1, y1], reach);
    for (const [id, element] of this.drawnNodes) {
      if (!wantNodes.has(id)) {
        element.remove();
        this.drawnNodes.delete(id);
      }
    }
    const newNodes = [];
    for (const id of wantNodes) {
      if (!this.drawnNodes.has(id)) {
        const element = this.nodeElement(this.nodesById.get(id));
        this.drawnNodes.set(id, element);
        newNodes.push(element);
      }
    }
    this.nodeLayer.append(...newNodes);
    this.svg.dataset.drawnNodes = String(this.drawnNodes.size);
    this.svg.dataset.drawnEdges = String(this.drawnEdges.size);
    this.svg.classList.toggle('far', !labelled);
  }

  edgeElement(index) {
    const edge = this.edges[index];
    const style = this.doc.relations[edge.relation];
    const element = svgElement('path', {
      class: 'edge',
      d: curvePath(this.curves[index]),
      stroke: style.colour,
      'stroke-width': style.width,
      'stroke-dasharray': style.dash,
      'marker-end': `url(#arrow-${edge.relation})`,
      'data-key': this.keys[index],
      'data-relation': edge.relation,
    });
    this.paintEdge(element, index);
    return element;
  }

  /** Cut an edge much longer than the view to the view; restore it when it fits. */
  fitEdge(element, index, rect, reach) {
    const box = this.boxes[index];
    const long = box[2] - box[0] > 3 * reach || box[3] - box[1] > 3 * reach;
    if (!long && !element.dataset.cut) return;
    const curve = this.curves[index];
    const relation = this.edges[index].relation;
    let d = curvePath(curve);
    let offset = 0;
    let end = true;
    if (long) {
      const part = clippedPath(curve, rect, reach / 8);
      if (part) ({ d, offset, end } = part);
    }
    element.setAttribute('d', d);
    element.setAttribute('stroke-dashoffset', offset.toFixed(1));
    if (end) element.setAttribute('marker-end', `url(#arrow-${relation})`);
    else element.removeAttribute('marker-end');
    if (long) element.dataset.cut = '1';
    else delete element.dataset.cut;
  }

  paintEdge(element, index) {
    element.classList.toggle('hl', this.highlight.edges.has(this.keys[index]));
  }

  nodeElement(node) {
    const style = this.doc.kinds[node.kind];
    const group = svgElement('g', {
      class: `node kind-${node.kind}`,
      transform: `translate(${node.x},${node.y})`,
      'data-id': node.id,
    });
    group.append(
      svgElement('path', {
        class: 'shape',
        d: style.shape,
        fill: style.fill,
        stroke: style.stroke,
        'stroke-width': style.stroke_width,
        'stroke-dasharray': style.dash,
      }),
    );
    if (this.labelled) {
      const lines = this.label(node);
      const text = svgElement('text', { 'text-anchor': 'middle', lang: this.lang });
      const first = -(lines.length - 1) * 7 + 4;
      lines.forEach((line, i) => {
        const span = svgElement('tspan', { x: 0, y: first + 14 * i });
        span.textContent = line;
        text.append(span);
      });
      group.append(text);
    }
    this.paintNode(group, node.id);
    return group;
  }

  label(node) {
    const key = `${this.lang}\u0000${node.id}`;
    if (!this.labels.has(key)) this.labels.set(key, wrapLabel(this.nameOf(node)));
    return this.labels.get(key);
  }

  paintNode(element, id) {
    element.classList.toggle('hl', this.highlight.nodes.has(id));
    element.classList.toggle('selected', this.selected === id);
  }

  // -- input

  listen() {
    const svg = this.svg;
    svg.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      this.pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
      if (this.pointers.size === 1) {
        const node = event.target.closest?.('.node');
        this.press = { x: event.clientX, y: event.clientY, id: node?.dataset.id ?? null, moved: false };
      } else {
        this.press = null;
        this.pinch = this.pinchState();
      }
    });
    svg.addEventListener('pointermove', (event) => {
      const last = this.pointers.get(event.pointerId);
      if (!last) return;
      this.pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
      if (this.pointers.size >= 2 && this.pinch) {
        const now = this.pinchState();
        this.zoomBy(now.distance / this.pinch.distance, now.x, now.y);
        this.pinch = now;
        return;
      }
      if (!this.press) return;
      if (!this.press.moved && Math.hypot(event.clientX - this.press.x, event.clientY - this.press.y) > 4) {
        this.press.moved = true;
        svg.setPointerCapture(event.pointerId);
        svg.classList.add('panning');
      }
      if (this.press.moved) this.panBy(event.clientX - last.x, event.clientY - last.y);
    });
    const release = (event) => {
      this.pointers.delete(event.pointerId);
      svg.classList.remove('panning');
      const press = this.press;
      this.press = null;
      if (this.pointers.size < 2) this.pinch = null;
      if (event.type === 'pointerup' && press && !press.moved && press.id) this.onSelect(press.id);
    };
    svg.addEventListener('pointerup', release);
    svg.addEventListener('pointercancel', release);
    svg.addEventListener(
      'wheel',
      (event) => {
        event.preventDefault();
        const rect = svg.getBoundingClientRect();
        const delta = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
        this.zoomBy(Math.exp(-delta * 0.0015), event.clientX - rect.left, event.clientY - rect.top);
      },
      { passive: false },
    );
    svg.addEventListener('dblclick', (event) => {
      const rect = svg.getBoundingClientRect();
      this.zoomBy(1.6, event.clientX - rect.left, event.clientY - rect.top);
    });
    svg.addEventListener('keydown', (event) => {
      const step = 60;
      const keys = {
        ArrowLeft: () => this.panBy(step, 0),
        ArrowRight: () => this.panBy(-step, 0),
        ArrowUp: () => this.panBy(0, step),
        ArrowDown: () => this.panBy(0, -step),
        '+': () => this.zoomBy(1.25),
        '=': () => this.zoomBy(1.25),
        '-': () => this.zoomBy(0.8),
        0: () => this.fit(),
      };
      const action = keys[event.key];
      if (action && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        action();
      }
    });
    // A resized chart (the side panel opening) keeps the same point at its centre.
    let size = null;
    new ResizeObserver(() => {
      const now = { width: this.width, height: this.height };
      if (size && this.doc) this.panBy((now.width - size.width) / 2, (now.height - size.height) / 2);
      size = now;
      this.schedule();
    }).observe(svg);
  }

  pinchState() {
    const [a, b] = [...this.pointers.values()];
    const rect = this.svg.getBoundingClientRect();
    return {
      distance: Math.max(Math.hypot(a.x - b.x, a.y - b.y), 1),
      x: (a.x + b.x) / 2 - rect.left,
      y: (a.y + b.y) / 2 - rect.top,
    };
  }
}

function lowerBound(values, target) {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
