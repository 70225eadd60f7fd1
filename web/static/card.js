// The card page: one GraphQL request per link, drawn the way an app would draw the answer.
// Everything the page shows comes from POST /graphql; page data is only ever set as text or
// as an http(s) image source, never parsed as HTML.
"use strict";

// One selection for every kind, shared by the lookup and by "Try again" (refreshPreview), so
// both draw the same card.
const SELECTION = `
fragment Pic on ResponsiveImage { thumbnail { url } medium { url width height } }
fragment Media on MediaItem { kind duration image { ...Pic } }
fragment Result on PreviewResult {
  __typename
  ... on LinkPreview {
    url domain type title description size
    icon { url backgroundColor }
    image { ...Pic }
  }
  ... on TiktokUserPreview { tiktokUser {
    username name bio verified visibility profileUrl
    followersCount followingCount likesCount videosCount avatar { ...Pic } } }
  ... on InstagramUserPreview { instagramUser {
    username name bio verified visibility profileUrl
    postsCount followersCount followingCount avatar { ...Pic } } }
  ... on XUserPreview { xUser {
    username name bio location verified protected profileUrl
    postsCount followersCount followingCount avatar { ...Pic } cover { ...Pic } } }
  ... on YoutubeUserPreview { youtubeUser {
    username name description verified url
    subscribersCount videosCount viewsCount avatar { ...Pic } banner { ...Pic } } }
  ... on RedditUserPreview { redditUser {
    username name bio karma postKarma commentKarma avatar { ...Pic } banner { ...Pic } } }
  ... on RedditSubredditPreview { redditSubreddit {
    name title description nsfw subscribersCount activeUsersCount
    avatar { ...Pic } banner { ...Pic } } }
  ... on XPostPreview { xPost {
    text publishedAt createdAt
    commentsCount repostsCount quotesCount likesCount bookmarksCount viewsCount
    user { username name verified avatar { ...Pic } } media { ...Media } } }
  ... on InstagramPostPreview { instagramPost {
    text publishedAt likesCount commentsCount
    user { username name verified avatar { ...Pic } } media { ...Media } } }
  ... on TiktokVideoPreview { tiktokVideo {
    text publishedAt duration playsCount likesCount commentsCount sharesCount
    user { username name verified avatar { ...Pic } } media { ...Media } } }
  ... on RedditPostPreview { redditPost {
    title text publishedAt nsfw likesCount commentsCount
    user { username avatar { ...Pic } } subreddit { name } media { ...Media } } }
  ... on YoutubeVideoPreview { youtubeVideo {
    duration publishedAt viewsCount likesCount commentsCount
    thumbnail { ...Pic } user { name username avatar { ...Pic } } } }
  ... on GithubRepositoryPreview { githubRepository {
    name description license starsCount forksCount watchersCount issuesCount topics
    languages { name percentage } owner { username avatar { ...Pic } } } }
  ... on AmazonProductPreview { amazonProduct { ...Product } }
  ... on EtsyProductPreview { etsyProduct { ...Product } }
  ... on ImagePreview { imageFile { format width height animated } }
  ... on VideoPreview { video { format duration width height author } }
  ... on AudioPreview { audio { format duration title artist album } }
  ... on DocumentPreview { document { format title author pageCount estimatedReadingTimeInMinutes } }
  ... on TextPreview { text { wordsCount linesCount estimatedReadingTimeInMinutes } }
  ... on PreviewError { url code message }
}
fragment Product on Product {
  title brand price currency availability rating reviewCount media { ...Media }
}`;

const QUERY = `query Card($url: String!) {
  preview(url: $url) { ...Result }
}
${SELECTION}`;

const REFRESH = `mutation Refresh($url: String!) {
  refreshPreview(url: $url) { ...Result }
}
${SELECTION}`;

// Failures that are the moment's, not the link's: the site or the upstream API did not answer.
const PASSING = new Set(["LINK_CONNECTION_ERROR", "LINK_TOOK_TOO_LONG", "LINK_SERVER_ERROR"]);
// The provider this server asks for previews (Peekalink) failed: not the link's fault either.
const UPSTREAM_TITLES = {
  UPSTREAM_QUOTA_EXCEEDED: "The preview provider's quota is used up for now",
  UPSTREAM_UNAVAILABLE: "The preview provider is not answering",
  UPSTREAM_UNAUTHORIZED: "The preview provider refused this server's key",
};
const UPSTREAM = new Set(Object.keys(UPSTREAM_TITLES));
const KEY_STORE = "linkgraph.apiKey";

const compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });
const exact = new Intl.NumberFormat();
const rating1 = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const day = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
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
  return url ? el("img", { ...attrs, src: url, decoding: "async", loading: "lazy" }) : null;
}

function present(value) {
  return value !== null && value !== undefined && value !== "";
}

// ---- small parts shared by the cards -------------------------------------------------------

function avatar(picture, size) {
  // Always the square thumbnail in a fixed round frame: a wide picture is cropped, never
  // stretched into a banner.
  const source = picture && (picture.medium || picture.thumbnail);
  return source ? image(source.url, { class: "avatar", alt: "", width: size, height: size }) : null;
}

function banner(picture) {
  const source = picture && picture.medium;
  return source ? image(source.url, { class: "banner", alt: "" }) : null;
}

function cover(picture, extra) {
  const source = picture && picture.medium;
  return source
    ? el("div", { class: "cover" }, image(source.url, { class: "page-image", alt: "", width: source.width, height: source.height }), extra)
    : null;
}

function verifiedBadge(verified) {
  return verified ? el("span", { class: "verified", role: "img", "aria-label": "Verified", title: "Verified" }, "✓") : null;
}

function chip(text, kind) {
  return el("span", { class: "chip" + (kind ? " " + kind : "") }, text);
}

function site(preview) {
  const icon = preview.icon ? image(preview.icon.url, { class: "icon", alt: "", width: "16", height: "16" }) : null;
  if (icon && preview.icon.backgroundColor) icon.style.background = preview.icon.backgroundColor;
  return el("p", { class: "site" }, icon, preview.domain);
}

function heading(text, href, ...extra) {
  const link = safeUrl(href);
  return el("h2", { class: "title", id: "card-title" }, link ? el("a", { href: link, rel: "noopener" }, text) : text, extra);
}

function prose(text, kind) {
  return present(text) ? el("p", { class: (kind || "description") + " clamp" }, text) : null;
}

// Exact where the API promises exact counts, with the compact form beside it.
function counts(entries) {
  const list = el("dl", { class: "counts" });
  for (const [field, label, value] of entries) {
    if (!present(value)) continue;
    const full = exact.format(value);
    const short = compact.format(value);
    list.append(
      el(
        "div",
        { "data-count": field, "data-value": String(value) },
        el("dt", {}, label),
        el("dd", {}, full, short !== full ? el("span", { class: "compact" }, short) : null),
      ),
    );
  }
  return list.childElementCount ? list : null;
}

// Facts about a file or a product: label and value, with the raw value kept for tests.
function facts(entries) {
  const list = el("dl", { class: "facts" });
  for (const [field, label, value, shown] of entries) {
    if (!present(value)) continue;
    list.append(el("div", { "data-fact": field, "data-value": String(value) }, el("dt", {}, label), el("dd", {}, shown === undefined ? String(value) : shown)));
  }
  return list.childElementCount ? list : null;
}

function duration(seconds) {
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

function bytes(size) {
  if (!present(size)) return null;
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = size;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit ? value.toFixed(value < 10 ? 1 : 0) : value} ${units[unit]}`;
}

function date(value) {
  if (!value) return null;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? null : el("time", { datetime: value, class: "date" }, day.format(parsed));
}

function firstPicture(media, fallback) {
  for (const item of media || []) {
    if (item.image) return item.image;
  }
  return fallback;
}

function card(kind, preview, ...parts) {
  return el("article", { class: "card " + kind, "aria-labelledby": "card-title", "data-type": preview.type }, parts);
}

// ---- one designed card per family ----------------------------------------------------------

function profileCard(preview, person) {
  const display = person.name || person.username;
  return card(
    "profile " + person.kind,
    preview,
    banner(person.banner),
    el(
      "div",
      { class: "card-body" },
      site(preview),
      el(
        "div",
        { class: "creator" },
        // A profile's page image is its picture: drawn as the avatar, never as a banner.
        avatar(person.avatar || preview.image, "80"),
        el(
          "div",
          { class: "who" },
          el("h2", { class: "name", id: "card-title" }, display, verifiedBadge(person.verified)),
          el(
            "p",
            { class: "username" },
            safeUrl(person.link) ? el("a", { href: safeUrl(person.link), rel: "noopener" }, person.handle) : person.handle,
            person.private ? chip("Private", "private") : null,
            person.nsfw ? chip("NSFW", "nsfw") : null,
          ),
        ),
      ),
      prose(person.bio, "bio"),
      person.location ? el("p", { class: "location" }, person.location) : null,
      counts(person.counts),
    ),
  );
}

function postCard(preview, post) {
  const author = post.user || {};
  const picture = firstPicture(post.media, preview.image);
  const video = (post.media || []).find((item) => item.kind === "VIDEO" && item.duration);
  const length = post.duration || (video && video.duration);
  return card(
    "post " + post.kind,
    preview,
    el(
      "div",
      { class: "card-body" },
      site(preview),
      el(
        "div",
        { class: "author" },
        avatar(author.avatar, "48"),
        el(
          "div",
          { class: "who" },
          // The author heads the card: a post's page title is usually its whole text again.
          el("h2", { class: "name", id: "card-title" }, author.name || (author.username ? "@" + author.username : post.place || preview.domain), verifiedBadge(author.verified)),
          el("p", { class: "username" }, author.username ? "@" + author.username : null, post.place ? " in " + post.place : null, date(post.date)),
        ),
      ),
      post.title ? el("p", { class: "post-title" }, post.title) : null,
      prose(post.text, "post-text"),
      post.nsfw ? chip("NSFW", "nsfw") : null,
    ),
    cover(picture, length ? el("span", { class: "duration", "data-seconds": String(length) }, duration(length)) : null),
    el("div", { class: "card-body" }, counts(post.counts)),
  );
}

function videoCard(preview) {
  const video = preview.youtubeVideo;
  const channel = video.user || {};
  return card(
    "video youtube-video",
    preview,
    cover(video.thumbnail || preview.image, present(video.duration) ? el("span", { class: "duration", "data-seconds": String(video.duration) }, duration(video.duration)) : null),
    el(
      "div",
      { class: "card-body" },
      site(preview),
      heading(preview.title || preview.url, preview.url),
      el("div", { class: "channel" }, avatar(channel.avatar, "32"), el("span", { class: "channel-name" }, channel.name || channel.username), date(video.publishedAt)),
      counts([
        ["viewsCount", "Views", video.viewsCount],
        ["likesCount", "Likes", video.likesCount],
        ["commentsCount", "Comments", video.commentsCount],
      ]),
      prose(preview.description),
    ),
  );
}

function repositoryCard(preview) {
  const repo = preview.githubRepository;
  const owner = repo.owner || {};
  const languages = (repo.languages || []).slice(0, 3);
  return card(
    "repository github-repository",
    preview,
    el(
      "div",
      { class: "card-body" },
      site(preview),
      el("div", { class: "author" }, avatar(owner.avatar, "32"), heading(owner.username && !repo.name.includes("/") ? `${owner.username}/${repo.name}` : repo.name, preview.url)),
      prose(repo.description || preview.description),
      counts([
        ["starsCount", "Stars", repo.starsCount],
        ["forksCount", "Forks", repo.forksCount],
        ["watchersCount", "Watchers", repo.watchersCount],
        ["issuesCount", "Issues", repo.issuesCount],
      ]),
      languages.length
        ? el("p", { class: "languages" }, languages.map((language) => chip(present(language.percentage) ? `${language.name} ${language.percentage.toFixed(0)}%` : language.name, "language")))
        : null,
      repo.topics && repo.topics.length ? el("p", { class: "topics" }, repo.topics.slice(0, 8).map((topic) => chip(topic, "topic"))) : null,
      repo.license ? el("p", { class: "license" }, repo.license) : null,
    ),
  );
}

function price(product) {
  if (!present(product.price)) return null;
  const amount = Number(product.price);
  try {
    return product.currency ? new Intl.NumberFormat(undefined, { style: "currency", currency: product.currency }).format(amount) : exact.format(amount);
  } catch {
    return `${product.price} ${product.currency || ""}`.trim();
  }
}

// schema.org's availability values read as words: "InStock" -> "In stock".
function words(value) {
  const spaced = String(value).replace(/^https?:\/\/schema\.org\//, "").replace(/([a-z])([A-Z])/g, "$1 $2");
  return spaced.charAt(0) + spaced.slice(1).toLowerCase();
}

function productCard(preview, product, kind) {
  const rating = present(product.rating)
    ? el(
        "p",
        { class: "rating", "data-value": String(product.rating) },
        el("span", { "aria-hidden": "true" }, "★ "),
        `${rating1.format(product.rating)} out of 5`,
        present(product.reviewCount) ? ` · ${exact.format(product.reviewCount)} reviews` : null,
      )
    : null;
  return card(
    "product " + kind,
    preview,
    cover(firstPicture(product.media, preview.image), null),
    el(
      "div",
      { class: "card-body" },
      site(preview),
      heading(product.title || preview.title || preview.url, preview.url),
      product.brand ? el("p", { class: "brand" }, product.brand) : null,
      present(product.price) ? el("p", { class: "price", "data-value": String(product.price) }, price(product)) : null,
      rating,
      product.availability ? el("p", { class: "availability" }, words(product.availability)) : null,
    ),
  );
}

const FILE_KINDS = {
  ImagePreview: ["imageFile", "Image"],
  VideoPreview: ["video", "Video"],
  AudioPreview: ["audio", "Audio"],
  DocumentPreview: ["document", "Document"],
  TextPreview: ["text", "Text"],
};

function fileName(url) {
  try {
    return decodeURIComponent(new URL(url).pathname.split("/").pop()) || url;
  } catch {
    return url;
  }
}

function fileCard(preview) {
  const [field, label] = FILE_KINDS[preview.__typename];
  const file = preview[field] || {};
  const format = file.format ? String(file.format).toUpperCase() : null;
  const name = file.title || preview.title || fileName(preview.url);
  const reading = file.estimatedReadingTimeInMinutes;
  return card(
    "file " + field.toLowerCase(),
    preview,
    preview.__typename === "ImagePreview" || preview.__typename === "VideoPreview" ? cover(preview.image, null) : null,
    el(
      "div",
      { class: "card-body" },
      site(preview),
      el("p", { class: "file-kind" }, format ? `${format} ${label.toLowerCase()}` : label),
      heading(name, preview.url),
      facts([
        ["size", "Size", preview.size, bytes(preview.size)],
        ["duration", "Duration", file.duration, present(file.duration) ? duration(file.duration) : null],
        ["pageCount", "Pages", file.pageCount, present(file.pageCount) ? exact.format(file.pageCount) : null],
        ["dimensions", "Dimensions", present(file.width) && present(file.height) ? `${file.width}×${file.height}` : null],
        ["wordsCount", "Words", file.wordsCount, present(file.wordsCount) ? exact.format(file.wordsCount) : null],
        ["readingTime", "Reading time", reading, present(reading) ? `${reading} min` : null],
        ["author", "By", file.author || file.artist],
        ["album", "Album", file.album],
      ]),
    ),
  );
}

function pageCard(preview) {
  const picture = preview.image && preview.image.medium;
  return card(
    "page",
    preview,
    picture ? image(picture.url, { class: "page-image", alt: "", width: picture.width, height: picture.height }) : null,
    el("div", { class: "card-body" }, site(preview), heading(preview.title || preview.url, preview.url), prose(preview.description)),
  );
}

function draw(preview) {
  switch (preview.__typename) {
    case "PreviewError":
      return errorCard(preview);
    case "TiktokUserPreview": {
      const u = preview.tiktokUser;
      return profileCard(preview, {
        kind: "tiktok-user", name: u.name, username: u.username, handle: "@" + u.username, link: u.profileUrl,
        avatar: u.avatar, verified: u.verified, bio: u.bio, private: u.visibility === "PRIVATE",
        counts: [["followersCount", "Followers", u.followersCount], ["followingCount", "Following", u.followingCount], ["likesCount", "Likes", u.likesCount], ["videosCount", "Videos", u.videosCount]],
      });
    }
    case "InstagramUserPreview": {
      const u = preview.instagramUser;
      return profileCard(preview, {
        kind: "instagram-user", name: u.name, username: u.username, handle: "@" + u.username, link: u.profileUrl,
        avatar: u.avatar, verified: u.verified, bio: u.bio, private: u.visibility === "PRIVATE",
        counts: [["postsCount", "Posts", u.postsCount], ["followersCount", "Followers", u.followersCount], ["followingCount", "Following", u.followingCount]],
      });
    }
    case "XUserPreview": {
      const u = preview.xUser;
      return profileCard(preview, {
        kind: "x-user", name: u.name, username: u.username, handle: "@" + u.username, link: u.profileUrl,
        avatar: u.avatar, banner: u.cover, verified: u.verified, bio: u.bio, location: u.location, private: u.protected,
        counts: [["postsCount", "Posts", u.postsCount], ["followersCount", "Followers", u.followersCount], ["followingCount", "Following", u.followingCount]],
      });
    }
    case "YoutubeUserPreview": {
      const u = preview.youtubeUser;
      return profileCard(preview, {
        kind: "youtube-user", name: u.name || preview.title, username: u.username, handle: u.username ? "@" + u.username.replace(/^@/, "") : preview.domain, link: u.url || preview.url,
        avatar: u.avatar, banner: u.banner, verified: u.verified, bio: u.description,
        counts: [["subscribersCount", "Subscribers", u.subscribersCount], ["videosCount", "Videos", u.videosCount], ["viewsCount", "Views", u.viewsCount]],
      });
    }
    case "RedditUserPreview": {
      const u = preview.redditUser;
      return profileCard(preview, {
        kind: "reddit-user", name: u.name, username: u.username, handle: "u/" + u.username, link: preview.url,
        avatar: u.avatar, banner: u.banner, bio: u.bio,
        counts: [["karma", "Karma", u.karma], ["postKarma", "Post karma", u.postKarma], ["commentKarma", "Comment karma", u.commentKarma]],
      });
    }
    case "RedditSubredditPreview": {
      const s = preview.redditSubreddit;
      return profileCard(preview, {
        kind: "reddit-subreddit", name: s.title || "r/" + s.name, username: s.name, handle: "r/" + s.name, link: preview.url,
        avatar: s.avatar, banner: s.banner, bio: s.description, nsfw: s.nsfw,
        counts: [["subscribersCount", "Members", s.subscribersCount], ["activeUsersCount", "Online", s.activeUsersCount]],
      });
    }
    case "XPostPreview": {
      const p = preview.xPost;
      return postCard(preview, {
        kind: "x-post", user: p.user, text: p.text || preview.description, media: p.media, date: p.publishedAt || p.createdAt,
        counts: [["commentsCount", "Replies", p.commentsCount], ["repostsCount", "Reposts", p.repostsCount], ["quotesCount", "Quotes", p.quotesCount], ["likesCount", "Likes", p.likesCount], ["bookmarksCount", "Bookmarks", p.bookmarksCount], ["viewsCount", "Views", p.viewsCount]],
      });
    }
    case "InstagramPostPreview": {
      const p = preview.instagramPost;
      return postCard(preview, {
        kind: "instagram-post", user: p.user, text: p.text || preview.description, media: p.media, date: p.publishedAt,
        counts: [["likesCount", "Likes", p.likesCount], ["commentsCount", "Comments", p.commentsCount]],
      });
    }
    case "TiktokVideoPreview": {
      const p = preview.tiktokVideo;
      return postCard(preview, {
        kind: "tiktok-video", user: p.user, text: p.text || preview.description, media: p.media, date: p.publishedAt, duration: p.duration,
        counts: [["playsCount", "Plays", p.playsCount], ["likesCount", "Likes", p.likesCount], ["commentsCount", "Comments", p.commentsCount], ["sharesCount", "Shares", p.sharesCount]],
      });
    }
    case "RedditPostPreview": {
      const p = preview.redditPost;
      return postCard(preview, {
        kind: "reddit-post", user: p.user, place: p.subreddit ? "r/" + p.subreddit.name : null, title: p.title || preview.title, text: p.text, media: p.media, date: p.publishedAt, nsfw: p.nsfw,
        counts: [["likesCount", "Upvotes", p.likesCount], ["commentsCount", "Comments", p.commentsCount]],
      });
    }
    case "YoutubeVideoPreview":
      return videoCard(preview);
    case "GithubRepositoryPreview":
      return repositoryCard(preview);
    case "AmazonProductPreview":
      return productCard(preview, preview.amazonProduct, "amazon-product");
    case "EtsyProductPreview":
      return productCard(preview, preview.etsyProduct, "etsy-product");
    default:
      return FILE_KINDS[preview.__typename] ? fileCard(preview) : pageCard(preview);
  }
}

// ---- errors: the link's, the moment's, or this server's ------------------------------------

function problemCard(kind, title, message, code, ...actions) {
  return el(
    "article",
    { class: "card problem " + kind, role: "alert", "data-problem": kind },
    el(
      "div",
      { class: "card-body" },
      el("h2", { class: "title" }, title),
      message ? el("p", { class: "message" }, message) : null,
      code ? el("p", { class: "code" }, code) : null,
      actions.length ? el("div", { class: "actions" }, actions) : null,
    ),
  );
}

function tryAgain(url) {
  const button = el("button", { type: "button", class: "retry" }, "Try again");
  button.addEventListener("click", () => lookUp(url, { refresh: true }));
  return button;
}

function errorCard(preview) {
  if (PASSING.has(preview.code)) {
    return problemCard("passing", "The site did not answer just now", preview.message, preview.code, tryAgain(preview.url));
  }
  if (UPSTREAM.has(preview.code)) {
    return problemCard("upstream", UPSTREAM_TITLES[preview.code], preview.message, preview.code, tryAgain(preview.url));
  }
  return problemCard("error", "No preview for this link", preview.message, preview.code);
}

function keyForm(url, message) {
  const input = el("input", { id: "api-key", name: "api-key", type: "password", autocomplete: "off", required: "" });
  const form = el(
    "form",
    { class: "key-form" },
    el("label", { for: "api-key" }, "API key"),
    el("div", { class: "row" }, input, el("button", { type: "submit" }, "Use key")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY_STORE, input.value.trim());
    lookUp(url);
  });
  return problemCard("unauthorized", "This server needs an API key", message, "401", form);
}

function serverProblem(url, outcome) {
  switch (outcome.problem) {
    case "unreachable":
      return problemCard("unreachable", "Can't reach the Linkgraph server", "The server did not answer: it may be stopped or restarting.", null, tryAgain(url));
    case "unauthorized":
      return keyForm(url, outcome.message);
    case "rate":
      return problemCard(
        "rate-limited",
        "Too many requests",
        outcome.retryAfter ? `Try again in ${outcome.retryAfter} s.` : outcome.message,
        "429",
        tryAgain(url),
      );
    default:
      return problemCard("refused", "The server refused the request", outcome.message, outcome.status ? String(outcome.status) : null, tryAgain(url));
  }
}

// ---- requests: the latest one wins ---------------------------------------------------------

let current = null;

async function send(url, refresh, signal) {
  const headers = { "content-type": "application/json", accept: "application/json" };
  const key = sessionStorage.getItem(KEY_STORE);
  if (key) headers.authorization = `Bearer ${key}`;
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers: headers,
      body: JSON.stringify({ query: refresh ? REFRESH : QUERY, variables: { url: url } }),
      signal: signal,
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    return { problem: "unreachable" };
  }
  let body = null;
  try {
    body = await response.json();
  } catch (error) {
    if (error.name === "AbortError") throw error;
  }
  const message = body && body.errors && body.errors.length ? body.errors.map((e) => e.message).join("; ") : null;
  if (response.status === 401) return { problem: "unauthorized", message: message };
  if (response.status === 429) return { problem: "rate", message: message, retryAfter: response.headers.get("retry-after") };
  if (!body || !body.data) return { problem: "refused", status: response.status, message: message || response.statusText };
  if (message) return { problem: "refused", status: response.status, message: message };
  return { preview: refresh ? body.data.refreshPreview : body.data.preview };
}

function skeleton() {
  return el(
    "div",
    { class: "card skeleton", "aria-hidden": "true" },
    el("div", { class: "card-body" }, el("div", { class: "bone wide" }), el("div", { class: "bone" }), el("div", { class: "bone short" })),
  );
}

function setBusy(busy) {
  const button = document.getElementById("preview-button");
  const input = document.getElementById("url");
  const result = document.getElementById("result");
  // Disabled while the link in the box is the one loading; typing another link enables it.
  button.disabled = busy && input.value.trim() === (current && current.url);
  result.setAttribute("aria-busy", busy ? "true" : "false");
  document.getElementById("status").textContent = busy ? "Loading a preview…" : "";
}

async function lookUp(url, options) {
  const refresh = Boolean(options && options.refresh);
  const link = document.getElementById("graphiql-link");
  if (link) {
    link.href = "/graphql?" + new URLSearchParams({ q: refresh ? REFRESH : QUERY, variables: JSON.stringify({ url: url }, null, 2) });
  }
  // A newer request supersedes the one in flight: it is cancelled, and whatever it would
  // have answered is dropped, so only the latest link's card is ever drawn.
  if (current) current.controller.abort();
  const request = { url: url, controller: new AbortController() };
  current = request;
  const result = document.getElementById("result");
  result.replaceChildren(skeleton());
  setBusy(true);
  let outcome;
  try {
    outcome = await send(url, refresh, request.controller.signal);
  } catch (error) {
    if (error.name === "AbortError") return;
    outcome = { problem: "refused", message: String(error.message || error) };
  }
  if (current !== request) return;
  current = null;
  setBusy(false);
  result.replaceChildren(outcome.preview ? draw(outcome.preview) : serverProblem(url, outcome));
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("lookup");
  const input = document.getElementById("url");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const url = input.value.trim();
    if (!url || (current && current.url === url)) return;
    const address = new URL(window.location.href);
    address.searchParams.set("url", url);
    history.replaceState(null, "", address);
    lookUp(url);
  });
  input.addEventListener("input", () => setBusy(current !== null));
  const shared = new URLSearchParams(window.location.search).get("url");
  if (shared) {
    input.value = shared;
    lookUp(shared);
  }
});
