// The chart as a file, as the page shows it (language, hidden relations, highlights):
// an SVG document written as text, and a PNG drawn on a canvas. The canvas is drawn with
// the same outlines and curves (Path2D reads SVG path data), not by loading the SVG as an
// image, so no data: or blob: image is needed and the page's CSP holds.

import { ARROWHEAD, curvePath, edgeKey, wrapLabel } from './geometry.js';

const MARGIN = 40;
const HEADER = 56;
const LEGEND_WIDTH = 270;
const ROW = 22;
const TEXT = '#1d2733';
const FONT = "system-ui, 'Segoe UI', 'Noto Sans', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif";
const PNG_MAX_SIDE = 16384;
const PNG_MAX_AREA = 64e6;

function escapeXml(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}

/** What the picture holds: the graph as shown, its size, and what the legend lists. */
function scene(view, title) {
  const { doc } = view;
  const lang = view.lang;
  const highlighting = view.highlight.nodes.size > 0;
  const edges = [];
  doc.edges.forEach((edge, index) => {
    const curve = view.curves[index];
    if (!curve || view.hidden.has(edge.relation)) return;
    edges.push({ edge, curve, style: doc.relations[edge.relation], lit: view.highlight.edges.has(edgeKey(edge)) });
  });
  const nodes = doc.nodes.map((node) => ({
    node,
    style: doc.kinds[node.kind],
    lines: wrapLabel(node.name[lang] || node.name.en || node.id),
    lit: view.highlight.nodes.has(node.id),
    selected: view.selected === node.id,
  }));
  const kinds = Object.keys(doc.kinds).filter((k) => doc.nodes.some((n) => n.kind === k));
  const relations = Object.keys(doc.relations).filter(
    (r) => !view.hidden.has(r) && doc.edges.some((e) => e.relation === r),
  );
  const b = doc.bounds;
  const legendHeight = (kinds.length + relations.length + 3) * ROW;
  const width = Math.ceil(b.width + 3 * MARGIN + LEGEND_WIDTH);
  const height = Math.ceil(HEADER + 2 * MARGIN + Math.max(b.height, legendHeight));
  return {
    doc, lang, title, highlighting, edges, nodes, kinds, relations, width, height, byId: view.nodesById,
    dx: MARGIN - b.x, dy: HEADER + MARGIN - b.y, legendX: b.width + 2 * MARGIN, legendY: HEADER + MARGIN,
  };
}

/** What an edge is, as a viewer's tooltip says it: relation, parties, clauses. */
function edgeTitle(s, edge, style) {
  const name = (id) => {
    const node = s.byId.get(id);
    return node ? node.name[s.lang] || node.name.en || id : id;
  };
  const scope = edge.scope ? ` [${edge.scope}]` : '';
  return `${style.label[s.lang] ?? edge.relation}${scope}: ${name(edge.from)} → ${name(edge.to)} (${edge.sections.join(', ')})`;
}

function faded(s, lit) {
  return s.highlighting && !lit ? 0.22 : 1;
}

// --- SVG ------------------------------------------------------------------------------

export function chartSvg(view, title) {
  const s = scene(view, title);
  const zh = s.lang === 'zh';
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${s.width}" height="${s.height}" viewBox="0 0 ${s.width} ${s.height}" font-family="${escapeXml(FONT)}" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    '<defs>',
    ...s.relations.map(
      (r) => `<marker id="arrow-${r}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="${ARROWHEAD}" markerHeight="${ARROWHEAD}" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0L10,5L0,10Z" fill="${s.doc.relations[r].colour}"/></marker>`,
    ),
    '</defs>',
    `<rect width="${s.width}" height="${s.height}" fill="#ffffff"/>`,
    `<text x="${MARGIN}" y="36" font-size="18" font-weight="600" fill="${TEXT}">${escapeXml(title)}</text>`,
    `<g transform="translate(${s.dx},${s.dy})">`,
    '<g fill="none">',
  ];
  for (const { edge, curve, style, lit } of s.edges) {
    const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : '';
    const width = lit ? style.width + 1.6 : style.width;
    out.push(
      `<path d="${curvePath(curve)}" stroke="${style.colour}" stroke-width="${width}"${dash} opacity="${faded(s, lit)}" marker-end="url(#arrow-${edge.relation})"><title>${escapeXml(edgeTitle(s, edge, style))}</title></path>`,
    );
  }
  out.push('</g>');
  for (const { node, style, lines, lit, selected } of s.nodes) {
    const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : '';
    const strokeWidth = selected ? 4 : lit ? style.stroke_width + 1.5 : style.stroke_width;
    const first = -(lines.length - 1) * 7 + 4;
    const spans = lines.map((line, i) => `<tspan x="0" y="${first + 14 * i}">${escapeXml(line)}</tspan>`).join('');
    out.push(
      `<g transform="translate(${node.x},${node.y})" opacity="${faded(s, lit)}"><title>${escapeXml(node.id)}</title>` +
        `<path d="${style.shape}" fill="${style.fill}" stroke="${style.stroke}" stroke-width="${strokeWidth}"${dash}/>` +
        `<text text-anchor="middle" fill="${TEXT}">${spans}</text></g>`,
    );
  }
  out.push('</g>');
  out.push(`<g transform="translate(${s.legendX},${s.legendY})" fill="${TEXT}">`);
  let row = 0;
  out.push(`<text y="${row}" font-weight="600">${zh ? '参与方' : 'Parties'}</text>`);
  row += ROW;
  for (const kind of s.kinds) {
    const style = s.doc.kinds[kind];
    const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : '';
    out.push(
      `<path transform="translate(22,${row - 4}) scale(0.2)" d="${style.shape}" fill="${style.fill}" stroke="${style.stroke}" stroke-width="${style.stroke_width}"${dash}/>`,
      `<text x="50" y="${row}">${escapeXml(style.label[zh ? 'zh' : 'en'])}</text>`,
    );
    row += ROW;
  }
  row += ROW / 2;
  out.push(`<text y="${row}" font-weight="600">${zh ? '关系' : 'Relations'}</text>`);
  row += ROW;
  for (const relation of s.relations) {
    const style = s.doc.relations[relation];
    const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : '';
    out.push(
      `<path d="M4,${row - 4}H40" stroke="${style.colour}" stroke-width="${style.width}"${dash} marker-end="url(#arrow-${relation})"/>`,
      `<text x="50" y="${row}">${escapeXml(style.label[zh ? 'zh' : 'en'])}</text>`,
    );
    row += ROW;
  }
  out.push('</g>', '</svg>');
  return `${out.join('\n')}\n`;
}

// --- PNG ------------------------------------------------------------------------------

function arrowhead(ctx, x, y, fromX, fromY, colour) {
  const angle = Math.atan2(y - fromY, x - fromX);
  ctx.save();
  ctx.translate(x, y);
  ctx.rotate(angle);
  ctx.beginPath();
  ctx.moveTo(0, 0);
  ctx.lineTo(-ARROWHEAD, -ARROWHEAD / 2);
  ctx.lineTo(-ARROWHEAD, ARROWHEAD / 2);
  ctx.closePath();
  ctx.fillStyle = colour;
  ctx.fill();
  ctx.restore();
}

function dashOf(style) {
  return style.dash ? style.dash.split(' ').map(Number) : [];
}

/** The chart drawn on a canvas, as a PNG blob (at twice its size when that fits). */
export function chartPng(view, title) {
  const s = scene(view, title);
  const scale = Math.min(2, PNG_MAX_SIDE / s.width, PNG_MAX_SIDE / s.height, Math.sqrt(PNG_MAX_AREA / (s.width * s.height)));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(s.width * scale));
  canvas.height = Math.max(1, Math.round(s.height * scale));
  const ctx = canvas.getContext('2d');
  ctx.scale(scale, scale);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, s.width, s.height);
  ctx.fillStyle = TEXT;
  ctx.font = `600 18px ${FONT}`;
  ctx.textBaseline = 'alphabetic';
  ctx.fillText(title, MARGIN, 36);
  ctx.save();
  ctx.translate(s.dx, s.dy);
  for (const { curve, style, lit } of s.edges) {
    ctx.globalAlpha = faded(s, lit);
    ctx.strokeStyle = style.colour;
    ctx.lineWidth = lit ? style.width + 1.6 : style.width;
    ctx.setLineDash(dashOf(style));
    ctx.stroke(new Path2D(curvePath(curve)));
    ctx.setLineDash([]);
    arrowhead(ctx, curve[4], curve[5], curve[2], curve[3], style.colour);
  }
  ctx.font = `12px ${FONT}`;
  ctx.textAlign = 'center';
  for (const { node, style, lines, lit, selected } of s.nodes) {
    ctx.globalAlpha = faded(s, lit);
    ctx.save();
    ctx.translate(node.x, node.y);
    const shape = new Path2D(style.shape);
    ctx.fillStyle = style.fill;
    ctx.fill(shape);
    ctx.strokeStyle = style.stroke;
    ctx.lineWidth = selected ? 4 : lit ? style.stroke_width + 1.5 : style.stroke_width;
    ctx.setLineDash(dashOf(style));
    ctx.stroke(shape);
    ctx.setLineDash([]);
    ctx.fillStyle = TEXT;
    const first = -(lines.length - 1) * 7 + 4;
    lines.forEach((line, i) => ctx.fillText(line, 0, first + 14 * i));
    ctx.restore();
  }
  ctx.restore();
  ctx.globalAlpha = 1;
  drawLegend(ctx, s);
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the canvas gave no PNG'))), 'image/png');
  });
}

function drawLegend(ctx, s) {
  const zh = s.lang === 'zh';
  ctx.save();
  ctx.translate(s.legendX, s.legendY);
  ctx.textAlign = 'left';
  ctx.fillStyle = TEXT;
  let row = 0;
  ctx.font = `600 12px ${FONT}`;
  ctx.fillText(zh ? '参与方' : 'Parties', 0, row);
  row += ROW;
  ctx.font = `12px ${FONT}`;
  for (const kind of s.kinds) {
    const style = s.doc.kinds[kind];
    ctx.save();
    ctx.translate(22, row - 4);
    ctx.scale(0.2, 0.2);
    const shape = new Path2D(style.shape);
    ctx.fillStyle = style.fill;
    ctx.fill(shape);
    ctx.strokeStyle = style.stroke;
    ctx.lineWidth = style.stroke_width * 5;
    ctx.stroke(shape);
    ctx.restore();
    ctx.fillText(style.label[zh ? 'zh' : 'en'], 50, row);
    row += ROW;
  }
  row += ROW / 2;
  ctx.font = `600 12px ${FONT}`;
  ctx.fillText(zh ? '关系' : 'Relations', 0, row);
  row += ROW;
  ctx.font = `12px ${FONT}`;
  for (const relation of s.relations) {
    const style = s.doc.relations[relation];
    ctx.strokeStyle = style.colour;
    ctx.lineWidth = style.width;
    ctx.setLineDash(dashOf(style));
    ctx.beginPath();
    ctx.moveTo(4, row - 4);
    ctx.lineTo(40, row - 4);
    ctx.stroke();
    ctx.setLineDash([]);
    arrowhead(ctx, 40, row - 4, 4, row - 4, style.colour);
    ctx.fillStyle = TEXT;
    ctx.fillText(style.label[zh ? 'zh' : 'en'], 50, row);
    row += ROW;
  }
  ctx.restore();
}

/** Offer ``blob`` as a download named ``filename``. */
export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
