"""Drives the facilitator and participant pages in Debian's headless Chromium through Playwright (issue 16).

Usage: browser_pages.py CONFIG_JSON

CONFIG_JSON names: base (the server's origin), kring (the binary), env (its environment: database, key, clock),
facilitator_link, facilitator (their name), participant_link, group, started_session (has begun: attendance can be marked), next_session
(the participant excuses themself from it), participant (the pseudonym who signs in). axe-core is the copy
axe-playwright-python ships (requirements.txt). After every step the database is read back through the kring CLI. Exits non-zero with a message on the
first failure. Never downloads a browser: it launches /usr/bin/chromium.
"""

import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

import axe_playwright_python

from playwright.sync_api import sync_playwright

config = json.loads(sys.argv[1])
BASE = config["base"]
WIDTH, HEIGHT = 360, 740
BUSY_ICS = "\r\n".join([
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//browser//EN",
    "BEGIN:VEVENT", "UID:a@test", "DTSTAMP:20270101T000000Z", "DTSTART:20270202T180000Z", "DTEND:20270202T200000Z",
    "SUMMARY:Tandarts", "END:VEVENT",
    "BEGIN:VEVENT", "UID:b@test", "DTSTAMP:20270101T000000Z", "DTSTART:20270209T180000Z", "DTEND:20270209T200000Z",
    "SUMMARY:Vakantie", "END:VEVENT",
    "END:VCALENDAR", "",
])
with open(os.path.join(os.path.dirname(axe_playwright_python.__file__), "axe.min.js"), encoding="utf-8") as axe_file:
    AXE = axe_file.read()


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def kring(*arguments):
    done = subprocess.run(
        [config["kring"], *arguments, "--format", "json"], env=config["env"], capture_output=True, text=True
    )
    if done.returncode != 0:
        fail("kring %s: %s" % (" ".join(arguments), done.stderr))
    return json.loads(done.stdout)


def marks(session):
    roster = kring("roster", "--group", config["group"], "--session", str(session))
    return {member["pseudonym"]: member.get("attendance") for member in roster["enrolled"]}


class Watch:
    """Everything the page asks for and complains about, across navigations."""

    def __init__(self, page):
        self.requests, self.problems = [], []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on(
            "console",
            lambda message: self.problems.append("console %s: %s" % (message.type, message.text))
            if message.type in ("error", "warning")
            else None,
        )
        page.on("pageerror", lambda error: self.problems.append("page error: %s" % error))

    def check(self):
        foreign = [url for url in self.requests if not (url == BASE or url.startswith(BASE + "/"))]
        if foreign:
            fail("requests left the origin: %s" % foreign)
        if self.problems:
            fail("browser complained (CSP or other): %s" % self.problems)


checked = []


def check_page(page, name):
    """What every page must be: neutral title, no token in the address, nothing wider than the phone, accessible."""
    if page.title() != "Kring":
        fail("%s: title %r" % (name, page.title()))
    if "/s/" in page.url:
        fail("%s: the address still holds the sign-in token: %s" % (name, page.url))
    width = page.evaluate("document.scrollingElement.scrollWidth")
    if width > WIDTH:
        fail("%s: %d px wide at a %d px viewport" % (name, width, WIDTH))
    if page.evaluate("document.documentElement.lang") not in ("nl", "fr", "en"):
        fail("%s: no lang attribute" % name)
    # axe-core is evaluated through the DevTools protocol, which the page's CSP (no script at all) does not govern;
    # a <script> tag would rightly be refused.
    page.evaluate(AXE + "\n;true")
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [(v["id"], v["help"]) for v in result["violations"] if v.get("impact") in ("serious", "critical")]
    if serious:
        fail("%s: axe-core serious/critical violations: %s" % (name, serious))
    checked.append(name)


with sync_playwright() as playwright:
    browser = playwright.chromium.launch(
        executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox", "--disable-gpu"]
    )

    # The facilitator: sign in from the link, see the next sessions, mark everyone present, then one tap per person.
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    page = context.new_page()
    watch = Watch(page)
    page.goto(config["facilitator_link"])
    if page.url != BASE + "/me":
        fail("the link did not land on /me: %s" % page.url)
    check_page(page, "facilitator home")
    page.click('a[href="/me/sessions/%s"]' % config["started_session"])
    check_page(page, "roster")
    page.click("form[action$='/everyone-present'] button")
    check_page(page, "roster after everyone present")
    after = marks(config["started_session"])
    if not after or any(mark != "present" for mark in after.values()):
        fail("everyone present did not reach the database: %s" % after)
    page.click("form:has(input[name=participant]) >> nth=0 >> button[value=absent]")
    check_page(page, "changing a mark asks first")
    if sorted(set(marks(config["started_session"]).values())) != ["present"]:
        fail("asking changed a mark: %s" % marks(config["started_session"]))
    page.click("form:has(input[name=confirm]) button")
    check_page(page, "roster after one mark")
    after = marks(config["started_session"])
    if sorted(after.values()) != ["absent"] + ["present"] * (len(after) - 1):
        fail("one tap did not mark one person absent: %s" % after)
    # Her holiday: a blockout, read back through the CLI.
    page.goto(BASE + "/me")
    page.click('a[href="/me/blockouts"]')
    check_page(page, "blockouts")
    page.fill("#from", "2027-07-01")
    page.fill("#to", "2027-07-14")
    page.click("form[action='/me/blockouts'] button")
    check_page(page, "blockout added")
    profile = kring("facilitator", "availability", config["facilitator"])
    if profile.get("blockouts") != [{"from": "2027-07-01", "to": "2027-07-14"}]:
        fail("the blockout did not reach the database: %s" % profile.get("blockouts"))
    # Her weekly window.
    page.goto(BASE + "/me")
    page.click('a[href="/me/availability"]')
    check_page(page, "availability")
    page.fill("#window1", "tu 18:00-22:00")
    page.click("form[action='/me/availability'] button")
    check_page(page, "availability saved")
    if kring("facilitator", "availability", config["facilitator"]).get("weekly") != ["tu 18:00-22:00"]:
        fail("the weekly window did not reach the database: %s" % page.inner_text("main"))
    # Her own calendar's busy times, uploaded as a file: only the intervals are stored.
    page.goto(BASE + "/me")
    page.click('a[href="/me/busy"]')
    check_page(page, "busy upload")
    with tempfile.NamedTemporaryFile("w", suffix=".ics", delete=False) as ics:
        ics.write(BUSY_ICS)
    page.set_input_files("#ics", ics.name)
    page.click("form[action='/me/busy'] button")
    check_page(page, "busy uploaded")
    os.unlink(ics.name)
    if kring("facilitator", "availability", config["facilitator"]).get("busyTimes") != 2:
        fail("the busy times did not reach the database: %s" % page.inner_text("main"))
    # Decline the next session: the consequence is shown first, then the assignment is gone.
    page.goto(BASE + "/me/sessions/%s" % config["next_session"])
    page.click('a[href$="/decline"]')
    check_page(page, "decline confirmation")
    page.click("form[action$='/decline'] button")
    check_page(page, "declined")
    if page.query_selector("p.note[role=status]") is None:
        fail("the decline was refused: %s" % page.inner_text("main"))
    mine = kring("assignment", "list", "--facilitator", config["facilitator"])
    if any(a["sessionId"] == config["next_session"] for a in mine):
        fail("the decline did not reach the database: %s" % mine)
    page.goto(BASE + "/me")
    page.click("form[action='/signout'] button")
    check_page(page, "signed out")
    watch.check()
    # The session has ended: /me answers 401 (which the browser logs, as it should) with the neutral page.
    page.goto(BASE + "/me")
    if "Je bent afgemeld" not in page.content() or page.query_selector("form") is not None:
        fail("after signing out /me still shows a page")
    context.close()

    # The participant: sign in, say "I can't come" to the next session, then leave the group.
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    page = context.new_page()
    watch = Watch(page)
    page.goto(config["participant_link"])
    check_page(page, "participant home")
    page.click('a[href="/me/sessions/%s"]' % config["next_session"])
    check_page(page, "participant session")
    page.click("form[action$='/excuse'] button")
    check_page(page, "participant session after excuse")
    if marks(config["next_session"]).get(config["participant"]) != "excused":
        fail("the excuse did not reach the roster: %s" % marks(config["next_session"]))
    # Add the group to her phone's calendar: a subscribe link that opens only her feed.
    page.click('main a[href="/me"]')
    page.click('a[href="/me/subscribe"]')
    check_page(page, "subscribe")
    page.click("form[action='/me/subscribe'] button")
    check_page(page, "subscribe link")
    feed_url = page.input_value("#feed")
    if not feed_url.startswith(BASE + "/feeds/") or page.query_selector('a[href^="webcal://"]') is None:
        fail("no subscribe link: %s" % feed_url)
    feed_before = urllib.request.urlopen(feed_url).read().decode()
    if "BEGIN:VEVENT" not in feed_before:
        fail("the subscribed feed holds no session")
    page.click('main a[href="/me"]')
    page.click('a[href$="/withdraw"]')
    check_page(page, "withdraw confirmation")
    page.click("form[action$='/withdraw'] button")
    check_page(page, "withdrawn")
    people = kring("participant", "list")
    states = [e["state"] for p in people if p["pseudonym"] == config["participant"] for e in p["enrolments"]]
    if states != ["withdrawn"]:
        fail("the withdrawal did not reach the database: %s" % states)
    try:
        feed_after = urllib.request.urlopen(feed_url).read().decode()
    except urllib.error.HTTPError as error:
        feed_after = "HTTP %d" % error.code
    if feed_after == feed_before:
        fail("the feed did not change after the withdrawal")
    watch.check()
    context.close()
    browser.close()

print("ok: %d pages checked by axe-core, nothing wider than %d px" % (len(checked), WIDTH))
