// The organisation chart as SVG: pan and zoom, and drawing only what is in view.
// Positions come from the server (GET /api/graph); edges are bent and labels wrapped by
// geometry.js, with the same rules as accountgraph/chart.py: the edges between two parties
// as one bundle, a cable of side-by-side lines. Parties are reached with Tab in reading
// order and a party's bundles with the arrow keys; each says what it is in a tooltip.

import { ARROWHEAD, clippedPath, curvePath, edgeBundles, edgeCurves, edgeKey, wrapLabel } from './geometry.js';
import { svgElement } from './svg.js';
import { ChartTooltip } from './tooltip.js';

const LABEL_SCALE = 0.32; // below this zoom, boxes are drawn without their names
const MIN_SCALE = 0.0005;
const MAX_SCALE = 4;
const LABEL_UNITS = 12; // the names' font size in chart units (page.css .graph .node text)
/** The smallest size, in CSS px, "Fit" and the first view draw names at. */
export const MIN_LABEL_PX = 11;
const READABLE_SCALE = MIN_LABEL_PX / LABEL_UNITS;
const FIT_MARGIN = 16; // px between the graph and the chart's edges when fitted

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
    this.tooltip = new ChartTooltip(this);
    this.focusFrom = null; // the party whose bundles the arrow keys step through
    this.listen();
  }

  setGraph(doc) {
    this.doc = doc;
    this.svg.dataset.nodes = String(doc.nodes.length);
    this.size = doc.node_size;
    this.nodes = doc.nodes;
    this.nodesById = new Map(doc.nodes.map((node) => [node.id, node]));
    this.edges = doc.edges;
    this.keys = doc.edges.map(edgeKey);
    this.readingOrder = new Map(
      [...doc.nodes].sort((a, b) => a.y - b.y || a.x - b.x).map((node, rank) => [node.id, rank]),
    );
    this.route();
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
          markerWidth: ARROWHEAD, markerHeight: ARROWHEAD, markerUnits: 'userSpaceOnUse', orient: 'auto',
        });
        marker.append(svgElement('path', { d: 'M0,0L10,5L0,10Z', fill: style.colour }));
        return marker;
      }),
    );
    this.clear();
  }

  /** Bend the edges shown: the edges between two parties as one bundle (its lines side by
   * side), so hiding a relation closes its bundles up. */
  route() {
    const shown = (edge) => !this.hidden.has(edge.relation);
    const gap = this.doc.gaps.node;
    this.curves = edgeCurves(this.edges, this.nodesById, this.size, gap, shown);
    this.boxes = this.curves.map((c) => c && curveBox(c));
    this.bundles = edgeBundles(this.edges, this.nodesById, this.size, gap, shown);
    this.bundleIndex = new Map(this.bundles.map((bundle, index) => [bundle.key, index]));
    this.bundleBoxes = this.bundles.map(({ indices, curve }) =>
      indices.reduce((box, i) => {
        const b = this.boxes[i];
        return [Math.min(box[0], b[0]), Math.min(box[1], b[1]), Math.max(box[2], b[2]), Math.max(box[3], b[3])];
      }, curveBox(curve)),
    );
  }

  bundleByKey(key) {
    return this.bundles[this.bundleIndex.get(key)];
  }

  clear() {
    this.tooltip.hide();
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
    if (this.doc) {
      this.route();
      this.tooltip.hide();
      this.edgeLayer.replaceChildren();
      this.drawnEdges.clear();
    }
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
    this.framedSize = { width: this.width, height: this.height }; // the size it was set for
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
    // A loop, not Math.min(...): a graph of 100,000 parties is more than a call takes.
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const id of ids) {
      const node = this.nodesById.get(id);
      if (!node) continue;
      [x0, y0] = [Math.min(x0, node.x), Math.min(y0, node.y)];
      [x1, y1] = [Math.max(x1, node.x), Math.max(y1, node.y)];
    }
    if (x0 === Infinity) return null;
    const { width, height } = this.size;
    return { x: x0 - width / 2, y: y0 - height / 2, width: x1 - x0 + width, height: y1 - y0 + height };
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

  /** Draw at once what a frame would draw. */
  drawNow() {
    if (this.frame) {
      cancelAnimationFrame(this.frame);
      this.frame = 0;
    }
    this.draw();
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
    this.bundleBoxes.forEach((box, index) => {
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
    this.insertInReadingOrder(newNodes);
    this.svg.dataset.drawnNodes = String(this.drawnNodes.size);
    let lines = 0;
    for (const index of this.drawnEdges.keys()) lines += this.bundles[index].indices.length;
    this.svg.dataset.drawnEdges = String(lines);
    this.svg.dataset.drawnBundles = String(this.drawnEdges.size);
    this.tooltip.follow();
    this.svg.classList.toggle('far', !labelled);
  }

  /** New parties go among those drawn in reading order (top row first, left to right), the
   * order Tab follows; those drawn stay where they are, so focus stays on them. */
  insertInReadingOrder(elements) {
    const rank = (element) => this.readingOrder.get(element.dataset.id) ?? 0;
    const drawn = [...this.nodeLayer.children];
    let at = 0;
    for (const element of elements.sort((a, b) => rank(a) - rank(b))) {
      while (at < drawn.length && rank(drawn[at]) < rank(element)) at += 1;
      this.nodeLayer.insertBefore(element, drawn[at] ?? null);
    }
  }

  /** A bundle: the lines of the edges shown between two parties, and a wide unseen line
   * along them to point at; focusable (from a party, with the arrow keys). */
  edgeElement(index) {
    const bundle = this.bundles[index];
    const group = svgElement('g', {
      class: 'bundle',
      'data-pair': bundle.key,
      tabindex: -1,
      role: 'img',
      'aria-label': this.tooltip.bundleLabel(bundle),
      'aria-describedby': this.tooltip.id,
    });
    group.append(
      svgElement('path', {
        class: 'bundle-hit',
        d: curvePath(bundle.curve),
        fill: 'none',
        stroke: 'transparent',
        'stroke-width': 14,
        'vector-effect': 'non-scaling-stroke',
        'pointer-events': 'stroke',
      }),
      ...bundle.indices.map((i) => this.lineElement(i)),
    );
    this.paintEdge(group, index);
    return group;
  }

  /** One edge's line, styled by its relation. */
  lineElement(index) {
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
    return element;
  }

  /** Cut a bundle's lines much longer than the view to the view. */
  fitEdge(group, index, rect, reach) {
    this.bundles[index].indices.forEach((edgeIndex, k) => this.fitLine(group.children[k + 1], edgeIndex, rect, reach));
  }

  /** Cut an edge much longer than the view to the view; restore it when it fits. */
  fitLine(element, index, rect, reach) {
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

  paintEdge(group) {
    for (const line of group.querySelectorAll('.edge')) line.classList.toggle('hl', this.highlight.edges.has(line.dataset.key));
  }

  nodeElement(node) {
    const style = this.doc.kinds[node.kind];
    const group = svgElement('g', {
      class: `node kind-${node.kind}`,
      transform: `translate(${node.x},${node.y})`,
      'data-id': node.id,
      tabindex: 0,
      role: 'button',
      'aria-label': this.nameOf(node),
      'aria-describedby': this.tooltip.id,
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
      // Lines broken at a space keep it between them, so the text reads as the name (its
      // accessible name) and not as words run together.
      const name = this.nameOf(node);
      let at = 0;
      lines.forEach((line, i) => {
        if (i && /\s/u.test(name[at] ?? '')) {
          text.append(' ');
          at += 1;
        }
        const span = svgElement('tspan', { x: 0, y: first + 14 * i });
        span.textContent = line;
        text.append(span);
        at += line.length;
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
        this.tooltip.hide();
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
    svg.addEventListener('pointerover', (event) => {
      if (event.pointerType === 'touch' || this.press?.moved) return;
      const item = event.target.closest?.('.node, .bundle');
      // Moving within a party or bundle is no new hover (one dismissed with Escape stays so).
      if (item && !item.contains(event.relatedTarget)) this.tooltip.show(item, item.classList.contains('node') ? item.getBoundingClientRect() : pointerBox(event), 'hover');
    });
    svg.addEventListener('pointerout', (event) => {
      const item = event.target.closest?.('.node, .bundle');
      if (item && !item.contains(event.relatedTarget)) this.tooltip.hideSoon('hover');
    });
    svg.addEventListener('focusin', (event) => {
      const item = event.target.closest?.('.node, .bundle');
      if (!item) return;
      // Focus may scroll the chart's box; the view pans instead, to what has focus.
      svg.parentElement.scrollTop = 0;
      svg.parentElement.scrollLeft = 0;
      if (item.classList.contains('node')) {
        this.focusFrom = item.dataset.id;
        this.bringIntoView(this.nodesById.get(item.dataset.id));
        this.drawNow(); // the parties the pan brought into view are there for the next Tab
      }
      if (item.matches(':focus-visible')) this.tooltip.show(item, this.anchorOf(item), 'focus');
    });
    svg.addEventListener('focusout', () => this.tooltip.hideSoon('focus'));
    svg.addEventListener('keydown', (event) => {
      const item = event.target.closest?.('.node, .bundle');
      if (item && !event.ctrlKey && !event.metaKey && !event.altKey && this.itemKey(event.key, item)) {
        event.preventDefault();
        return;
      }
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
    // A view set before the chart grew or shrank (a fit after it allowed for it already).
    new ResizeObserver(() => {
      const before = this.framedSize;
      if (before && this.doc) this.panBy((this.width - before.width) / 2, (this.height - before.height) / 2);
      this.schedule();
    }).observe(svg);
  }

  /** Keys on a focused party or bundle: Enter or Space chooses a party; the arrow keys step
   * through the bundles of the party last focused, clockwise from the top (Right, Down)
   * or back (Left, Up); Escape on a bundle goes back to its party. */
  itemKey(key, item) {
    const party = item.classList.contains('node') ? item.dataset.id : this.focusFrom;
    if ((key === 'Enter' || key === ' ') && item.classList.contains('node')) {
      this.onSelect(party);
      return true;
    }
    if (key === 'Escape' && item.classList.contains('bundle')) {
      const node = this.drawnNodes.get(party);
      node?.focus({ preventScroll: true });
      return Boolean(node);
    }
    const steps = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
    if (!(key in steps)) return false;
    const around = this.bundlesAround(party);
    if (!around.length) return true;
    const at = item.classList.contains('bundle') ? around.indexOf(this.bundleIndex.get(item.dataset.pair)) : -1;
    const next = at < 0 ? (steps[key] > 0 ? 0 : around.length - 1) : (at + steps[key] + around.length) % around.length;
    this.focusBundle(around[next], party);
    return true;
  }

  /** The bundles a party is an end of, clockwise by where the other end is, from the top. */
  bundlesAround(id) {
    const node = this.nodesById.get(id);
    if (!node) return [];
    const angle = (index) => {
      const { first, second } = this.bundles[index];
      const other = this.nodesById.get(first === id ? second : first);
      return (Math.atan2(other.y - node.y, other.x - node.x) + Math.PI * 2.5) % (Math.PI * 2);
    };
    const around = [];
    this.bundles.forEach((bundle, index) => {
      if (bundle.first === id || bundle.second === id) around.push(index);
    });
    return around.map((index) => [angle(index), index]).sort((a, b) => a[0] - b[0]).map(([, index]) => index);
  }

  focusBundle(index, from) {
    const bundle = this.bundles[index];
    const [sx, sy, cx, cy, ex, ey] = bundle.curve;
    this.bringIntoView({ x: (sx + 2 * cx + ex) / 4, y: (sy + 2 * cy + ey) / 4 });
    this.drawNow();
    this.focusFrom = from;
    this.drawnEdges.get(index)?.focus({ preventScroll: true });
  }

  /** Pan, keeping the zoom, so a point of the graph is in the part of the chart nothing
   * covers, when it is not. */
  bringIntoView(point) {
    if (!point) return;
    const { x, y, k } = this.transform;
    const inset = this.insets();
    const margin = 40;
    const px = x + point.x * k;
    const py = y + point.y * k;
    const [left, top] = [inset.left + margin, inset.top + margin];
    const [right, bottom] = [this.width - inset.right - margin, this.height - inset.bottom - margin];
    if (px >= left && px <= right && py >= top && py <= bottom) return;
    const cx = inset.left + Math.max(this.width - inset.left - inset.right, 100) / 2;
    const cy = inset.top + Math.max(this.height - inset.top - inset.bottom, 100) / 2;
    this.setTransform(cx - point.x * k, cy - point.y * k, k);
  }

  /** The screen box a tooltip keeps clear of: a party's box, or the middle of a bundle. */
  anchorOf(item) {
    if (item.classList.contains('node')) return item.getBoundingClientRect();
    const bundle = this.bundleByKey(item.dataset.pair);
    const [sx, sy, cx, cy, ex, ey] = bundle.curve;
    const { x, y, k } = this.transform;
    const rect = this.svg.getBoundingClientRect();
    const mx = rect.left + x + ((sx + 2 * cx + ex) / 4) * k;
    const my = rect.top + y + ((sy + 2 * cy + ey) / 4) * k;
    return new DOMRect(mx - 12, my - 12, 24, 24);
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

function curveBox(c) {
  return [Math.min(c[0], c[2], c[4]), Math.min(c[1], c[3], c[5]), Math.max(c[0], c[2], c[4]), Math.max(c[1], c[3], c[5])];
}

/** The screen box around the pointer that a tooltip keeps clear of. */
function pointerBox(event) {
  return new DOMRect(event.clientX - 12, event.clientY - 12, 24, 24);
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
