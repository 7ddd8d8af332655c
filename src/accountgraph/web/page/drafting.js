// Drafting the common acts in the page, each with a title, a reason, a basis and the day
// it takes effect, drafted and proposed at once:
//
// - appoint or replace the holder of a role: a holder SERVES_AS the role; replacing one
//   retires the old holder's role edge (and any of its other edges ticked) and adds them
//   for the new holder, a party new to the graph or one in it;
// - add an edge, with the clause it rests on;
// - retire an edge;
// - retire a party (with its edges and duties).
//
// The form only builds the change set; the server checks it (the rule book, conflicts)
// and its refusals are shown under the form, in words.

import { draftAndPropose, partyEdges, refusalWords } from './governance.js';

const $ = (id) => document.getElementById(id);

const ACTS = {
  appoint: 'appointTitle',
  'add-edge': 'addEdgeTitle',
  'retire-edge': 'retireEdgeTitle',
  'retire-party': 'retirePartyTitle',
};
const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const SERVES_AS = 'SERVES_AS';

/** Today in the browser's time zone, written YYYY-MM-DD. */
function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function value(id) {
  return $(id).value.trim();
}

/** A problem with what was typed: the words to show and the field to go back to. */
class FormProblem extends Error {
  constructor(message, field) {
    super(message);
    this.field = field;
  }
}

function text(en, zh) {
  return zh ? { en, zh } : { en };
}

/** A clause from the API (both languages) as the change set writes one. */
function citationOf(source) {
  const zh = source.zh && source.zh !== source.en ? source.zh : null;
  return { document: source.document, section: source.section, text: text(source.en, zh) };
}

/**
 * ``graph()`` gives { doc, index } of the graph drawn; ``words()`` the page's words and
 * names ({ t, nameOf, relationLabel, kindLabel }); ``onDrafted(id)`` is told the id of a
 * change set drafted and proposed; ``onShow()`` that the form takes the detail pane.
 */
export function setupDrafting({ graph, words, onDrafted, onShow }) {
  const form = $('draft-form');
  let act = null;
  let titleTouched = false;
  let moveCandidates = [];
  let moveRequest = 0;
  let opener = null;
  const t = (...args) => words().t(...args);

  // --- options from the graph drawn ---------------------------------------------------

  function fillOptions() {
    const { doc } = graph();
    const { nameOf, relationLabel, kindLabel } = words();
    const options = $('party-options');
    options.replaceChildren(
      ...[...doc.nodes]
        .sort((a, b) => nameOf(a.id).localeCompare(nameOf(b.id)))
        .map((node) => Object.assign(document.createElement('option'), { value: node.id, label: nameOf(node.id) })),
    );
    const relation = $('edge-relation');
    const chosen = relation.value;
    relation.replaceChildren(
      ...Object.keys(doc.relations).map((r) => Object.assign(document.createElement('option'), { value: r, textContent: `${relationLabel(r)} (${r})` })),
    );
    if (chosen) relation.value = chosen;
    const kind = $('holder-kind');
    const kindChosen = kind.value || 'office';
    kind.replaceChildren(
      ...Object.keys(doc.kinds).map((k) => Object.assign(document.createElement('option'), { value: k, textContent: kindLabel(k) })),
    );
    kind.value = kindChosen;
    const role = $('appoint-role');
    const roleChosen = role.value;
    const roles = doc.nodes.filter((n) => n.kind === 'role' || doc.edges.some((e) => e.relation === SERVES_AS && e.to === n.id));
    role.replaceChildren(
      ...roles.map((n) => Object.assign(document.createElement('option'), { value: n.id, textContent: nameOf(n.id) })),
    );
    if (roleChosen && roles.some((n) => n.id === roleChosen)) role.value = roleChosen;
    if (act) $('draft-title').textContent = t(ACTS[act]);
    if (act === 'appoint') showHolders({ keep: true });
    if (act === 'retire-edge') listEdgesToRetire();
  }

  function known(id) {
    return graph().index.byId.has(id);
  }

  function existingParty(field) {
    const id = value(field);
    if (!id) throw new FormProblem(t('needParty'), field);
    if (!known(id)) throw new FormProblem(t('unknownParty', id), field);
    return id;
  }

  // --- appoint or replace -------------------------------------------------------------

  function holdersOf(role) {
    const { doc } = graph();
    return doc.edges.filter((e) => e.relation === SERVES_AS && e.to === role).map((e) => e.from);
  }

  function mode() {
    return form.querySelector('input[name="appoint-mode"]:checked')?.value ?? 'appoint';
  }

  /** The role's holders now, and the choice to appoint one more or replace one (the
   * first holder by default; ``keep`` keeps the choice made when it is still there). */
  function showHolders({ keep = false } = {}) {
    const { nameOf } = words();
    const role = $('appoint-role').value;
    const holders = role ? holdersOf(role) : [];
    $('appoint-holders').textContent = holders.length ? t('holdersAre', holders.map(nameOf).join(', ')) : t('holdersNone');
    const previous = mode();
    const choices = [['appoint', t('modeAppoint')], ...holders.map((h) => [h, t('modeReplace', nameOf(h))])];
    const wanted = keep && choices.some(([v]) => v === previous) ? previous : (holders[0] ?? 'appoint');
    $('appoint-modes').replaceChildren(
      ...choices.map(([choice, label]) => {
        const wrap = document.createElement('label');
        wrap.className = 'choice';
        const radio = Object.assign(document.createElement('input'), { type: 'radio', name: 'appoint-mode', value: choice });
        radio.checked = choice === wanted;
        wrap.append(radio, ` ${label}`);
        return wrap;
      }),
    );
    showMoves();
  }

  async function showMoves() {
    const old = mode();
    const box = $('move-edges');
    const list = $('move-edge-list');
    const role = $('appoint-role').value;
    box.hidden = old === 'appoint';
    const ticked = new Set(
      [...list.querySelectorAll('input[data-move="choice"]:checked')].map((b) => list.dataset.holder + b.value),
    );
    moveCandidates = [];
    list.replaceChildren();
    list.dataset.holder = old;
    if (old === 'appoint') return;
    const mine = ++moveRequest;
    list.dataset.state = 'loading';
    let edges;
    try {
      edges = await partyEdges(old, graph().doc.as_of);
    } catch (error) {
      if (mine !== moveRequest) return;
      list.replaceChildren(Object.assign(document.createElement('li'), { className: 'error', textContent: error.message }));
      list.dataset.state = 'error';
      return;
    }
    if (mine !== moveRequest) return;
    const { nameOf, relationLabel } = words();
    moveCandidates = edges;
    list.replaceChildren(
      ...edges.map((edge, i) => {
        const item = document.createElement('li');
        const label = document.createElement('label');
        label.className = 'choice';
        const box = Object.assign(document.createElement('input'), { type: 'checkbox', value: String(i) });
        const always = edge.relation === SERVES_AS && edge.to.id === role && edge.from.id === old;
        box.checked = always || ticked.has(old + String(i));
        box.disabled = always;
        box.dataset.move = always ? 'always' : 'choice';
        const relation = `${relationLabel(edge.relation)}${edge.scope ? ` (${edge.scope})` : ''}`;
        const words_ = `${nameOf(edge.from.id)} — ${relation} → ${nameOf(edge.to.id)}`;
        label.append(box, ` ${words_}${always ? ` (${t('alwaysMoves')})` : ''}`);
        item.append(label);
        return item;
      }),
    );
    list.dataset.state = 'ready';
  }

  function appointOperations() {
    const role = $('appoint-role').value;
    if (!role) throw new FormProblem(t('needRole'), 'appoint-role');
    const old = mode();
    const operations = [];
    let holder;
    if (form.querySelector('input[name="holder-source"]:checked').value === 'new') {
      holder = value('holder-id');
      if (!KEBAB.test(holder)) throw new FormProblem(t('badNewId'), 'holder-id');
      if (known(holder)) throw new FormProblem(t('takenId', holder), 'holder-id');
      const en = value('holder-name-en');
      if (!en) throw new FormProblem(t('needNameEn'), 'holder-name-en');
      operations.push({
        addParty: { id: holder, kind: $('holder-kind').value.toUpperCase(), name: text(en, value('holder-name-zh')), nameInSource: false },
      });
    } else {
      holder = existingParty('holder-party');
    }
    if (holder === old) throw new FormProblem(t('sameHolder'), 'holder-party');
    const section = value('appoint-section');
    if (!section) throw new FormProblem(t('needSection'), 'appoint-section');
    const clause = value('appoint-text-en');
    if (!clause) throw new FormProblem(t('needClause'), 'appoint-text-en');
    const cite = [{ section, text: text(clause, value('appoint-text-zh')) }];
    const added = [{ addEdge: { from: holder, relation: SERVES_AS, to: role, cite } }];
    if (old !== 'appoint') {
      const ticked = [...$('move-edge-list').querySelectorAll('input[type="checkbox"]')].filter((b) => b.checked);
      const moved = ticked.map((b) => moveCandidates[Number(b.value)]);
      if (!moved.some((e) => e.relation === SERVES_AS && e.to.id === role)) {
        operations.push({ retireEdge: { from: old, relation: SERVES_AS, to: role } });
      }
      for (const edge of moved) {
        const from = edge.from.id === old ? holder : edge.from.id;
        const to = edge.to.id === old ? holder : edge.to.id;
        const scope = edge.scope ? { scope: edge.scope } : {};
        operations.push({ retireEdge: { from: edge.from.id, relation: edge.relation, to: edge.to.id, ...scope } });
        if (edge.relation === SERVES_AS && edge.to.id === role) continue; // added above, citing the appointment
        added.push({ addEdge: { from, relation: edge.relation, to, cite: edge.sources.map(citationOf), ...scope } });
      }
    }
    operations.push(...added);
    if (old !== 'appoint' && $('retire-old-holder').checked) operations.push({ retireParty: { id: old } });
    const { nameOf } = words();
    const holderName = form.querySelector('input[name="holder-source"]:checked').value === 'new' ? value('holder-name-en') || holder : nameOf(holder);
    const title = old === 'appoint' ? t('titleAppoint', holderName, nameOf(role)) : t('titleReplace', nameOf(old), holderName, nameOf(role));
    return { operations, title };
  }

  // --- edges and parties ----------------------------------------------------------------

  function addEdgeOperations() {
    const from = existingParty('edge-from');
    const to = existingParty('edge-to');
    const relation = $('edge-relation').value;
    const section = value('edge-section');
    if (!section) throw new FormProblem(t('needSection'), 'edge-section');
    const clause = value('edge-text-en');
    if (!clause) throw new FormProblem(t('needClause'), 'edge-text-en');
    const scope = value('edge-scope');
    const edge = { from, relation, to, cite: [{ section, text: text(clause, value('edge-text-zh')) }], ...(scope ? { scope } : {}) };
    const { nameOf, relationLabel } = words();
    return { operations: [{ addEdge: edge }], title: t('titleAddEdge', nameOf(from), relationLabel(relation), nameOf(to)) };
  }

  function edgesAt(id) {
    const { doc, index } = graph();
    return [...(index.out.get(id) || []), ...(index.into.get(id) || [])].map((i) => [i, doc.edges[i]]);
  }

  function listEdgesToRetire() {
    const select = $('retire-edge-which');
    const id = value('retire-edge-party');
    const chosen = select.value;
    const { nameOf, relationLabel } = words();
    if (!id || !known(id)) {
      select.replaceChildren(Object.assign(document.createElement('option'), { value: '', textContent: t('pickPartyFirst') }));
      return;
    }
    const edges = edgesAt(id);
    select.replaceChildren(
      ...(edges.length
        ? edges.map(([i, e]) => {
            const relation = `${relationLabel(e.relation)}${e.scope ? ` (${e.scope})` : ''}`;
            const label = `${nameOf(e.from)} — ${relation} → ${nameOf(e.to)} [${e.sections.join(', ')}]`;
            return Object.assign(document.createElement('option'), { value: String(i), textContent: label });
          })
        : [Object.assign(document.createElement('option'), { value: '', textContent: t('noEdgesOf') })]),
    );
    if (chosen && [...select.options].some((o) => o.value === chosen)) select.value = chosen;
  }

  function retireEdgeOperations() {
    existingParty('retire-edge-party');
    const chosen = $('retire-edge-which').value;
    if (chosen === '') throw new FormProblem(t('needEdge'), 'retire-edge-which');
    const edge = graph().doc.edges[Number(chosen)];
    const scope = edge.scope ? { scope: edge.scope } : {};
    const { nameOf, relationLabel } = words();
    return {
      operations: [{ retireEdge: { from: edge.from, relation: edge.relation, to: edge.to, ...scope } }],
      title: t('titleRetireEdge', nameOf(edge.from), relationLabel(edge.relation), nameOf(edge.to)),
    };
  }

  function retirePartyOperations() {
    const id = existingParty('retire-party-id');
    return { operations: [{ retireParty: { id } }], title: t('titleRetireParty', words().nameOf(id)) };
  }

  const BUILDERS = {
    appoint: appointOperations,
    'add-edge': addEdgeOperations,
    'retire-edge': retireEdgeOperations,
    'retire-party': retirePartyOperations,
  };

  // --- the form -------------------------------------------------------------------------

  function suggestTitle() {
    if (titleTouched || !act) return;
    try {
      $('draft-title-input').value = BUILDERS[act]().title;
    } catch {
      // not filled in enough yet to name it
    }
  }

  function changeSetInput() {
    const { operations, title: suggested } = BUILDERS[act]();
    const title = value('draft-title-input') || suggested;
    if (!title) throw new FormProblem(t('needTitle'), 'draft-title-input');
    const reason = value('draft-reason');
    if (!reason) throw new FormProblem(t('needReason'), 'draft-reason');
    const basis = {};
    for (const [key, field] of [['document', 'basis-document'], ['section', 'basis-section'], ['decision', 'basis-decision']]) {
      if (value(field)) basis[key] = value(field);
    }
    if (!(basis.document && basis.section) && !basis.decision) throw new FormProblem(t('needBasis'), basis.document ? 'basis-section' : 'basis-decision');
    const effective = value('draft-effective');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(effective)) throw new FormProblem(t('needEffective'), 'draft-effective');
    return { title, reason, basis, effective, operations };
  }

  function clearInvalid() {
    for (const field of form.querySelectorAll('[aria-invalid]')) {
      field.removeAttribute('aria-invalid');
      field.removeAttribute('aria-describedby');
    }
  }

  /** The field a problem is about: marked invalid, described by the words under the form
   * (read with the field when it takes focus), and focused. */
  function markInvalid(id) {
    const field = $(id);
    field.setAttribute('aria-invalid', 'true');
    field.setAttribute('aria-describedby', 'draft-error');
    field.focus();
  }

  /** Open the form for ``act``; ``prefill`` names fields to fill in (by element id). */
  function open(which, prefill = {}) {
    opener = document.activeElement;
    act = null;
    onShow('draft');
    form.reset();
    clearInvalid();
    titleTouched = false;
    form.dataset.act = which;
    for (const fieldset of form.querySelectorAll('fieldset[data-for]')) {
      const mine = fieldset.dataset.for === which;
      fieldset.hidden = !mine;
      fieldset.disabled = !mine;
    }
    $('draft-title').textContent = t(ACTS[which]);
    $('draft-error').textContent = '';
    $('draft-effective').value = today();
    $('basis-document').value = graph().doc.dataset.document || '';
    holderSource();
    fillOptions();
    act = which;
    for (const [id, filled] of Object.entries(prefill)) $(id).value = filled;
    if (which === 'appoint') showHolders();
    if (which === 'retire-edge') listEdgesToRetire();
    if (which === 'retire-party') countRetired();
    suggestTitle();
    form.hidden = false;
    $('draft-title').focus();
  }

  function close() {
    act = null;
    form.hidden = true;
  }

  function holderSource() {
    const fresh = form.querySelector('input[name="holder-source"]:checked').value === 'new';
    $('holder-new').hidden = !fresh;
    $('holder-existing').hidden = fresh;
  }

  function countRetired() {
    const id = value('retire-party-id');
    $('retire-party-note').textContent = id && known(id) ? t('retirePartyCount', edgesAt(id).length) : t('retirePartyHelp');
  }

  form.addEventListener('input', (event) => {
    if (event.target.id === 'draft-title-input') titleTouched = value('draft-title-input') !== '';
    if (event.target.id === 'retire-edge-party') listEdgesToRetire();
    if (event.target.id === 'retire-party-id') countRetired();
    suggestTitle();
  });
  form.addEventListener('change', (event) => {
    if (event.target.id === 'appoint-role') showHolders();
    if (event.target.name === 'appoint-mode') showMoves();
    if (event.target.name === 'holder-source') holderSource();
    suggestTitle();
  });
  // Cancelling gives the focus back to the button that opened the form, or to the act's
  // button in the change sets view when that one is gone from sight (the party's panel).
  $('draft-cancel').addEventListener('click', () => {
    const which = act;
    close();
    onShow('nothing');
    const back = opener instanceof HTMLButtonElement && opener.isConnected && opener.checkVisibility() ? opener : document.querySelector(`#draft-acts [data-act="${which}"]`);
    back?.focus();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearInvalid();
    const error = $('draft-error');
    let input;
    try {
      input = changeSetInput();
    } catch (problem) {
      if (!(problem instanceof FormProblem)) throw problem;
      error.textContent = problem.message;
      markInvalid(problem.field);
      return;
    }
    const submit = $('draft-submit');
    submit.disabled = true;
    error.textContent = t('drafting');
    try {
      const drafted = await draftAndPropose(input);
      error.textContent = '';
      close();
      await onDrafted(drafted.id);
    } catch (failure) {
      error.textContent = refusalWords(failure, t);
    } finally {
      submit.disabled = false;
    }
  });

  return { open, close, fillOptions };
}
