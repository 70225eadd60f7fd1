// Apollo Client 4 reading a streamed `previews` batch over multipart/mixed, as a web app
// would: one line of JSON on stdout each time the query's result grows, then "done".
// Usage: node stream-client.mjs GRAPHQL_URL URL...
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { GraphQL17Alpha9Handler } from "@apollo/client/incremental";

const [endpoint, ...urls] = process.argv.slice(2);

const CARDS = gql`
  query StreamedCards($urls: [String!]!) {
    previews(urls: $urls) @stream(initialCount: 0) {
      __typename
      ... on PagePreview { url title }
      ... on PreviewError { url code }
    }
  }
`;

const client = new ApolloClient({
  link: new HttpLink({ uri: endpoint }),
  cache: new InMemoryCache(),
  incrementalHandler: new GraphQL17Alpha9Handler(),
});

const seen = client
  .watchQuery({ query: CARDS, variables: { urls }, fetchPolicy: "network-only" })
  .subscribe({
    next(result) {
      if (result.error) {
        console.log(JSON.stringify({ error: String(result.error) }));
        return;
      }
      const previews = result.data?.previews ?? [];
      console.log(JSON.stringify({ previews, loading: result.loading }));
      if (!result.loading && previews.length === urls.length) {
        console.log("done");
        seen.unsubscribe();
        client.stop();
      }
    },
    error(error) {
      console.log(JSON.stringify({ error: String(error) }));
      process.exitCode = 1;
    },
  });
