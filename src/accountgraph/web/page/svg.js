// SVG elements made in one call, for the chart, its legend, tooltips and diffs.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** A new SVG element ``name`` with ``attributes`` (those null or undefined left out). */
export function svgElement(name, attributes = {}) {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) element.setAttribute(key, String(value));
  }
  return element;
}
