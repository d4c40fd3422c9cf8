"""Take the README's screenshots of the workspace and the portal from a running demo desk.

Start the demo (`make run`), then, in another terminal:

    .venv/bin/python scripts/screenshots.py --url http://127.0.0.1:8000

It signs in with the demo accounts `tierdesk demo` prints, drives Debian's Chromium
(/usr/bin/chromium; `make browser` installs it) and writes small PNGs to docs/screenshots/.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, sync_playwright

from tierdesk.demo.sign_ins import DEMO_PASSWORD, DEMO_SIGN_INS

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 760}


def _account(prefix: str) -> str:
    return next(email for who, email, _ in DEMO_SIGN_INS if who.startswith(prefix))


def _sign_in(page: Page, email: str, portal: bool = False) -> None:
    page.goto("/portal/signin" if portal else "/signin")
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def _walkthrough_ticket(page: Page) -> str:
    """The ticket the README walks through (every demo build has it at L1)."""
    page.goto("/queue?tier=1&q=KP-200")
    number = page.locator("#queue-rows tbody a").first.inner_text()
    page.goto("/queue?tier=1")
    return number


def _shot(page: Page, name: str) -> None:
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path))
    print(f"wrote {path.relative_to(OUT.parent.parent)} ({path.stat().st_size // 1024} KiB)")


def _context(browser_contexts: list[BrowserContext], new: BrowserContext) -> Page:
    browser_contexts.append(new)
    new.set_default_timeout(30_000)
    return new.new_page()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument(
        "--ticket", help="the ticket to show (default: the README walk-through's KP-200 ticket)"
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    contexts: list[BrowserContext] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, headless=True)
        new = browser.new_context
        page = _context(contexts, new(base_url=args.url, viewport=DESKTOP))
        page.goto("/signin")
        _shot(page, "signin")
        _sign_in(page, _account("L1 agent"))
        page.goto("/queue?tier=1")
        _shot(page, "queue")
        ticket = args.ticket or _walkthrough_ticket(page)
        page.goto(f"/tickets/{ticket}")
        page.locator(".passage-hit, #assist p.muted").last.wait_for()
        page.wait_for_load_state("networkidle")
        _shot(page, "ticket")
        page.get_by_role("button", name="Escalate…").click()
        page.get_by_label("Symptoms").wait_for()
        page.locator("#escalate-slot").scroll_into_view_if_needed()
        _shot(page, "escalate")
        page.goto("/kb?q=one-way+audio+NAT")
        _shot(page, "knowledge-base")

        lead = _context(contexts, new(base_url=args.url, viewport=DESKTOP))
        _sign_in(lead, _account("Lead"))
        lead.goto("/dashboard?days=365")
        _shot(lead, "dashboard")
        lead.goto("/admin")
        _shot(lead, "admin")

        customer = _context(contexts, new(base_url=args.url, viewport=DESKTOP))
        _sign_in(customer, _account("Portal customer"), portal=True)
        _shot(customer, "portal-tickets")
        customer.goto("/portal/tickets/new")
        customer.get_by_label("Subject").press_sequentially("How do I factory reset a KP-200")
        customer.get_by_label("What happened?").press_sequentially("We lost the admin password.")
        customer.locator(".suggestion").first.wait_for()
        _shot(customer, "portal-suggestions")

        phone = _context(contexts, new(base_url=args.url, viewport=PHONE, is_mobile=True))
        _sign_in(phone, _account("L1 agent"))
        phone.goto(f"/tickets/{ticket}")
        _shot(phone, "phone-ticket")
        for context in contexts:
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
