// The page's only data source: the public GraphQL API at /graphql. Every query the page sends is
// here, and each answer is turned into the small shapes the rest of the page uses:
//   NodeRef   {id, kind, title, plan: {id, title} | null}
//   Evidence  {document, lineStart, lineEnd, quote}

const ENDPOINT = "/graphql";
const cache = new Map();

export class ApiError extends Error {}

async function gql(query, variables = {}, { cached = true } = {}) {
  const key = cached ? JSON.stringify([query, variables]) : null;
  if (key && cache.has(key)) return cache.get(key);
  const pending = (async () => {
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
  })();
  if (key) {
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}

const REF = "id kind title plan { id title }";
const EVIDENCE = "evidence { document lineStart lineEnd quote }";

function ref(n) {
  if (!n) return null;
  return { id: n.id, kind: n.kind, title: n.title ?? n.name ?? n.id, plan: n.plan ? { id: n.plan.id, title: n.plan.title } : null };
}

function evidence(e) {
  return e ? { document: e.document, lineStart: e.lineStart, lineEnd: e.lineEnd, quote: e.quote } : null;
}

// ---- queries -------------------------------------------------------------------------------

export async function search(text, { kinds = [], plans = [], first = 60 } = {}) {
  const data = await gql(
    `query Search($text: String!, $kinds: [NodeKind!], $plans: [ID!], $first: Int) {
       search(text: $text, kinds: $kinds, plans: $plans, first: $first) {
         totalCount
         edges { matched node { ${REF} } }
       }
     }`,
    { text, kinds: kinds.length ? kinds : null, plans: plans.length ? plans : null, first },
  );
  const s = data.search;
  return { total: s.totalCount, items: s.edges.map((e) => ({ node: ref(e.node), matched: e.matched })) };
}

export async function node(id) {
  const data = await gql(
    `query Node($id: ID!) {
       node(id: $id) {
         ${REF} number lineStart lineEnd quote
         document { id title }
         ancestors { id kind title }
         responsibleAgencies { role explicit agency { id name } via { id title } }
         targets { id title }
         ... on Agency { aliases englishName }
       }
     }`,
    { id },
  );
  const n = data.node;
  if (!n) return null;
  return {
    ...ref(n),
    number: n.number,
    lineStart: n.lineStart,
    lineEnd: n.lineEnd,
    quote: n.quote,
    document: n.document,
    ancestors: [...(n.ancestors || [])].reverse().map(ref),
    agencies: (n.responsibleAgencies || []).map((r) => ({
      agency: { id: r.agency.id, kind: "Agency", title: r.agency.name },
      role: String(r.role).toLowerCase() === "lead" ? "lead" : "co",
      explicit: r.explicit,
      via: r.via ? { id: r.via.id, title: r.via.title } : null,
    })),
    targets: (n.targets || []).map((t) => ({ id: t.id, title: t.title })),
    aliases: n.aliases || [],
    englishName: n.englishName || null,
  };
}

export async function documentLines(document, from, to) {
  const data = await gql(
    `query Lines($document: ID!, $from: Int!, $to: Int!) {
       documentLines(document: $document, from: $from, to: $to) { number text }
     }`,
    { document, from, to },
  );
  return data.documentLines;
}

export async function neighbours(id, first, after = null) {
  const data = await gql(
    `query Neighbours($id: ID!, $first: Int!, $after: String) {
       node(id: $id) {
         neighbours(first: $first, after: $after) {
           totalCount pageInfo { hasNextPage endCursor }
           edges { type direction ${EVIDENCE} node { ${REF} } }
         }
       }
     }`,
    { id, first, after },
  );
  const c = data.node.neighbours;
  return {
    total: c.totalCount,
    hasMore: c.pageInfo.hasNextPage,
    cursor: c.pageInfo.endCursor,
    edges: c.edges.map((e) => ({
      type: e.type,
      dir: String(e.direction).toLowerCase() === "in" ? "in" : "out",
      evidence: evidence(e.evidence),
      node: ref(e.node),
    })),
  };
}

export async function lineage(id) {
  const data = await gql(
    `query Lineage($id: ID!) {
       node(id: $id) { ${REF} }
       lineage(id: $id) {
         ancestors { depth node { ${REF} } }
         crossPlan { type source { ${REF} } target { ${REF} } ${EVIDENCE} }
       }
     }`,
    { id },
  );
  const anc = [...data.lineage.ancestors].sort((a, b) => b.depth - a.depth).map((a) => ref(a.node));
  return {
    chain: [...anc, ref(data.node)],
    cross: data.lineage.crossPlan.map((c) => ({
      type: c.type,
      source: ref(c.source),
      target: ref(c.target),
      evidence: evidence(c.evidence),
    })),
  };
}

export async function agencyView(agency) {
  const data = await gql(
    `query Agency($agency: String!) {
       responsibilities(agency: $agency) {
         agency { id name }
         byPlan {
           plan { id title } lead co inherited
           items { role explicit node { ${REF} } ${EVIDENCE} }
         }
       }
     }`,
    { agency },
  );
  const r = data.responsibilities;
  return {
    agency: { id: r.agency.id, kind: "Agency", title: r.agency.name, plan: null },
    groups: r.byPlan.map((g) => ({
      plan: { id: g.plan ? g.plan.id : "none", title: g.plan ? g.plan.title : "(no plan)" },
      lead: g.lead,
      co: g.co,
      inherited: g.inherited,
      items: g.items.map((it) => ({
        role: String(it.role).toLowerCase() === "lead" ? "lead" : "co",
        explicit: it.explicit,
        node: ref(it.node),
        evidence: evidence(it.evidence),
      })),
    })),
  };
}

export async function path(from, to) {
  const data = await gql(
    `query Path($from: ID!, $to: ID!) {
       paths(from: $from, to: $to, first: 1) {
         hops { type source { ${REF} } target { ${REF} } ${EVIDENCE} }
       }
     }`,
    { from, to },
  );
  const p = data.paths[0];
  if (!p) return null;
  const hops = p.hops.map((hp) => ({ type: hp.type, source: ref(hp.source), target: ref(hp.target), evidence: evidence(hp.evidence) }));
  const nodes = new Map();
  for (const hp of hops) {
    nodes.set(hp.source.id, hp.source);
    nodes.set(hp.target.id, hp.target);
  }
  const ordered = [nodes.get(from), ...[...nodes.values()].filter((n) => n.id !== from && n.id !== to), nodes.get(to)];
  return { hops, nodes: ordered.filter(Boolean) };
}

export async function overview() {
  const data = await gql(`query Overview { documents { id title shortName plan { id kind title } } }`);
  return {
    documents: data.documents.map((d) => ({
      id: d.id,
      title: d.title,
      shortName: d.shortName,
      plan: d.plan ? { id: d.plan.id, kind: d.plan.kind, title: d.plan.title, plan: { id: d.plan.id, title: d.plan.title } } : null,
    })),
    links: [],
  };
}
