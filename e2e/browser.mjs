// End-to-end test of the site in a real browser: Debian's Chromium driven by playwright-core.
// Usage: CHANCERY_URL=http://127.0.0.1:PORT node e2e/browser.mjs
// Screenshots go to target/screenshots/ (or SCREENSHOTS).
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import assert from "node:assert/strict";

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const base = process.env.CHANCERY_URL;
assert.ok(base, "set CHANCERY_URL to the server under test");
const shots = process.env.SCREENSHOTS ?? path.join(import.meta.dirname, "..", "target", "screenshots");
fs.mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});

let failures = 0;
async function step(name, body) {
  try {
    await body();
    console.log(`ok   ${name}`);
  } catch (error) {
    failures += 1;
    console.log(`FAIL ${name}\n${error.stack ?? error}`);
  }
}

// Console messages that show a Content Security Policy violation or a script error.
function watch(page, problems) {
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(String(error)));
}

// axe-core in the page (page.evaluate is not subject to the page's CSP); no serious or critical
// violations allowed.
async function accessible(page, label) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  const bad = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of result) console.log(`     axe ${label}: ${v.impact} ${v.id} (${v.nodes}) ${v.help} ${v.targets.join(" | ")}`);
  assert.deepEqual(bad, [], `${label}: serious or critical accessibility violations`);
}

const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
const page = await context.newPage();
const problems = [];
watch(page, problems);

await step("home page says what the archive holds", async () => {
  const response = await page.goto(`${base}/`);
  assert.equal(response.status(), 200);
  assert.match(await page.locator("h1").innerText(), /Chancery/);
  assert.match(await page.locator(".lead").innerText(), /[\d,]+ primary sources/);
  assert.ok(await page.locator("svg.histogram a.bar").count() > 10, "the year histogram has bars");
  await page.screenshot({ path: path.join(shots, "home.png"), fullPage: true });
  await accessible(page, "home");
});

await step("search, a histogram bar and a facet narrow the results", async () => {
  await page.fill("#home-q", "Tito");
  await Promise.all([page.waitForURL(/\/search\?q=Tito/), page.press("#home-q", "Enter")]);
  const all = await page.locator(".summary").innerText();
  const total = Number(all.match(/of ([\d,]+) records?/)[1].replaceAll(",", ""));
  assert.ok(total > 10, `Tito matches many records (${all})`);
  assert.ok(await page.locator("ol.hits mark").count() > 0, "snippets mark the matches");
  await page.screenshot({ path: path.join(shots, "search.png"), fullPage: true });
  await accessible(page, "search");

  await Promise.all([page.waitForURL(/year%3D1954/), page.click('svg.histogram a.bar[data-year="1954"]')]);
  const inYear = Number((await page.locator(".summary").innerText()).match(/of ([\d,]+) records?/)[1].replaceAll(",", ""));
  assert.ok(inYear >= 1 && inYear < total, `the 1954 bar filters (${inYear} of ${total})`);

  const facet = page.locator("aside.facets a.value", { hasText: "Serbo-Croatian" });
  await Promise.all([page.waitForURL(/language%3Dhbs/), facet.first().click()]);
  const filtered = await page.locator(".summary").innerText();
  assert.match(filtered, /of 1 record/, filtered);
  assert.equal(await page.locator("aside.facets a.active").count() >= 1, true, "the active filter shows");
  assert.equal(await page.inputValue("#q"), "Tito year=1954 language=hbs");
});

const countOf = async () => Number((await page.locator(".summary").innerText()).match(/of ([\d,]+) records?/)[1].replaceAll(",", ""));

await step("the advanced form writes the query; a facet's values, an exclusion, a Did you mean", async () => {
  await page.goto(`${base}/search/advanced`);
  await accessible(page, "advanced search");
  await page.fill("#a-words", "Yugoslavia");
  await page.fill("#a-from", "1955");
  await page.fill("#a-to", "1956");
  await page.selectOption("#a-type", "telegram");
  await Promise.all([page.waitForURL(/\/search\?q=/), page.click("form.advanced button[type=submit]")]);
  assert.equal(await page.inputValue("#q"), "Yugoslavia date:1955..1956 type=telegram");
  const total = await countOf();
  assert.ok(total > 10, `the form's query finds telegrams (${total})`);
  const hit = await page.locator("ol.hits li").first().innerText();
  assert.match(hit, /Telegram · .*FRUS \d{4}–\d{4}, vol\. [IVXL]+.*Document \d+/, hit);

  // Every value of a facet, on its own page; choosing one narrows the results to it.
  const more = page.locator('section[data-facet="collection"] p.more a');
  await Promise.all([page.waitForURL(/\/search\/facets\/collection/), more.click()]);
  await accessible(page, "facet values");
  const values = page.locator("ol.facet-values li");
  assert.ok(await values.count() > 12, "more values than the results page shows");
  const last = values.last();
  const expected = Number((await last.locator(".count").innerText()).replaceAll(",", ""));
  await Promise.all([page.waitForURL(/collection%3D/), last.locator("a.value").click()]);
  assert.equal(await countOf(), expected, "the count beside a value is what choosing it returns");

  // Exclude a type: the rest remains, and the excluded value shows, to be let in again.
  await page.goto(`${base}/search?q=Yugoslavia`);
  const before = await countOf();
  const type = page.locator('section[data-facet="type"] li').first();
  const label = await type.locator("a.value").innerText();
  const n = Number((await type.locator(".count").innerText()).replaceAll(",", ""));
  await Promise.all([page.waitForURL(/-type%3D/), type.locator("a.exclude").click()]);
  assert.equal(await countOf(), before - n, `excluding ${label} leaves the others`);
  assert.equal(await page.locator('section[data-facet="type"] li.excluded s').innerText(), label);
  await accessible(page, "search with an exclusion");

  // A misspelling finds nothing and offers the word the archive holds.
  await page.goto(`${base}/search?q=Khruschev`);
  assert.match(await page.locator(".summary").innerText(), /No records match/);
  await Promise.all([page.waitForURL(/q=Khrushchev/), page.click(".suggestion a")]);
  assert.ok(await countOf() > 10, "the suggestion finds the records");
});

await step("the letter: citation, text, Cite box", async () => {
  await Promise.all([page.waitForURL(/\/records\/wcda-112970$/), page.click("ol.hits a[href='/records/wcda-112970']")]);
  const citation = await page.locator("#citation-text").innerText();
  for (const part of ["August 11, 1954", "Arhiv Jugoslavije [National Archives of Yugoslavia]", "Arhiv CK SKJ",
    "507 / IX, 119/I-50", "Obtained and translated for CWIHP by Svetozar Rajak",
    "https://digitalarchive.wilsoncenter.org/document/112970"]) {
    assert.ok(citation.includes(part), `citation lacks ${part}`);
  }
  const text = await page.locator("section.text .body").innerText();
  assert.match(text, /^To the Central Committee of the Communist Party of the Soviet Union/);
  assert.equal(await page.locator("section.text .body").getAttribute("lang"), "en");
  assert.ok((await page.locator("section.text .body p").count()) > 3, "paragraphs are kept");
  const chicago = await page.locator("#cite-chicago").innerText();
  assert.match(chicago, /Svetozar Rajak/);
  assert.ok((await page.locator("meta[name=citation_title]").count()) === 1);
  await page.click('button[data-copy="cite-chicago"]');
  await page.waitForFunction(() => document.querySelector('button[data-copy="cite-chicago"]').textContent === "Copied");
  assert.equal((await page.evaluate(() => navigator.clipboard.readText())).trim(), chicago.trim());
  await page.screenshot({ path: path.join(shots, "document.png"), fullPage: true });
  await accessible(page, "document");
});

await step("a FRUS document with notes and the people in it", async () => {
  const response = await page.goto(`${base}/records/frus1955-57v26/d249`);
  assert.equal(response.status(), 200);
  assert.ok(await page.locator(".tei").count() === 1);
  // The source note apart from the edition's citation; the people in a conversation (issue 11).
  assert.match(await page.locator("section.source-note").innerText(), /^Source note\s+Department of State, Central Files, 611\.68\/5–2355/);
  assert.match(await page.locator("#citation-text").innerText(), /in Foreign Relations of the United States, 1955–1957, vol\. XXVI, Central and Southeastern Europe, ed\. Roberta L\. DiGangi et al\. .*Document 249\./);
  assert.match(await page.locator("dl.facts").innerText(), /Participant\s+Leo Mates/);
  await page.screenshot({ path: path.join(shots, "frus-document.png"), fullPage: false });
  await accessible(page, "frus document");
  // An editorial note dated by the documents around it says so.
  await page.goto(`${base}/records/frus1955-57v26/d112`);
  assert.match(await page.locator(".docdate").innerText(), /^\[May 24–26, 1957\]/);
  assert.match(await page.locator(".date-supplied").innerText(), /supplied from the documents printed before and after it/);
  await accessible(page, "editorial note");
});

await step("a volume, a chapter, a document and the next one, in the edition's order", async () => {
  // Issue 12: home → the volumes → a volume → a chapter → a document → next.
  await page.goto(`${base}/`);
  await page.locator('nav[aria-label="Site"] a', { hasText: "Volumes" }).click();
  await page.waitForURL(/\/collections$/);
  await accessible(page, "volumes");
  await page.locator('a[href="/collections/frus1955-57v26"]').click();
  await page.waitForURL(/\/collections\/frus1955-57v26$/);
  assert.match(await page.locator("h1").innerText(), /Central and Southeastern Europe/);
  // The table of contents is in the volume's order: document 2 before document 10.
  const numbers = await page.locator("ol.entries .number").allInnerTexts();
  const two = numbers.indexOf("2."), ten = numbers.indexOf("10.");
  assert.ok(two >= 0 && ten > two, `document 2 before document 10 (${two}, ${ten})`);
  await page.screenshot({ path: path.join(shots, "volume.png"), fullPage: false });
  await accessible(page, "volume");
  const chapter = page.locator(".toc .part h3 a").first();
  const chapterTitle = await chapter.innerText();
  await chapter.click();
  await page.waitForURL(/\/collections\/frus1955-57v26\/.+/);
  assert.equal(await page.locator("h1").innerText(), chapterTitle);
  await accessible(page, "chapter");
  await page.locator("ol.entries a").first().click();
  await page.waitForURL(/\/records\/frus1955-57v26\/d\d+$/);
  const ordinal = await page.locator("nav.place .ordinal").innerText();
  const [, n] = ordinal.match(/^Document (\d+) of \d+/);
  const trail = await page.locator("nav.trail").innerText();
  assert.ok(trail.includes(chapterTitle), `the trail names the chapter: ${trail}`);
  await page.locator('a[rel="next"]').click();
  await page.waitForURL(/\/records\/frus1955-57v26\/.+/);
  const next = await page.locator("nav.place .ordinal").innerText();
  assert.match(next, new RegExp(`^Document ${Number(n) + 1} of`));
  await page.locator('a[rel="prev"]').click();
  assert.equal(await page.locator("nav.place .ordinal").innerText(), ordinal);
  await accessible(page, "document in its volume");
  // On a phone the table of contents does not scroll sideways.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const p = await phone.newPage();
  await p.goto(`${base}/collections/frus1955-57v26`);
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `no sideways scrolling on a phone (${overflow}px)`);
  await p.screenshot({ path: path.join(shots, "volume-phone.png"), fullPage: false });
  await phone.close();
});

await step("a person across volumes: from a document to the person and their documents elsewhere", async () => {
  // Issue 12: a document's people link to their persons; a person's page gathers the volumes'
  // persons-list entries and the documents of every volume that names them.
  await page.goto(`${base}/records/frus1955-57v26/d249`);
  await page.locator('dl.mentions a[href="/people/tito-josip-broz"]').first().click();
  await page.waitForURL(/\/people\/tito-josip-broz$/);
  assert.equal(await page.locator("h1").innerText(), "Josip Broz Tito");
  assert.ok((await page.locator('#h-corr ~ ul a[href="/records/wcda-112970"]').count()) === 1,
    "the seed letter is among what Tito wrote");
  const volumes = await page.locator("dl.roles dt a").allInnerTexts();
  assert.ok(volumes.length >= 2, `Tito is in several volumes' persons lists (${volumes.length})`);
  assert.ok((await page.locator("svg.histogram a.bar").count()) >= 5, "documents per year");
  await page.screenshot({ path: path.join(shots, "person.png"), fullPage: false });
  await accessible(page, "person");
  await page.locator('a[href^="/records/frus1961-63v16/"]').first().click();
  await page.waitForURL(/\/records\/frus1961-63v16\//);
  assert.ok((await page.locator('dl.mentions a[href="/people/tito-josip-broz"]').count()) >= 1,
    "the document in the other volume names the same person");
  // The seed letter's Khrushchev is the volumes' Khrushchev.
  await page.goto(`${base}/records/wcda-112970`);
  await page.locator('dl.facts a[href="/people/khrushchev-nikita-sergeyevich"]').click();
  await page.waitForURL(/\/people\/khrushchev-nikita-sergeyevich$/);
  assert.ok((await page.locator('a[href^="/records/frus1955-57v24/"]').count()) > 0, "Khrushchev in the Soviet Union volume");
  // Finding a person by another form of the name.
  await page.goto(`${base}/people?q=Broz+Tito`);
  await accessible(page, "people");
  assert.ok((await page.locator('a[href="/people/tito-josip-broz"]').count()) === 1);
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const p = await phone.newPage();
  await p.goto(`${base}/people/tito-josip-broz`);
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `no sideways scrolling on a phone (${overflow}px)`);
  await p.screenshot({ path: path.join(shots, "person-phone.png"), fullPage: false });
  await phone.close();
});

await step("countries and offices: a mission's telegram, its country, the chiefs of mission, the Secretary of State", async () => {
  // Issue 12, organizations and countries: "Embassy in Yugoslavia" is the U.S. mission there and
  // links to the country; the country lists its chiefs of mission with their dates, linked to
  // persons; "Secretary of State" on a 1955 document is the holder of the office that day.
  await page.goto(`${base}/countries`);
  await accessible(page, "countries");
  await page.locator('a[href="/countries/yugoslavia"]').click();
  await page.waitForURL(/\/countries\/yugoslavia$/);
  assert.equal(await page.locator("h1").innerText(), "Yugoslavia");
  assert.match(await page.locator("p.docdate").innerText(), /no longer exists, 1918–2003/);
  const chiefs = await page.locator("table.chiefs tbody tr").count();
  assert.ok(chiefs >= 20, `the U.S. chiefs of mission in Yugoslavia (${chiefs})`);
  assert.ok((await page.locator('table.chiefs a[href="/people/riddleberger-james-williams"]').count()) === 1,
    "Ambassador Riddleberger links to his person");
  await page.screenshot({ path: path.join(shots, "country.png"), fullPage: false });
  await accessible(page, "country");
  await page.locator("section", { has: page.locator("h2", { hasText: "From the U.S. mission in Yugoslavia" }) })
    .locator("ul.hits a").first().click();
  await page.waitForURL(/\/records\//);
  assert.ok((await page.locator('dl.facts a[href="/countries/yugoslavia"]').count()) >= 1,
    "the embassy links to its country");
  // The seed letter's bodies are organizations of their countries.
  await page.goto(`${base}/records/wcda-112970`);
  await page.locator('dl.facts a[href="/organizations/cc-cpsu"]').click();
  await page.waitForURL(/\/organizations\/cc-cpsu$/);
  assert.equal(await page.locator("h1").innerText(), "Central Committee of the Communist Party of the Soviet Union");
  assert.ok((await page.locator('a[href="/records/wcda-112970"]').count()) === 1, "the letter it received");
  await accessible(page, "organization");
  await page.goto(`${base}/organizations`);
  await accessible(page, "organizations");
  assert.ok((await page.locator('table.organizations a[href="/organizations/department-of-state"]').count()) === 1);
  await page.goto(`${base}/people/dulles-john-foster`);
  assert.match(await page.locator("ul.positions").innerText(), /Secretary of State: appointed 21 January 1953/);
  const asSecretary = await page.locator('#h-corr ~ ul.hits a', { hasText: "Secretary of State" }).count();
  assert.ok(asSecretary >= 10, `what he sent and received as Secretary of State (${asSecretary})`);
});

await step("relations: Yugoslavia and the Soviet Union, the United States and Yugoslavia, Tito and Khrushchev; a network", async () => {
  // Issue 16: a relation page tells the story of the seed letter (the demo's curated events,
  // the letter in August 1954), the U.S. pages add the chiefs of mission and the visits, and a
  // party's network draws who wrote to whom; every bar and line is a link.
  await page.goto(`${base}/relations/yugoslavia/ussr`);
  await page.waitForURL(/\/relations\/yugoslavia\/russia$/);
  assert.equal(await page.locator("h1").innerText(), "Yugoslavia and Soviet Union");
  assert.equal(await page.locator("ol.events > li").count(), 8, "the demo's curated events");
  assert.ok((await page.locator('#event-belgrade-declaration-1955 a[href^="/records/frus1955-57v26/"]').count()) >= 1,
    "the Belgrade Declaration's evidence is a FRUS document");
  assert.ok((await page.locator("svg.timeline a.bar").count()) >= 3, "bars in the timeline");
  await page.screenshot({ path: path.join(shots, "relation-yugoslavia-ussr.png"), fullPage: true });
  await accessible(page, "relation");
  await page.locator('svg.timeline a.bar.a-to-b[href*="period=1954-08"]').click();
  await page.waitForURL(/period=1954-08/);
  assert.ok((await page.locator('ul.relation-documents a[href="/records/wcda-112970"]').count()) === 1,
    "the seed letter in August 1954");

  await page.goto(`${base}/relations/usa/yugoslavia`);
  await page.waitForURL(/\/relations\/united-states\/yugoslavia$/);
  const between = await page.locator("ul.relation-documents > li").count();
  assert.ok(between >= 1, `documents between the United States and Yugoslavia (${between})`);
  assert.ok((await page.locator("#h-chiefs + table.chiefs tbody tr, section:has(#h-chiefs) table.chiefs tbody tr").count()) >= 20,
    "the U.S. chiefs of mission in Yugoslavia");
  assert.ok((await page.locator("section:has(#h-visits) tbody tr").count()) >= 3, "visits and trips");
  await page.screenshot({ path: path.join(shots, "relation-usa-yugoslavia.png"), fullPage: false });
  await accessible(page, "relation usa");

  await page.goto(`${base}/relations/tito/khrushchev`);
  await page.waitForURL(/\/relations\/tito-josip-broz\/khrushchev-nikita-sergeyevich$/);
  assert.ok((await page.locator('ul.relation-documents a[href="/records/wcda-112970"]').count()) === 1,
    "the seed letter between the two leaders");
  await page.screenshot({ path: path.join(shots, "relation-tito-khrushchev.png"), fullPage: false });
  await accessible(page, "relation persons");

  await page.goto(`${base}/network?party=yugoslavia&from=1954&until=1957`);
  const lines = await page.locator("svg.network a line.edge").count();
  assert.ok(lines >= 3, `links of the network (${lines})`);
  assert.ok((await page.locator("table.network-edges tbody tr").count()) >= lines);
  await page.screenshot({ path: path.join(shots, "network-yugoslavia.png"), fullPage: false });
  await accessible(page, "network");
  await page.locator("svg.network a").first().click();
  await page.waitForURL(/\/relations\//);
  await page.goBack();
  await page.locator("table.network-edges a").first().click();
  await page.waitForURL(/\/relations\//);
});

await step("a document prints its text, not the site around it", async () => {
  const printed = await context.newPage();
  await printed.goto(`${base}/records/frus1955-57v26/d249`);
  await printed.emulateMedia({ media: "print" });
  for (const hidden of ["header.site", "footer.site", "nav.place", "section.cite", "section.related-docs"]) {
    assert.ok(await printed.locator(hidden).first().isHidden(), `${hidden} is not printed`);
  }
  assert.ok(await printed.locator(".tei").isVisible());
  // The text comes first on paper, the citation and notes of the archive after it.
  const top = async (selector) => (await printed.locator(selector).boundingBox()).y;
  assert.ok(await top("section.contents") < await top("section.citation"), "the text is printed before the apparatus");
  await printed.close();
});

await step("the 404 page helps", async () => {
  const lost = await context.newPage();
  const response = await lost.goto(`${base}/records/no-such-record`);
  assert.equal(response.status(), 404);
  assert.match(await lost.locator("main").innerText(), /Search the archive/);
  await accessible(lost, "404");
  await lost.close();
});

await step("a phone-sized screen", async () => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const p = await phone.newPage();
  await p.goto(`${base}/records/wcda-112970`);
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `no sideways scrolling on a phone (${overflow}px)`);
  await p.screenshot({ path: path.join(shots, "document-phone.png"), fullPage: false });
  // A FRUS document's text is near the top, not below its citation and source note.
  await p.goto(`${base}/records/frus1955-57v26/d249`);
  const textTop = (await p.locator("section.contents").boundingBox()).y;
  const citationTop = (await p.locator("section.citation").boundingBox()).y;
  assert.ok(textTop < citationTop, `the text comes before the citation on a phone (${textTop} vs ${citationTop})`);
  assert.ok(textTop < 900, `the text starts on the first screens (${textTop}px down)`);
  await p.screenshot({ path: path.join(shots, "frus-document-phone.png"), fullPage: false });
  await phone.close();
});

await step("no CSP violation or script error on our pages", async () => {
  assert.deepEqual(problems, []);
});

// The hostile record, with the CSP switched off: only escaping stands between its payloads and
// the page, so this proves the escaping itself.
await step("a record of script payloads renders as text", async () => {
  for (const bypassCSP of [true, false]) {
    const hostile = await browser.newContext({ bypassCSP });
    const p = await hostile.newPage();
    const dialogs = [];
    p.on("dialog", async (dialog) => { dialogs.push(dialog.message()); await dialog.dismiss(); });
    for (const url of [`${base}/records/xss-probe`, `${base}/search?q=Khrushchev+date%3A1956`,
      `${base}/search?q=${encodeURIComponent('"><img src=x onerror=window.__xss=99>')}`]) {
      const response = await p.goto(url);
      assert.ok(response.status() < 500, url);
      await p.waitForLoadState("load");
      const ran = await p.evaluate(() => window.__xss);
      assert.equal(ran, undefined, `a payload ran on ${url} (bypassCSP=${bypassCSP})`);
      const live = await p.evaluate(() => document.querySelectorAll(
        "[onerror],[onload],[onmouseover],iframe,img[src=x],svg[onload],script:not([src]):not([type='application/ld+json'])").length);
      assert.equal(live, 0, `payload elements in the DOM of ${url}`);
    }
    const title = await p.goto(`${base}/records/xss-probe`).then(() => p.locator("h1").innerText());
    assert.equal(title, 'Letter <script>window.__xss=1</script> from "><img src=x onerror="window.__xss=2"> to Khrushchev');
    assert.match(await p.locator("section.text .body").innerText(), /<script>window.__xss=23<\/script>/);
    if (bypassCSP) await p.screenshot({ path: path.join(shots, "xss-probe.png"), fullPage: true });
    assert.deepEqual(dialogs, []);
    await hostile.close();
  }
});

// Curation: an editor signs in, corrects the seed letter's date and summary, sees the diff,
// publishes, signs out and finds the change on the public page; an administrator reads the log.
const [editorName, editorPassword] = (process.env.CURATOR_EDITOR ?? ":").split(/:(.*)/s);
const [adminName, adminPassword] = (process.env.CURATOR_ADMIN ?? ":").split(/:(.*)/s);
await step("a curator edits, sees the diff, publishes and signs out; the public page shows it", async () => {
  assert.ok(editorName && editorPassword, "set CURATOR_EDITOR=name:password");
  const curator = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const p = await curator.newPage();
  const seen = [];
  watch(p, seen);
  assert.equal((await p.goto(`${base}/curate`)).status(), 401, "curation needs a sign-in");
  await p.goto(`${base}/curate/sign-in`);
  await accessible(p, "sign-in");
  await p.fill("#name", editorName);
  await p.fill("#password", "not the password");
  await Promise.all([p.waitForLoadState("load"), p.click("form[action=\"/curate/sign-in\"] button")]);
  assert.match(await p.locator(".problem").innerText(), /not right/);
  await p.fill("#name", editorName);
  await p.fill("#password", editorPassword);
  await Promise.all([p.waitForURL(`${base}/curate`), p.click("form[action=\"/curate/sign-in\"] button")]);
  const cookie = (await curator.cookies()).find((c) => c.name === "chancery_session");
  assert.ok(cookie && cookie.httpOnly && cookie.sameSite === "Strict", "the session cookie is HttpOnly and SameSite=Strict");
  await p.goto(`${base}/curate/edit?id=wcda-112970`);
  assert.match(await p.locator("#f-date-read").innerText(), /1954-08-11/, "the printed date's EDTF is shown");
  await p.fill("#f-date", "August 12, 1954");
  const summary = await p.locator("#f-summary").inputValue();
  await p.fill("#f-summary", `${summary} Corrected after the Belgrade original.`);
  await p.fill("#f-comment", "date and summary checked against the original");
  await p.evaluate(() => window.scrollTo(0, 0));
  await p.screenshot({ path: path.join(shots, "curate-edit.png"), fullPage: false });
  await accessible(p, "edit form");
  await Promise.all([p.waitForURL(/\/curate\/history\?id=wcda-112970/), p.click("button[value=draft]")]);
  assert.match(await p.locator("section.draft").innerText(), /date and summary checked/);
  await Promise.all([p.waitForURL(/\/curate\/diff/), p.click("text=What it changes")]);
  assert.equal(await p.locator("table.diff td del").first().innerText(), "11,");
  assert.equal(await p.locator("table.diff td ins").first().innerText(), "12,");
  assert.match(await p.locator("table.diff").innerText(), /Corrected after the Belgrade original\./);
  await p.screenshot({ path: path.join(shots, "curate-diff.png"), fullPage: true });
  await accessible(p, "diff");
  await p.goBack();
  await Promise.all([p.waitForURL(/\/curate\/history/), p.click("text=Publish the draft")]);
  assert.match(await p.locator("table.listing").innerText(), /web:eve[\s\S]*date and summary checked/);
  await Promise.all([p.waitForURL(/\/curate\/sign-in/), p.click("form.signout button")]);
  assert.equal((await p.goto(`${base}/curate`)).status(), 401, "signed out");
  // The server follows the store within a second; the page cache is emptied with it.
  let text = "";
  for (let tries = 0; tries < 40 && !text.includes("August 12, 1954"); tries += 1) {
    await p.goto(`${base}/records/wcda-112970`);
    text = await p.locator("main").innerText();
    if (!text.includes("August 12, 1954")) await p.waitForTimeout(500);
  }
  assert.match(text, /August 12, 1954/);
  assert.match(text, /Corrected after the Belgrade original\./);
  // The three 401s asked for above (before signing in, the wrong password, after signing out)
  // are the only console messages.
  const unexpected = seen.filter((m) => !/status of 401 \(Unauthorized\)/.test(m));
  assert.deepEqual(unexpected, [], "no script or CSP errors on the curation pages");
  assert.equal(seen.length, 3, `the three refusals asked for: ${seen.join(" | ")}`);
  await curator.close();
});

await step("an administrator reads the audit log", async () => {
  assert.ok(adminName && adminPassword, "set CURATOR_ADMIN=name:password");
  const admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const p = await admin.newPage();
  await p.goto(`${base}/curate/sign-in`);
  await p.fill("#name", adminName);
  await p.fill("#password", adminPassword);
  await Promise.all([p.waitForURL(`${base}/curate`), p.click("form[action=\"/curate/sign-in\"] button")]);
  await p.goto(`${base}/curate/tokens`);
  await p.fill("#t-label", "browser test");
  await p.selectOption("#t-role", "contributor");
  await Promise.all([p.waitForLoadState("load"), p.click("form[action=\"/curate/tokens\"] button")]);
  assert.match(await p.locator("p.made code.token").innerText(), /^chancery_[0-9a-f]{64}$/, "the token is shown once");
  await p.goto(`${base}/curate/tokens`);
  assert.equal(await p.locator("p.made").count(), 0, "and not again");
  assert.match(await p.locator("table.listing").innerText(), /browser test/);
  await p.goto(`${base}/curate/audit`);
  const log = await p.locator("table.audit").innerText();
  for (const action of ["sign-in-failed", "sign-in", "draft-save", "publish", "sign-out", "account-add", "token-add"]) {
    assert.match(log, new RegExp(`\\b${action}\\b`), `the log has ${action}`);
  }
  await p.screenshot({ path: path.join(shots, "curate-audit.png"), fullPage: false });
  await accessible(p, "audit log");
  await admin.close();
});

await browser.close();
if (failures > 0) {
  console.log(`${failures} browser step(s) failed`);
  process.exit(1);
}
console.log(`all browser steps passed; screenshots in ${shots}`);
