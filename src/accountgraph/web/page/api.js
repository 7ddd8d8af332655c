// The GraphQL API at /graphql, as the page asks it: a party's duties, accountability
// chains and the paths of a trace.

import { edgeKey } from './geometry.js';

export async function graphql(query, variables) {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join(' '));
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return body.data;
}

/** Whether the API's path queries take asOf (asked once, when a day is drawn). */
let asOfArgument = null;

async function takesAsOf() {
  if (asOfArgument === null) {
    try {
      const data = await graphql('{ __type(name: "Query") { fields { name args { name } } } }', {});
      const field = data.__type.fields.find((f) => f.name === 'accountabilityChains');
      asOfArgument = Boolean(field?.args.some((a) => a.name === 'asOf'));
    } catch {
      asOfArgument = false;
    }
  }
  return asOfArgument;
}

const PATH_FIELDS = 'nodes { id } edges { relation scope from { id } to { id } }';

/** Paths from a GraphQL answer, keeping only those the drawn graph holds whole. */
function drawnPaths(paths, { byId, edgeKeys }) {
  return paths.filter(
    (path) => path.nodes.every((n) => byId.has(n.id)) && path.edges.every((e) => edgeKeys.has(pathEdgeKey(e))),
  );
}

function pathEdgeKey(e) {
  return edgeKey({ from: e.from.id, to: e.to.id, relation: e.relation, scope: e.scope });
}

/**
 * The paths a path query of the API answers (``field`` with ``args`` declared as
 * ``types``), for the day drawn when the API takes one; only those the drawn graph holds
 * whole are kept, and ``trimmed`` says some were dropped.
 */
export async function askPaths(field, args, types, drawn) {
  const { day } = drawn;
  const withDay = day && (await takesAsOf());
  const declared = [...types, ...(withDay ? ['$asOf: Date'] : [])].join(', ');
  const passed = [...Object.keys(args).map((k) => `${k}: $${k}`), ...(withDay ? ['asOf: $asOf'] : [])].join(', ');
  const data = await graphql(`query (${declared}) { result: ${field}(${passed}) { ${PATH_FIELDS} } }`, {
    ...args,
    ...(withDay ? { asOf: day } : {}),
  });
  const all = data.result;
  const kept = drawnPaths(all, drawn);
  return { paths: kept, trimmed: kept.length < all.length && !withDay };
}

/** The parties and edges (by key) of some paths, to highlight. */
export function highlightOf(paths) {
  const nodes = new Set();
  const edges = new Set();
  for (const path of paths) {
    path.nodes.forEach((n) => nodes.add(n.id));
    path.edges.forEach((e) => edges.add(pathEdgeKey(e)));
  }
  return { nodes: [...nodes], edges: [...edges] };
}
