// A party's history in its side panel: each log entry that changed it, oldest first,
// with when, which change set, who drafted and who approved it, and what changed.

import { renderChanges } from './diff.js';

/** ``entries`` (Party.history) as list items; ``onOpen(id)`` opens a change set. */
export function renderHistory(list, entries, words, onOpen) {
  const { t } = words;
  if (!entries.length) {
    list.replaceChildren(Object.assign(document.createElement('li'), { className: 'muted', textContent: t('noHistory') }));
    return;
  }
  list.replaceChildren(
    ...entries.map((entry) => {
      const item = document.createElement('li');
      item.dataset.changeSet = entry.changeSet.id;
      const change = entry.changeSet;
      const when = document.createElement('p');
      when.className = 'history-when';
      const at = change.appliedAt ? change.appliedAt.slice(0, 16).replace('T', ' ') : '';
      when.textContent = `${t('historyWhen', at, entry.position)} · ${t('historyEffective', change.effective)}`;
      const open = document.createElement('button');
      open.type = 'button';
      open.className = 'link';
      open.textContent = change.title;
      open.title = change.id;
      open.addEventListener('click', () => onOpen(change.id));
      const title = document.createElement('p');
      title.append(open, ` (${change.id})`);
      const who = document.createElement('p');
      who.className = 'muted';
      who.textContent = t('historyWho', change.author, change.approver ?? '—');
      item.append(when, title, who, renderChanges(entry.changes, words, { legend: false, diagram: false }));
      return item;
    }),
  );
}
