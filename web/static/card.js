// The card page: one GraphQL query per link, drawn the way an app would draw the answer.
// Everything the page shows comes from POST /graphql; page data is only ever set as text or
// as an http(s) image source, never parsed as HTML.
"use strict";

const QUERY = `query Card($url: String!) {
  preview(url: $url) {
    __typename
    ... on LinkPreview {
      url
      domain
      type
      title
      description
      icon { url backgroundColor }
      image { medium { url width height } }
    }
    ... on TiktokUserPreview {
      tiktokUser {
        username
        name
        verified
        profileUrl
        followersCount
        followingCount
        likesCount
        videosCount
        avatar { medium { url width height } }
      }
    }
    ... on PreviewError { url code message }
  }
}`;

const COUNTS = [
  ["followersCount", "Followers"],
  ["followingCount", "Following"],
  ["likesCount", "Likes"],
  ["videosCount", "Videos"],
];

const compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });
const exact = new Intl.NumberFormat();

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined) node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) {
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
  }
  return node;
}

function safeUrl(value) {
  try {
    const url = new URL(value, window.location.href);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function image(src, attrs) {
  const url = safeUrl(src);
  return url ? el("img", { ...attrs, src: url, decoding: "async" }) : null;
}

function creatorCard(preview) {
  const user = preview.tiktokUser;
  const display = user.name || user.username;
  const avatar = user.avatar && user.avatar.medium;
  const heading = el(
    "h2",
    { class: "name", id: "card-title" },
    display,
    user.verified ? el("span", { class: "verified", role: "img", "aria-label": "Verified" }, "✓") : null,
  );
  const counts = el("dl", { class: "counts" });
  for (const [field, label] of COUNTS) {
    const value = user[field];
    if (value === null || value === undefined) continue;
    counts.append(
      el(
        "div",
        { "data-count": field, "data-value": String(value) },
        el("dt", {}, label),
        el("dd", { title: exact.format(value) }, compact.format(value)),
      ),
    );
  }
  const profile = safeUrl(user.profileUrl);
  return el(
    "article",
    { class: "card tiktok-user", "aria-labelledby": "card-title" },
    el(
      "div",
      { class: "card-body" },
      el(
        "div",
        { class: "creator" },
        avatar
          ? image(avatar.url, { class: "avatar", alt: "", width: "80", height: "80" })
          : null,
        el(
          "div",
          {},
          heading,
          el(
            "p",
            { class: "username" },
            profile ? el("a", { href: profile, rel: "noopener" }, "@" + user.username) : "@" + user.username,
          ),
        ),
      ),
      counts.childElementCount ? counts : null,
    ),
  );
}

function pageCard(preview) {
  const picture = preview.image && preview.image.medium;
  const icon = preview.icon ? image(preview.icon.url, { class: "icon", alt: "", width: "16", height: "16" }) : null;
  if (icon && preview.icon.backgroundColor) icon.style.background = preview.icon.backgroundColor;
  const link = safeUrl(preview.url);
  return el(
    "article",
    { class: "card page", "aria-labelledby": "card-title" },
    picture
      ? image(picture.url, { class: "page-image", alt: "", width: picture.width, height: picture.height })
      : null,
    el(
      "div",
      { class: "card-body" },
      el("p", { class: "site" }, icon, preview.domain),
      el(
        "h2",
        { class: "title", id: "card-title" },
        link ? el("a", { href: link, rel: "noopener" }, preview.title || preview.url) : preview.title || preview.url,
      ),
      preview.description ? el("p", { class: "description" }, preview.description) : null,
    ),
  );
}

function errorCard(preview) {
  return el(
    "article",
    { class: "card error", role: "alert" },
    el(
      "div",
      { class: "card-body" },
      el("h2", { class: "title" }, "No preview for this link"),
      el("p", { class: "message" }, preview.message),
      el("p", { class: "code" }, preview.code),
    ),
  );
}

function draw(preview) {
  if (preview.__typename === "PreviewError") return errorCard(preview);
  if (preview.__typename === "TiktokUserPreview") return creatorCard(preview);
  return pageCard(preview);
}

async function lookUp(url) {
  const status = document.getElementById("status");
  const result = document.getElementById("result");
  const variables = { url: url };
  const link = document.getElementById("graphiql-link");
  link.href = "/graphql?" + new URLSearchParams({ q: QUERY, variables: JSON.stringify(variables, null, 2) });
  status.textContent = "Loading a preview…";
  result.replaceChildren();
  try {
    const response = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ query: QUERY, variables: variables }),
    });
    const body = await response.json();
    if (body.errors && body.errors.length) {
      throw new Error(body.errors.map((error) => error.message).join("; "));
    }
    result.replaceChildren(draw(body.data.preview));
    status.textContent = "";
  } catch (error) {
    status.textContent = "";
    result.replaceChildren(errorCard({ message: String(error.message || error), code: "REQUEST_FAILED" }));
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("lookup");
  const input = document.getElementById("url");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const url = input.value.trim();
    const address = new URL(window.location.href);
    address.searchParams.set("url", url);
    history.replaceState(null, "", address);
    lookUp(url);
  });
  const shared = new URLSearchParams(window.location.search).get("url");
  if (shared) {
    input.value = shared;
    lookUp(shared);
  }
});
