// @neo4j/graphql 7 on Apollo Server 5, serving the reformgraph graph read-only, for the
// side-by-side benchmark (bench/peer_bench.py starts it; nothing else should).
//
//   NEO4J_URI=bolt://127.0.0.1:7687 NEO4J_USER=neo4j NEO4J_PASSWORD=x PORT=4000 node server.js
//
// Set DEBUG=@neo4j/graphql:execution to have the library print the Cypher it generates
// (the benchmark does so only while it checks answers, never while it times them).
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

const typeDefs = readFileSync(new URL("./typeDefs.graphql", import.meta.url), "utf8");
const driver = neo4j.driver(
  process.env.NEO4J_URI,
  neo4j.auth.basic(process.env.NEO4J_USER ?? "neo4j", process.env.NEO4J_PASSWORD ?? ""),
);
const database = process.env.NEO4J_DATABASE || undefined;
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
const server = new ApolloServer({ schema });
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: Number(process.env.PORT ?? 4000) },
  context: async () => (database ? { sessionConfig: { database } } : {}),
});
console.log(`ready ${url}`);

async function stop() {
  await server.stop();
  await driver.close();
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
