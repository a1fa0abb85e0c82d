// The page's only data source: the public GraphQL API at /graphql. Every query the page sends is
// here, and each answer is turned into the small shapes the rest of the page uses:
//   NodeRef   {id, kind, title, plan: {id, title} | null}
//   Evidence  {document, lineStart, lineEnd, quote}
//   Finding   {check, severity: "error"|"warning"|"info", message, rationale, evidence: [Evidence + documentTitle]}

import { KINDS } from "./kinds.js";

const ENDPOINT = "/graphql";
const cache = new Map();

export class ApiError extends Error {}

async function gql(query, variables = {}, { cached = true } = {}) {
  const key = cached ? JSON.stringify([query, variables]) : null;
  if (key && cache.has(key)) return cache.get(key);
  const pending = (async () => {
    // One performance measure per request ("graphql Node", …), read by benchmarks/bench_explorer.py
    // and shown in the browser's performance panel.
    const started = performance.now();
    const op = (/query (\w+)/.exec(query) || [null, "?"])[1];
    try {
      return await send(query, variables);
    } finally {
      performance.measure(`graphql ${op}`, { start: started });
    }
  })();
  if (key) {
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}

async function send(query, variables) {
  let resp;
  try {
    resp = await fetch(ENDPOINT, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new ApiError("The server cannot be reached.");
  }
  let body;
  try {
    body = await resp.json();
  } catch {
    throw new ApiError(`The server answered ${resp.status} without data.`);
  }
  if (body.errors && body.errors.length) {
    // Messages only: the API never sends stack traces, and the page never shows them.
    throw new ApiError(body.errors.map((e) => String(e.message).split("\n")[0]).join("; "));
  }
  if (!resp.ok) throw new ApiError(`The server answered ${resp.status}.`);
  return body.data;
}

// GraphQL enums are the server's member names (MEASURE, SUBGOAL); the page uses the kind values.
const KIND_OF = Object.fromEntries(Object.keys(KINDS).map((k) => [k.toUpperCase(), k]));
const kindOf = (k) => KIND_OF[k] || k;
const gqlKind = (k) => String(k).toUpperCase();

const REF = "id kind title plan { id title }";
const EVIDENCE = "evidence { documentId lines { start end } quote }";
const FINDING = "check severity message rationale evidence { documentId document { title } lines { start end } quote }";

function ref(n) {
  if (!n) return null;
  return { id: n.id, kind: kindOf(n.kind), title: n.title ?? n.id, plan: n.plan ? { id: n.plan.id, title: n.plan.title } : null };
}

function evidence(e) {
  return e ? { document: e.documentId, lineStart: e.lines.start, lineEnd: e.lines.end, quote: e.quote } : null;
}

// LEAD, CO, or RESPONSIBLE (named without lead/co being stated) -> "lead", "co", "responsible".
const role = (r) => String(r).toLowerCase();

// Integrity findings: severities as the page names them, worst first.
export const SEVERITIES = ["error", "warning", "info"];
const severity = (s) => String(s).toLowerCase();

function finding(f) {
  return {
    check: f.check,
    severity: severity(f.severity),
    message: f.message,
    rationale: f.rationale,
    // A finding's evidence records one line (lines.start === lines.end), or none.
    evidence: f.evidence.map((e) => ({
      document: e.documentId,
      documentTitle: e.document ? e.document.title : null,
      lineStart: e.lines ? e.lines.start : null,
      lineEnd: e.lines ? e.lines.end : null,
      quote: e.quote,
    })),
  };
}

// ---- queries -------------------------------------------------------------------------------

export async function search(text, { kinds = [], plans = [], first = 60 } = {}) {
  // The API filters by one plan; with several, the page filters the answer itself.
  const plan = plans.length === 1 ? plans[0] : null;
  const data = await gql(
    `query Search($text: String!, $kinds: [NodeKind!], $plan: ID, $first: Int) {
       search(text: $text, kinds: $kinds, plan: $plan, first: $first) {
         totalCount
         nodes { matchedText field node { ${REF} } }
       }
     }`,
    { text, kinds: kinds.length ? kinds.map(gqlKind) : null, plan, first },
  );
  let items = data.search.nodes.map((hit) => ({ node: ref(hit.node), matched: hit.matchedText, field: hit.field }));
  let total = data.search.totalCount;
  if (plans.length > 1) {
    items = items.filter((it) => !it.node.plan || plans.includes(it.node.plan.id));
    total = items.length;
  }
  return { total, items };
}

export async function node(id) {
  const data = await gql(
    `query Node($id: ID!) {
       node(id: $id) {
         ${REF} number quote lines { start end }
         document { id title }
         integrityFindings(first: 100) { totalCount nodes { ${FINDING} } }
         ... on HierarchyNode {
           text
           ancestors(first: 100) { nodes { node { id kind title } } }
           responsibleAgencies(first: 100) { nodes { role explicit agency { id name } via { id title } ${EVIDENCE} } }
           targets(first: 100) { nodes { id title valueText unit year } }
           children(first: 100) { totalCount nodes { id kind title } }
         }
         ... on Agency { name aliases englishName parent { id name } }
         ... on Target { valueText unit year item { id kind title } }
       }
       integrity { latest { startedAt current } }
     }`,
    { id },
  );
  const n = data.node;
  if (!n) return null;
  const detail = (t) => [t.valueText, t.unit, t.year].filter((v) => v !== null && v !== undefined && v !== "").join(" ");
  return {
    ...ref(n),
    title: n.name || n.title,
    number: n.number,
    lineStart: n.lines.start,
    lineEnd: n.lines.end,
    quote: n.quote,
    document: n.document,
    description: n.text && n.text !== n.title ? n.text : null,
    ancestors: n.ancestors ? [...n.ancestors.nodes].reverse().map((a) => ref(a.node)) : [],
    agencies: (n.responsibleAgencies ? n.responsibleAgencies.nodes : []).map((r) => ({
      agency: { id: r.agency.id, kind: "Agency", title: r.agency.name },
      role: role(r.role),
      explicit: r.explicit,
      via: r.via ? { id: r.via.id, title: r.via.title } : null,
      evidence: evidence(r.evidence), // the assignment (e.g. the 表4 row), on the item or on `via`
    })),
    targets: (n.targets ? n.targets.nodes : []).map((t) => ({ id: t.id, title: t.title, detail: detail(t) })),
    children: n.children ? n.children.nodes.map(ref) : [],
    childCount: n.children ? n.children.totalCount : 0,
    aliases: n.aliases || [],
    englishName: n.englishName || null,
    parentAgency: n.parent && n.kind === "AGENCY" ? { id: n.parent.id, kind: "Agency", title: n.parent.name } : null,
    // A Target: the item that states it, and its value (valueText, unit, year).
    targetOf: n.item ? ref(n.item) : null,
    value: n.kind === "TARGET" ? detail(n) : null,
    findings: n.integrityFindings.nodes.map(finding),
    findingCount: n.integrityFindings.totalCount,
    // The check run those findings come from (one history read answers both).
    findingsRun: data.integrity.latest,
  };
}

const FLAG_PAGES = 50; // 100 findings a page: far more than any corpus produces so far

/**
 * The nodes the latest integrity run has findings about: {run: {startedAt, current, summary}, worst:
 * Map(node id -> worst severity)}, or null before the first run. Not cached: a run may have been
 * recorded since the last call.
 */
export async function integrityFlags() {
  const worst = new Map();
  let run = null;
  let after = null;
  for (let page = 0; page < FLAG_PAGES; page++) {
    const data = await gql(
      `query IntegrityFlags($after: String) {
         integrity {
           latest {
             startedAt current summary { errors warnings infos }
             findings(first: 100, after: $after) {
               pageInfo { hasNextPage endCursor }
               nodes { severity focusNodeId }
             }
           }
         }
       }`,
      { after },
      { cached: false },
    );
    const latest = data.integrity.latest;
    if (!latest) return null;
    if (run && latest.startedAt !== run.startedAt) {
      // A new run was recorded between two pages: its cursors are not ours; start again.
      worst.clear();
      after = null;
      run = null;
      continue;
    }
    run = { startedAt: latest.startedAt, current: latest.current, summary: latest.summary };
    for (const f of latest.findings.nodes) {
      if (!f.focusNodeId) continue;
      const s = severity(f.severity);
      const before = worst.get(f.focusNodeId);
      if (!before || SEVERITIES.indexOf(s) < SEVERITIES.indexOf(before)) worst.set(f.focusNodeId, s);
    }
    if (!latest.findings.pageInfo.hasNextPage) break;
    after = latest.findings.pageInfo.endCursor;
  }
  return { run, worst };
}

export async function documentLines(document, from, to) {
  const data = await gql(
    `query Lines($document: ID!, $from: Int!, $to: Int!) {
       document(id: $document) { lines(from: $from, to: $to) { number text } }
     }`,
    { document, from, to },
  );
  return data.document.lines;
}

export async function neighbours(id, first, after = null) {
  const data = await gql(
    `query Neighbours($id: ID!, $first: Int!, $after: String) {
       node(id: $id) {
         relations(first: $first, after: $after) {
           totalCount pageInfo { hasNextPage endCursor }
           nodes { type source { ${REF} } target { ${REF} } ${EVIDENCE} }
         }
       }
     }`,
    { id, first, after },
  );
  const c = data.node.relations;
  return {
    total: c.totalCount,
    hasMore: c.pageInfo.hasNextPage,
    cursor: c.pageInfo.endCursor,
    edges: c.nodes.map((e) => {
      const out = e.source.id === id;
      return { type: e.type, dir: out ? "out" : "in", evidence: evidence(e.evidence), node: ref(out ? e.target : e.source) };
    }),
  };
}

export async function lineage(id) {
  const data = await gql(
    `query Lineage($id: ID!) {
       lineage(id: $id, down: 0) {
         node { ${REF} }
         ancestors(first: 100) { nodes { hops node { ${REF} } } }
         crossPlan(first: 100) { nodes { type direction origin { id } node { ${REF} } ${EVIDENCE} } }
       }
     }`,
    { id },
  );
  const lin = data.lineage;
  const anc = [...lin.ancestors.nodes].sort((a, b) => b.hops - a.hops).map((a) => ref(a.node));
  return {
    chain: [...anc, ref(lin.node)],
    cross: lin.crossPlan.nodes.map((c) => {
      const other = ref(c.node);
      const origin = { id: c.origin.id };
      const out = String(c.direction).toUpperCase() === "OUTGOING";
      return { type: c.type, source: out ? origin : other, target: out ? other : origin, other, evidence: evidence(c.evidence) };
    }),
  };
}

const ITEMS = `totalCount pageInfo { hasNextPage endCursor } nodes { role explicit node { ${REF} } ${EVIDENCE} }`;

function items(c) {
  return {
    total: c.totalCount,
    cursor: c.pageInfo.hasNextPage ? c.pageInfo.endCursor : null,
    items: c.nodes.map((it) => ({
      role: role(it.role),
      explicit: it.explicit,
      node: ref(it.node),
      evidence: evidence(it.evidence),
    })),
  };
}

/** The next page of an agency's items in one plan (the agency view lists them 100 at a time). */
export async function agencyItems(agency, plan, after) {
  const data = await gql(
    `query AgencyItems($agency: String!, $plan: ID!, $after: String) {
       responsibilities(agency: $agency, plan: $plan) {
         byPlan(first: 1) { nodes { items(first: 100, after: $after) { ${ITEMS} } } }
       }
     }`,
    { agency, plan, after },
  );
  const g = data.responsibilities.byPlan.nodes[0];
  return g ? items(g.items) : { total: 0, cursor: null, items: [] };
}

export async function agencyView(agency) {
  const data = await gql(
    `query Agency($agency: String!) {
       responsibilities(agency: $agency) {
         agency { id name }
         byPlan(first: 100) {
           nodes {
             plan { id title } leadCount coCount responsibleCount explicitCount inheritedCount
             items(first: 100) { ${ITEMS} }
           }
         }
       }
     }`,
    { agency },
  );
  const r = data.responsibilities;
  return {
    agency: { id: r.agency.id, kind: "Agency", title: r.agency.name, plan: null },
    groups: r.byPlan.nodes.map((g) => ({
      plan: { id: g.plan ? g.plan.id : "none", title: g.plan ? g.plan.title : "(no plan)" },
      lead: g.leadCount,
      co: g.coCount,
      responsible: g.responsibleCount,
      explicit: g.explicitCount,
      inherited: g.inheritedCount,
      ...items(g.items),
    })),
  };
}

export async function path(from, to) {
  const data = await gql(
    `query Path($from: ID!, $to: ID!) {
       paths(from: $from, to: $to) {
         length
         paths(first: 1) {
           nodes {
             nodes { ${REF} }
             hops { type relation { source { id } target { id } } ${EVIDENCE} }
           }
         }
       }
     }`,
    { from, to },
  );
  const p = data.paths.paths.nodes[0];
  if (!p) return null;
  const nodes = p.nodes.map(ref);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const hops = p.hops.map((hp) => ({
    type: hp.type,
    source: byId.get(hp.relation.source.id) || { id: hp.relation.source.id },
    target: byId.get(hp.relation.target.id) || { id: hp.relation.target.id },
    evidence: evidence(hp.evidence),
  }));
  return { hops, nodes };
}

export async function overview() {
  const data = await gql(
    `query Overview {
       documents(first: 100) {
         nodes {
           id title shortName
           plan { ${REF} ... on HierarchyNode {
             crossPlanLinks(first: 50) { nodes { type source { ${REF} } target { ${REF} } ${EVIDENCE} } } } }
         }
       }
     }`,
  );
  const docs = data.documents.nodes;
  const links = [];
  for (const d of docs) {
    for (const l of d.plan && d.plan.crossPlanLinks ? d.plan.crossPlanLinks.nodes : []) {
      links.push({ type: l.type, source: ref(l.source), target: ref(l.target), evidence: evidence(l.evidence) });
    }
  }
  return {
    documents: docs.map((d) => ({ id: d.id, title: d.title, shortName: d.shortName, plan: d.plan ? ref(d.plan) : null })),
    links,
  };
}
