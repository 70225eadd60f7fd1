// A GraphQL Code Generator plugin: Apollo Client's typePolicies for this schema.
//
// Apollo normalises an object by `__typename` and a non-null `id`. Every preview has one (a
// stable id from its normalised URL), so two operations that fetch the same link share one
// cache entry. The objects inside a preview (a TikTok creator, an avatar's sizes, a post's
// author) belong to that preview alone and have no id of their own that is always known, so
// Apollo stores them inside the preview and, by default, REPLACES them whenever another
// operation writes the same field with other fields selected: `CreatorCard` after
// `LinkCards` would drop the creator's `likesCount` and make the next `LinkCards` refetch.
// `merge: true` on each such type tells the cache to merge them instead. The list is made
// from the schema, so a new type is covered by the next `npm run codegen`.
"use strict";

const { isObjectType, isNonNullType, getNamedType } = require("graphql");

function hasStableId(type) {
  const id = type.getFields().id;
  return Boolean(id && isNonNullType(id.type) && getNamedType(id.type).name === "ID");
}

module.exports = {
  plugin(schema) {
    const roots = new Set(
      [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]
        .filter(Boolean)
        .map((type) => type.name),
    );
    const typePolicies = {};
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith("__") || roots.has(type.name)) continue;
      if (!hasStableId(type)) typePolicies[type.name] = { merge: true };
    }
    return JSON.stringify({ typePolicies }, null, 2) + "\n";
  },
};
