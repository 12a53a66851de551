// GraphiQL on this service's /graphql. The query, variables and headers can be given in the
// URL (?q=…&variables=…&headers=…; not `query`, which
// makes GET /graphql run it), and the URL follows the query as it is edited, so a
// query can be shared as a link. Headers (an API key for mutations) are never kept.
"use strict";

const EXAMPLE = `# reformgraph: the institutional reform of Inner Mongolia, 2019–2021.
# Ctrl-Enter runs the query; Ctrl-Space completes; the Docs pane lists every type.
# docs/cookbook.md has the questions front-ends ask, with their answers.
{
  region(key: "150302") {
    name
    level
    children { name code }
  }
}
`;

const params = new URLSearchParams(window.location.search);

function remember(name, value) {
  if (value) params.set(name, value);
  else params.delete(name);
  const search = params.toString();
  window.history.replaceState(null, "", search ? `?${search}` : window.location.pathname);
}

const fetcher = GraphiQL.createFetcher({ url: window.location.pathname });

function Ide() {
  const [query, setQuery] = React.useState(params.get("q") ?? EXAMPLE);
  const [variables, setVariables] = React.useState(params.get("variables") ?? undefined);
  return React.createElement(GraphiQL, {
    fetcher,
    query,
    variables,
    headers: params.get("headers") ?? undefined,
    defaultEditorToolsVisibility: true,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    inputValueDeprecation: true,
    onEditQuery: (text) => { setQuery(text); remember("q", text); },
    onEditVariables: (text) => { setVariables(text); remember("variables", text); },
  });
}

ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(Ide));
