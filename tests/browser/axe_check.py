"""axe-core (from npm, see tests/browser/axe/) run in the page, with the WCAG 2.1 A and AA rules.

The site's Content-Security-Policy allows no inline script, so axe is not added as a <script>
element (Playwright's add_script_tag inlines the file, which the policy blocks): its source is
evaluated through the DevTools protocol, which the policy does not govern, and the page under test
keeps the policy it has for its users."""

import time
from functools import cache
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Rules switched off for one selector only, each with the reason it does not apply there:
# {"rule-id": ["css selector as axe reports it"]}. Empty: nothing needed switching off.
EXCEPTIONS: dict[str, list[str]] = {}

# What axe lets through (WCAG 1.3.1 and 4.1.2): a label whose control's id is not unique names
# only the first control with that id; aria-describedby pointing at nothing describes nothing.
REFERENCES = """() => {
  const found = [];
  const count = id => document.querySelectorAll(`[id="${CSS.escape(id)}"]`).length;
  for (const label of document.querySelectorAll('label[for]')) {
    if (label.htmlFor && count(label.htmlFor) > 1)
      found.push({rule: 'label-target-unique', el: label,
        summary: `id "${label.htmlFor}" is used by more than one element`});
  }
  for (const el of document.querySelectorAll('[aria-describedby], [aria-labelledby]')) {
    for (const attr of ['aria-describedby', 'aria-labelledby']) {
      for (const id of (el.getAttribute(attr) || '').split(/\\s+/).filter(Boolean)) {
        if (!count(id))
          found.push({rule: 'idref-exists', el, summary: `${attr}: no element has id "${id}"`});
      }
    }
  }
  const help = {
    'label-target-unique': 'A label must point at an id used once',
    'idref-exists': 'aria-describedby and aria-labelledby must point at elements that exist',
  };
  const rules = {};
  for (const {rule, el, summary} of found) {
    rules[rule] ||= {id: rule, impact: 'serious', help: help[rule], helpUrl: '', nodes: []};
    const target = el.id ? `#${el.id}`
      : el.tagName.toLowerCase() + (el.htmlFor ? `[for="${el.htmlFor}"]` : '');
    rules[rule].nodes.push({target, html: el.outerHTML.slice(0, 300), summary});
  }
  return Object.values(rules);
}"""


@cache
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: 'make test-browser' installs it (npm ci).")
    return AXE.read_text()


def settle(page, timeout: float = 15) -> None:
    """Wait for the htmx fragments a page loads on its own, and those revealed by scrolling
    (htmx looks for newly revealed elements every 200 ms). Polled from here: the policy forbids
    the eval that Playwright's wait_for_function needs."""
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    if page.locator("[hx-trigger*=revealed]").count():
        page.wait_for_timeout(300)
    deadline = time.monotonic() + timeout
    while not page.evaluate(
        "document.readyState === 'complete'"
        " && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    ):
        if time.monotonic() > deadline:
            pytest.fail(f"htmx did not settle on {page.url}")
        page.wait_for_timeout(50)


def violations(page) -> list[dict]:
    """The WCAG 2.1 A/AA violations axe finds in the page as it is now, and broken references."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    found = page.evaluate(
        """async ([tags, exceptions]) => {
          const result = await axe.run(document, {
            runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
          });
          return result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes
              .map(n => ({target: n.target.join(' '), html: n.html, summary: n.failureSummary}))
              .filter(n => !(exceptions[v.id] || []).includes(n.target)),
          })).filter(v => v.nodes.length);
        }""",
        [TAGS, EXCEPTIONS],
    )
    return found + page.evaluate(REFERENCES)


def tally(found: dict[str, list[dict]]) -> dict[str, tuple[int, int]]:
    """Per rule: on how many pages, and on how many elements."""
    counts: dict[str, tuple[int, int]] = {}
    for items in found.values():
        for item in items:
            pages, nodes = counts.get(item["id"], (0, 0))
            counts[item["id"]] = (pages + 1, nodes + len(item["nodes"]))
    return dict(sorted(counts.items()))


def describe(found: dict[str, list[dict]]) -> str:
    """A count per rule, then per page: rule, impact, help, and each element's selector, markup
    and what to fix."""
    lines = [
        f"  {rule}: {pages} page(s), {nodes} element(s)"
        for rule, (pages, nodes) in tally(found).items()
    ]
    for where, items in found.items():
        lines.append(f"\n{where}")
        for item in items:
            lines.append(f"  [{item['impact']}] {item['id']}: {item['help']} {item['helpUrl']}")
            for node in item["nodes"][:8]:
                lines.append(f"    {node['target']}\n      {node['html'][:200]}")
                lines.append("      " + (node["summary"] or "").replace("\n", "\n      ")[:500])
            if len(item["nodes"]) > 8:
                lines.append(f"    … and {len(item['nodes']) - 8} more")
    return "\n".join(lines)
