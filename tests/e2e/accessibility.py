"""An automated accessibility check: axe-core (pinned in package.json, installed by `make test`
with npm ci) is injected into the page Playwright is on, and serious or critical violations of
WCAG 2.1 A/AA or axe's best practices fail the test. Nothing is downloaded while tests run."""

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Page

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
RULE_SETS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
FAILING_IMPACTS = ("serious", "critical")

# Runs in the page: axe's violations, cut down to what a failure message needs.
_RUN = """async (ruleSets) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: ruleSets}, resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    targets: v.nodes.map((n) => n.target.join(" ")),
    summaries: v.nodes.map((n) => n.failureSummary || ""),
  }));
}"""


@dataclass(frozen=True)
class Violation:
    """One axe rule broken on a page, with the elements that break it."""

    id: str
    impact: str
    help: str
    help_url: str
    targets: list[str]
    summaries: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """The rule, its help text and each offending element."""
        lines = [f"  [{self.impact}] {self.id}: {self.help} ({self.help_url})"]
        for target, summary in zip(self.targets, self.summaries, strict=False):
            detail = " ".join(summary.split())
            lines.append(f"      {target}" + (f" — {detail}" if detail else ""))
        return "\n".join(lines)


class Axe:
    """axe-core's source, read once, for checking pages."""

    def __init__(self, source: str) -> None:
        self.source = source

    @classmethod
    def load(cls) -> "Axe":
        """axe-core from node_modules; skip without it (fail when REQUIRE_BROWSER is set)."""
        if not AXE_SCRIPT.is_file():
            message = (
                f"axe-core is not installed ({AXE_SCRIPT} is missing): run `make test`, "
                "or `npm ci --no-audit --no-fund` at the repository root"
            )
            if os.environ.get("REQUIRE_BROWSER"):
                pytest.fail(message)
            pytest.skip(message)
        return cls(AXE_SCRIPT.read_text(encoding="utf-8"))

    def violations(self, page: Page) -> list[Violation]:
        """Every violation axe finds on the page as it is now, once laid out: its stylesheet
        and fonts loaded (on a busy machine a page shows before its stylesheet applies, and
        every link is then a bare 17 px line of text to axe's target-size rule)."""
        page.wait_for_load_state("load")
        page.evaluate("document.fonts.ready.then(() => true)")
        if not page.evaluate("() => typeof window.axe === 'object'"):
            # Evaluated, not added as an inline <script>: the page's CSP rightly forbids those.
            page.evaluate(f"() => {{ {self.source}\n }}")
        found = page.evaluate(_RUN, RULE_SETS)
        return [
            Violation(
                v["id"], v["impact"] or "", v["help"], v["helpUrl"], v["targets"], v["summaries"]
            )
            for v in found
        ]

    def check(self, page: Page, label: str) -> None:
        """Fail on serious or critical violations, naming each rule, element and its help."""
        serious = [v for v in self.violations(page) if v.impact in FAILING_IMPACTS]
        assert not serious, f"Accessibility violations on {label} ({page.url}):\n" + "\n".join(
            v.describe() for v in serious
        )
