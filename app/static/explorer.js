// policygraph explorer: search, node panel, graph views (explore / lineage / agency / path),
// URL state, export. Talks only to the public GraphQL API (api.js). Document text is always
// inserted as text (dom.js), never as HTML.

import * as api from "./api.js";
import { announce, append, download, fill, h, swatch } from "./dom.js";
import { addMissing, agencyLayout, createGraph, edgeElement, nodeElement, runLayout, shortLabel } from "./graph.js";
import { EDGE_LABELS, KINDS, kindLabel, kindStyle } from "./kinds.js";

// Roles as the API names them: lead 主辦, co 協辦, or responsible (named; the document does not say which).
const ROLE_TAGS = { lead: "lead 主辦", co: "co 協辦", responsible: "responsible (role not stated)" };
const ROLE_EDGES = { lead: "LEADS", co: "CO_ORGANIZES", responsible: "RESPONSIBLE_FOR" };

function roleCounts(g) {
  const parts = [`lead ${g.lead}`, `co ${g.co}`];
  if (g.responsible) parts.push(`unstated ${g.responsible}`);
  return parts.join(" · ");
}

const NEIGHBOUR_CAP = 12; // neighbours drawn per expansion; the rest behind "show more"
const AGENCY_CAP = 8; // items drawn per plan in the agency view (the panel lists them all)
const CONTEXT_LINES = 8; // lines shown around a quote in the source view
const VIEWS = ["explore", "lineage", "agency", "path"];

const $ = (id) => document.getElementById(id);

// ---- state and URL -------------------------------------------------------------------------
// The URL holds the whole view: q (search text), node (selected, in the panel), view, focus (the
// node the canvas is about), to (path end), kinds/plans (filters), src (source view open),
// x (nodes expanded in the explore view, in order).

const state = {
  q: "",
  node: null,
  view: "explore",
  focus: null,
  to: null,
  kinds: new Set(),
  plans: new Set(),
  src: false,
  x: [],
};

function readUrl() {
  const p = new URLSearchParams(location.search);
  const list = (k) => (p.get(k) || "").split(",").map((s) => s.trim()).filter(Boolean);
  return {
    q: p.get("q") || "",
    node: p.get("node") || null,
    view: VIEWS.includes(p.get("view")) ? p.get("view") : "explore",
    focus: p.get("focus") || null,
    to: p.get("to") || null,
    kinds: new Set(list("kinds").filter((k) => k in KINDS)),
    plans: new Set(list("plans")),
    src: p.get("src") === "1",
    x: list("x"),
  };
}

function urlOf(s) {
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  if (s.view !== "explore") p.set("view", s.view);
  if (s.focus) p.set("focus", s.focus);
  if (s.node) p.set("node", s.node);
  if (s.to) p.set("to", s.to);
  if (s.kinds.size) p.set("kinds", [...s.kinds].join(","));
  if (s.plans.size) p.set("plans", [...s.plans].join(","));
  if (s.src) p.set("src", "1");
  if (s.x.length) p.set("x", s.x.join(","));
  const qs = p.toString();
  return qs ? `${location.pathname}?${qs}` : location.pathname;
}

function cloneState(s) {
  return { ...s, kinds: new Set(s.kinds), plans: new Set(s.plans), x: [...s.x] };
}

/**
 * Change the view. `push` adds a history entry (selections, views, filters: Back returns to
 * them); otherwise the current entry is replaced (typing, expanding).
 */
async function go(changes, { push = true } = {}) {
  const before = cloneState(state);
  Object.assign(state, changes);
  normalise(state);
  const url = urlOf(state);
  if (url !== location.pathname + location.search) {
    if (push) history.pushState(null, "", url);
    else history.replaceState(null, "", url);
  }
  await render(before);
}

/** Keep the view consistent: a lineage needs an item, an agency view an agency, a path two ends. */
function normalise(s) {
  if (!s.focus && s.node) s.focus = s.node;
  if (s.view === "path" && (!s.focus || !s.to)) s.view = "explore";
  if (s.view !== "path") s.to = null;
  if (s.view !== "explore") s.x = [];
  if (!s.node) s.src = false;
}

// ---- rendering -----------------------------------------------------------------------------

let cy = null;
let renderSeq = 0;
// Integrity: the latest check run and the worst severity per node it has findings about (api.integrityFlags).
let integrity = { run: null, worst: new Map() };
const undoStack = [];
let pathStart = null; // node chosen with "Path from here", waiting for its other end

async function render(before = null) {
  const seq = ++renderSeq;
  document.body.dataset.state = "busy";
  syncControls();
  const tasks = [];
  const changed = (k) =>
    !before ||
    (before[k] instanceof Set ? [...before[k]].join() !== [...state[k]].join() : String(before[k]) !== String(state[k]));
  if (changed("q") || changed("kinds") || changed("plans")) tasks.push(renderResults());
  if (changed("node") || changed("src") || changed("view")) tasks.push(renderPanel());
  if (["view", "focus", "to", "x"].some(changed)) tasks.push(renderCanvas());
  else if (changed("kinds") || changed("plans") || changed("node")) applyFiltersAndSelection();
  try {
    await Promise.all(tasks);
  } finally {
    if (seq === renderSeq) document.body.dataset.state = "ready";
  }
}

function syncControls() {
  $("search-input").value = state.q;
  for (const b of document.querySelectorAll("#views button")) {
    b.setAttribute("aria-pressed", String(b.dataset.view === state.view));
  }
  syncFilters();
}

function syncFilters() {
  for (const box of document.querySelectorAll("#kind-filters input")) box.checked = state.kinds.has(box.value);
  for (const box of document.querySelectorAll("#plan-filters input")) box.checked = state.plans.has(box.value);
  const n = state.kinds.size + state.plans.size;
  $("filter-count").textContent = n ? `(${n})` : "";
  if (n) $("filters").open = true;
}

function reportError(err) {
  const msg = err && err.message ? err.message : String(err);
  announce(msg, "error");
}

// ---- search --------------------------------------------------------------------------------

let searchSeq = 0;

async function renderResults() {
  const box = $("results");
  const q = state.q.trim();
  if (!q) {
    fill(box);
    return;
  }
  const seq = ++searchSeq;
  let res;
  try {
    res = await api.search(q, { kinds: [...state.kinds], plans: [...state.plans] });
  } catch (err) {
    if (seq === searchSeq) fill(box, h("p", { class: "note" }, "Search failed: ", err.message));
    reportError(err);
    return;
  }
  if (seq !== searchSeq) return;
  if (!res.items.length) {
    fill(box, h("p", { class: "note" }, `No result for “${q}”.`));
    announce(`No result for “${q}”`);
    return;
  }
  const groups = new Map();
  for (const item of res.items) {
    if (!groups.has(item.node.kind)) groups.set(item.node.kind, []);
    groups.get(item.node.kind).push(item);
  }
  // Groups in the order of their best result (the API ranks results best first).
  const kinds = [...groups.keys()];
  fill(
    box,
    h("p", { class: "note" }, `${res.total} result${res.total === 1 ? "" : "s"} for “${q}”`),
    kinds.map((kind) => {
      const items = groups.get(kind);
      return h(
        "section",
        { class: "result-group", "aria-label": `${kindLabel(kind)}: ${items.length}` },
        h("h3", {}, swatch(kindStyle(kind)), `${kindLabel(kind)} (${items.length})`),
        h(
          "ul",
          {},
          items.map((it) =>
            h(
              "li",
              {},
              h(
                "button",
                {
                  type: "button",
                  class: "result",
                  dataset: { id: it.node.id, kind },
                  "aria-current": String(it.node.id === state.node),
                  // detail 0: activated from the keyboard; the panel then takes the focus.
                  onclick: (ev) => selectFromSearch(it.node, ev.detail === 0),
                },
                h("span", { class: "result-title" }, it.node.title),
                it.node.plan && it.node.plan.id !== it.node.id
                  ? h("span", { class: "result-plan" }, it.node.plan.title || it.node.plan.id)
                  : null,
                it.matched && it.matched !== it.node.title ? h("span", { class: "result-match" }, `≈ ${it.matched}`) : null,
              ),
            ),
          ),
        ),
      );
    }),
  );
  announce(`${res.total} result${res.total === 1 ? "" : "s"} for “${q}”`);
}

async function selectFromSearch(ref, keyboard = false) {
  let view = state.view;
  if (ref.kind === "Agency" && view === "lineage") view = "explore";
  if (ref.kind !== "Agency" && view === "agency") view = "explore";
  if (view === "path") view = "explore";
  await go({ node: ref.id, focus: ref.id, view, src: false, x: [] });
  const title = $("panel-title");
  if (keyboard && title) title.focus();
}

// ---- node panel ----------------------------------------------------------------------------

let panelSeq = 0;

async function renderPanel() {
  const panel = $("panel");
  const id = state.node;
  if (!id) {
    fill(panel, h("p", { class: "note" }, "Search for a plan, a measure or an agency, or pick a node in the graph."));
    return;
  }
  const seq = ++panelSeq;
  let n;
  try {
    n = await api.node(id);
  } catch (err) {
    if (seq === panelSeq) fill(panel, h("p", { class: "note" }, "Could not load this item: ", err.message));
    reportError(err);
    return;
  }
  if (seq !== panelSeq) return;
  if (!n) {
    fill(panel, h("p", { class: "note" }, `No item with id ${id} in the served graph.`));
    return;
  }
  const parts = n.kind === "Agency" ? await agencyPanel(n) : nodePanel(n);
  if (seq !== panelSeq) return;
  fill(panel, ...parts);
  if (lastPanelNode !== id) panel.scrollTop = 0; // a new item starts at its title
  lastPanelNode = id;
  if (state.src && n.document) {
    await showSource(n);
    const box = $("source-context");
    if (box && seq === panelSeq) box.scrollIntoView({ block: "nearest" });
  }
}

let lastPanelNode = null;

function header(n) {
  return [
    h("span", { class: "kind-chip" }, swatch(kindStyle(n.kind)), kindLabel(n.kind), n.number ? ` ${n.number}` : ""),
    h("h2", { id: "panel-title", tabindex: "-1" }, n.title),
    integrityBadges(n.findings || [], n.findingCount || 0, n.findingsRun),
  ];
}

const SEVERITY_LABELS = { error: "error 錯誤", warning: "warning 警告", info: "info 提示" };

/**
 * The integrity findings about this node (latest check run): severity badge, message, evidence.
 * `total` is the connection's totalCount: the first page (100) is shown, the title counts them all.
 */
function integrityBadges(findings, total, run) {
  // Empty (and hidden by the stylesheet) when the node has no finding.
  if (!findings.length) return h("div", { class: "badges", id: "integrity-badges" });
  return h(
    "section",
    { class: "badges", id: "integrity-badges", "aria-labelledby": "integrity-title" },
    h("h3", { id: "integrity-title" }, `Integrity findings 檢核發現 (${total})`),
    h(
      "ul",
      { class: "findings" },
      findings.map((f) =>
        h(
          "li",
          { class: `finding ${f.severity}`, dataset: { check: f.check, severity: f.severity } },
          h("span", { class: `badge ${f.severity}` }, SEVERITY_LABELS[f.severity] || f.severity),
          " ",
          h("code", { class: "check", title: f.rationale || null }, f.check),
          h("p", { class: "finding-message" }, f.message),
          f.evidence.map((e) =>
            h(
              "p",
              { class: "cite finding-evidence" },
              e.documentTitle || e.document,
              e.lineStart ? `, line ${e.lineStart}` : "",
              e.quote ? [": ", h("q", {}, e.quote)] : null,
            ),
          ),
        ),
      ),
    ),
    run
      ? h(
          "p",
          { class: "cite" },
          `Check run of ${run.startedAt.replace("T", " ").replace("+00:00", " UTC")}`,
          run.current ? "" : " (an earlier version of the graph)",
        )
      : null,
  );
}

function nodeButton(ref, text = null) {
  return h(
    "button",
    { type: "button", class: "link", dataset: { id: ref.id }, onclick: () => go({ node: ref.id, src: false }) },
    text || ref.title || ref.id,
  );
}

function nodePanel(n) {
  const out = header(n);
  if (n.plan && n.plan.id !== n.id) out.push(h("p", { class: "plan" }, "Plan 計畫: ", nodeButton(n.plan)));
  if (n.targetOf) {
    // A target hangs under no hierarchy: the item that states it is its way back into the plan.
    out.push(
      h(
        "p",
        { class: "target-of" },
        "Target of 所屬項目: ",
        swatch(kindStyle(n.targetOf.kind), 11),
        " ",
        h("span", { class: "cite" }, `${kindLabel(n.targetOf.kind)} `),
        nodeButton(n.targetOf),
      ),
    );
  }
  if (n.value) out.push(h("p", { class: "target-value" }, "Value 數值: ", n.value));
  if (n.ancestors.length) {
    const chain = [...n.ancestors, { id: n.id, kind: n.kind, title: n.title }];
    out.push(
      h(
        "nav",
        { class: "crumbs", "aria-label": "Parent chain 上層" },
        h(
          "ol",
          {},
          chain.map((a, i) =>
            i === chain.length - 1
              ? h("li", { "aria-current": "page" }, shortLabel(a.title, 18))
              : h("li", {}, nodeButton(a, `${kindLabel(a.kind).split(" ")[0]}: ${shortLabel(a.title, 16)}`)),
          ),
        ),
      ),
    );
  }
  out.push(actions(n));
  out.push(agenciesSection(n));
  if (n.targets.length) {
    out.push(
      h(
        "section",
        { class: "targets" },
        h("h3", {}, "Targets 目標值"),
        h(
          "ul",
          {},
          n.targets.map((t) =>
            h(
              "li",
              { dataset: { id: t.id } },
              nodeButton({ id: t.id, title: t.title }),
              t.detail ? h("span", { class: "cite target-detail" }, ` (${t.detail})`) : null,
            ),
          ),
        ),
      ),
    );
  }
  if (n.children.length) {
    out.push(
      h(
        "section",
        { class: "members", "aria-label": "Contains" },
        h("h3", {}, `Contains 下層 (${n.childCount})`),
        h(
          "ul",
          {},
          n.children.map((c) => h("li", {}, swatch(kindStyle(c.kind), 11), " ", nodeButton(c))),
        ),
        n.childCount > n.children.length ? h("p", { class: "note" }, `… and ${n.childCount - n.children.length} more`) : null,
      ),
    );
  }
  if (n.description) out.push(h("section", {}, h("h3", {}, "Text 內文"), h("p", { class: "desc" }, n.description)));
  out.push(sourceSection(n));
  return out;
}

function actions(n) {
  const btn = (label, onclick, extra = {}) => h("button", { type: "button", onclick, ...extra }, label);
  const list = [btn("Explore around 探索", () => go({ view: "explore", focus: n.id, x: [] }), { id: "act-explore" })];
  if (n.kind === "Agency") {
    list.push(btn("Agency view 機關檢視", () => go({ view: "agency", focus: n.id }), { id: "act-agency" }));
  } else if (n.kind !== "Document") {
    list.push(btn("Lineage 脈絡", () => go({ view: "lineage", focus: n.id }), { id: "act-lineage" }));
  }
  if (pathStart && pathStart.id !== n.id) {
    list.push(
      btn(`Path from “${shortLabel(pathStart.title, 10)}” to here`, () => {
        const from = pathStart.id;
        pathStart = null;
        go({ view: "path", focus: from, to: n.id });
      }, { id: "act-path-to" }),
    );
  }
  list.push(
    btn("Path from here 路徑起點", () => {
      pathStart = { id: n.id, title: n.title };
      announce(`Path start: ${n.title}. Select another node, then “Path … to here”.`);
      renderPanel();
    }, { id: "act-path-from" }),
  );
  return h("div", { class: "actions", role: "group", "aria-label": "Views of this item" }, list);
}

function agencyList(items, cls) {
  return h(
    "ul",
    { class: cls },
    items.map((r) =>
      h(
        "li",
        { dataset: { agency: r.agency.id, role: r.role } },
        nodeButton(r.agency, r.agency.title),
        h("span", { class: `tag ${r.role}` }, ROLE_TAGS[r.role] || r.role),
        cls === "inherited" && r.via ? h("span", { class: "cite" }, " from ", nodeButton(r.via, shortLabel(r.via.title, 14))) : null,
        // Where the document assigns it (the quote on hover): the 表4 row of an S&T strategy, …
        r.evidence
          ? h("span", { class: "cite assignment", title: r.evidence.quote || null }, ` line ${r.evidence.lineStart}`)
          : null,
      ),
    ),
  );
}

function agenciesSection(n) {
  const own = n.agencies.filter((r) => r.explicit);
  const inherited = n.agencies.filter((r) => !r.explicit);
  return h(
    "section",
    { class: "agencies", "aria-label": "Responsible agencies" },
    h("h3", {}, "Responsible agencies 權責機關"),
    own.length ? [h("p", { class: "cite" }, "Assigned to this item 本項指定:"), agencyList(own, "explicit")] : null,
    inherited.length
      ? [h("p", { class: "cite" }, "Inherited from above 承襲上層:"), agencyList(inherited, "inherited")]
      : null,
    !own.length && !inherited.length ? h("p", { class: "note" }, "No agency is named for this item or above it.") : null,
  );
}

function sourceSection(n) {
  if (!n.document) return null;
  const lines = n.lineStart === n.lineEnd ? `line ${n.lineStart}` : `lines ${n.lineStart}–${n.lineEnd}`;
  return h(
    "section",
    { class: "source", "aria-label": "Source text 出處" },
    h("h3", {}, "Source 出處"),
    h("blockquote", { class: "quote", id: "source-quote" }, n.quote),
    h("p", { class: "cite" }, n.document.title || n.document.id, `, ${lines}`),
    h(
      "button",
      {
        type: "button",
        id: "btn-source",
        "aria-expanded": String(state.src),
        "aria-controls": "source-context",
        onclick: () => go({ src: !state.src }),
      },
      state.src ? "Hide document text 隱藏原文" : "Show in document 查看原文",
    ),
    h("div", { id: "source-context" }),
  );
}

async function showSource(n) {
  const box = $("source-context");
  if (!box) return;
  const from = Math.max(1, n.lineStart - CONTEXT_LINES);
  const to = n.lineEnd + CONTEXT_LINES;
  let lines;
  try {
    lines = await api.documentLines(n.document.id, from, to);
  } catch (err) {
    fill(box, h("p", { class: "note" }, "Could not load the document text: ", err.message));
    reportError(err);
    return;
  }
  const list = h(
    "ol",
    { class: "source-lines", "aria-label": `${n.document.title || n.document.id}, lines ${from}–${to}` },
    lines.map((l) => {
      const hl = l.number >= n.lineStart && l.number <= n.lineEnd;
      return h(
        "li",
        { class: hl ? "hl" : null, dataset: { line: l.number } },
        h("span", { class: "ln", "aria-hidden": "true" }, l.number),
        hl ? h("mark", { class: "tx" }, l.text) : h("span", { class: "tx" }, l.text),
      );
    }),
  );
  fill(box, list);
  const first = list.querySelector("li.hl");
  if (first) list.scrollTop = Math.max(0, first.offsetTop - list.offsetTop - 40);
}

function itemEntry(it) {
  return h(
    "li",
    {},
    swatch(kindStyle(it.node.kind), 11),
    " ",
    nodeButton(it.node),
    h("span", { class: `tag ${it.role}` }, it.role),
    it.explicit ? null : h("span", { class: "tag inherited" }, "inherited"),
  );
}

/** "Show more" under a plan group of the agency panel: the next page of its items. */
function moreItemsButton(agencyId, g) {
  let cursor = g.cursor;
  let shown = g.items.length;
  const button = h("button", { type: "button", class: "more-items" }, `Show more (${g.total - shown} left)`);
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const page = await api.agencyItems(agencyId, g.plan.id, cursor);
      const list = button.parentElement.querySelector("ul");
      append(list, page.items.map(itemEntry));
      shown += page.items.length;
      cursor = page.cursor;
      if (cursor) {
        button.textContent = `Show more (${g.total - shown} left)`;
        button.disabled = false;
      } else {
        button.remove();
      }
    } catch (err) {
      reportError(err);
      button.disabled = false;
    }
  });
  return button;
}

async function agencyPanel(n) {
  const out = header(n);
  const meta = [];
  if (n.aliases && n.aliases.length) meta.push(h("p", { class: "cite" }, "Also 又稱: ", n.aliases.join("、")));
  if (n.englishName) meta.push(h("p", { class: "cite", lang: "en" }, n.englishName));
  if (n.parentAgency) meta.push(h("p", { class: "cite" }, "Part of 隸屬: ", nodeButton(n.parentAgency)));
  out.push(...meta, actions(n));
  let view;
  try {
    view = await api.agencyView(n.id);
  } catch (err) {
    reportError(err);
    out.push(h("p", { class: "note" }, "Could not load the responsibilities: ", err.message));
    return out;
  }
  out.push(
    h(
      "section",
      { class: "members", "aria-label": "Responsibilities by plan" },
      h("h3", {}, "Leads and co-organises, by plan 主協辦（依計畫）"),
      view.groups.length ? null : h("p", { class: "note" }, "No assignment names this agency."),
      view.groups.map((g) =>
        h(
          "details",
          { open: view.groups.length <= 3, dataset: { plan: g.plan.id } },
          h(
            "summary",
            {},
            g.plan.title || g.plan.id,
            h(
              "span",
              { class: "group-count" },
              ` — ${roleCounts(g)} (assigned ${g.explicit}, inherited ${g.inherited})`,
            ),
          ),
          h("ul", {}, g.items.map(itemEntry)),
          g.cursor ? moreItemsButton(n.id, g) : null,
        ),
      ),
    ),
  );
  out.push(sourceSection(n));
  return out;
}

// ---- canvas --------------------------------------------------------------------------------

let canvasSeq = 0;

async function renderCanvas() {
  const seq = ++canvasSeq;
  undoStack.length = 0;
  const note = $("canvas-note");
  note.textContent = "";
  let title = "Overview 總覽";
  const elements = [];
  try {
    if (state.view === "lineage" && state.focus) {
      const lin = await api.lineage(state.focus);
      if (seq !== canvasSeq) return;
      title = `Lineage 脈絡: ${lin.chain.length ? lin.chain[lin.chain.length - 1].title : state.focus}`;
      lineageElements(lin, elements);
      if (lin.cross.length) note.textContent = `${lin.cross.length} cross-plan link(s), dashed and labelled by type.`;
    } else if (state.view === "agency" && state.focus) {
      const view = await api.agencyView(state.focus);
      if (seq !== canvasSeq) return;
      title = `Agency 機關: ${view.agency.title}`;
      agencyElements(view, elements, note);
    } else if (state.view === "path" && state.focus && state.to) {
      const path = await api.path(state.focus, state.to);
      if (seq !== canvasSeq) return;
      title = "Path 路徑";
      if (!path) {
        note.textContent = "No path connects these two items.";
        const ends = await Promise.all([api.node(state.focus), api.node(state.to)]);
        for (const e of ends) if (e) elements.push(nodeElement(e, { classes: ["focus"] }));
      } else {
        pathElements(path, elements);
        note.textContent = `${path.hops.length} hop(s) from “${path.nodes[0].title}” to “${path.nodes[path.nodes.length - 1].title}”.`;
      }
    } else if (state.focus) {
      const center = await api.node(state.focus);
      if (seq !== canvasSeq) return;
      if (!center) throw new Error(`No item with id ${state.focus} in the served graph.`);
      title = `Around 周邊: ${center.title}`;
      elements.push(nodeElement(center, { classes: ["focus"] }));
    } else {
      const ov = await api.overview();
      if (seq !== canvasSeq) return;
      overviewElements(ov, elements);
      note.textContent = ov.documents.length
        ? "The documents, their plans and the links between them. Search, or double-click a plan to see what it names."
        : "No document is loaded yet (see /health).";
    }
  } catch (err) {
    if (seq !== canvasSeq) return;
    note.textContent = `Could not draw this view: ${err.message}`;
    reportError(err);
  }
  $("canvas-title").textContent = title;
  cy.elements().remove();
  addMissing(cy, elements);
  if (state.view === "explore" && state.focus && !cy.getElementById(state.focus).empty()) {
    await expand(state.focus, { record: false, layout: false });
    // x replays the expansions in order; an id already expanded means its next page ("show more").
    for (const id of state.x) {
      if (seq !== canvasSeq) return;
      const n = cy.getElementById(id);
      if (n.nonempty()) await expand(id, { record: false, layout: false, more: Boolean(n.data("expanded")) });
    }
  }
  if (seq !== canvasSeq) return;
  const laidOut = performance.now();
  if (state.view === "agency") agencyLayout(cy, state.focus);
  else runLayout(cy);
  performance.measure("explorer layout", { start: laidOut }); // read by benchmarks/bench_explorer.py
  applyFiltersAndSelection();
}

function overviewElements(ov, out) {
  for (const d of ov.documents) {
    out.push(nodeElement({ id: d.id, kind: "Document", title: d.title, plan: null }, { label: shortLabel(d.shortName || d.title) }));
    if (d.plan) {
      out.push(nodeElement(d.plan));
      out.push(edgeElement(d.id, d.plan.id, "DESCRIBES"));
    }
  }
  // Links between the loaded plans only: the external plans they name (dozens) are one expansion away.
  const plans = new Set(ov.documents.filter((d) => d.plan).map((d) => d.plan.id));
  for (const l of ov.links) {
    if (plans.has(l.source.id) && plans.has(l.target.id)) {
      out.push(edgeElement(l.source.id, l.target.id, l.type, l.evidence));
    }
  }
}

function lineageElements(lin, out) {
  const chain = lin.chain;
  chain.forEach((n, i) => {
    out.push(nodeElement(n, { classes: i === chain.length - 1 ? ["focus"] : [] }));
    if (i > 0) out.push(edgeElement(chain[i - 1].id, n.id, "CONTAINS"));
  });
  for (const c of lin.cross) {
    // The origin is on the chain (or an earlier hop); the other end is drawn here.
    const plan = c.other.plan && c.other.plan.id !== c.other.id ? `\n(${shortLabel(c.other.plan.title, 12)})` : "";
    out.push(nodeElement(c.other, { label: shortLabel(c.other.title) + plan }));
    out.push(edgeElement(c.source.id, c.target.id, c.type, c.evidence));
  }
}

function agencyElements(view, out, note) {
  const a = view.agency;
  out.push(nodeElement(a, { classes: ["focus"] }));
  let hidden = 0;
  for (const g of view.groups) {
    const gid = `group:${a.id}:${g.plan.id}`;
    out.push(
      nodeElement(
        { id: gid, kind: "Group", title: g.plan.title || g.plan.id, plan: g.plan },
        {
          classes: ["group"],
          label: `${shortLabel(g.plan.title || g.plan.id, 18)}\n${roleCounts(g)}`,
          data: { pseudo: true },
        },
      ),
    );
    out.push(edgeElement(a.id, gid, "GROUP", null, { label: "", data: { pseudo: true } }));
    const shown = g.items.filter((it) => it.explicit).slice(0, AGENCY_CAP);
    hidden += g.items.filter((it) => it.explicit).length - shown.length;
    shown.forEach((it, order) => {
      const type = ROLE_EDGES[it.role] || "CO_ORGANIZES";
      const ref = { ...it.node, plan: it.node.plan || g.plan };
      out.push(nodeElement(ref, { label: shortLabel(ref.title, 12), data: { group: gid, order } }));
      // Drawn from the plan group; exported as the real agency -> item edge.
      out.push(
        edgeElement(gid, it.node.id, type, it.evidence, {
          id: `${a.id}|${type}|${it.node.id}`,
          label: "", // lead/co by line style (legend): 30 labels would hide the items
          data: { realSource: a.id },
        }),
      );
    });
  }
  note.textContent =
    `Grouped by plan with counts; explicit assignments drawn` +
    (hidden ? `, ${hidden} more listed in the panel.` : ".") +
    " Inherited items are listed in the panel.";
}

function pathElements(path, out) {
  for (const n of path.nodes) out.push(nodeElement(n, { classes: ["on-path"] }));
  for (const hop of path.hops) {
    const el = edgeElement(hop.source.id, hop.target.id, hop.type, hop.evidence);
    el.classes += " on-path";
    out.push(el);
  }
  const ends = [path.nodes[0], path.nodes[path.nodes.length - 1]];
  for (const e of ends) out.find((el) => el.data.id === e.id).classes += " focus";
}

/** Draw a node's neighbours (first page, or the next page with `more`). */
async function expand(id, { record = true, layout = true, more = false } = {}) {
  const node = cy.getElementById(id);
  if (node.empty() || node.data("pseudo") || node.hasClass("more")) return;
  if (!more && node.data("expanded")) return;
  if (more && !node.data("cursor")) return; // nothing left to show
  if (record) pushUndo();
  const after = more ? node.data("cursor") : null;
  let page;
  try {
    page = await api.neighbours(id, NEIGHBOUR_CAP, after);
  } catch (err) {
    reportError(err);
    return;
  }
  const els = [];
  for (const e of page.edges) {
    els.push(nodeElement(e.node, { data: { addedBy: id } }));
    const [s, t] = e.dir === "out" ? [id, e.node.id] : [e.node.id, id];
    els.push(edgeElement(s, t, e.type, e.evidence));
  }
  addMissing(cy, els);
  node.data({ expanded: true, cursor: page.hasMore ? page.cursor : null, total: page.total });
  const moreId = `more:${id}`;
  cy.getElementById(moreId).remove();
  const shown = cy.nodes().filter((n) => n.data("addedBy") === id).length;
  if (page.hasMore) {
    const remaining = Math.max(page.total - shown, 0);
    cy.add([
      nodeElement(
        { id: moreId, kind: "More", title: `show more neighbours of ${node.data("title")}`, plan: null },
        { classes: ["more"], label: `+${remaining} more…`, data: { pseudo: true, of: id, addedBy: id } },
      ),
      edgeElement(id, moreId, "MORE", null, { label: "", data: { pseudo: true } }),
    ]);
  }
  if (record) {
    state.x.push(id); // replayed on reload (see renderCanvas)
    history.replaceState(null, "", urlOf(state));
  }
  if (layout) {
    runLayout(cy);
    applyFiltersAndSelection();
  }
}

/** Remove what a node's expansion added (recursively), keeping the focus and the selection. */
function collapse(id) {
  const node = cy.getElementById(id);
  if (node.empty() || !node.data("expanded")) return;
  pushUndo();
  const drop = (nid) => {
    for (const child of cy.nodes().filter((n) => n.data("addedBy") === nid)) {
      const cid = child.id();
      if (cid === state.focus || cid === state.node) continue;
      drop(cid);
      child.remove();
    }
    const n = cy.getElementById(nid);
    if (!n.empty()) n.data({ expanded: false, cursor: null });
    state.x = state.x.filter((x) => x !== nid);
  };
  drop(id);
  history.replaceState(null, "", urlOf(state));
  runLayout(cy);
  applyFiltersAndSelection();
}

function pushUndo() {
  undoStack.push({ elements: cy.elements().jsons(), x: [...state.x] });
  if (undoStack.length > 50) undoStack.shift();
}

function undo() {
  const snap = undoStack.pop();
  if (!snap) {
    announce("Nothing to undo.");
    return;
  }
  cy.elements().remove();
  cy.add(snap.elements);
  state.x = snap.x;
  history.replaceState(null, "", urlOf(state));
  applyFiltersAndSelection();
  cy.fit(undefined, 24);
  announce("Undone.");
}

function hiddenByFilter(n) {
  if (n.id() === state.focus || n.id() === state.node || n.data("pseudo")) return false;
  if (state.kinds.size && !state.kinds.has(n.data("kind"))) return true;
  if (state.plans.size && n.data("plan") && !state.plans.has(n.data("plan"))) return true;
  return false;
}

function applyFiltersAndSelection() {
  cy.batch(() => {
    cy.nodes().forEach((n) => {
      n.toggleClass("filtered", hiddenByFilter(n));
      markFindings(n);
    });
    cy.nodes(":selected").unselect();
    if (state.node) cy.getElementById(state.node).select();
  });
  renderVisibleList();
}

/** Outline a node the latest integrity run has findings about, by its worst severity (legend). */
function markFindings(n) {
  const worst = integrity.worst.get(n.id());
  for (const sev of api.SEVERITIES) n.toggleClass(`finding-${sev}`, worst === sev);
}

/** Load which nodes have findings, then mark them; the first view does not wait for it. */
async function loadIntegrity() {
  try {
    const flags = await api.integrityFlags();
    if (flags) integrity = flags;
  } catch (err) {
    announce(`Integrity findings are not available: ${err.message}`);
  }
  cy.batch(() => cy.nodes().forEach(markFindings));
  const s = integrity.run ? integrity.run.summary : null;
  $("legend-findings-note").textContent = s
    ? ` (latest check run: ${s.errors} error(s), ${s.warnings} warning(s), ${s.infos} info; ${integrity.worst.size} node(s) marked)`
    : " (no check run recorded yet)";
  document.body.dataset.integrity = "ready"; // read by the browser tests
}

function renderVisibleList() {
  const nodes = cy.nodes().filter((n) => !n.hasClass("filtered") && !n.data("pseudo"));
  $("visible-count").textContent = `(${nodes.length})`;
  fill(
    $("visible-list"),
    nodes.map((n) =>
      h(
        "li",
        {},
        h(
          "button",
          { type: "button", dataset: { id: n.id() }, onclick: () => go({ node: n.id(), src: false }) },
          swatch(kindStyle(n.data("kind")), 10),
          " ",
          n.data("title"),
        ),
      ),
    ),
  );
}

// ---- export --------------------------------------------------------------------------------

function visibleSubgraph() {
  const nodes = cy.nodes().filter((n) => !n.hasClass("filtered") && !n.data("pseudo"));
  const ids = new Set(nodes.map((n) => n.id()));
  const edges = [];
  for (const e of cy.edges()) {
    if (e.data("pseudo")) continue;
    const source = e.data("realSource") || e.data("source");
    if (!ids.has(source) || !ids.has(e.data("target"))) continue;
    const ev = e.data("evidence");
    edges.push({
      source,
      target: e.data("target"),
      type: e.data("type"),
      document: ev ? ev.document : null,
      line: ev ? ev.lineStart : null,
      line_end: ev ? ev.lineEnd : null,
      quote: ev ? ev.quote : null,
    });
  }
  return {
    view: { url: location.href, view: state.view, focus: state.focus, node: state.node },
    nodes: nodes.map((n) => ({ id: n.id(), kind: n.data("kind"), title: n.data("title"), plan: n.data("plan") })),
    edges,
  };
}

function fileStem() {
  const base = (state.focus || "overview").replace(/[^\w.-]+/g, "_");
  return `policygraph-${state.view}-${base}`;
}

function exportJson() {
  const data = visibleSubgraph();
  download(`${fileStem()}.json`, new Blob([JSON.stringify(data, null, 1)], { type: "application/json" }));
  announce(`Exported ${data.nodes.length} nodes and ${data.edges.length} edges as JSON.`);
}

function csvCell(v) {
  const s = v === null || v === undefined ? "" : String(v);
  // Quote always; a leading = + - @ would be run as a formula by spreadsheets.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
}

function exportCsv() {
  const data = visibleSubgraph();
  const rows = [["element", "id", "kind", "title", "plan", "source", "target", "type", "document", "line", "line_end", "quote"]];
  for (const n of data.nodes) rows.push(["node", n.id, n.kind, n.title, n.plan, "", "", "", "", "", "", ""]);
  for (const e of data.edges) {
    rows.push(["edge", "", "", "", "", e.source, e.target, e.type, e.document, e.line, e.line_end, e.quote]);
  }
  const text = rows.map((r) => r.map(csvCell).join(",")).join("\r\n");
  // BOM: Excel reads the Chinese text as UTF-8.
  download(`${fileStem()}.csv`, new Blob(["\ufeff", text, "\r\n"], { type: "text/csv;charset=utf-8" }));
  announce(`Exported ${data.nodes.length} nodes and ${data.edges.length} edges as CSV.`);
}

function exportPng() {
  const blob = cy.png({ output: "blob", full: true, scale: 2, bg: "#ffffff" });
  download(`${fileStem()}.png`, blob);
  announce("Exported the graph as PNG.");
}

// ---- wiring --------------------------------------------------------------------------------

function buildLegend() {
  fill(
    $("legend-list"),
    Object.entries(KINDS).map(([kind, st]) => h("li", { dataset: { kind } }, swatch(st), st.label)),
    h("li", {}, h("span", { class: "legend-line lead", "aria-hidden": "true" }, "━━"), " leads 主辦"),
    h("li", {}, h("span", { class: "legend-line co", "aria-hidden": "true" }, "┅┅"), " co-organises 協辦"),
    h("li", {}, h("span", { class: "legend-line cross", "aria-hidden": "true" }, "╌╌"), " cross-plan link (labelled by type)"),
    h(
      "li",
      { id: "legend-findings" },
      "Integrity finding 檢核發現:",
      api.SEVERITIES.map((sev) =>
        h("span", { class: "legend-sev" }, h("span", { class: `legend-ring ${sev}`, "aria-hidden": "true" }), SEVERITY_LABELS[sev]),
      ),
      h("span", { id: "legend-findings-note", class: "cite" }),
    ),
  );
}

function buildKindFilters() {
  fill(
    $("kind-filters"),
    h("legend", {}, "Kind 類型"),
    Object.entries(KINDS).map(([kind, st]) =>
      h("label", {}, h("input", { type: "checkbox", value: kind, onchange: onFilterChange }), swatch(st), st.label),
    ),
  );
}

function buildPlanFilters(documents) {
  const plans = documents.filter((d) => d.plan).map((d) => d.plan);
  fill(
    $("plan-filters"),
    h("legend", {}, "Plan 計畫"),
    plans.length
      ? plans.map((p) =>
          h("label", {}, h("input", { type: "checkbox", value: p.id, onchange: onFilterChange }), shortLabel(p.title, 28)),
        )
      : h("p", { class: "note" }, "No plan is loaded."),
  );
}

function onFilterChange() {
  const kinds = new Set([...document.querySelectorAll("#kind-filters input:checked")].map((b) => b.value));
  // Before the plan boxes are built (they wait for the list of documents), the URL's plans stay.
  const built = document.querySelectorAll("#plan-filters input").length > 0;
  const plans = built ? new Set([...document.querySelectorAll("#plan-filters input:checked")].map((b) => b.value)) : state.plans;
  go({ kinds, plans });
}

function wire() {
  const input = $("search-input");
  let timer = null;
  $("search-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearTimeout(timer);
    go({ q: input.value.trim() });
  });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => go({ q: input.value.trim() }, { push: false }), 350);
  });
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "ArrowDown") {
      const first = document.querySelector("#results button.result");
      if (first) {
        ev.preventDefault();
        first.focus();
      }
    }
  });
  $("results").addEventListener("keydown", (ev) => {
    if (ev.key !== "ArrowDown" && ev.key !== "ArrowUp") return;
    const all = [...document.querySelectorAll("#results button.result")];
    const i = all.indexOf(document.activeElement);
    if (i < 0) return;
    ev.preventDefault();
    const next = all[i + (ev.key === "ArrowDown" ? 1 : -1)];
    if (next) next.focus();
    else if (ev.key === "ArrowUp") input.focus();
  });
  for (const b of document.querySelectorAll("#views button")) {
    b.addEventListener("click", () => switchView(b.dataset.view));
  }
  $("clear-filters").addEventListener("click", () => go({ kinds: new Set(), plans: new Set() }));
  $("btn-expand").addEventListener("click", () => expandSelected());
  $("btn-collapse").addEventListener("click", () => state.node && collapse(state.node));
  $("btn-undo").addEventListener("click", undo);
  $("btn-fit").addEventListener("click", () => cy.fit(cy.elements().not(".filtered"), 24));
  $("btn-png").addEventListener("click", exportPng);
  $("btn-json").addEventListener("click", exportJson);
  $("btn-csv").addEventListener("click", exportCsv);

  cy.on("tap", "node", (ev) => {
    const n = ev.target;
    if (n.hasClass("more")) {
      expand(n.data("of"), { more: true });
      return;
    }
    if (n.data("pseudo")) return;
    if (n.id() !== state.node) go({ node: n.id(), src: false });
  });
  cy.on("dbltap", "node", (ev) => {
    const n = ev.target;
    if (n.data("pseudo")) return;
    if (state.view === "explore") expand(n.id());
    else go({ view: "explore", focus: n.id(), node: n.id(), x: [] });
  });

  document.addEventListener("keydown", (ev) => {
    const t = ev.target;
    const typing = t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t.isContentEditable;
    if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const keys = {
      "/": () => input.focus(),
      e: expandSelected,
      c: () => state.node && collapse(state.node),
      u: undo,
      f: () => cy.fit(cy.elements().not(".filtered"), 24),
    };
    if (keys[ev.key]) {
      ev.preventDefault();
      keys[ev.key]();
    }
  });
  window.addEventListener("popstate", () => {
    const before = cloneState(state);
    Object.assign(state, readUrl());
    normalise(state);
    render(before);
  });
}

function expandSelected() {
  if (!state.node) {
    announce("Select a node first.");
    return;
  }
  if (state.view !== "explore") {
    go({ view: "explore", focus: state.node, x: [] });
    return;
  }
  const n = cy.getElementById(state.node);
  if (n.nonempty() && n.data("expanded")) expand(state.node, { more: true });
  else expand(state.node);
}

function switchView(view) {
  const id = state.node || state.focus;
  if (view === "agency") {
    const kind = id ? cy.getElementById(id).data("kind") : null;
    if (!id || (kind && kind !== "Agency")) {
      announce("Select an agency (search its name, e.g. 數發部 or MODA) to see the agency view.");
      if (kind && kind !== "Agency") return;
    }
  }
  if (view === "path") {
    if (!(state.focus && state.to)) {
      announce("Choose “Path from here” on one item, then “Path … to here” on another.");
      return;
    }
    go({ view });
    return;
  }
  go({ view, focus: id || state.focus });
}

async function main() {
  // The page's modules (and cytoscape) are loaded and run: what comes before this is HTML and scripts.
  performance.mark("explorer-start");
  cy = createGraph($("cy"));
  window.__explorer = { cy, state }; // read by the browser tests
  buildLegend();
  wire();
  Object.assign(state, readUrl());
  normalise(state);
  history.replaceState(null, "", urlOf(state));
  buildKindFilters();
  $("search-input").disabled = false;
  $("search-button").disabled = false;
  await render(null);
  // First interactive view: search enabled and the first graph drawn (read by the benchmark).
  performance.mark("explorer-interactive");
  if (!state.node && !state.q) $("search-input").focus();
  // Then what the first view does not need, so that it does not compete with it for the server: the
  // plan filters (the list of documents; the overview already has it, api.js caches requests) and
  // the canvas markers for integrity findings (2 requests of 100 findings on the bundled corpus).
  await Promise.all([loadPlanFilters(), loadIntegrity()]);
}

async function loadPlanFilters() {
  try {
    const ov = await api.overview();
    buildPlanFilters(ov.documents);
    syncFilters(); // the URL's plans (the search box may already hold what the user typed)
  } catch (err) {
    fill($("plan-filters"), h("legend", {}, "Plan 計畫"), h("p", { class: "note" }, "Could not load the plans: ", err.message));
    reportError(err);
  }
  document.body.dataset.filters = "ready"; // read by the browser tests
}

main().catch((err) => {
  document.body.dataset.state = "error";
  reportError(err);
});
