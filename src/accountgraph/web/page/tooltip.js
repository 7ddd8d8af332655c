// The chart's tooltip: what a party is, or what the edges between two parties are with the
// words of the clauses they rest on, shown on hover and on keyboard focus. As WCAG 1.4.13
// asks, it never covers what it describes, the pointer can move onto it, Escape dismisses
// it, and it stays on the screen. The clauses' words are not in /api/graph: they are asked
// of the API once a party (and day and language) and kept.

import { graphql } from './api.js';
import { edgeKey } from './geometry.js';
import { svgElement } from './svg.js';
import { TEXTS } from './texts.js';

export const TOOLTIP_ID = 'chart-tooltip';
const HIDE_DELAY_MS = 300; // time to move the pointer from what is described onto the tooltip
const GAP = 12; // px between the tooltip and what it describes
const EDGE = 8; // px the tooltip keeps from the window's borders

const CLAUSES_QUERY = `query ($id: ID!, $lang: Lang!, $asOf: Date) {
  party(id: $id, asOf: $asOf) {
    edges(direction: BOTH) { relation scope from { id } to { id } sources { section text(lang: $lang) } }
  }
}`;

function element(name, attributes = {}, ...children) {
  const made = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) made.setAttribute(key, String(value));
  }
  made.append(...children);
  return made;
}

/** A short stretch of a relation's line (colour and dash), as the chart draws it. */
function lineSample(style) {
  const svg = svgElement('svg', { class: 'tip-line', viewBox: '0 0 28 8', 'aria-hidden': 'true', focusable: 'false' });
  svg.append(
    svgElement('path', {
      d: 'M1,4H27',
      stroke: style?.colour ?? 'currentColor',
      'stroke-width': style?.width ?? 1.5,
      'stroke-dasharray': style?.dash || null,
    }),
  );
  return svg;
}

export class ChartTooltip {
  /** ``view`` is the GraphView whose parties and bundles it describes. */
  constructor(view) {
    this.view = view;
    this.element = element('div', { id: TOOLTIP_ID, class: 'chart-tooltip', role: 'tooltip', hidden: '' });
    view.svg.parentElement.append(this.element);
    this.shown = null; // { what: 'node' | 'bundle', id, target, anchor, via: 'hover' | 'focus' }
    this.hideTimer = 0;
    this.clauses = new Map(); // `${day}|${lang}|${party id}` -> Promise of edge key -> sources
    this.element.addEventListener('pointerenter', () => this.keep());
    this.element.addEventListener('pointerleave', () => this.hideSoon('hover'));
    window.addEventListener(
      'keydown',
      (event) => {
        if (event.key !== 'Escape' || !this.shown) return;
        event.preventDefault();
        event.stopPropagation();
        this.hide();
      },
      true,
    );
  }

  get id() {
    return TOOLTIP_ID;
  }

  get texts() {
    return { ...TEXTS.en, ...TEXTS[this.view.lang] };
  }

  /** Describe ``target`` (a drawn party or bundle); ``anchor`` is the screen rectangle the
   * tooltip keeps clear of. */
  show(target, anchor, via) {
    window.clearTimeout(this.hideTimer);
    const node = target.classList.contains('node');
    const id = node ? target.dataset.id : target.dataset.pair;
    if (this.shown?.target === target && this.shown.via === 'focus' && via === 'hover') return;
    this.shown = { what: node ? 'node' : 'bundle', id, target, anchor, via, transform: { ...this.view.transform } };
    this.render();
    if (!node) this.fetchClauses(id);
  }

  /** Hide it if ``via`` (hover or focus) is how it was shown, after a moment for the
   * pointer to reach it. */
  hideSoon(via) {
    if (!this.shown || (via && this.shown.via !== via)) return;
    window.clearTimeout(this.hideTimer);
    this.hideTimer = window.setTimeout(() => this.hide(), HIDE_DELAY_MS);
  }

  /** After the view panned or zoomed: a focus's tooltip moves with what it describes (and
   * goes with it out of view); a hover's is hidden, the pointer being elsewhere on it now. */
  follow() {
    const shown = this.shown;
    const { x, y, k } = this.view.transform;
    if (!shown || (shown.transform.x === x && shown.transform.y === y && shown.transform.k === k)) return;
    shown.transform = { x, y, k };
    if (shown.via !== 'focus' || !shown.target.isConnected) {
      this.hide();
      return;
    }
    shown.anchor = this.view.anchorOf(shown.target);
    this.place(shown.anchor);
  }

  keep() {
    window.clearTimeout(this.hideTimer);
  }

  hide() {
    window.clearTimeout(this.hideTimer);
    this.shown = null;
    this.element.hidden = true;
    this.element.replaceChildren();
  }

  render() {
    const shown = this.shown;
    if (!shown) return;
    const content = shown.what === 'node' ? this.nodeContent(shown.id) : this.bundleContent(shown.id);
    if (!content) {
      this.hide();
      return;
    }
    this.element.replaceChildren(...content);
    this.element.dataset.for = shown.id;
    this.element.hidden = false;
    this.place(shown.anchor);
  }

  // -- what it says

  nameOf(id, lang = this.view.lang) {
    const node = this.view.nodesById.get(id);
    return node ? node.name[lang] || node.name.en || node.id : id;
  }

  /** A party: its name in both languages (where they differ), kind, id and edges shown. */
  nodeContent(id) {
    const view = this.view;
    const node = view.nodesById.get(id);
    if (!node) return null;
    const t = this.texts;
    const other = view.lang === 'zh' ? 'en' : 'zh';
    const name = this.nameOf(id);
    const out = [element('p', { class: 'tip-title', lang: view.lang }, name)];
    if (node.name[other] && node.name[other] !== name) out.push(element('p', { class: 'tip-other', lang: other }, node.name[other]));
    const kind = view.doc.kinds[node.kind]?.label[view.lang] ?? node.kind;
    const shownEdges = view.edges.filter((e) => !view.hidden.has(e.relation) && (e.from === id || e.to === id)).length;
    out.push(
      element(
        'dl',
        {},
        element('dt', {}, t.kind), element('dd', {}, kind),
        element('dt', {}, t.id), element('dd', {}, node.id),
        element('dt', {}, t.tipEdgesShown), element('dd', { class: 'tip-edge-count' }, String(shownEdges)),
      ),
    );
    return out;
  }

  /** The edges of a bundle: each relation, its way and scope, and its clauses with their
   * words (once fetched; a clause quoted before in the same tooltip is not quoted again). */
  bundleContent(pair) {
    const view = this.view;
    const bundle = view.bundleByKey(pair);
    if (!bundle) return null;
    const t = this.texts;
    const lang = view.lang;
    const words = this.clausesKnown(bundle.first);
    const quoted = new Set();
    const items = bundle.indices.map((index) => {
      const edge = view.edges[index];
      const relation = view.doc.relations[edge.relation];
      const item = element(
        'li',
        { 'data-relation': edge.relation },
        lineSample(relation),
        element('span', { class: 'tip-relation' }, relation?.label[lang] ?? edge.relation),
        ' ',
        element('span', { class: 'tip-way' }, `${this.nameOf(edge.from)} → ${this.nameOf(edge.to)}`),
      );
      if (edge.scope) item.append(element('span', { class: 'tip-scope' }, ` · ${t.tipScope(edge.scope)}`));
      const sources = words?.get(edgeKey(edge));
      const clauses = element('ul', { class: 'tip-clauses' });
      for (const section of edge.sections) {
        const clause = element('li', {}, element('b', {}, section), ' ');
        const text = sources?.find((s) => s.section === section)?.text;
        if (words === undefined) clause.append(element('span', { class: 'tip-loading' }, t.tipLoading));
        else if (words === null) clause.append(element('span', { class: 'tip-missing' }, t.tipFailed));
        else if (!text) clause.append(element('span', { class: 'tip-missing' }, t.tipNoText));
        else if (quoted.has(`${section}\u0000${text}`)) clause.append(element('span', { class: 'tip-again' }, t.tipAsAbove));
        else {
          quoted.add(`${section}\u0000${text}`);
          clause.append(element('q', { lang: lang === 'zh' ? 'zh' : 'en' }, text));
        }
        clauses.append(clause);
      }
      item.append(clauses);
      return item;
    });
    const title = `${this.nameOf(bundle.first)} — ${this.nameOf(bundle.second)}`;
    this.element.dataset.state = words === undefined ? 'loading' : 'ready';
    return [element('p', { class: 'tip-title' }, title), element('ul', { class: 'tip-edges' }, ...items)];
  }

  /** A short name for a bundle, for its aria-label: the two parties and its relations. */
  bundleLabel(bundle) {
    const view = this.view;
    const relations = bundle.indices.map((i) => view.doc.relations[view.edges[i].relation]?.label[view.lang] ?? view.edges[i].relation);
    return `${this.nameOf(bundle.first)} — ${this.nameOf(bundle.second)}: ${relations.join(', ')}`;
  }

  // -- the clauses' words

  clauseKey(partyId) {
    return `${this.view.doc.as_of ?? ''}|${this.view.lang}|${partyId}`;
  }

  /** The words of a party's edges' clauses when they have come (edge key -> sources);
   * undefined until then, null when they could not be had. */
  clausesKnown(partyId) {
    const entry = this.clauses.get(this.clauseKey(partyId));
    return entry?.value;
  }

  fetchClauses(pair) {
    const bundle = this.view.bundleByKey(pair);
    if (!bundle) return;
    const key = this.clauseKey(bundle.first);
    const known = this.clauses.get(key);
    if (known && known.value !== null) return; // come, or coming
    const entry = { value: undefined };
    this.clauses.set(key, entry);
    const variables = { id: bundle.first, lang: this.view.lang === 'zh' ? 'ZH' : 'EN', asOf: this.view.doc.as_of ?? null };
    graphql(CLAUSES_QUERY, variables)
      .then((data) => {
        const words = new Map();
        for (const e of data.party?.edges ?? []) {
          words.set(edgeKey({ from: e.from.id, to: e.to.id, relation: e.relation, scope: e.scope }), e.sources);
        }
        entry.value = words;
      })
      .catch(() => {
        entry.value = null; // asked again when shown again
      })
      .finally(() => {
        if (this.shown?.what === 'bundle' && this.clauseKey(this.view.bundleByKey(this.shown.id)?.first) === key) this.render();
      });
  }

  // -- where it goes

  /** Beside ``anchor`` (a DOMRect-like box on the screen), never over it: below, else
   * above, else to the right or left; always inside the window. */
  place(anchor) {
    const tip = this.element;
    tip.style.left = '0px';
    tip.style.top = '0px';
    tip.style.maxHeight = `${Math.max(window.innerHeight - 2 * EDGE, 80)}px`;
    const { width, height } = tip.getBoundingClientRect();
    const right = window.innerWidth - EDGE;
    const bottom = window.innerHeight - EDGE;
    const centred = Math.min(Math.max(anchor.left + anchor.width / 2 - width / 2, EDGE), right - width);
    let x;
    let y;
    if (anchor.bottom + GAP + height <= bottom) [x, y] = [centred, anchor.bottom + GAP];
    else if (anchor.top - GAP - height >= EDGE) [x, y] = [centred, anchor.top - GAP - height];
    else {
      y = Math.min(Math.max(anchor.top + anchor.height / 2 - height / 2, EDGE), bottom - height);
      x = anchor.right + GAP + width <= right ? anchor.right + GAP : Math.max(anchor.left - GAP - width, EDGE);
    }
    tip.style.left = `${Math.round(Math.max(x, EDGE))}px`;
    tip.style.top = `${Math.round(Math.max(y, EDGE))}px`;
  }
}
