// A small typed client over fetch, using only what codegen generated from schema.graphql and
// the operations in *.graphql. If the schema drops or renames a field these use, `tsc --noEmit`
// fails here, before an app ships.
import { print } from "graphql";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";

import {
  CreatorCardDocument,
  LinkCardsDocument,
  RefreshCardDocument,
  type CardFragment,
  type CreatorCardQuery,
  type PreviewErrorCode,
} from "./generated/graphql";
import introspection from "./generated/possible-types";

export class GraphQLRequestError extends Error {}

/** Runs one operation; the result and variable types come from the document. */
export async function request<Result, Variables extends Record<string, unknown>>(
  endpoint: string,
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
  apiKey?: string,
): Promise<Result> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (apiKey) headers["authorization"] = `Bearer ${apiKey}`;
  const response = await fetch(endpoint, {
    method: "POST",
    headers,
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as { data?: Result; errors?: { message: string }[] };
  if (!response.ok || body.errors?.length || body.data === undefined) {
    const reasons = body.errors?.map((error) => error.message).join("; ");
    throw new GraphQLRequestError(reasons || `HTTP ${response.status}`);
  }
  return body.data;
}

type Preview = CardFragment;

/** What a list row shows for any link: the typed fields where the kind has them. */
export interface Row {
  url: string;
  heading: string;
  detail: string;
  thumbnail: string | null;
  problem: PreviewErrorCode | null;
}

export function row(preview: Preview): Row {
  switch (preview.__typename) {
    case "PreviewError":
      // Errors are data: show why, and let the rest of the batch render.
      return {
        url: preview.url,
        heading: "No preview",
        detail: preview.message,
        thumbnail: null,
        problem: preview.code,
      };
    case "TiktokUserPreview": {
      const user = preview.tiktokUser;
      const followers = user.followersCount ?? 0;
      return {
        url: preview.url,
        heading: `${user.name ?? user.username}${user.verified ? " ✓" : ""}`,
        detail: `@${user.username} · ${followers.toLocaleString()} followers`,
        thumbnail: user.avatar?.thumbnail.url ?? null,
        problem: null,
      };
    }
    case "YoutubeVideoPreview": {
      const video = preview.youtubeVideo;
      const minutes = video.duration == null ? "" : ` · ${Math.round(video.duration / 60)} min`;
      return {
        url: preview.url,
        heading: preview.title ?? video.videoId,
        detail: `${video.user?.name ?? "YouTube"}${minutes}`,
        thumbnail: preview.image?.medium.url ?? null,
        problem: null,
      };
    }
    case "XPostPreview": {
      const post = preview.xPost;
      const author = post.user ? `@${post.user.username}${post.user.verified ? " ✓" : ""}` : "X";
      return {
        url: preview.url,
        heading: author,
        detail: post.text ?? "",
        thumbnail: preview.image?.medium.url ?? null,
        problem: null,
      };
    }
    case "GithubRepositoryPreview": {
      const repository = preview.githubRepository;
      const languages = repository.languages.map((language) => language.name).join(", ");
      const stars = repository.starsCount == null ? "" : `★ ${repository.starsCount} · `;
      return {
        url: preview.url,
        heading: repository.name,
        detail: `${stars}${languages || (repository.description ?? "")}`,
        thumbnail: preview.image?.medium.url ?? null,
        problem: null,
      };
    }
    default:
      // Every other kind implements LinkPreview, so the shared card fields are always there;
      // a kind added to the schema later still renders before it gets its own fragment.
      return {
        url: preview.url,
        heading: preview.title ?? preview.domain,
        detail: preview.description ?? "",
        thumbnail: preview.image?.medium.url ?? null,
        problem: null,
      };
  }
}

export async function linkRows(endpoint: string, urls: string[]): Promise<Row[]> {
  const data = await request(endpoint, LinkCardsDocument, { urls });
  return data.previews.map(row);
}

/** The mobile card: only the avatar's thumbnail was asked for, so only it is typed. */
export async function creatorAvatar(endpoint: string, url: string): Promise<string | null> {
  const data: CreatorCardQuery = await request(endpoint, CreatorCardDocument, { url });
  const preview = data.preview;
  if (preview.__typename === "TiktokUserPreview") {
    return preview.tiktokUser.avatar?.thumbnail.url ?? null;
  }
  if (preview.__typename === "PreviewError") {
    throw new GraphQLRequestError(`${preview.code}: ${preview.message}`);
  }
  return null;
}

export async function refresh(endpoint: string, url: string): Promise<Row> {
  const data = await request(endpoint, RefreshCardDocument, { url });
  return row(data.refreshPreview);
}

/** Apollo Client's cache needs to know which types a fragment on LinkPreview can match:
 * `new InMemoryCache({ possibleTypes: apolloPossibleTypes })`. */
export const apolloPossibleTypes: Readonly<Record<string, readonly string[]>> =
  introspection.possibleTypes;
