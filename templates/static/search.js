// The search page: Pagefind finds the words and narrows them by topic and source; this
// lists the results newest first. Text from the index is only ever set as textContent.
const form = document.getElementById("search-form");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const base = form.dataset.base;
let pagefind = null;

async function engine() {
  if (!pagefind) {
    pagefind = await import(base + "pagefind/pagefind.js");
    await pagefind.options({ baseUrl: base });
  }
  return pagefind;
}

function plain(html) {
  // An inert document: unlike a detached <div>, whose <img onerror> would still load and run.
  return new DOMParser().parseFromString(html, "text/html").body.textContent;
}

let latest = 0;

async function run(event) {
  if (event) event.preventDefault();
  const ticket = ++latest;  // an earlier search still under way must not list its results
  const terms = form.elements.q.value.trim();
  const topic = form.elements.topic.value;
  const agency = form.elements.agency.value;
  list.replaceChildren();
  if (!terms) {
    status.textContent = "";
    return;
  }
  status.textContent = "Searching…";
  // Pagefind narrows and counts over every result: filtering the first results' data here
  // undercounted, and missed matches past them.
  const filters = {};
  if (topic) filters.topic = topic;
  if (agency) filters.source = agency;
  const found = await (await engine()).search(terms, { sort: { date: "desc" }, filters });
  const shown = await Promise.all(found.results.slice(0, 50).map((r) => r.data()));
  if (ticket !== latest) return;
  for (const result of shown) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = result.url;
    link.className = "search-result-link";
    link.textContent = result.meta.title || result.url;
    const heading = document.createElement("h2");
    heading.className = "item-title";
    heading.append(link);
    const meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = [result.meta.agency, result.meta.published].filter(Boolean).join(" · ");
    const excerpt = document.createElement("p");
    excerpt.className = "summary";
    excerpt.textContent = plain(result.excerpt);
    item.append(heading, meta, excerpt);
    list.append(item);
  }
  const count = found.results.length;
  const more = count > shown.length ? ` The ${shown.length} newest are shown.` : "";
  status.textContent = (count === 1 ? "1 article found." : `${count} articles found.`) + more;
}

form.addEventListener("submit", run);
form.elements.q.addEventListener("input", () => run());
form.elements.topic.addEventListener("change", () => run());
form.elements.agency.addEventListener("change", () => run());
const initial = new URLSearchParams(location.search).get("q");
if (initial) {
  form.elements.q.value = initial;
  run();
}
