// Who is signed in, in this tab: the token, and the name and role the API gave for it.
//
// The token lives in this module's memory only: never in localStorage, sessionStorage, a
// cookie or the URL. Closing or reloading the tab signs out.

const ROLES = ['READER', 'EDITOR', 'APPROVER', 'ADMIN'];

let current = null;
const listeners = new Set();

/** The token to send as ``Authorization: Bearer``; null when signed out. */
export function bearer() {
  return current ? current.token : null;
}

/** Who is signed in ({ name, role }), or null. */
export function viewer() {
  return current ? { name: current.name, role: current.role } : null;
}

/** Whether the one signed in may do what ``role`` may (READER, EDITOR, APPROVER, ADMIN). */
export function may(role) {
  return Boolean(current) && ROLES.indexOf(current.role) >= ROLES.indexOf(role);
}

export function signIn(token, { name, role }) {
  current = { token, name, role };
  for (const listener of listeners) listener({ signedIn: true });
}

/** Forget the token; ``why`` (a sentence) says why when it was not the user's choice. */
export function signOut(why = null) {
  const was = current !== null;
  current = null;
  if (was || why) for (const listener of listeners) listener({ signedIn: false, why });
}

/** Call ``listener({ signedIn, why })`` whenever someone signs in or out. */
export function onSessionChange(listener) {
  listeners.add(listener);
}
