// The organisation graph page: the chart, search, details, chains and traces, the table
// view, language, as-of date, exports, and the URL that keeps all of it. On a store that
// keeps change sets, governance staff sign in with a token and see, draft and decide
// change sets (the change sets view), and a party's history shows in its details.
//
// The graph and its layout come from GET /api/graph; a party's duties, its accountability
// chains and the paths of a trace come from the GraphQL API at /graphql.

import { setupAccount } from './account.js';
import { askPaths, graphql, highlightOf, refusedTokenMessage } from './api.js';
import { setupChanges } from './changes.js';
import { setupDrafting } from './drafting.js';
import { factList } from './facts.js';
import { edgeKey } from './geometry.js';
import { logHead, partyHistory } from './governance.js';
import { GraphView } from './graph.js';
import { renderHistory } from './history.js';
import { chartPng, chartSvg, download } from './picture.js';
import { setupSearch } from './search.js';
import { svgElement } from './svg.js';
import { bearer, may, onSessionChange, signOut } from './session.js';
import { TEXTS } from './texts.js';

const $ = (id) => document.getElementById(id);

/** Phones and narrow tablets: the controls fold into a menu, the legend starts closed and
 * the side panel is a bottom sheet (page.css uses the same width). */
const NARROW = window.matchMedia('(max-width: 760px)');

const state = {
  node: null,
  chain: false,
  from: null,
  to: null,
  /** The relations not drawn; ``hiddenChoice`` is what the URL or the reader chose (null:
   * no choice, the dataset's default: only the relations that rank, see defaultHidden). */
  hidden: new Set(),
  hiddenChoice: null,
  lang: 'en',
  asOf: null,
  view: 'chart',
};

let doc = null;
let index = null;
let view = null;
let chainHighlight = { nodes: [], edges: [] };
let traceHighlight = { nodes: [], edges: [] };
let requestNumber = 0;
/** Whether the store keeps change sets (null: not known yet), and its parts of the page. */
let governed = null;
let account = null;
let changes = null;
let drafting = null;

const t = (key, ...args) => {
  const entry = TEXTS[state.lang][key] ?? TEXTS.en[key];
  return typeof entry === 'function' ? entry(...args) : entry;
};

// --- the URL --------------------------------------------------------------------------

function readUrl() {
  const params = new URLSearchParams(window.location.search);
  state.node = params.get('node');
  state.chain = params.get('chain') === '1';
  state.from = params.get('from');
  state.to = params.get('to');
  // Old links name what is hidden (hide=A,B); relations=all shows every relation.
  if (params.has('hide')) state.hiddenChoice = new Set(params.get('hide').split(',').filter(Boolean));
  else if (params.get('relations') === 'all') state.hiddenChoice = new Set();
  else state.hiddenChoice = null;
  state.hidden = new Set(state.hiddenChoice ?? []);
  state.lang = params.get('lang') === 'zh' ? 'zh' : 'en';
  state.asOf = /^\d{4}-\d{2}-\d{2}$/.test(params.get('as_of') || '') ? params.get('as_of') : null;
  state.view = ['table', 'changes'].includes(params.get('view')) ? params.get('view') : 'chart';
}

function writeUrl() {
  const params = new URLSearchParams();
  if (state.node) params.set('node', state.node);
  if (state.node && state.chain) params.set('chain', '1');
  if (state.from) params.set('from', state.from);
  if (state.to) params.set('to', state.to);
  writeRelations(params);
  if (state.lang !== 'en') params.set('lang', state.lang);
  if (state.asOf) params.set('as_of', state.asOf);
  if (state.view !== 'chart') params.set('view', state.view);
  const query = params.toString();
  window.history.replaceState(null, '', query ? `?${query}` : window.location.pathname);
  for (const link of document.querySelectorAll('a[id^="export-"]')) {
    const format = link.id.slice('export-'.length);
    const exportParams = new URLSearchParams({ format, lang: state.lang });
    if (state.asOf) exportParams.set('as_of', state.asOf);
    link.href = `/api/export?${exportParams}`;
  }
}

/** The relations shown, in the URL: nothing for the default, relations=all, or hide=. */
function writeRelations(params) {
  const hidden = doc ? state.hidden : state.hiddenChoice;
  if (!hidden || (doc && sameSet(hidden, defaultHidden()))) return;
  if (!hidden.size) params.set('relations', 'all');
  else params.set('hide', [...hidden].sort().join(','));
}

function sameSet(a, b) {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

/** What a first view hides: every relation that does not rank parties (the accountability
 * and reporting lines stay); nothing when the dataset has no ranking relation. */
function defaultHidden() {
  const relations = Object.entries(doc.relations);
  if (!relations.some(([, style]) => style.ranks)) return new Set();
  return new Set(relations.filter(([, style]) => !style.ranks).map(([relation]) => relation));
}

// --- data -----------------------------------------------------------------------------

class TokenNeeded extends Error {}

async function loadGraph() {
  const query = state.asOf ? `?as_of=${encodeURIComponent(state.asOf)}` : '';
  const headers = { accept: 'application/json' };
  const token = bearer();
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`/api/graph${query}`, { headers });
  const body = await response.json();
  if (response.status === 401) {
    const detail = body.errors?.map((e) => e.message).join(' ') || 'HTTP 401';
    if (token) {
      signOut(refusedTokenMessage(detail));
      throw new TokenNeeded(refusedTokenMessage(detail));
    }
    throw new TokenNeeded(t('needsToken'));
  }
  if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
  return body;
}

/** Names and labels in the page's language, for the diffs and forms of change sets. */
function words() {
  return {
    t,
    nameOf,
    relationLabel: (relation) => doc?.relations[relation]?.label[state.lang] ?? relation,
    kindLabel: (kind) => doc?.kinds[kind.toLowerCase()]?.label[state.lang] ?? kind,
  };
}

function indexGraph(graph) {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const out = new Map();
  const into = new Map();
  graph.edges.forEach((edge, i) => {
    if (!out.has(edge.from)) out.set(edge.from, []);
    if (!into.has(edge.to)) into.set(edge.to, []);
    out.get(edge.from).push(i);
    into.get(edge.to).push(i);
  });
  const haystacks = graph.nodes.map((node) =>
    [node.id, ...node.aliases, ...Object.values(node.name)].join('\u001f').toLocaleLowerCase(),
  );
  const edgeKeys = new Set(graph.edges.map(edgeKey));
  return { byId, out, into, haystacks, edgeKeys };
}

// --- highlights -----------------------------------------------------------------------

/** What askPaths needs of the graph drawn: its day, parties and edges. */
function drawnGraph() {
  return { day: doc.as_of, byId: index.byId, edgeKeys: index.edgeKeys };
}


function applyHighlight() {
  view.setHighlight([...chainHighlight.nodes, ...traceHighlight.nodes], [...chainHighlight.edges, ...traceHighlight.edges]);
}

function pathList(container, paths, label) {
  const list = document.createElement('ol');
  paths.forEach((path, i) => {
    const item = document.createElement('li');
    item.setAttribute('aria-label', label(i + 1, paths.length));
    path.nodes.forEach((node, j) => {
      if (j > 0) {
        const edge = path.edges[j - 1];
        const arrow = document.createElement('span');
        arrow.className = 'step';
        arrow.textContent = ` → ${doc.relations[edge.relation].label[state.lang]} → `;
        item.append(arrow);
      }
      item.append(partyButton(node.id));
    });
    list.append(item);
  });
  container.append(list);
}

async function showChain() {
  const id = state.node;
  const box = $('chain-result');
  $('show-chain').setAttribute('aria-pressed', String(state.chain));
  $('show-chain').textContent = t(state.chain ? 'hideChain' : 'showChain');
  if (!state.chain || !id) {
    chainHighlight = { nodes: [], edges: [] };
    box.hidden = true;
    box.replaceChildren();
    applyHighlight();
    return;
  }
  box.hidden = false;
  box.replaceChildren(heading(t('chains')), paragraph(t('loading')));
  const mine = ++requestNumber;
  try {
    const { paths, trimmed } = await askPaths('accountabilityChains', { id }, ['$id: ID!'], drawnGraph());
    if (mine !== requestNumber || state.node !== id) return;
    chainHighlight = highlightOf(paths);
    box.replaceChildren(heading(t('chains')));
    if (!paths.length) box.append(paragraph(t('noChain')));
    else pathList(box, paths, (i, n) => t('chainN', i, n));
    if (paths.length && state.view === 'chart') view.showAll(chainHighlight.nodes);
    if (trimmed) box.append(paragraph(t('notOnDay'), 'note'));
    box.dataset.state = 'ready';
  } catch (error) {
    chainHighlight = { nodes: [], edges: [] };
    box.replaceChildren(heading(t('chains')), paragraph(error.message, 'error'));
  }
  applyHighlight();
}

async function runTrace() {
  const section = $('trace');
  section.hidden = !state.from && !state.to;
  $('trace-from').replaceChildren(state.from ? partyButton(state.from) : '—');
  $('trace-to').replaceChildren(state.to ? partyButton(state.to) : '—');
  const box = $('trace-result');
  updateSide();
  if (!state.from || !state.to) {
    traceHighlight = { nodes: [], edges: [] };
    box.replaceChildren(...(state.from || state.to ? [paragraph(t('pickBoth'))] : []));
    box.dataset.state = 'idle';
    applyHighlight();
    return;
  }
  const shown = Object.keys(doc.relations).filter((r) => !state.hidden.has(r));
  const relations = state.hidden.size ? shown : null;
  box.replaceChildren(paragraph(t('loading')));
  box.dataset.state = 'loading';
  const [from, to] = [state.from, state.to];
  try {
    const { paths, trimmed } = await askPaths(
      'paths',
      { fromId: from, toId: to, relations, maxDepth: 8, first: 50 },
      ['$fromId: ID!', '$toId: ID!', '$relations: [Relation!]', '$maxDepth: Int', '$first: Int'],
      drawnGraph(),
    );
    if (state.from !== from || state.to !== to) return;
    traceHighlight = highlightOf(paths);
    box.replaceChildren(paragraph(`${t('paths')} (${t(relations ? 'overShown' : 'overAll')})`, 'muted'));
    if (!paths.length) box.append(paragraph(`${t('noPath')} (${t(relations ? 'overShown' : 'overAll')}).`));
    else pathList(box, paths, (i, n) => t('pathN', i, n));
    if (trimmed) box.append(paragraph(t('notOnDay'), 'note'));
    box.dataset.state = 'ready';
    if (paths.length && state.view === 'chart') view.showAll(traceHighlight.nodes);
  } catch (error) {
    traceHighlight = { nodes: [], edges: [] };
    box.replaceChildren(paragraph(error.message, 'error'));
    box.dataset.state = 'error';
  }
  applyHighlight();
}

// --- small builders -------------------------------------------------------------------

function heading(text) {
  const h = document.createElement('h3');
  h.textContent = text;
  return h;
}

function paragraph(text, className = '') {
  const p = document.createElement('p');
  p.textContent = text;
  if (className) p.className = className;
  return p;
}

function nameOf(id) {
  const node = index?.byId.get(id);
  return node ? node.name[state.lang] || node.name.en || id : id;
}

function partyButton(id) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'link party-link';
  button.dataset.id = id;
  button.textContent = nameOf(id);
  button.title = id;
  return button;
}

function edgeLine(edge, outgoing) {
  const item = document.createElement('li');
  const relation = doc.relations[edge.relation].label[state.lang];
  const words = document.createElement('span');
  words.className = 'relation';
  words.textContent = outgoing ? `${relation} ` : `${relation.replace('…', '').trim()} ← `;
  if (outgoing) item.append(words, partyButton(edge.to));
  else item.append(partyButton(edge.from), ' ', words);
  const sections = document.createElement('span');
  sections.className = 'sections';
  sections.textContent = [edge.scope ? `(${edge.scope})` : '', edge.sections.join(', ')].filter(Boolean).join(' ');
  item.append(' ', sections);
  return item;
}

// --- details --------------------------------------------------------------------------

function updateSide() {
  $('side').hidden = $('details').hidden && $('trace').hidden;
}

async function showDetails() {
  const details = $('details');
  const node = state.node && index.byId.get(state.node);
  view.setSelected(node ? node.id : null);
  if (!node) {
    details.hidden = true;
    updateSide();
    return;
  }
  details.hidden = false;
  updateSide();
  const other = state.lang === 'zh' ? 'en' : 'zh';
  $('details-name').textContent = nameOf(node.id);
  $('details-name').lang = state.lang;
  $('details-other-name').textContent = node.name[other] || '';
  $('details-other-name').lang = other;
  const fact = factList($('details-facts'));
  fact(t('id'), node.id);
  fact(t('kind'), doc.kinds[node.kind].label[state.lang]);
  if (node.aliases.length) fact(t('aliases'), node.aliases.join(', '));
  if (node.name_in_source === false) fact(t('nameTerm'), t('nameCoined'));
  if (node.name_note) fact(t('nameNote'), node.name_note[state.lang] || node.name_note.en || '');
  if (node.valid_from) fact(t('validFrom'), node.valid_from);
  if (node.valid_to) fact(t('validTo'), node.valid_to);
  if (node.apex) fact(t('apexTerm'), t('apex'));
  const edges = $('details-edges');
  edges.replaceChildren();
  for (const i of index.out.get(node.id) || []) {
    if (!state.hidden.has(doc.edges[i].relation)) edges.append(edgeLine(doc.edges[i], true));
  }
  for (const i of index.into.get(node.id) || []) {
    if (!state.hidden.has(doc.edges[i].relation)) edges.append(edgeLine(doc.edges[i], false));
  }
  if (!edges.children.length) edges.append(Object.assign(document.createElement('li'), { textContent: t('noEdges') }));
  const id = node.id;
  $('details-draft').hidden = !(governed && may('EDITOR'));
  const roleLike = node.kind === 'role' || doc.edges.some((e) => e.relation === 'SERVES_AS' && e.to === id);
  $('details-draft').querySelector('[data-role-only]').hidden = !roleLike;
  showHistory(id);
  const duties = $('details-duties');
  duties.replaceChildren(Object.assign(document.createElement('li'), { textContent: t('loading') }));
  duties.dataset.state = 'loading';
  try {
    const data = await graphql('query ($id: ID!, $lang: Lang) { party(id: $id) { responsibilities { code text(lang: $lang) } } }', {
      id,
      lang: state.lang.toUpperCase(),
    });
    if (state.node !== id) return;
    const found = data.party?.responsibilities || [];
    duties.replaceChildren(
      ...found.map((duty) => {
        const item = document.createElement('li');
        const code = document.createElement('strong');
        code.textContent = duty.code;
        item.append(code, ' ', duty.text);
        return item;
      }),
    );
    if (!found.length) duties.append(Object.assign(document.createElement('li'), { textContent: t('noDuties') }));
    duties.dataset.state = 'ready';
  } catch (error) {
    duties.replaceChildren(Object.assign(document.createElement('li'), { textContent: error.message, className: 'error' }));
    duties.dataset.state = 'error';
  }
}

async function showHistory(id) {
  const box = $('details-history-box');
  const list = $('details-history');
  box.hidden = !governed;
  if (!governed) return;
  list.replaceChildren(Object.assign(document.createElement('li'), { textContent: t('loading') }));
  list.dataset.state = 'loading';
  try {
    const entries = await partyHistory(id, state.lang, doc.as_of);
    if (state.node !== id) return;
    renderHistory(list, entries, words(), (changeSetId) => openChangeSet(changeSetId));
    list.dataset.state = 'ready';
  } catch (error) {
    list.replaceChildren(Object.assign(document.createElement('li'), { textContent: error.message, className: 'error' }));
    list.dataset.state = 'error';
  }
}

function select(id, { centre = true } = {}) {
  if (!index.byId.has(id)) return;
  if (state.node !== id) state.chain = false;
  state.node = id;
  writeUrl();
  if (centre && state.view === 'chart') view.centreOn(id, Math.min(1, Math.max(view.transform.k, 0.6)));
  showDetails();
  showChain();
}

// --- legend, table, language ----------------------------------------------------------

function buildLegend() {
  const kinds = $('legend-kinds');
  kinds.replaceChildren();
  for (const [kind, style] of Object.entries(doc.kinds)) {
    if (!doc.nodes.some((n) => n.kind === kind)) continue;
    const item = document.createElement('li');
    const sample = svgElement('svg', { viewBox: '-95 -32 190 64', 'aria-hidden': 'true' });
    sample.append(
      svgElement('path', {
        d: style.shape,
        fill: style.fill,
        stroke: style.stroke,
        'stroke-width': style.stroke_width * 3,
        'stroke-dasharray': style.dash || null,
      }),
    );
    item.append(sample, style.label[state.lang]);
    kinds.append(item);
  }
  const relations = $('legend-relations');
  relations.replaceChildren();
  for (const [relation, style] of Object.entries(doc.relations)) {
    const count = doc.edges.filter((e) => e.relation === relation).length;
    if (!count) continue;
    const item = document.createElement('li');
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = relation;
    box.checked = !state.hidden.has(relation);
    const sample = svgElement('svg', { viewBox: '0 0 40 10', 'aria-hidden': 'true' });
    sample.append(
      svgElement('path', { d: 'M2,5H34', stroke: style.colour, 'stroke-width': style.width, 'stroke-dasharray': style.dash || null }),
      svgElement('path', { d: 'M32,1L40,5L32,9Z', fill: style.colour }),
    );
    const words = document.createElement('span');
    words.textContent = `${style.label[state.lang]} (${count})`;
    label.append(box, sample, words);
    item.append(label);
    relations.append(item);
  }
  $('legend').dataset.filled = 'true';
}

/** The relation switch above the chart: which of its two choices the relations shown are
 * (neither, when the reader ticked their own). */
function showRelationChoice() {
  const ranking = Object.entries(doc.relations).filter(([, style]) => style.ranks);
  $('relations-ranking').hidden = !ranking.length;
  $('relations-ranking').title = t('rankingTitle', ranking.map(([, style]) => style.label[state.lang]).join(', '));
  $('relations-ranking').setAttribute('aria-pressed', String(ranking.length > 0 && sameSet(state.hidden, defaultHidden())));
  $('relations-all').setAttribute('aria-pressed', String(state.hidden.size === 0));
}

function setHidden(hidden) {
  state.hidden = new Set(hidden);
  state.hiddenChoice = new Set(hidden);
  for (const box of $('legend-relations').querySelectorAll('input')) box.checked = !state.hidden.has(box.value);
  view.setHidden(state.hidden);
  showRelationChoice();
  writeUrl();
  showDetails();
  if (state.view === 'table') buildTable();
  if (state.from && state.to) runTrace();
}

function buildTable() {
  const body = $('table-body');
  const rows = [...doc.nodes].sort((a, b) => a.layer - b.layer || a.x - b.x);
  const shownEdges = doc.edges.filter((e) => !state.hidden.has(e.relation));
  $('table-caption').textContent =
    shownEdges.length === doc.edges.length
      ? t('caption', doc.nodes.length, shownEdges.length, doc.as_of)
      : t('captionShown', doc.nodes.length, shownEdges.length, doc.edges.length, doc.as_of);
  const fragment = document.createDocumentFragment();
  for (const node of rows) {
    const row = document.createElement('tr');
    row.dataset.id = node.id;
    const name = document.createElement('th');
    name.scope = 'row';
    const button = partyButton(node.id);
    const id = document.createElement('small');
    id.textContent = node.id;
    name.append(button, id);
    const kind = document.createElement('td');
    kind.textContent = doc.kinds[node.kind].label[state.lang];
    const layer = document.createElement('td');
    layer.textContent = String(node.layer);
    const cell = (indices, outgoing) => {
      const td = document.createElement('td');
      const list = document.createElement('ul');
      for (const i of indices || []) {
        if (!state.hidden.has(doc.edges[i].relation)) list.append(edgeLine(doc.edges[i], outgoing));
      }
      if (list.children.length) td.append(list);
      return td;
    };
    row.append(name, kind, layer, cell(index.out.get(node.id), true), cell(index.into.get(node.id), false));
    if (state.node === node.id) row.classList.add('selected');
    fragment.append(row);
  }
  body.replaceChildren(fragment);
}

function applyTexts() {
  document.documentElement.lang = state.lang;
  for (const element of document.querySelectorAll('[data-i18n]')) element.textContent = t(element.dataset.i18n);
  for (const element of document.querySelectorAll('[data-i18n-label]')) element.setAttribute('aria-label', t(element.dataset.i18nLabel));
  for (const element of document.querySelectorAll('[data-i18n-title]')) element.title = t(element.dataset.i18nTitle);
  for (const button of document.querySelectorAll('[data-lang]')) button.setAttribute('aria-pressed', String(button.dataset.lang === state.lang));
  if (doc) {
    const title = doc.dataset.title[state.lang] || doc.dataset.title.en;
    $('dataset-title').textContent = title;
    document.title = `${title} · accountgraph`;
  }
  $('show-chain').textContent = t(state.chain ? 'hideChain' : 'showChain');
  account?.retext();
  if (doc && drafting) drafting.fillOptions();
}

function setLang(lang) {
  state.lang = lang;
  writeUrl();
  applyTexts();
  view.setLang(lang);
  buildLegend();
  showRelationChoice();
  showDetails();
  showChain();
  runTrace();
  if (state.view === 'table') buildTable();
  if (governed) changes.retext();
}

function setView(which) {
  if (which === 'changes' && !governed) which = 'chart';
  state.view = which;
  writeUrl();
  $('chart-view').hidden = which !== 'chart';
  $('table-view').hidden = which !== 'table';
  $('changes-view').hidden = which !== 'changes';
  for (const button of document.querySelectorAll('[data-view]')) button.setAttribute('aria-pressed', String(button.dataset.view === which));
  if (which === 'table') buildTable();
  else if (which === 'changes') changes.refresh();
  else view.schedule();
}

// --- governance -----------------------------------------------------------------------

/** Which part of the change sets view's detail pane shows: a change set, a form, or
 * neither (the hint). */
function showDetailPane(which) {
  if (which !== 'draft') drafting.close();
  if (which !== 'change-set') changes.leave();
  $('change-empty').hidden = which !== 'nothing';
}

function openChangeSet(id) {
  if (state.view !== 'changes') setView('changes');
  return changes.open(id);
}

function openDraft(act, prefill = {}) {
  if (state.view !== 'changes') setView('changes');
  drafting.open(act, prefill);
}

function showDraftActs() {
  $('draft-acts').hidden = !may('EDITOR');
  if (state.node && doc) $('details-draft').hidden = !may('EDITOR');
}

/** Find out once whether the store keeps change sets; if it does, offer signing in and
 * the change sets view. ``tokenNeeded``: the server answered the graph with a 401. */
async function setupGovernance({ tokenNeeded = false } = {}) {
  if (governed !== null) return;
  if (!tokenNeeded) {
    try {
      governed = (await logHead()) !== null;
    } catch {
      governed = false;
    }
  }
  if (!governed && !tokenNeeded) return;
  account.offer(tokenNeeded ? t('needsToken') : '');
  if (!governed) return;
  $('view-changes').hidden = false;
  showDraftActs();
}

// --- start ----------------------------------------------------------------------------

function exportTitle() {
  const title = doc.dataset.title[state.lang] || doc.dataset.title.en;
  return doc.as_of ? `${title} — ${state.lang === 'zh' ? '截至' : 'as of'} ${doc.as_of}` : title;
}

function fileStem() {
  return doc.dataset.name + (state.asOf ? `-as-of-${state.asOf}` : '');
}

function wire() {
  account = setupAccount({ t });
  changes = setupChanges({
    words,
    lang: () => state.lang,
    graphChanged: () => start(),
    onShow: (which) => showDetailPane(which),
  });
  drafting = setupDrafting({
    graph: () => ({ doc, index }),
    words,
    onDrafted: async (id) => {
      await Promise.all([changes.refresh(), changes.open(id)]);
      $('decide-done').textContent = t('drafted', id);
    },
    onShow: (which) => showDetailPane(which),
  });
  onSessionChange(async ({ signedIn }) => {
    if (signedIn && !governed) {
      await start();
      return;
    }
    if (!governed) return;
    showDraftActs();
    if (!may('EDITOR')) {
      drafting.close();
      if ($('change-set').hidden) showDetailPane('nothing');
    }
    if (state.view === 'changes') changes.refresh();
    changes.retext();
  });
  for (const button of document.querySelectorAll('#draft-acts [data-act]')) {
    button.addEventListener('click', () => openDraft(button.dataset.act));
  }
  for (const button of document.querySelectorAll('#details-draft [data-draft-act]')) {
    button.addEventListener('click', () => openDraft(button.dataset.draftAct, { [button.dataset.draftField]: state.node }));
  }
  setupSearch({
    input: $('search'),
    list: $('search-results'),
    status: $('status'),
    graph: () => ({ nodes: doc.nodes, haystacks: index.haystacks }),
    nameOf,
    onChoose: (id) => select(id),
    t,
  });
  document.addEventListener('click', (event) => {
    const link = event.target.closest('.party-link');
    if (link) {
      select(link.dataset.id, { centre: state.view === 'chart' });
      if (state.view === 'table') buildTable();
    }
  });
  for (const button of document.querySelectorAll('[data-view]')) button.addEventListener('click', () => setView(button.dataset.view));
  for (const button of document.querySelectorAll('[data-lang]')) button.addEventListener('click', () => setLang(button.dataset.lang));
  $('zoom-in').addEventListener('click', () => view.zoomBy(1.25));
  $('zoom-out').addEventListener('click', () => view.zoomBy(0.8));
  $('zoom-fit').addEventListener('click', () => view.fit());
  $('zoom-whole').addEventListener('click', () => view.fitWhole());
  $('legend-toggle').addEventListener('click', () => {
    $('chart-view').dataset.legend = legendShown() ? 'closed' : 'open';
    showLegendState();
  });
  NARROW_LEGEND.addEventListener('change', showLegendState);
  $('legend-relations').addEventListener('change', () => {
    const hidden = [...$('legend-relations').querySelectorAll('input')].filter((b) => !b.checked).map((b) => b.value);
    setHidden(hidden);
  });
  $('relations-all').addEventListener('click', () => setHidden([]));
  $('relations-ranking').addEventListener('click', () => setHidden(defaultHidden()));
  $('details-close').addEventListener('click', () => {
    state.node = null;
    state.chain = false;
    writeUrl();
    showDetails();
    showChain();
  });
  $('show-chain').addEventListener('click', () => {
    state.chain = !state.chain;
    writeUrl();
    showChain();
  });
  $('trace-from-here').addEventListener('click', () => {
    state.from = state.node;
    writeUrl();
    runTrace();
  });
  $('trace-to-here').addEventListener('click', () => {
    state.to = state.node;
    writeUrl();
    runTrace();
  });
  $('trace-swap').addEventListener('click', () => {
    [state.from, state.to] = [state.to, state.from];
    writeUrl();
    runTrace();
  });
  $('trace-clear').addEventListener('click', () => {
    state.from = null;
    state.to = null;
    writeUrl();
    runTrace();
  });
  $('centre-here').addEventListener('click', () => {
    if (state.view !== 'chart') setView('chart');
    view.centreOn(state.node, 1);
  });
  $('as-of').addEventListener('change', async () => {
    const value = $('as-of').value;
    state.asOf = value || null;
    writeUrl();
    await start();
  });
  $('export-svg').addEventListener('click', () => {
    download(new Blob([chartSvg(view, exportTitle())], { type: 'image/svg+xml' }), `${fileStem()}.svg`);
  });
  $('export-png').addEventListener('click', async () => {
    download(await chartPng(view, exportTitle()), `${fileStem()}.png`);
  });
}

async function start() {
  document.body.dataset.ready = 'false';
  $('status').textContent = t('loading');
  $('status').classList.remove('error');
  try {
    doc = await loadGraph();
  } catch (error) {
    $('status').textContent = error instanceof TokenNeeded ? error.message : t('failed', error.message);
    $('status').classList.add('error');
    if (error instanceof TokenNeeded) await setupGovernance({ tokenNeeded: true });
    document.body.dataset.ready = 'error';
    return;
  }
  await setupGovernance();
  performance.mark('graph-loaded');
  index = indexGraph(doc);
  if (state.node && !index.byId.has(state.node)) state.node = null;
  view.setGraph(doc);
  view.lang = state.lang;
  state.hidden = new Set(state.hiddenChoice ?? defaultHidden());
  view.setHidden(state.hidden);
  $('as-of-box').dataset.shown = String(Boolean(doc.dated));
  $('as-of').value = doc.as_of || '';
  if (doc.dates.first) $('as-of').min = doc.dates.first;
  applyTexts();
  buildLegend();
  showRelationChoice();
  setView(state.view);
  view.fit();
  view.draw();
  performance.measure('first-draw', { start: 0, end: performance.now() });
  $('status').textContent = '';
  if (state.node) {
    if (state.view === 'chart') view.centreOn(state.node, Math.min(1, Math.max(view.transform.k, 0.6)));
    showDetails();
  } else showDetails();
  await Promise.all([showChain(), runTrace()]);
  writeUrl();
  document.body.dataset.ready = 'true';
}

// --- the menu (narrow screens) --------------------------------------------------------

function setMenuOpen(open) {
  document.body.classList.toggle('menu-open', open);
  $('menu-button').setAttribute('aria-expanded', String(open));
}

function wireMenu() {
  $('menu-button').addEventListener('click', () => setMenuOpen(!document.body.classList.contains('menu-open')));
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || !document.body.classList.contains('menu-open')) return;
    setMenuOpen(false);
    $('menu-button').focus();
  });
  // Closed once a tap in the page has landed: closed as the finger touches, the page would
  // move up under it and the tap land on whatever took the button's place.
  $('main').addEventListener('click', () => setMenuOpen(false));
  // The skip link leads to the search box, which is inside the folded menu on a phone.
  document.querySelector('.skip-link').addEventListener('click', () => {
    if (NARROW.matches) setMenuOpen(true);
  });
  NARROW.addEventListener('change', () => setMenuOpen(false));
}

/** What covers the chart: only the bottom sheet of a party's details or a trace on a
 * narrow screen (at most 55% of the screen, page.css; the chart is centred before the
 * sheet opens). The legend and the chart's bar sit beside and above it. */
function chartInsets() {
  const side = $('side');
  const sheet = NARROW.matches && (state.node || state.from || state.to);
  return {
    left: 0,
    top: 0,
    right: 0,
    bottom: sheet ? (side.hidden ? 0.55 * window.innerHeight : side.offsetHeight) : 0,
  };
}

// --- the legend: open on wide screens and closed on narrow ones until the reader says
// otherwise; page.css decides it (data-legend="auto"), so nothing moves once loaded.

/** Below this width page.css starts the legend closed. */
const NARROW_LEGEND = window.matchMedia('(max-width: 900px)');

function legendShown() {
  return getComputedStyle($('legend')).display !== 'none';
}

function showLegendState() {
  $('legend-toggle').setAttribute('aria-expanded', String(legendShown()));
}

readUrl();
showLegendState();
view = new GraphView($('graph'), { onSelect: (id) => select(id, { centre: false }), insets: chartInsets });
wireMenu();
wire();
start();
