// Starts GraphiQL against this page's own endpoint, with the README's examples as tabs.
// `?q=` (and `?variables=`; not `query`, which Strawberry reads as a GET operation) open a given operation, so other pages can link to one.
"use strict";
(function () {
  const config = JSON.parse(document.getElementById("graphiql-config").textContent);
  const params = new URLSearchParams(window.location.search);
  const endpoint = window.location.pathname;
  const query = params.get("q") || undefined;
  const variables = params.get("variables") || undefined;
  const tabs = config.examples.slice();
  if (query) {
    tabs.unshift({ query: query, variables: variables });
  }
  const fetcher = GraphiQL.createFetcher({ url: endpoint });
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultTabs: tabs,
      query: query,
      variables: variables,
      defaultEditorToolsVisibility: Boolean(variables) || !query,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
    }),
  );
})();
