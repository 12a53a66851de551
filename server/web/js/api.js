// The one way this page talks to the service: POST a GraphQL document to /graphql (as JSON,
// or as a multipart request carrying a file), plus the spreadsheet export links. Nothing else
// is read from the server, so the page is a reference for any front-end.

/** A GraphQL error answered by the service, with its stable `code` extension. */
export class ApiError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** Run `query` with `variables`; resolve to `data`, or reject with an ApiError. */
export async function gql(query, variables = {}) {
  return send({
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ query, variables }),
  });
}

/**
 * Run a mutation that takes a file as `$file` (the GraphQL multipart request spec: an
 * `operations` part, a `map` part, then the file). The service wants the header
 * GraphQL-Require-Preflight on every upload (no other site's form can send it); `token`, when
 * given, goes as `Authorization: Bearer`.
 */
export async function gqlUpload(query, variables, file, { token = "" } = {}) {
  const form = new FormData();
  form.append("operations", JSON.stringify({ query, variables: { ...variables, file: null } }));
  form.append("map", JSON.stringify({ 0: ["variables.file"] }));
  form.append("0", file, file.name);
  const headers = { accept: "application/json", "graphql-require-preflight": "1" };
  if (token) headers.authorization = `Bearer ${token}`;
  return send({ headers, body: form });
}

/** Where the claim matrix downloads as a spreadsheet (`xlsx` or `csv`). */
export function exportUrl(format, list, region, target) {
  return `/export/claim-matrix.${format}?${new URLSearchParams({ list, region, target })}`;
}

async function send({ headers, body }) {
  let response;
  try {
    response = await fetch("/graphql", { method: "POST", headers, body });
  } catch (error) {
    throw new ApiError("UNREACHABLE", `服务无法连接：${error.message}`);
  }
  let answer;
  try {
    answer = await response.json();
  } catch {
    throw new ApiError("BAD_RESPONSE", `服务返回了无法解析的内容（HTTP ${response.status}）`);
  }
  if (answer.errors && answer.errors.length) {
    const first = answer.errors[0];
    throw new ApiError(first.extensions?.code ?? "ERROR", first.message);
  }
  return answer.data;
}

/** Fields every fact carries: enough to show where it comes from (the document's title). */
export const FACT = "synthetic provenance { source quote document { key title issuer date } }";

/** The same for the many facts of a grid (a claim matrix's cells): the file, not the title. */
export const CELL_FACT = "synthetic provenance { source quote }";

/** Where sources disagree about a fact: which source says what. */
export const DISAGREEMENTS = `disagreements { key about note
  statements { source quote document { key title issuer date } } }`;
