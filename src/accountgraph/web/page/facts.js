// A description list of facts (a term and its value), as the side panel and a change set show.

/** Empty the ``<dl>`` ``list``; the function returned adds a term and its value to it (a
 * value that is empty or missing adds nothing). */
export function factList(list) {
  list.replaceChildren();
  return (term, value) => {
    if (!value) return;
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    dd.textContent = value;
    list.append(dt, dd);
  };
}
