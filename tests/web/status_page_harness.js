// Runs the status page's inline script under Node.js against a minimal DOM.
//
// stdin: {"script": "...", "root": {dataset}, "elements": [{attrs, text, hidden}],
//         "responses": [status.json bodies, in the order fetch should return them]}
// stdout: {"fetches": n, "elements": [{attrs, text, hidden, className, innerHTML, open}]}
// Only what the script uses is modelled: getElementById, querySelector(All) on
// [data-field="x"], [data-row="x"], [data-html="x"], [data-status] and
// [data-raw-json], dataset, textContent, innerHTML, hidden, open, className,
// fetch and setTimeout (run at once, in order).
"use strict";

const input = JSON.parse(require("fs").readFileSync(0, "utf8"));

const elements = input.elements.map((e) => ({
  attrs: e.attrs,
  textContent: e.text,
  hidden: e.hidden,
  open: e.open,
  innerHTML: null,
  className: e.attrs.class || "",
}));

function matches(element, selector) {
  const exact = selector.match(/^\[([\w-]+)="([^"]*)"\]$/);
  if (exact) return element.attrs[exact[1]] === exact[2];
  const present = selector.match(/^\[([\w-]+)\]$/);
  if (present) return present[1] in element.attrs;
  throw new Error("selector not modelled: " + selector);
}

const root = {
  dataset: input.root,
  querySelectorAll: (selector) => elements.filter((e) => matches(e, selector)),
  querySelector: (selector) => elements.find((e) => matches(e, selector)) || null,
};

let fetches = 0;
const timers = [];
globalThis.document = { getElementById: (id) => (id === "job" ? root : null) };
globalThis.setTimeout = (callback) => timers.push(callback);
globalThis.fetch = async (url) => {
  if (url !== root.dataset.statusUrl) throw new Error("unexpected URL " + url);
  const body = input.responses[Math.min(fetches, input.responses.length - 1)];
  fetches += 1;
  return { ok: true, status: 200, json: async () => body };
};

(async () => {
  new Function(input.script)();
  for (let turns = 0; timers.length > 0; turns += 1) {
    if (turns > 20) throw new Error("the script never stops polling");
    await timers.shift()();
  }
  const out = elements.map((e) => ({
    attrs: e.attrs,
    text: e.textContent,
    hidden: e.hidden,
    open: e.open,
    innerHTML: e.innerHTML,
    className: e.className,
  }));
  process.stdout.write(JSON.stringify({ fetches, elements: out }));
})().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
