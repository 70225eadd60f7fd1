// GraphQL Code Generator: types for the operations in *.graphql, checked against the schema
// the server publishes (../schema.graphql), plus Apollo Client's possibleTypes map for the
// LinkPreview interface and the PreviewResult union, and its typePolicies (type-policies.cjs:
// objects inside a preview are merged, not replaced, when two operations select them).
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["*.graphql"],
  emitLegacyCommonJSImports: false,
  generates: {
    "generated/graphql.ts": {
      plugins: ["typescript", "typescript-operations", "typed-document-node"],
      config: {
        scalars: { Count: "number", DateTime: "string", LanguageTag: "string" },
        enumsAsTypes: true,
        avoidOptionals: true,
        nonOptionalTypename: true,
        useTypeImports: true,
      },
    },
    "generated/possible-types.ts": {
      plugins: ["fragment-matcher"],
      config: { apolloClientVersion: 3, useExplicitTyping: true },
    },
    "generated/possible-types.json": {
      plugins: ["fragment-matcher"],
      config: { apolloClientVersion: 3 },
    },
    "generated/type-policies.json": {
      plugins: ["./type-policies.cjs"],
    },
  },
};

export default config;
