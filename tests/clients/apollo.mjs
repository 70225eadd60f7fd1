// Apollo Client 4 against the running app: the example operations (examples/*.graphql) in
// the order an app sends them, on one client and one normalised cache, checking that no
// operation's answer makes the cache lose another's data and that nothing already in the
// cache is fetched again.
//
// Usage: node apollo.mjs GRAPHQL_URL GENERATED_DIR EXAMPLES_DIR JSON_URLS
//   GENERATED_DIR holds codegen's possible-types.json and type-policies.json;
//   JSON_URLS is {"links": [...], "creator": "<a TikTok profile among links>",
//   "refresh": "<another link among links>"}.
// Prints one JSON object (what was answered, the requests made); exits 1 on a failed check.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { ApolloClient, HttpLink, InMemoryCache } from "@apollo/client";
import { Kind, parse, visit } from "graphql";

const [uri, generatedDir, examplesDir, urlsJson] = process.argv.slice(2);
const urls = JSON.parse(urlsJson);
const key = "unused"; // the app under test runs without API keys
const { possibleTypes } = JSON.parse(readFileSync(join(generatedDir, "possible-types.json")));
const { typePolicies } = JSON.parse(readFileSync(join(generatedDir, "type-policies.json")));

const warnings = [];
for (const level of ["warn", "error"]) {
  const original = console[level];
  console[level] = (...args) => {
    warnings.push(args.map(String).join(" "));
    original(...args);
  };
}
// Every request the client makes, counted under it (the client is built as the README's).
const requests = [];
const networkFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  requests.push(JSON.parse(init.body).operationName);
  return networkFetch(input, init);
};

// README:start
const client = new ApolloClient({
  link: new HttpLink({ uri, headers: { authorization: `Bearer ${key}` } }),
  cache: new InMemoryCache({ possibleTypes, typePolicies }),
});
// README:end

// One document per operation, with the fragments it uses (the server refuses unused ones).
const source = readdirSync(examplesDir)
  .filter((name) => name.endsWith(".graphql"))
  .sort()
  .map((name) => readFileSync(join(examplesDir, name), "utf8"))
  .join("\n");
const definitions = parse(source).definitions;
const fragments = new Map(
  definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
);
function documentFor(name) {
  const operation = definitions.find(
    (d) => d.kind === Kind.OPERATION_DEFINITION && d.name?.value === name,
  );
  if (!operation) throw new Error(`no operation ${name} in ${examplesDir}`);
  const used = new Set();
  const pending = [operation];
  while (pending.length) {
    visit(pending.pop(), {
      FragmentSpread(node) {
        if (!used.has(node.name.value)) {
          used.add(node.name.value);
          pending.push(fragments.get(node.name.value));
        }
      },
    });
  }
  return { kind: Kind.DOCUMENT, definitions: [operation, ...[...used].map((n) => fragments.get(n))] };
}
const LinkCards = documentFor("LinkCards");
const CreatorCard = documentFor("CreatorCard");
const RefreshCard = documentFor("RefreshCard");

const failures = [];
function check(ok, message) {
  if (!ok) failures.push(message);
}
const strip = (value) => JSON.parse(JSON.stringify(value));

const linkVars = { urls: urls.links };
const first = await client.query({ query: LinkCards, variables: linkVars });
const creator = await client.query({ query: CreatorCard, variables: { url: urls.creator } });
const refreshed = await client.mutate({ mutation: RefreshCard, variables: { url: urls.refresh } });
const madeByNetwork = requests.length;

// Each operation again, cache-first: all three answers are complete in the cache.
const again = await client.query({ query: LinkCards, variables: linkVars });
const creatorAgain = await client.query({ query: CreatorCard, variables: { url: urls.creator } });
const cached = client.readQuery({ query: LinkCards, variables: linkVars });

check(madeByNetwork === 3, `expected 3 requests, made ${JSON.stringify(requests.slice(0, 3))}`);
check(requests.length === 3, `cached operations went to the network: ${JSON.stringify(requests)}`);
check(cached !== null, "LinkCards is no longer complete in the cache");
check(isDeepStrictEqual(strip(again.data), strip(first.data)), "LinkCards changed after CreatorCard");
check(isDeepStrictEqual(strip(creatorAgain.data), strip(creator.data)), "CreatorCard changed");
const lost = warnings.filter((w) => /lost|Missing field/i.test(w));
check(lost.length === 0, `Apollo warned: ${lost.join(" | ")}`);

console.log(
  JSON.stringify({
    requests,
    failures,
    warnings,
    linkCards: strip(first.data),
    linkCardsAgain: strip(again.data),
    creatorCard: strip(creator.data),
    refreshCard: strip(refreshed.data),
  }),
);
process.exit(failures.length ? 1 : 0);
