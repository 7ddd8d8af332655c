// The change sets view: what is pending (proposed change sets, and your own drafts), one
// change set opened with its basis, its operations and a drawn diff of what it would
// change, and the buttons to decide it. What the server refuses is said next to them.

import { renderChanges } from './diff.js';
import { factList } from './facts.js';
import {
  approve,
  changeSetDetails,
  pendingChangeSets,
  propose,
  refusalWords,
  reject,
  withdraw,
} from './governance.js';
import { may, viewer } from './session.js';

const $ = (id) => document.getElementById(id);

export function utcMinute(stamp) {
  return stamp ? `${stamp.slice(0, 16).replace('T', ' ')} UTC` : '';
}

function basisText(basis) {
  const cited = [basis.document, basis.section].filter(Boolean).join(' ');
  return [cited, basis.decision].filter(Boolean).join(' · ');
}

function operationLine(operation) {
  const item = document.createElement('li');
  const name = document.createElement('code');
  name.className = 'op';
  name.textContent = operation.op;
  const rest = { ...operation };
  delete rest.op;
  const body = document.createElement('code');
  body.className = 'op-body';
  body.textContent = JSON.stringify(rest);
  item.append(name, ' ', body);
  return item;
}

/**
 * ``words()`` gives the names and labels a diff needs ({ t, nameOf, relationLabel,
 * kindLabel }); ``lang()`` the page's language; ``graphChanged()`` reloads the chart
 * after a change set is applied; ``onShow()`` is told when a change set or a form takes
 * the detail pane (the drafting form hides itself then).
 */
export function setupChanges({ words, lang, graphChanged, onShow }) {
  let openId = null;
  let opened = null;
  let requests = 0;
  const t = (...args) => words().t(...args);

  async function refresh() {
    const list = $('pending-list');
    list.dataset.state = 'loading';
    list.setAttribute('aria-busy', 'true');
    let found;
    try {
      found = await pendingChangeSets(viewer()?.name ?? null);
    } catch (error) {
      list.replaceChildren(Object.assign(document.createElement('li'), { className: 'error', textContent: error.message }));
      list.dataset.state = 'error';
      list.removeAttribute('aria-busy');
      return;
    }
    list.replaceChildren(
      ...found.map((change) => {
        const item = document.createElement('li');
        item.dataset.id = change.id;
        item.dataset.status = change.status;
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'pending-item';
        if (change.id === openId) button.setAttribute('aria-current', 'true');
        const title = document.createElement('strong');
        title.textContent = change.title;
        const about = document.createElement('small');
        const mine = change.status === 'DRAFT' ? ` · ${t('yourDraft')}` : '';
        about.textContent = `${change.id} · ${t('by', change.author)} · ${t('takesEffect', change.effective)}${mine}`;
        button.append(title, about);
        button.addEventListener('click', () => open(change.id));
        item.append(button);
        return item;
      }),
    );
    if (!found.length) list.append(Object.assign(document.createElement('li'), { className: 'muted', textContent: t('noPending') }));
    list.dataset.state = 'ready';
    list.removeAttribute('aria-busy');
  }

  function statusLine(change) {
    switch (change.status) {
      case 'APPLIED':
        return t('statusAPPLIED', change.logPosition, change.approver, utcMinute(change.appliedAt));
      case 'REJECTED':
        return t('statusREJECTED', change.decidedBy, change.decisionReason ?? '');
      case 'WITHDRAWN':
        return t('statusWITHDRAWN', change.decidedBy);
      default:
        return t(`status${change.status}`);
    }
  }

  function showButtons(change) {
    const who = viewer();
    const own = Boolean(who) && who.name === change.author;
    const proposed = change.status === 'PROPOSED';
    $('approve').hidden = !(proposed && may('APPROVER'));
    $('reject').hidden = !(proposed && may('APPROVER'));
    $('propose').hidden = !(change.status === 'DRAFT' && own && may('EDITOR'));
    $('withdraw').hidden = !(['DRAFT', 'PROPOSED'].includes(change.status) && may('EDITOR') && (own || may('ADMIN')));
    $('decide-note').textContent = proposed && own && may('APPROVER') ? t('ownChangeSet') : '';
  }

  /** Open change set ``id`` in the detail pane; ``keep`` keeps the last decision's words. */
  async function open(id, { keep = false, focus = true } = {}) {
    openId = id;
    onShow('change-set');
    const article = $('change-set');
    $('change-empty').hidden = true;
    article.hidden = false;
    article.dataset.state = 'loading';
    article.dataset.id = id;
    if (!keep) {
      $('decide-error').textContent = '';
      $('decide-done').textContent = '';
    }
    for (const button of document.querySelectorAll('#pending-list .pending-item')) {
      if (button.parentElement.dataset.id === id) button.setAttribute('aria-current', 'true');
      else button.removeAttribute('aria-current');
    }
    const mine = ++requests;
    let change;
    try {
      change = await changeSetDetails(id, lang());
    } catch (error) {
      if (mine !== requests) return;
      $('change-set-title').textContent = id;
      $('change-set-status').textContent = error.message;
      $('change-set-facts').replaceChildren();
      $('change-set-diff').replaceChildren();
      $('change-set-operations').replaceChildren();
      for (const button of ['approve', 'reject', 'propose', 'withdraw']) $(button).hidden = true;
      article.dataset.state = 'error';
      return;
    }
    if (mine !== requests) return;
    opened = change;
    article.dataset.status = change.status;
    $('change-set-title').textContent = change.title;
    $('change-set-status').textContent = statusLine(change);
    const fact = factList($('change-set-facts'));
    fact(t('factId'), change.id);
    fact(t('factAuthor'), change.author);
    fact(t('factReason'), change.reason);
    fact(t('factBasis'), basisText(change.basis));
    fact(t('factEffective'), change.effective);
    fact(t('factCreated'), utcMinute(change.createdAt));
    fact(t('factProposed'), utcMinute(change.proposedAt));
    const diff = $('change-set-diff');
    const { applied, log, refusal, changes } = change.diff;
    const note = document.createElement('p');
    note.className = 'muted';
    note.textContent = applied ? t('appliedNote', log.position) : t('previewNote', log.position);
    diff.replaceChildren(note);
    if (refusal) {
      const refused = document.createElement('p');
      refused.className = 'error';
      refused.textContent = `${t('wouldBeRefused')} ${refusal.message} (${refusal.rule})`;
      diff.append(refused);
    }
    diff.append(renderChanges(changes, words()));
    $('change-set-operations').replaceChildren(...change.operations.map(operationLine));
    showButtons(change);
    article.dataset.state = 'ready';
    if (focus) article.focus();
  }

  async function decide(act, done) {
    const id = openId;
    const error = $('decide-error');
    error.textContent = '';
    $('decide-done').textContent = '';
    const buttons = ['approve', 'reject', 'propose', 'withdraw'].map($);
    buttons.forEach((b) => (b.disabled = true));
    try {
      const result = await act(id);
      if (result.status === 'APPLIED') await graphChanged();
      await Promise.all([refresh(), open(id, { keep: true, focus: false })]);
      $('decide-done').textContent = done(result);
      return true;
    } catch (failure) {
      error.textContent = refusalWords(failure, t);
      return false;
    } finally {
      buttons.forEach((b) => (b.disabled = false));
    }
  }

  $('approve').addEventListener('click', async () => {
    const ok = await decide(approve, (r) => t('approved', r.logPosition));
    (ok ? $('change-set') : $('approve')).focus();
  });
  // A decision hides the button pressed: the focus goes to the change set, as it stood.
  $('propose').addEventListener('click', async () => {
    const ok = await decide(propose, () => t('proposedNow'));
    (ok ? $('change-set') : $('propose')).focus();
  });
  $('withdraw').addEventListener('click', async () => {
    const ok = await decide(withdraw, () => t('withdrawn'));
    (ok ? $('change-set') : $('withdraw')).focus();
  });

  const rejectDialog = $('reject-dialog');
  $('reject').addEventListener('click', () => {
    $('reject-reason').value = '';
    $('reject-reason').removeAttribute('aria-invalid');
    $('reject-error').textContent = '';
    rejectDialog.showModal();
    $('reject-reason').focus();
  });
  $('reject-cancel').addEventListener('click', () => rejectDialog.close());
  rejectDialog.addEventListener('close', () => {
    if (!$('reject').hidden) $('reject').focus();
  });
  $('reject-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const reason = $('reject-reason').value.trim();
    if (!reason) {
      // The reason's field is described by these words (aria-describedby, page.html).
      $('reject-error').textContent = t('needRejectReason');
      $('reject-reason').setAttribute('aria-invalid', 'true');
      $('reject-reason').focus();
      return;
    }
    rejectDialog.close();
    const ok = await decide((id) => reject(id, reason), () => t('rejected'));
    (ok ? $('change-set') : $('reject')).focus();
  });
  // Refreshing by hand says what it found (the list changes silently otherwise).
  $('pending-refresh').addEventListener('click', async () => {
    const count = $('pending-count');
    count.textContent = '';
    await refresh();
    const list = $('pending-list');
    count.textContent = list.dataset.state === 'ready' ? t('pendingCount', list.querySelectorAll('.pending-item').length) : list.textContent;
  });

  return {
    refresh,
    open,
    /** The detail pane was taken by something else (the drafting form). */
    leave() {
      openId = null;
      requests += 1;
      $('change-set').hidden = true;
      $('change-set').dataset.state = 'idle';
      $('decide-error').textContent = '';
      $('decide-done').textContent = '';
      for (const button of document.querySelectorAll('#pending-list [aria-current]')) button.removeAttribute('aria-current');
    },
    /** Show again in the page's language, and for whoever is signed in now. */
    retext() {
      if (openId && opened) open(openId, { keep: true, focus: false });
    },
  };
}
