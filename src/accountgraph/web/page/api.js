// The GraphQL API at /graphql, as the page asks it: a party's duties, accountability
// chains and the paths of a trace; change sets, for whoever is signed in.

import { edgeKey } from './geometry.js';
import { bearer, signOut } from './session.js';

/** An answer the API gave with errors: ``errors`` as it sent them (each with its
 * ``extensions``: code, and rule for a refused change), ``status`` its HTTP status. */
export class ApiError extends Error {
  constructor(message, { status, errors = [] }) {
    super(message);
    this.status = status;
    this.errors = errors;
  }
}

/** What a 401 says, in words for people. */
export function refusedTokenMessage(detail) {
  return `The server refused the token (401 Unauthorized): ${detail}. You are signed out.`;
}

/**
 * Ask the API. The signed-in token goes with it (``token`` sends another: the one being
 * signed in with). A 401 to the signed-in token signs out, saying why.
 */
export async function graphql(query, variables, { token = bearer() } = {}) {
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch('/graphql', {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`HTTP ${response.status}`, { status: response.status });
  }
  const errors = body.errors || [];
  const message = errors.map((e) => e.message).join(' ') || `HTTP ${response.status}`;
  if (response.status === 401) {
    const error = new ApiError(refusedTokenMessage(message), { status: 401, errors });
    if (token && token === bearer()) signOut(error.message);
    throw error;
  }
  if (errors.length) throw new ApiError(message, { status: response.status, errors });
  if (!response.ok) throw new ApiError(`HTTP ${response.status}`, { status: response.status });
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
