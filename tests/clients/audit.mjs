// The GraphQL-over-HTTP audit (graphql-http's auditServer) against a running server.
// Usage: node audit.mjs http://127.0.0.1:PORT/graphql
// Prints one JSON array: {id, name, status, reason?} per audit, for tests/clients to judge.
import { auditServer } from "graphql-http";

const url = process.argv[2];
if (!url) {
  console.error("usage: node audit.mjs URL");
  process.exit(2);
}
const results = await auditServer({ url });
const summary = results.map((result) => ({
  id: result.id,
  name: result.name,
  status: result.status,
  ...(result.status === "ok" ? {} : { reason: result.reason }),
}));
console.log(JSON.stringify(summary));
