// Change sets, as the page asks the API for them: who a token is, what is pending, one
// change set with what it would change, drafting and deciding, a party's history.
// Nothing here decides anything: the server checks roles, four eyes, conflicts and the
// rule book, and its refusals are told in words by refusalWords().

import { graphql } from './api.js';

const RECORD_FIELDS = `
  parties { change before { id name(lang: $lang) } after { id kind name(lang: $lang) validFrom validTo } }
  edges {
    change
    before { from relation to scope validFrom validTo }
    after { from relation to scope validFrom validTo sources { section } }
  }
  duties { change after { holder code text(lang: $lang) validFrom validTo } }`;

const CHANGE_SET_FIELDS = `
  id title reason author status effective createdAt proposedAt decidedBy decidedAt
  decisionReason approver appliedAt logPosition draftedOn partyIds operations
  basis { document section decision }`;

/** Whether the server keeps change sets (a store that can be changed): its log head. */
export async function logHead() {
  const data = await graphql('{ logHead { position hash } }', {});
  return data.logHead;
}

/** Who ``token`` stands for ({ name, role }); the ApiError of a 401 when it is refused. */
export async function whoIs(token) {
  const data = await graphql('{ viewer { name role } }', {}, { token });
  return data.viewer;
}

/** The proposed change sets, and the drafts of ``author`` (newest first). */
export async function pendingChangeSets(author) {
  const data = await graphql(
    `query {
      proposed: changeSets(status: PROPOSED, first: 100) { edges { node { id title author status effective proposedAt createdAt } } }
      drafts: changeSets(status: DRAFT, first: 100) { edges { node { id title author status effective proposedAt createdAt } } }
    }`,
    {},
  );
  const drafts = data.drafts.edges.map((e) => e.node).filter((c) => c.author === author);
  return [...drafts, ...data.proposed.edges.map((e) => e.node)];
}

/** One change set, with what it did or would do to the graph. */
export async function changeSetDetails(id, lang) {
  const data = await graphql(
    `query ($id: ID!, $lang: Lang) {
      changeSet(id: $id) {
        ${CHANGE_SET_FIELDS}
        diff { applied log { position hash } refusal { message rule parties operation } changes { ${RECORD_FIELDS} } }
      }
    }`,
    { id, lang: lang.toUpperCase() },
  );
  return data.changeSet;
}

/** Draft ``input`` (a ChangeSetInput) and propose it at once. */
export async function draftAndPropose(input) {
  const data = await graphql(
    `mutation ($input: ChangeSetInput!) { draftChangeSet(input: $input, propose: true) { id status } }`,
    { input },
  );
  return data.draftChangeSet;
}

export async function approve(id) {
  const data = await graphql('mutation ($id: ID!) { approveChangeSet(id: $id) { id status logPosition } }', { id });
  return data.approveChangeSet;
}

export async function reject(id, reason) {
  const data = await graphql(
    'mutation ($id: ID!, $reason: String!) { rejectChangeSet(id: $id, reason: $reason) { id status } }',
    { id, reason },
  );
  return data.rejectChangeSet;
}

export async function propose(id) {
  const data = await graphql('mutation ($id: ID!) { proposeChangeSet(id: $id) { id status } }', { id });
  return data.proposeChangeSet;
}

export async function withdraw(id) {
  const data = await graphql('mutation ($id: ID!) { withdrawChangeSet(id: $id) { id status } }', { id });
  return data.withdrawChangeSet;
}

/** A party's edges either way on ``day`` (null: today), each with its clauses in both
 * languages: what a replaced holder's edges are re-added with. */
export async function partyEdges(id, day) {
  const data = await graphql(
    `query ($id: ID!, $asOf: Date) {
      party(id: $id, asOf: $asOf) {
        edges(direction: BOTH) {
          relation scope from { id } to { id }
          sources { document section en: text(lang: EN) zh: text(lang: ZH) }
        }
      }
    }`,
    { id, asOf: day },
  );
  return data.party ? data.party.edges : [];
}

/** The log entries that changed a party, oldest first. */
export async function partyHistory(id, lang, day) {
  const data = await graphql(
    `query ($id: ID!, $lang: Lang, $asOf: Date) {
      party(id: $id, asOf: $asOf) {
        history {
          position hash
          changeSet { id title author approver appliedAt effective reason basis { document section decision } }
          changes { ${RECORD_FIELDS} }
        }
      }
    }`,
    { id, lang: lang.toUpperCase(), asOf: day },
  );
  return data.party ? data.party.history : [];
}

/**
 * What an API error means, in words: the server's message, and for a refused change set
 * the rule, the parties and the operation concerned (``t`` gives the page's words).
 */
export function refusalWords(error, t) {
  const first = error.errors?.[0];
  const extensions = first?.extensions || {};
  const parts = [error.message];
  if (extensions.code === 'CHANGE_REFUSED' && extensions.rule) {
    const where = [];
    if (extensions.parties?.length) where.push(t('refusalParties', extensions.parties.join(', ')));
    if (Number.isInteger(extensions.operation)) where.push(t('refusalOperation', extensions.operation + 1));
    return `${t('refusedByRule', extensions.rule)} ${parts.join(' ')}${where.length ? ` (${where.join('; ')})` : ''}`;
  }
  if (extensions.code === 'FORBIDDEN') return `${t('forbidden')} ${parts.join(' ')}`;
  if (extensions.code === 'UNAUTHENTICATED' && error.status !== 401) return `${t('needSignIn')} ${parts.join(' ')}`;
  return parts.join(' ');
}
