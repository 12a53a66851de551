// The one way this page talks to the service: POST a GraphQL document to /graphql.
// Nothing else is read from the server, so the page is a reference for any front-end.

/** A GraphQL error answered by the service, with its stable `code` extension. */
export class ApiError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** Run `query` with `variables`; resolve to `data`, or reject with an ApiError. */
export async function gql(query, variables = {}) {
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw new ApiError("UNREACHABLE", `服务无法连接：${error.message}`);
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError("BAD_RESPONSE", `服务返回了无法解析的内容（HTTP ${response.status}）`);
  }
  if (body.errors && body.errors.length) {
    const first = body.errors[0];
    throw new ApiError(first.extensions?.code ?? "ERROR", first.message);
  }
  return body.data;
}

/** Fields every fact carries: enough to show where it comes from. */
export const FACT = "synthetic provenance { source quote }";
