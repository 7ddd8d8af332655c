#!/usr/bin/env node
// Lints Cypher files with Neo4j's own Cypher linter (@neo4j-cypher/language-support,
// lintCypherQuery), in the Cypher 5 dialect of Neo4j 5.
//
//   node tools/cypher-lint/lint.mjs cypher/*.cypher
//
// Each file declares the parameters its statements use, one comment line each:
//
//   // @param id "wipo-head-sscs"
//   // @param rows [{"id": "a"}]
//
// (the name, then an example value as JSON). The declared parameters go to the linter
// through DbSchema.parameters, so a `$name` that is not declared is the linter's own
// error ("Parameter $name is not defined."); a declaration that no statement uses, a
// malformed or repeated declaration, and a file with no statement are reported too.
//
// A file may hold several statements separated by `;`: the linter splits and lints them
// itself, and reports positions in the whole file.
//
// Prints a JSON array of diagnostics on stdout — {file, line, column, endLine, endColumn,
// severity, message}, lines and columns counted from 1 — and one `file:line:column:
// severity: message` line per diagnostic on stderr. Exit status: 0 when there is no
// diagnostic of any severity (warnings such as deprecations count), 1 when there is one,
// 2 on a usage error or an unreadable file.

import { readFileSync } from 'node:fs';
import process from 'node:process';

import {
  lintCypherQuery,
  parseParameters,
  parseStatementsStrs,
  testData,
} from '@neo4j-cypher/language-support';

// The linter knows Cypher 5 and Cypher 25; Neo4j 5 speaks Cypher 5.
const CYPHER_VERSION = 'CYPHER 5';

// Which functions and procedures exist: without them the linter checks neither names nor
// arities. The package carries a catalogue of a Neo4j server's functions and procedures
// (exported as testData.mockSchema, fixed by the exact version pinned in package.json).
// We keep what the neo4j:5-community image has: the built-in functions and the db.*,
// dbms.* and tx.* procedures — no APOC, no GDS, no enterprise-only CDC.
const catalogue = testData.mockSchema;
const FUNCTIONS = Object.fromEntries(
  Object.entries(catalogue.functions[CYPHER_VERSION]).filter(([, fn]) => fn.isBuiltIn),
);
const PROCEDURES = Object.fromEntries(
  Object.entries(catalogue.procedures[CYPHER_VERSION]).filter(([name]) =>
    /^(db|dbms|tx)\./.test(name),
  ),
);

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

// A declaration line: `// @param <name> <JSON>`. Anything else starting `// @param` is
// reported as malformed.
const PARAM_LINE = /^\s*\/\/\s*@param\b(.*)$/;
const PARAM_DECLARATION = /^\/\/ @param ([A-Za-z_][A-Za-z0-9_]*) (\S.*)$/;

function diagnostic(file, line, column, message, { endLine, endColumn, severity } = {}) {
  return {
    file,
    line,
    column,
    endLine: endLine ?? line,
    endColumn: endColumn ?? column,
    severity: severity ?? 'error',
    message,
  };
}

/** The `// @param` declarations of a file: {parameters, positions, diagnostics}. */
function readDeclarations(file, text) {
  const parameters = {};
  const positions = {};
  const diagnostics = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    if (!PARAM_LINE.test(raw)) return;
    const line = index + 1;
    const trimmed = raw.trim();
    const column = raw.indexOf('//') + 1;
    const match = PARAM_DECLARATION.exec(trimmed);
    if (!match) {
      diagnostics.push(
        diagnostic(
          file,
          line,
          column,
          `Malformed parameter declaration ${JSON.stringify(trimmed)}: ` +
            'expected `// @param <name> <example value as JSON>`.',
        ),
      );
      return;
    }
    const [, name, json] = match;
    let value;
    try {
      value = JSON.parse(json);
    } catch (error) {
      diagnostics.push(
        diagnostic(
          file,
          line,
          column,
          `Parameter $${name}: the example value is not JSON (${error.message}).`,
        ),
      );
      return;
    }
    if (Object.hasOwn(parameters, name)) {
      diagnostics.push(
        diagnostic(
          file,
          line,
          column,
          `Parameter $${name} is declared twice (first on line ${positions[name].line}).`,
        ),
      );
      return;
    }
    parameters[name] = value;
    positions[name] = { line, column: raw.indexOf('@param ') + '@param '.length + 1 };
  });
  return { parameters, positions, diagnostics };
}

/** Every diagnostic for one file's text. */
function lintText(file, text) {
  const { parameters, positions, diagnostics } = readDeclarations(file, text);
  const dbSchema = {
    parameters,
    defaultLanguage: CYPHER_VERSION,
    functions: { [CYPHER_VERSION]: FUNCTIONS },
    procedures: { [CYPHER_VERSION]: PROCEDURES },
  };
  // Console commands (`:param`, `:use`) are a Browser and cypher-shell feature, not Cypher
  // a driver can run: with them disabled the linter reports them.
  const options = { consoleCommandsEnabled: false };
  const result = lintCypherQuery(text, dbSchema, options);
  for (const found of result.diagnostics) {
    const { start, end } = found.range;
    const safe = [start.line, start.character, end.line, end.character].every((n) => n >= 0);
    diagnostics.push(
      diagnostic(file, safe ? start.line + 1 : 1, safe ? start.character + 1 : 1, found.message, {
        endLine: safe ? end.line + 1 : 1,
        endColumn: safe ? end.character + 1 : 1,
        severity: SEVERITY[found.severity] ?? 'error',
      }),
    );
  }
  // An empty or blank file passes the linter; for us it is a mistake. (A file of comments
  // alone, or a comment after the last `;`, is the linter's own error.)
  if (parseStatementsStrs(text).length === 0) {
    diagnostics.push(diagnostic(file, 1, 1, 'No Cypher statement in the file.'));
  }
  const used = new Set(parseParameters(text, false));
  for (const [name, position] of Object.entries(positions)) {
    if (!used.has(name)) {
      diagnostics.push(
        diagnostic(
          file,
          position.line,
          position.column,
          `Parameter $${name} is declared but no statement uses it.`,
          { endColumn: position.column + name.length },
        ),
      );
    }
  }
  return diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
}

function main(paths) {
  if (paths.length === 0) {
    process.stderr.write('usage: node lint.mjs FILE.cypher [FILE.cypher ...]\n');
    return 2;
  }
  const all = [];
  for (const path of paths) {
    let text;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      process.stderr.write(`${path}: cannot read: ${error.message}\n`);
      return 2;
    }
    all.push(...lintText(path, text));
  }
  process.stdout.write(JSON.stringify(all, null, 2) + '\n');
  for (const d of all) {
    process.stderr.write(`${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}\n`);
  }
  return all.length === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
