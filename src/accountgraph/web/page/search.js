// The search box: a combobox over every party's id, aliases and names (any language),
// picked with the mouse or the arrow keys and Enter.

const MAX_RESULTS = 20;

/**
 * ``graph()`` gives the parties now drawn and their search texts (lower case);
 * ``onChoose(id)`` is told the party picked.
 */
export function setupSearch({ input, list, status, graph, nameOf, onChoose, t }) {
  let active = -1;
  let results = [];
  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const mark = () => {
    [...list.children].forEach((item, i) => item.setAttribute('aria-selected', String(i === active)));
    if (active >= 0) input.setAttribute('aria-activedescendant', `result-${active}`);
  };
  const choose = (id) => {
    close();
    input.value = '';
    onChoose(id);
  };
  input.addEventListener('input', () => {
    const needle = input.value.trim().toLocaleLowerCase();
    if (!needle) {
      close();
      return;
    }
    const { nodes, haystacks } = graph();
    results = [];
    for (let i = 0; i < nodes.length && results.length < MAX_RESULTS; i += 1) {
      if (haystacks[i].includes(needle)) results.push(nodes[i].id);
    }
    list.replaceChildren(
      ...results.map((id, i) => {
        const item = document.createElement('li');
        item.id = `result-${i}`;
        item.setAttribute('role', 'option');
        item.dataset.id = id;
        const name = document.createElement('span');
        name.textContent = nameOf(id);
        const small = document.createElement('small');
        small.textContent = id;
        item.append(name, small);
        return item;
      }),
    );
    if (!results.length) list.append(Object.assign(document.createElement('li'), { textContent: t('noMatch'), className: 'empty' }));
    active = results.length ? 0 : -1;
    mark();
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    status.textContent = t('matches', results.length);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' && results.length) {
      active = (active + 1) % results.length;
      mark();
      event.preventDefault();
    } else if (event.key === 'ArrowUp' && results.length) {
      active = (active - 1 + results.length) % results.length;
      mark();
      event.preventDefault();
    } else if (event.key === 'Enter' && active >= 0 && !list.hidden) {
      choose(results[active]);
      event.preventDefault();
    } else if (event.key === 'Escape') {
      close();
    }
  });
  list.addEventListener('pointerdown', (event) => {
    const item = event.target.closest('[data-id]');
    if (item) {
      event.preventDefault();
      choose(item.dataset.id);
    }
  });
  // Closing waits so that a click on an option lands first; coming back to the box
  // before then (a quick click elsewhere and back) keeps the list it opens.
  let closing = 0;
  input.addEventListener('blur', () => {
    closing = setTimeout(close, 150);
  });
  input.addEventListener('focus', () => clearTimeout(closing));
}
