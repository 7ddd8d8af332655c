// The accountgraph GraphQL console: a query editor, a result pane and a schema explorer.
// Plain ES2020, no dependencies, no build step, no network access beyond this server:
// it posts queries to its own URL and works under `Content-Security-Policy: default-src 'self'`.
"use strict";

(() => {
  // ------------------------------------------------------------------ constants

  const STORAGE = {
    query: "accountgraph.console.query",
    variables: "accountgraph.console.variables",
    explorer: "accountgraph.console.explorer",
  };

  const EXAMPLES = [
    {
      label: "Accountability chains of the Head of SSCS",
      query:
        '{ accountabilityChains(id: "wipo-head-sscs") { length nodes { id name } edges { relation from { id } to { id } source { section } } } }',
    },
    {
      label: "Chief Security Adviser, Switzerland: reporting line and edges",
      query:
        '{ party(id: "csa-switzerland") { name reportsTo { id name } edges(direction: OUT) { relation to { name } source { section text(lang: EN) } } } }',
    },
    {
      label: "Bodies, names in Chinese, first page",
      query:
        '{ parties(kind: BODY, first: 10) { edges { node { id name(lang: ZH) } } pageInfo { hasNextPage endCursor } } }',
    },
  ];

  const WELCOME =
    "# Welcome to the accountgraph GraphQL console.\n" +
    "# Ctrl+Enter (⌘+Enter on a Mac) runs the query.\n" +
    "# Schema lists every field; Examples has more.\n\n";

  const INTROSPECTION_QUERY = `query ConsoleIntrospection {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) {
    name description isDeprecated deprecationReason
    args { ...InputValue }
    type { ...TypeRef }
  }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description defaultValue type { ...TypeRef } }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }
}`;

  const KIND_LABELS = {
    OBJECT: "type",
    INTERFACE: "interface",
    UNION: "union",
    ENUM: "enum",
    INPUT_OBJECT: "input",
    SCALAR: "scalar",
  };

  const MAX_HIGHLIGHT_CHARS = 300000;
  const SAVE_DELAY_MS = 250;

  // ------------------------------------------------------------------ DOM helpers

  const $ = (id) => {
    const element = document.getElementById(id);
    if (!element) throw new Error(`console.html lacks #${id}`);
    return element;
  };

  /** Create an element: h("li", {class: "x", onclick: f}, "text", child, [more]). */
  function h(tag, props, ...children) {
    const element = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") element.className = value;
      else if (key.startsWith("on") && typeof value === "function") {
        element.addEventListener(key.slice(2), value);
      } else if (key === "dataset") Object.assign(element.dataset, value);
      else element.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child !== null && child !== undefined && child !== false) element.append(child);
    }
    return element;
  }

  function span(className, text) {
    const element = document.createElement("span");
    element.className = className;
    element.textContent = text;
    return element;
  }

  function debounce(fn, delay) {
    let timer = 0;
    const debounced = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(fn, delay);
    };
    debounced.flush = () => {
      window.clearTimeout(timer);
      fn();
    };
    return debounced;
  }

  const storage = {
    get(key) {
      try {
        return window.localStorage.getItem(key);
      } catch {
        return null;
      }
    },
    set(key, value) {
      try {
        if (value === null || value === "") window.localStorage.removeItem(key);
        else window.localStorage.setItem(key, value);
      } catch {
        // Storage may be disabled (private windows, policies): the console still works.
      }
    },
  };

  const plural = (count, word) => `${count} ${word}${count === 1 ? "" : "s"}`;

  // ------------------------------------------------------------------ GraphQL lexing

  /** Split GraphQL source into tokens that cover it exactly (whitespace included). */
  function tokenize(source) {
    const tokens = [];
    const length = source.length;
    let i = 0;
    const push = (type, start) => tokens.push({ type, text: source.slice(start, i), start });
    while (i < length) {
      const start = i;
      const c = source[i];
      if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\ufeff") {
        while (i < length && " \t\n\r\ufeff".includes(source[i])) i += 1;
        push("ws", start);
      } else if (c === ",") {
        i += 1;
        push("comma", start);
      } else if (c === "#") {
        while (i < length && source[i] !== "\n" && source[i] !== "\r") i += 1;
        push("comment", start);
      } else if (c === '"') {
        if (source.startsWith('"""', i)) {
          i += 3;
          while (i < length && !source.startsWith('"""', i)) {
            i += source.startsWith('\\"""', i) ? 4 : 1;
          }
          i = Math.min(length, i + 3);
        } else {
          i += 1;
          while (i < length && source[i] !== '"' && source[i] !== "\n") {
            i += source[i] === "\\" ? 2 : 1;
          }
          i = Math.min(length, i + (source[i] === '"' ? 1 : 0));
        }
        push("string", start);
      } else if (source.startsWith("...", i)) {
        i += 3;
        push("punct", start);
      } else if ("{}()[]:=!$@|&".includes(c)) {
        i += 1;
        push("punct", start);
      } else if (/[_A-Za-z]/.test(c)) {
        while (i < length && /[_0-9A-Za-z]/.test(source[i])) i += 1;
        push("name", start);
      } else if (c === "-" || (c >= "0" && c <= "9")) {
        i += 1;
        while (i < length && /[0-9eE.+-]/.test(source[i])) i += 1;
        push("number", start);
      } else {
        i += 1;
        push("invalid", start);
      }
    }
    return tokens;
  }

  const OPERATION_KEYWORDS = new Set(["query", "mutation", "subscription"]);

  /**
   * Give every token a highlighting class (`cls`) and find the operations of the document.
   * Tolerant: any text gets an answer, however broken.
   */
  function analyze(source) {
    const tokens = tokenize(source);
    const significant = tokens.filter((t) => t.type !== "ws" && t.type !== "comma");
    const stack = [];
    const operations = [];
    let current = null;
    let prev = null;
    let atDefinitionStart = true;

    significant.forEach((token, index) => {
      const next = significant[index + 1];
      const frame = stack[stack.length - 1];
      const context = frame ? frame.kind : "document";
      const text = token.text;
      token.cls = token.type;

      if (token.type === "comment" || token.type === "string" || token.type === "number") {
        if (token.type !== "comment") prev = token;
        return;
      }
      if (token.type === "invalid") {
        prev = token;
        return;
      }
      if (token.type === "punct") {
        if (text === "{") {
          if (context === "document" || context === "selection") {
            if (context === "document" && !current) {
              current = { type: "query", name: null, start: token.start };
            }
            stack.push({ kind: "selection" });
          } else {
            stack.push({ kind: "object" });
          }
        } else if (text === "(") {
          const directiveArgs = prev && prev.cls === "directive";
          stack.push({
            kind: context === "document" && !directiveArgs ? "variables" : "arguments",
          });
        } else if (text === "[") {
          const typeMode =
            (frame && frame.kind === "variables" && !frame.afterEquals) ||
            Boolean(frame && frame.kind === "list" && frame.typeMode);
          stack.push({ kind: "list", typeMode });
        } else if (text === "}" || text === ")" || text === "]") {
          stack.pop();
          if (text === "}" && stack.length === 0 && current) {
            current.end = token.start + 1;
            operations.push(current);
            current = null;
            atDefinitionStart = true;
          }
        } else if (text === "=" && frame && frame.kind === "variables") {
          frame.afterEquals = true;
        } else if (text === "$" && frame && frame.kind === "variables") {
          frame.afterEquals = false;
        }
        if (text === "$" || text === "@") token.cls = text === "$" ? "variable" : "directive";
        else token.cls = "punct";
        prev = token;
        return;
      }

      // A name: what it means depends on where it stands.
      const after = prev ? prev.text : "";
      if (after === "$" && prev.type === "punct") token.cls = "variable";
      else if (after === "@" && prev.type === "punct") token.cls = "directive";
      else if (context === "document") {
        if (atDefinitionStart && (OPERATION_KEYWORDS.has(text) || text === "fragment")) {
          token.cls = "keyword";
          current = { type: text, name: null, start: token.start };
          atDefinitionStart = false;
        } else if (prev && prev.cls === "keyword" && after !== "on") {
          token.cls = "definition";
          if (current) current.name = text;
        } else if (text === "on" && prev && prev.cls === "definition") token.cls = "keyword";
        else if (after === "on") token.cls = "type";
        else token.cls = "name";
      } else if (context === "selection") {
        if (after === "..." && text === "on") token.cls = "keyword";
        else if (after === "...") token.cls = "definition";
        else if (after === "on" && prev.cls === "keyword") token.cls = "type";
        else if (next && next.text === ":") token.cls = "alias";
        else token.cls = "field";
      } else if (context === "variables") {
        token.cls = frame.afterEquals ? "value" : "type";
      } else if (context === "list") {
        token.cls = frame.typeMode ? "type" : "value";
      } else {
        token.cls = next && next.text === ":" ? "attribute" : "value";
      }
      prev = token;
    });

    if (current) {
      current.end = source.length;
      operations.push(current);
    }
    return { tokens, operations: operations.filter((op) => op.type !== "fragment") };
  }

  /** The operation to run: the one under the caret when the document holds several. */
  function operationAt(source, caret) {
    const { operations } = analyze(source);
    if (operations.length < 2) return operations[0] || null;
    const containing = operations.find((op) => op.start <= caret && caret <= op.end);
    if (containing) return containing;
    const before = operations.filter((op) => op.start <= caret);
    return before.length ? before[before.length - 1] : operations[0];
  }

  /** Reformat a GraphQL document: one selection a line, two-space indents. */
  function prettify(source) {
    const tokens = analyze(source).tokens;
    const items = [];
    let lineBreakBefore = false;
    let blankBefore = false;
    for (const token of tokens) {
      if (token.type === "ws") {
        const breaks = (token.text.match(/\r\n|\n|\r/g) || []).length;
        lineBreakBefore = lineBreakBefore || breaks > 0;
        blankBefore = blankBefore || breaks > 1;
      } else if (token.type !== "comma") {
        items.push({ ...token, lineBreakBefore, blankBefore });
        lineBreakBefore = false;
        blankBefore = false;
      }
    }

    let out = "";
    let indent = 0;
    let prev = null;
    let forceNewline = false;
    let blankLine = false;
    const stack = [];
    const write = (text, separator) => {
      if (out === "") out = text;
      else if (separator === "\n") {
        out = out.replace(/[ \t]+$/, "") + (blankLine ? "\n\n" : "\n") + "  ".repeat(indent) + text;
      } else out += separator + text;
      blankLine = false;
    };
    const startsValue = (token) =>
      token.text === "$" ||
      token.text === "[" ||
      token.text === "{" ||
      ["name", "string", "number"].includes(token.type);

    items.forEach((token, index) => {
      const next = items[index + 1];
      const frame = stack[stack.length - 1];
      const context = frame || "document";
      const text = token.text;
      const after = prev ? prev.text : "";
      let separator = " ";
      if (token.blankBefore && stack.length === 0 && prev) blankLine = true;

      if (token.type === "comment") {
        write(text, prev && !token.lineBreakBefore ? " " : "\n");
        forceNewline = true;
        prev = token;
        return;
      }

      if (text === "}" && (context === "selection" || context === "object")) {
        stack.pop();
        if (context === "selection") {
          indent = Math.max(0, indent - 1);
          write(text, "\n");
          forceNewline = false;
          if (stack.length === 0) blankLine = true;
        } else write(text, after === "{" ? "" : " ");
        prev = token;
        return;
      }

      if (context === "document") {
        if (text === "{") separator = " ";
        else if (text === "(" || after === "$" || after === "@") separator = "";
        else if (text === ")" || text === "]" || text === "!" || text === ":") separator = "";
        if (blankLine && prev && after === "}") separator = "\n";
      } else if (context === "selection") {
        if (text === "(" || after === "@" || text === ":") separator = "";
        else if (after === "..." && text !== "on") separator = "";
        else if (
          text === "..." ||
          (token.type === "name" && !["...", "on", ":", "@"].includes(after))
        ) {
          separator = "\n";
        } else if (after === "on" && prev.cls === "keyword") separator = " ";
      } else {
        // Inside (...), [...] or an input object: one line, items separated by ", ".
        const first = ["(", "[", "{"].includes(after);
        if ([")", "]", "!", ":"].includes(text)) separator = "";
        else if (after === "$" || after === "@") separator = "";
        else if (text === "=" || text === "@") separator = " ";
        else if (context === "list") separator = first ? "" : startsValue(token) ? ", " : " ";
        else if (context === "variables" && text === "$") separator = first ? "" : ", ";
        else if (context !== "variables" && token.type === "name" && next && next.text === ":") {
          separator = first ? (context === "object" ? " " : "") : ", ";
        } else if (context === "variables" && after === "[") separator = "";
        else separator = first && context !== "object" ? "" : " ";
      }
      if (forceNewline) separator = "\n";
      forceNewline = false;

      write(text, separator);

      if (text === "{") {
        if (context === "document" || context === "selection") {
          stack.push("selection");
          indent += 1;
          forceNewline = true;
        } else stack.push("object");
      } else if (text === "(") {
        stack.push(
          context === "document" && !(prev && prev.cls === "directive") ? "variables" : "arguments",
        );
      } else if (text === "[") stack.push("list");
      else if (text === ")" || text === "]") stack.pop();
      prev = token;
    });
    return out;
  }

  // ------------------------------------------------------------------ JSON highlighting

  const JSON_TOKEN =
    /("(?:\\.|[^"\\\n])*")(\s*:)?|\b(true|false)\b|\b(null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([{}[\],:])/g;

  /** Append highlighted JSON (valid or not) to `target`. */
  function highlightJson(text, target, { markErrors = false } = {}) {
    const fragment = document.createDocumentFragment();
    if (text.length > MAX_HIGHLIGHT_CHARS) {
      fragment.append(text);
      target.append(fragment);
      return;
    }
    let last = 0;
    let match;
    JSON_TOKEN.lastIndex = 0;
    while ((match = JSON_TOKEN.exec(text)) !== null) {
      if (match.index > last) fragment.append(text.slice(last, match.index));
      const [whole, string, colon, boolean, nil, number] = match;
      if (string !== undefined) {
        if (colon !== undefined) {
          const topLevelErrors =
            markErrors &&
            string === '"errors"' &&
            text.slice(Math.max(0, match.index - 3), match.index) === "\n  ";
          fragment.append(span(topLevelErrors ? "json-key json-key-errors" : "json-key", string));
          fragment.append(span("json-punct", colon));
        } else fragment.append(span("json-string", string));
      } else if (boolean !== undefined) fragment.append(span("json-boolean", boolean));
      else if (nil !== undefined) fragment.append(span("json-null", nil));
      else if (number !== undefined) fragment.append(span("json-number", number));
      else fragment.append(span("json-punct", whole));
      last = match.index + whole.length;
    }
    if (last < text.length) fragment.append(text.slice(last));
    target.append(fragment);
  }

  // ------------------------------------------------------------------ code editors

  /** Insert text at the selection, keeping the browser's undo history where it can. */
  function insertText(textarea, text) {
    if (document.activeElement !== textarea) textarea.focus();
    let inserted = false;
    try {
      inserted = document.execCommand("insertText", false, text);
    } catch {
      inserted = false;
    }
    if (!inserted) {
      textarea.setRangeText(text, textarea.selectionStart, textarea.selectionEnd, "end");
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  function replaceAll(textarea, text) {
    textarea.focus();
    textarea.select();
    insertText(textarea, text);
    textarea.setSelectionRange(0, 0);
    textarea.scrollTop = 0;
    textarea.scrollLeft = 0;
  }

  /** Indent (or outdent) every line the selection touches by two spaces. */
  function shiftLines(textarea, outdent) {
    const { value, selectionStart: start, selectionEnd: end } = textarea;
    const blockStart = value.lastIndexOf("\n", start - 1) + 1;
    const lastChar = end > start && value[end - 1] === "\n" ? end - 1 : end;
    const lineEnd = value.indexOf("\n", lastChar);
    const blockEnd = lineEnd === -1 ? value.length : lineEnd;
    const lines = value.slice(blockStart, blockEnd).split("\n");
    let firstDelta = 0;
    let totalDelta = 0;
    const shifted = lines.map((line, index) => {
      let delta = 2;
      let result = `  ${line}`;
      if (outdent) {
        delta = -(/^ {1,2}|^\t/.exec(line) || [""])[0].length;
        result = line.slice(-delta);
      }
      if (index === 0) firstDelta = delta;
      totalDelta += delta;
      return result;
    });
    const replacement = shifted.join("\n");
    if (replacement === value.slice(blockStart, blockEnd)) return;
    textarea.setSelectionRange(blockStart, blockEnd);
    insertText(textarea, replacement);
    const newStart = Math.max(blockStart, start + firstDelta);
    textarea.setSelectionRange(newStart, Math.max(newStart, end + totalDelta));
  }

  const CLOSERS = { "{": "}", "(": ")", "[": "]" };

  function newlineKeepingIndent(textarea) {
    const { value, selectionStart: start, selectionEnd: end } = textarea;
    const lineStart = value.lastIndexOf("\n", start - 1) + 1;
    const before = value.slice(lineStart, start);
    const indent = /^[ \t]*/.exec(before)[0];
    const opener = before.trimEnd().slice(-1);
    const opens = opener !== "" && opener in CLOSERS;
    if (opens && value[end] === CLOSERS[opener]) {
      insertText(textarea, `\n${indent}  \n${indent}`);
      const caret = start + 1 + indent.length + 2;
      textarea.setSelectionRange(caret, caret);
    } else {
      insertText(textarea, `\n${indent}${opens ? "  " : ""}`);
    }
  }

  /**
   * A textarea with a highlighted copy of its text underneath. `render(text, code)` fills
   * the `<code>` element; the textarea's own text is transparent, so what shows is the
   * highlighted copy, while editing, selection, undo and accessibility stay native.
   */
  function codeEditor(textarea, highlight, render) {
    const code = highlight.querySelector("code");
    let leaveOnTab = false;

    const sync = () => {
      code.replaceChildren();
      render(textarea.value, code);
      // A final newline needs a character after it to take up a line in <pre>.
      code.append("\n ");
      syncScroll();
    };
    const syncScroll = () => {
      code.style.transform = `translate(${-textarea.scrollLeft}px, ${-textarea.scrollTop}px)`;
    };

    textarea.addEventListener("input", sync);
    textarea.addEventListener("scroll", syncScroll);
    const revealLineStart = () => {
      // Browsers scroll only until the caret shows, leaving the padding hidden at column 1.
      const { value, selectionStart, selectionEnd } = textarea;
      const atLineStart = selectionStart === value.lastIndexOf("\n", selectionStart - 1) + 1;
      if (selectionStart === selectionEnd && atLineStart && textarea.scrollLeft > 0) {
        textarea.scrollLeft = 0;
      }
      syncScroll();
    };
    textarea.addEventListener("keyup", revealLineStart);
    textarea.addEventListener("click", revealLineStart);
    textarea.addEventListener("blur", () => {
      leaveOnTab = false;
    });
    textarea.addEventListener("keydown", (event) => {
      if (event.isComposing || event.altKey) return;
      const modifier = event.ctrlKey || event.metaKey;
      if (event.key === "Escape") {
        leaveOnTab = true;
        return;
      }
      if (event.key === "Tab" && !modifier) {
        if (leaveOnTab) {
          leaveOnTab = false;
          return; // let the browser move the focus
        }
        event.preventDefault();
        const { value, selectionStart, selectionEnd } = textarea;
        if (event.shiftKey || value.slice(selectionStart, selectionEnd).includes("\n")) {
          shiftLines(textarea, event.shiftKey);
        } else if (selectionStart !== selectionEnd) {
          shiftLines(textarea, false);
        } else {
          insertText(textarea, "  ");
        }
        return;
      }
      leaveOnTab = false;
      if (event.key === "Enter" && !modifier && !event.shiftKey) {
        event.preventDefault();
        newlineKeepingIndent(textarea);
      } else if (["}", ")", "]"].includes(event.key) && !modifier) {
        // Typing a closer on a blank line lines it up with its opener.
        const { value, selectionStart, selectionEnd } = textarea;
        const lineStart = value.lastIndexOf("\n", selectionStart - 1) + 1;
        const before = value.slice(lineStart, selectionStart);
        if (selectionStart === selectionEnd && /^( {2})+$/.test(before)) {
          event.preventDefault();
          textarea.setSelectionRange(selectionStart - 2, selectionStart);
          insertText(textarea, event.key);
        }
      }
    });
    return { sync, syncScroll };
  }

  // ------------------------------------------------------------------ page state

  const ui = {
    workspace: $("workspace"),
    run: $("run-button"),
    examples: $("example-select"),
    prettify: $("prettify-button"),
    copyLink: $("copy-link-button"),
    explorerToggle: $("explorer-toggle"),
    status: $("status"),
    query: $("query-editor"),
    queryHighlight: $("query-highlight"),
    cursor: $("cursor-position"),
    variables: $("variables-editor"),
    variablesHighlight: $("variables-highlight"),
    variablesMessage: $("variables-message"),
    result: $("result"),
    resultMeta: $("result-meta"),
    resultErrors: $("result-errors"),
    resultJson: $("result-json"),
    resultEmpty: $("result-empty"),
    copyResult: $("copy-result-button"),
    explorer: $("explorer"),
    explorerBack: $("explorer-back"),
    explorerTitle: $("explorer-title"),
    explorerFilter: $("explorer-filter"),
    explorerBody: $("explorer-body"),
  };

  let errorOffsets = [];
  let lastResultText = "";
  let inFlight = null;
  let statusTimer = 0;

  function announce(message, { sticky = true } = {}) {
    window.clearTimeout(statusTimer);
    ui.status.textContent = message;
    if (!sticky) {
      statusTimer = window.setTimeout(() => {
        ui.status.textContent = "";
      }, 4000);
    }
  }

  function renderQuery(text, code) {
    if (text.length > MAX_HIGHLIGHT_CHARS) {
      code.append(text);
      return;
    }
    const { tokens } = analyze(text);
    const fragment = document.createDocumentFragment();
    for (const token of tokens) {
      if (token.type === "ws" || token.type === "comma") {
        fragment.append(token.text);
        continue;
      }
      const end = token.start + token.text.length;
      const marked = errorOffsets.some((offset) => token.start <= offset && offset < end);
      fragment.append(span(`tok-${token.cls}${marked ? " tok-error" : ""}`, token.text));
    }
    code.append(fragment);
  }

  const queryEditor = codeEditor(ui.query, ui.queryHighlight, renderQuery);
  const variablesEditor = codeEditor(ui.variables, ui.variablesHighlight, (text, code) =>
    highlightJson(text, code),
  );

  function updateCursor() {
    const { value, selectionStart } = ui.query;
    const before = value.slice(0, selectionStart);
    const line = before.split("\n").length;
    const column = selectionStart - before.lastIndexOf("\n");
    ui.cursor.textContent = `Ln ${line}, Col ${column}`;
  }

  /** Parse the variables editor: {ok, value} or {ok: false, message}. */
  function readVariables() {
    const text = ui.variables.value.trim();
    if (text === "") return { ok: true, value: undefined };
    let value;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return { ok: false, message: `Variables are not valid JSON: ${error.message}` };
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      return {
        ok: false,
        message: 'Variables must be a JSON object, e.g. { "id": "csa-switzerland" }.',
      };
    }
    return { ok: true, value };
  }

  function showVariablesState() {
    const state = readVariables();
    ui.variablesMessage.textContent = state.ok ? "" : state.message;
    if (state.ok) ui.variables.removeAttribute("aria-invalid");
    else ui.variables.setAttribute("aria-invalid", "true");
    ui.variables.parentElement.classList.toggle("invalid", !state.ok);
    return state;
  }

  const saveState = debounce(() => {
    const query = ui.query.value;
    const variables = ui.variables.value;
    storage.set(STORAGE.query, query);
    storage.set(STORAGE.variables, variables);
    const params = new URLSearchParams(window.location.search);
    params.set("query", query);
    if (variables.trim()) params.set("variables", variables);
    else params.delete("variables");
    const url = `${window.location.pathname}?${params.toString()}${window.location.hash}`;
    window.history.replaceState(window.history.state, "", url);
  }, SAVE_DELAY_MS);

  const checkVariablesLater = debounce(showVariablesState, 400);

  ui.query.addEventListener("input", () => {
    if (errorOffsets.length) {
      errorOffsets = [];
      queryEditor.sync();
    }
    updateCursor();
    saveState();
  });
  for (const type of ["keyup", "click", "focus", "select"]) {
    ui.query.addEventListener(type, updateCursor);
  }
  ui.variables.addEventListener("input", () => {
    checkVariablesLater();
    saveState();
  });
  window.addEventListener("pagehide", () => saveState.flush());

  // ------------------------------------------------------------------ running queries

  function setEditorQuery(text) {
    replaceAll(ui.query, text);
    updateCursor();
  }

  function formatPath(path) {
    return path
      .map((part, index) => (typeof part === "number" ? `[${part}]` : index ? `.${part}` : part))
      .join("");
  }

  function offsetOf(text, line, column) {
    let offset = 0;
    for (let current = 1; current < line; current += 1) {
      const next = text.indexOf("\n", offset);
      if (next === -1) return text.length;
      offset = next + 1;
    }
    return Math.min(text.length, offset + column - 1);
  }

  function goTo(line, column) {
    const offset = offsetOf(ui.query.value, line, column);
    ui.query.blur();
    ui.query.setSelectionRange(offset, offset);
    ui.query.focus();
    updateCursor();
  }

  function clearResult() {
    ui.resultErrors.hidden = true;
    ui.resultErrors.replaceChildren();
    ui.resultJson.firstElementChild.replaceChildren();
    ui.resultEmpty.hidden = true;
    ui.resultMeta.textContent = "";
    ui.result.classList.remove("has-errors", "failed");
    ui.copyResult.disabled = true;
    lastResultText = "";
  }

  /** Show a problem that is not a GraphQL error: bad variables, HTTP, network. */
  function showProblem(title, detail, extra) {
    ui.resultErrors.hidden = false;
    ui.result.classList.add("failed");
    ui.resultErrors.replaceChildren(
      h("h3", { class: "errors-title" }, title),
      detail ? h("p", { class: "error-message" }, detail) : null,
      extra ? h("pre", { class: "error-body" }, extra) : null,
    );
  }

  function showGraphQLErrors(errors, note) {
    const items = errors.map((error) => {
      const isObject = error !== null && typeof error === "object";
      const message =
        isObject && typeof error.message === "string" ? error.message : JSON.stringify(error);
      const details = [];
      if (isObject && Array.isArray(error.path) && error.path.length) {
        details.push(h("dt", null, "Path"), h("dd", null, h("code", null, formatPath(error.path))));
      }
      if (isObject && Array.isArray(error.locations) && error.locations.length) {
        details.push(
          h("dt", null, "Where"),
          h(
            "dd",
            null,
            error.locations.map((location) =>
              h(
                "button",
                {
                  type: "button",
                  class: "link-button",
                  title: "Show this place in the query",
                  onclick: () => goTo(location.line, location.column),
                },
                `line ${location.line}, column ${location.column}`,
              ),
            ),
          ),
        );
      }
      if (isObject && error.extensions && typeof error.extensions === "object") {
        const { code, ...others } = error.extensions;
        if (code !== undefined)
          details.push(h("dt", null, "Code"), h("dd", null, h("code", null, String(code))));
        for (const [key, value] of Object.entries(others)) {
          const shown = Array.isArray(value)
            ? value.join(", ")
            : typeof value === "string"
              ? value
              : JSON.stringify(value);
          details.push(h("dt", null, key), h("dd", null, h("code", null, shown)));
        }
      }
      return h(
        "li",
        { class: "error-item" },
        h("p", { class: "error-message" }, message),
        details.length ? h("dl", { class: "error-details" }, details) : null,
      );
    });
    ui.resultErrors.hidden = false;
    ui.result.classList.add("has-errors");
    ui.resultErrors.replaceChildren(
      h("h3", { class: "errors-title" }, plural(errors.length, "error"), note ? ` · ${note}` : ""),
      h("ul", { class: "error-list" }, items),
    );
  }

  function markErrorLocations(errors) {
    const text = ui.query.value;
    errorOffsets = errors
      .flatMap((error) => (error && Array.isArray(error.locations) ? error.locations : []))
      .map((location) => offsetOf(text, location.line, location.column));
    queryEditor.sync();
  }

  async function postGraphQL(body, signal) {
    return fetch(window.location.pathname, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
      signal,
    });
  }

  function describeSize(bytes) {
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  }

  async function run() {
    const query = ui.query.value;
    if (!query.trim()) {
      clearResult();
      showProblem("Nothing to run", "The query is empty. Write one, or choose an example.");
      announce("Nothing to run: the query is empty.");
      return;
    }
    const variables = showVariablesState();
    if (!variables.ok) {
      clearResult();
      showProblem("Not run: the variables are not valid", variables.message);
      announce("Not run: the variables are not valid JSON.");
      return;
    }
    const operation = operationAt(query, ui.query.selectionStart);
    const multiple = analyze(query).operations.length > 1;
    const operationName = multiple && operation && operation.name ? operation.name : undefined;

    if (inFlight) inFlight.abort();
    const controller = new AbortController();
    inFlight = controller;
    saveState.flush();
    ui.result.setAttribute("aria-busy", "true");
    ui.result.classList.add("running");
    announce(operationName ? `Running ${operationName}…` : "Running…");
    const started = performance.now();

    let response;
    let text;
    try {
      response = await postGraphQL(
        { query, variables: variables.value, operationName },
        controller.signal,
      );
      text = await response.text();
    } catch (error) {
      if (controller.signal.aborted) return;
      inFlight = null;
      ui.result.removeAttribute("aria-busy");
      ui.result.classList.remove("running");
      clearResult();
      showProblem(
        "Could not reach the server",
        `The request to ${window.location.pathname} failed before any answer came back ` +
          `(${error.message || error}). Check that accountgraph serve is still running ` +
          "and that this machine can reach it, then run the query again.",
      );
      announce("Could not reach the server.");
      return;
    }
    if (controller !== inFlight) return;
    inFlight = null;
    ui.result.removeAttribute("aria-busy");
    ui.result.classList.remove("running");

    const elapsed = Math.round(performance.now() - started);
    clearResult();
    ui.resultMeta.textContent = `HTTP ${response.status} · ${elapsed} ms · ${describeSize(new Blob([text]).size)}`;

    let payload;
    try {
      payload = JSON.parse(text);
    } catch {
      payload = undefined;
    }
    const httpNote = response.ok ? "" : `HTTP ${response.status} ${response.statusText}`.trim();
    const isGraphQL =
      payload !== null && typeof payload === "object" && ("data" in payload || "errors" in payload);

    if (isGraphQL) {
      const errors = Array.isArray(payload.errors) ? payload.errors : [];
      if (errors.length) {
        showGraphQLErrors(errors, httpNote);
        markErrorLocations(errors);
        const first = errors[0] && errors[0].message ? `: ${errors[0].message}` : "";
        announce(`Finished with ${plural(errors.length, "error")}${first}`);
      } else {
        announce(`Done in ${elapsed} ms.`);
      }
      lastResultText = JSON.stringify(payload, null, 2);
      highlightJson(lastResultText, ui.resultJson.firstElementChild, { markErrors: true });
      ui.copyResult.disabled = false;
    } else if (!response.ok) {
      const body = payload !== undefined ? JSON.stringify(payload, null, 2) : text.trim();
      showProblem(
        `The server answered ${httpNote}`,
        response.status >= 500
          ? "The server failed while answering; its log has the details."
          : "The server refused the request.",
        body ? body.slice(0, 4000) : null,
      );
      announce(`The server answered ${httpNote}.`);
    } else {
      showProblem(
        "The answer is not a GraphQL response",
        "Expected JSON with data or errors; the server sent this instead:",
        text.slice(0, 4000) || "(an empty body)",
      );
      announce("The answer is not a GraphQL response.");
    }
  }

  // ------------------------------------------------------------------ toolbar actions

  async function copyText(text) {
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
        return true;
      }
    } catch {
      // fall through to the older way
    }
    const scratch = h("textarea", {
      class: "visually-hidden",
      readonly: true,
      "aria-hidden": "true",
    });
    scratch.value = text;
    document.body.append(scratch);
    scratch.select();
    let copied = false;
    try {
      copied = document.execCommand("copy");
    } catch {
      copied = false;
    }
    scratch.remove();
    return copied;
  }

  function flashButton(button, label) {
    const original = button.dataset.label || button.textContent;
    button.dataset.label = original;
    button.textContent = label;
    window.setTimeout(() => {
      button.textContent = original;
    }, 1600);
  }

  ui.run.addEventListener("click", () => run());

  ui.prettify.addEventListener("click", () => {
    const pretty = prettify(ui.query.value);
    if (pretty !== ui.query.value) setEditorQuery(pretty);
    announce("Query reformatted.", { sticky: false });
  });

  ui.copyLink.addEventListener("click", async () => {
    saveState.flush();
    const url = window.location.href;
    if (await copyText(url)) {
      flashButton(ui.copyLink, "Link copied");
      announce("Link copied to the clipboard.", { sticky: false });
    } else {
      window.prompt("Copy this link:", url);
    }
  });

  ui.copyResult.addEventListener("click", async () => {
    if (lastResultText && (await copyText(lastResultText))) {
      flashButton(ui.copyResult, "Copied");
      announce("Result copied to the clipboard.", { sticky: false });
    }
  });

  EXAMPLES.forEach((example, index) => {
    ui.examples.append(h("option", { value: String(index) }, example.label));
  });
  ui.examples.addEventListener("change", () => {
    const example = EXAMPLES[Number(ui.examples.value)];
    if (!ui.examples.value || !example) return;
    setEditorQuery(prettify(example.query));
    ui.examples.value = "";
    ui.examples.focus();
    announce(`Example loaded: ${example.label}. Press Run to see its result.`);
  });

  document.addEventListener("keydown", (event) => {
    const modifier = event.ctrlKey || event.metaKey;
    if (modifier && event.key === "Enter") {
      event.preventDefault();
      run();
    } else if (modifier && event.shiftKey && (event.key === "P" || event.key === "p")) {
      event.preventDefault();
      ui.prettify.click();
    }
  });

  // ------------------------------------------------------------------ schema explorer

  const explorer = {
    state: "loading",
    types: new Map(),
    queryType: null,
    mutationType: null,
    subscriptionType: null,
    views: [{ kind: "root", filter: "" }],
  };

  function namedType(ref) {
    let current = ref;
    while (current && current.ofType) current = current.ofType;
    return current ? current.name : null;
  }

  function typeRef(ref) {
    if (!ref) return "?";
    if (ref.kind === "NON_NULL") return [typeRef(ref.ofType), span("type-mark", "!")];
    if (ref.kind === "LIST")
      return [span("type-mark", "["), typeRef(ref.ofType), span("type-mark", "]")];
    return typeLink(ref.name);
  }

  function typeLink(name) {
    return h("button", { type: "button", class: "type-link", dataset: { type: name } }, name);
  }

  function description(text, className = "description") {
    return text ? h("p", { class: className }, text) : null;
  }

  function matches(filter, ...texts) {
    if (!filter) return true;
    const needle = filter.toLowerCase();
    return texts.some((text) => typeof text === "string" && text.toLowerCase().includes(needle));
  }

  function deprecation(item) {
    return item.isDeprecated
      ? h(
          "p",
          { class: "deprecated" },
          "Deprecated",
          item.deprecationReason ? `: ${item.deprecationReason}` : "",
        )
      : null;
  }

  function inputValue(arg) {
    return h(
      "li",
      { class: "argument" },
      h(
        "div",
        { class: "signature" },
        span("argument-name", arg.name),
        span("type-mark", ": "),
        typeRef(arg.type),
        arg.defaultValue !== null && arg.defaultValue !== undefined
          ? [span("type-mark", " = "), span("default-value", arg.defaultValue)]
          : null,
      ),
      description(arg.description),
    );
  }

  function fieldItem(field) {
    const args = field.args || [];
    return h(
      "li",
      { class: `field${field.isDeprecated ? " is-deprecated" : ""}` },
      h(
        "div",
        { class: "signature field-signature" },
        span("field-name", field.name),
        args.length ? span("type-mark", `(${args.map((arg) => arg.name).join(", ")})`) : null,
        span("type-mark", ": "),
        typeRef(field.type),
      ),
      description(field.description),
      deprecation(field),
      args.length
        ? h(
            "div",
            { class: "arguments" },
            h("p", { class: "arguments-title" }, "Arguments"),
            h("ul", { class: "argument-list" }, args.map(inputValue)),
          )
        : null,
    );
  }

  function fieldMatches(filter, field) {
    return matches(
      filter,
      field.name,
      field.description,
      namedType(field.type),
      ...(field.args || []).map((arg) => arg.name),
    );
  }

  function section(title, items, emptyNote) {
    if (!items.length)
      return emptyNote
        ? h(
            "section",
            { class: "explorer-section" },
            h("h3", null, title),
            h("p", { class: "muted" }, emptyNote),
          )
        : null;
    return h("section", { class: "explorer-section" }, h("h3", null, title), items);
  }

  function typeList(names, filter) {
    const rows = names
      .map((name) => explorer.types.get(name))
      .filter((type) => type && matches(filter, type.name, type.description))
      .map((type) =>
        h(
          "li",
          { class: "type-row" },
          typeLink(type.name),
          span(`kind-badge kind-${type.kind.toLowerCase()}`, KIND_LABELS[type.kind] || type.kind),
          description(type.description, "description clamp"),
        ),
      );
    return rows.length ? h("ul", { class: "type-list" }, rows) : null;
  }

  function rootView(filter) {
    const parts = [];
    const query = explorer.types.get(explorer.queryType);
    if (query) {
      const fields = (query.fields || []).filter((field) => fieldMatches(filter, field));
      parts.push(
        h(
          "section",
          { class: "explorer-section" },
          h("h3", null, "Query fields"),
          filter ? null : description(query.description),
          fields.length ? h("ul", { class: "field-list" }, fields.map(fieldItem)) : null,
        ),
      );
    }
    const roots = [explorer.mutationType, explorer.subscriptionType].filter(Boolean);
    if (roots.length) parts.push(section("Other roots", [typeList(roots, filter)].filter(Boolean)));
    const names = [...explorer.types.keys()]
      .filter((name) => !name.startsWith("__"))
      .sort((a, b) => a.localeCompare(b));
    parts.push(section("All types", [typeList(names, filter)].filter(Boolean)));
    if (filter && !parts.some((part) => part && part.querySelector("li"))) {
      return [h("p", { class: "muted" }, `Nothing in the schema matches “${filter}”.`)];
    }
    return parts;
  }

  function typeView(type, filter) {
    const parts = [
      h(
        "p",
        { class: "type-heading" },
        span(`kind-badge kind-${type.kind.toLowerCase()}`, KIND_LABELS[type.kind] || type.kind),
        span("type-name", type.name),
      ),
      description(type.description),
    ];
    const interfaces = (type.interfaces || [])
      .map((ref) => ref.name)
      .filter((name) => matches(filter, name));
    if (interfaces.length)
      parts.push(
        section("Implements", [
          h(
            "ul",
            { class: "link-list" },
            interfaces.map((name) => h("li", null, typeLink(name))),
          ),
        ]),
      );
    const possible = (type.possibleTypes || [])
      .map((ref) => ref.name)
      .filter((name) => matches(filter, name));
    if (possible.length) {
      const title = type.kind === "UNION" ? "Members" : "Implemented by";
      parts.push(section(title, [typeList(possible, "")]));
    }
    if (type.fields) {
      const fields = type.fields.filter((field) => fieldMatches(filter, field));
      parts.push(
        section(
          "Fields",
          fields.length ? [h("ul", { class: "field-list" }, fields.map(fieldItem))] : [],
          filter ? "No field matches." : "No fields.",
        ),
      );
    }
    if (type.inputFields) {
      const fields = type.inputFields.filter((field) =>
        matches(filter, field.name, field.description),
      );
      parts.push(
        section(
          "Input fields",
          fields.length ? [h("ul", { class: "argument-list" }, fields.map(inputValue))] : [],
          "No input field matches.",
        ),
      );
    }
    if (type.enumValues) {
      const values = type.enumValues.filter((value) =>
        matches(filter, value.name, value.description),
      );
      parts.push(
        section(
          "Values",
          values.length
            ? [
                h(
                  "ul",
                  { class: "value-list" },
                  values.map((value) =>
                    h(
                      "li",
                      { class: `enum-value${value.isDeprecated ? " is-deprecated" : ""}` },
                      h("code", { class: "value-name" }, value.name),
                      description(value.description),
                      deprecation(value),
                    ),
                  ),
                ),
              ]
            : [],
          "No value matches.",
        ),
      );
    }
    if (type.kind === "SCALAR" && !type.description)
      parts.push(
        h("p", { class: "muted" }, "A scalar: a leaf value such as a string or a number."),
      );
    return parts;
  }

  function renderExplorer({ focusTitle = false } = {}) {
    const view = explorer.views[explorer.views.length - 1];
    ui.explorerBack.disabled = explorer.views.length < 2;
    const previous = explorer.views[explorer.views.length - 2];
    ui.explorerBack.setAttribute(
      "aria-label",
      previous ? `Back to ${previous.kind === "root" ? "the schema" : previous.name}` : "Back",
    );
    ui.explorerTitle.textContent = view.kind === "root" ? "Schema" : view.name;
    ui.explorerTitle.classList.toggle("is-type", view.kind !== "root");
    ui.explorerFilter.value = view.filter;
    ui.explorer.dataset.state = explorer.state;

    if (explorer.state === "loading") {
      ui.explorerBody.replaceChildren(h("p", { class: "muted" }, "Loading the schema…"));
      return;
    }
    if (explorer.state === "error") {
      ui.explorerBody.replaceChildren(
        h("p", { class: "error-message" }, explorer.error),
        h(
          "button",
          { type: "button", class: "button small", onclick: () => loadSchema() },
          "Try again",
        ),
      );
      return;
    }
    let parts;
    if (view.kind === "root") parts = rootView(view.filter);
    else {
      const type = explorer.types.get(view.name);
      parts = type
        ? typeView(type, view.filter)
        : [h("p", { class: "muted" }, `No type named ${view.name}.`)];
    }
    const content = parts.filter(Boolean);
    ui.explorerBody.replaceChildren(...content);
    ui.explorerBody.scrollTop = 0;
    if (focusTitle) ui.explorerTitle.focus();
  }

  function showType(name) {
    if (!explorer.types.has(name)) return;
    const view = explorer.views[explorer.views.length - 1];
    if (view.kind === "type" && view.name === name) return;
    explorer.views.push({ kind: "type", name, filter: "" });
    if (ui.explorer.hidden) setExplorerOpen(true);
    renderExplorer({ focusTitle: true });
  }

  ui.explorerBody.addEventListener("click", (event) => {
    const link = event.target.closest("button.type-link");
    if (link && link.dataset.type) showType(link.dataset.type);
  });
  ui.explorerBack.addEventListener("click", () => {
    if (explorer.views.length > 1) explorer.views.pop();
    renderExplorer({ focusTitle: true });
  });
  ui.explorerFilter.addEventListener("input", () => {
    explorer.views[explorer.views.length - 1].filter = ui.explorerFilter.value.trim();
    renderExplorer();
  });
  ui.explorerFilter.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && ui.explorerFilter.value) {
      event.preventDefault();
      ui.explorerFilter.value = "";
      ui.explorerFilter.dispatchEvent(new Event("input"));
    }
  });

  function setExplorerOpen(open) {
    ui.explorer.hidden = !open;
    ui.explorerToggle.setAttribute("aria-expanded", String(open));
    ui.workspace.classList.toggle("explorer-closed", !open);
    storage.set(STORAGE.explorer, open ? null : "closed");
  }
  ui.explorerToggle.addEventListener("click", () => setExplorerOpen(ui.explorer.hidden));

  async function loadSchema() {
    explorer.state = "loading";
    renderExplorer();
    try {
      const response = await postGraphQL({
        query: INTROSPECTION_QUERY,
        operationName: "ConsoleIntrospection",
      });
      const text = await response.text();
      let payload;
      try {
        payload = JSON.parse(text);
      } catch {
        throw new Error(`the server answered HTTP ${response.status} without GraphQL JSON`);
      }
      const schema = payload && payload.data && payload.data.__schema;
      if (!schema) {
        const message =
          payload && Array.isArray(payload.errors) && payload.errors[0]
            ? payload.errors[0].message
            : `HTTP ${response.status}`;
        throw new Error(message);
      }
      explorer.types = new Map(schema.types.map((type) => [type.name, type]));
      explorer.queryType = schema.queryType ? schema.queryType.name : null;
      explorer.mutationType = schema.mutationType ? schema.mutationType.name : null;
      explorer.subscriptionType = schema.subscriptionType ? schema.subscriptionType.name : null;
      explorer.state = "ready";
    } catch (error) {
      explorer.state = "error";
      explorer.error = `The schema could not be loaded: ${error.message || error}.`;
    }
    renderExplorer();
  }

  // ------------------------------------------------------------------ start

  function initialState() {
    const params = new URLSearchParams(window.location.search);
    if (params.has("query")) {
      return {
        query: params.get("query"),
        variables: params.get("variables") || "",
        fromLink: true,
      };
    }
    const stored = storage.get(STORAGE.query);
    if (stored !== null && stored.trim() !== "") {
      return { query: stored, variables: storage.get(STORAGE.variables) || "", fromLink: false };
    }
    return { query: WELCOME + prettify(EXAMPLES[1].query), variables: "", fromLink: false };
  }

  function boot() {
    const state = initialState();
    ui.query.value = state.query;
    ui.variables.value = state.variables;
    queryEditor.sync();
    variablesEditor.sync();
    showVariablesState();
    updateCursor();
    setExplorerOpen(storage.get(STORAGE.explorer) !== "closed");
    ui.resultEmpty.hidden = false;
    ui.workspace.setAttribute("aria-busy", "false");
    document.body.dataset.ready = "true";
    loadSchema();

    // A shared link shows its answer at once, as long as it only reads.
    const readOnly = analyze(state.query).operations.every((op) => op.type === "query");
    if (state.fromLink && state.query.trim() && readOnly) run();
    else if (state.fromLink) announce("Query loaded from the link. Press Run to see its result.");
  }

  boot();
})();
