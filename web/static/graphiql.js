// Starts GraphiQL against this page's own endpoint, with the README's examples as tabs.
// `?q=` (and `?variables=`; not `query`, which Strawberry reads as a GET operation) open a given
// operation first, so other pages (the card page) can link to one.
//
// Tabs live in sessionStorage, not GraphiQL's default localStorage: a reload keeps this
// browser tab's edits, while every new visit starts from the examples (with localStorage,
// each `?q=` visit merged into the last one's tabs, which piled up and went stale). The
// first tab's query and variables are also handed to GraphiQL as `query`/`variables`, so
// its editors hold them and the first Run sends the variables the query declares.
"use strict";
(function () {
  const config = JSON.parse(document.getElementById("graphiql-config").textContent);
  const params = new URLSearchParams(window.location.search);
  const endpoint = window.location.pathname;
  const given = params.get("q");
  const tabs = config.examples.map((tab) => ({ query: tab.query, variables: tab.variables }));
  if (given) {
    tabs.unshift({ query: given, variables: params.get("variables") || undefined });
  }
  const first = tabs[0];
  const fetcher = GraphiQL.createFetcher({ url: endpoint });
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultTabs: tabs,
      query: first.query,
      variables: first.variables,
      storage: window.sessionStorage,
      defaultEditorToolsVisibility: first.variables ? "variables" : false,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
    }),
  );
})();
