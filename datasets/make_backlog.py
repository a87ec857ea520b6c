"""Build the Rotawise sample data for the Prioritization module (03).

The backlog items below are written by hand: they are the data, kept readable on
purpose. The five team members' independent estimates are generated from each
item's agreed values with seeded noise plus a few systematic, explainable biases
(see ``estimate()``), and a handful of hand-set disagreements (``SHARP_DISAGREEMENTS``).

Usage (from the repository root):

    python datasets/make_backlog.py            # (re)write datasets/backlog.csv and estimates.csv
    python datasets/make_backlog.py --check    # exit 1 if the committed CSVs differ from the script

Only the standard library, NumPy and pmkit.generated (the shared write-or-check step) are used.
Output is deterministic: UTF-8 without a BOM, comma separated, "\\n" line endings, numbers written the same way every time.
The data is fictional and licensed CC BY 4.0 (see datasets/README.md).
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import sys
from pathlib import Path

import numpy as np

SEED = 2026
HERE = Path(__file__).resolve().parent

BACKLOG_COLUMNS = [
    "id", "title", "description", "area", "theme", "kind", "requester",
    "reach", "reach_unit", "impact", "confidence", "effort",
    "ice_impact", "ice_confidence", "ice_ease",
    "business_value", "time_criticality", "risk_reduction", "job_size",
    "crit_customer", "crit_revenue", "crit_strategy", "crit_risk",
    "depends_on",
]
ESTIMATE_COLUMNS = ["item_id", "estimator", "role", "reach", "impact", "confidence", "effort"]

AREAS = {
    "Schedule builder", "Shift swaps", "Time off", "Time clock", "Payroll export",
    "Notifications", "Mobile app", "Reporting", "Integrations", "Admin & security", "Platform",
}
THEMES = {"Activation", "Retention", "Expansion", "Enterprise readiness", "Platform health"}
KINDS = {"feature", "table-stakes", "tech-debt", "strategic-bet", "experiment"}
IMPACT_SCALE = (0.25, 0.5, 1, 2, 3)          # Intercom: minimal, low, medium, high, massive
CONFIDENCE_SCALE = (0.5, 0.8, 1.0)           # Intercom: low, medium, high
FIBONACCI = (1, 2, 3, 5, 8, 13, 20)           # WSJF's relative scale

SCHEDULERS = "schedulers/quarter"
STAFF = "staff/quarter"
ACCOUNTS = "accounts/quarter"
# Nobody can reach more people than Rotawise has (datasets/README.md, "The case study").
POPULATION = {SCHEDULERS: 41_000, STAFF: 390_000, ACCOUNTS: 3_100}

# ---------------------------------------------------------------------------
# The backlog: 32 items, as agreed by the team for Q3 2026.
#
# reach/impact/confidence/effort: the agreed RICE estimates (Priya's proposal after
#   the calibration meeting; see datasets/README.md).
# ice:      (impact, confidence, ease), each 1..10, from the team's ICE session.
# wsjf:     (business value, time criticality, risk reduction / enablement, job size).
# criteria: (customer value, revenue impact, fit with the quarter's strategy, risk reduction), 1..5.
# engine:   True if the work touches the scheduling engine (drives Tomás's effort
#           bias when estimates are generated; not written to the CSV).
# ---------------------------------------------------------------------------
ITEMS = [
    dict(
        id="B01", title="Schedule templates across locations",
        description="Lets an area manager build one weekly schedule template and apply it to every "
                    "location in a group, so new multi-site accounts stop rebuilding the same rota site by site.",
        area="Schedule builder", theme="Activation", kind="feature", requester="Customers (interviews)",
        reach=6000, reach_unit=SCHEDULERS, impact=2, confidence=1.0, effort=2,
        ice=(8, 8, 6), wsjf=(20, 13, 5, 5), criteria=(5, 4, 5, 2), depends_on="B02", engine=False,
    ),
    dict(
        id="B02", title="Location groups data model",
        description="Adds regions and brands as a level above locations, so settings, templates and bulk "
                    "actions can target a group of sites instead of one site at a time.",
        area="Platform", theme="Platform health", kind="tech-debt", requester="Engineering (Tomás Berg)",
        reach=1800, reach_unit=SCHEDULERS, impact=0.5, confidence=0.8, effort=2,
        ice=(4, 8, 5), wsjf=(3, 8, 13, 3), criteria=(2, 2, 4, 3), depends_on="", engine=True,
    ),
    dict(
        id="B03", title="Publish all locations in one step",
        description="Lets a scheduler review and publish next week's schedules for every location in a group "
                    "at once, with a list of unfilled shifts per site to fix first.",
        area="Schedule builder", theme="Activation", kind="feature", requester="Customer Success (Aisha Rahman)",
        reach=5200, reach_unit=SCHEDULERS, impact=1, confidence=0.8, effort=1,
        ice=(6, 7, 8), wsjf=(8, 8, 3, 2), criteria=(4, 3, 5, 1), depends_on="B02", engine=True,
    ),
    dict(
        id="B04", title="Instant shift-swap approval",
        description="Approves a swap automatically when both staff members hold the right role and the swap "
                    "breaks no hours or overtime rule, so staff stop waiting days for a manager to tap approve.",
        area="Shift swaps", theme="Retention", kind="feature", requester="Customers (interviews)",
        reach=30000, reach_unit=STAFF, impact=0.5, confidence=0.8, effort=3,
        ice=(7, 6, 5), wsjf=(8, 5, 3, 3), criteria=(4, 3, 3, 2), depends_on="B06", engine=True,
    ),
    dict(
        id="B05", title="Shift-change alerts to staff",
        description="Sends staff a push notification and an in-app banner whenever one of their published "
                    "shifts moves, is cut or is reassigned, so nobody turns up at the wrong time.",
        area="Notifications", theme="Retention", kind="feature", requester="Support (Ben Carter)",
        reach=22000, reach_unit=STAFF, impact=0.5, confidence=0.8, effort=2,
        ice=(7, 7, 6), wsjf=(8, 8, 5, 3), criteria=(4, 2, 3, 3), depends_on="B06", engine=False,
    ),
    dict(
        id="B06", title="Reliable Android push notifications",
        description="Moves Android push delivery to high-priority messages with delivery receipts and retries, "
                    "so staff whose phones run aggressive battery savers stop missing notifications.",
        area="Notifications", theme="Platform health", kind="tech-debt", requester="Engineering (Hannah Kowalski)",
        reach=40000, reach_unit=STAFF, impact=0.25, confidence=0.5, effort=4,
        ice=(5, 5, 4), wsjf=(5, 8, 13, 5), criteria=(3, 1, 3, 4), depends_on="", engine=False,
    ),
    dict(
        id="B07", title="Overtime rules in payroll export",
        description="Applies each account's overtime and night-premium rules when hours are exported, so "
                    "payroll admins no longer correct overtime by hand in a spreadsheet before every pay run.",
        area="Payroll export", theme="Retention", kind="feature", requester="Customer Success (Aisha Rahman)",
        reach=9600, reach_unit=SCHEDULERS, impact=1, confidence=0.8, effort=2,
        ice=(7, 7, 5), wsjf=(13, 5, 5, 3), criteria=(5, 3, 3, 3), depends_on="", engine=False,
    ),
    dict(
        id="B08", title="SAP SuccessFactors payroll connector for FreshBite Group",
        description="Builds a two-way sync of employees and approved hours with SAP SuccessFactors, which "
                    "FreshBite Group has made a condition of signing its £140k-a-year contract.",
        area="Integrations", theme="Expansion", kind="feature", requester="Sales (Greg Hollis)",
        reach=1, reach_unit=ACCOUNTS, impact=3, confidence=0.8, effort=5,
        ice=(8, 6, 3), wsjf=(13, 13, 2, 8), criteria=(2, 5, 2, 1), depends_on="", engine=False,
    ),
    dict(
        id="B09", title="Single sign-on with SAML",
        description="Lets enterprise customers sign their managers in through Okta, Microsoft Entra ID or "
                    "Google Workspace, a box every enterprise security questionnaire asks Rotawise to tick.",
        area="Admin & security", theme="Enterprise readiness", kind="table-stakes", requester="Sales (Greg Hollis)",
        reach=12, reach_unit=ACCOUNTS, impact=2, confidence=0.8, effort=3,
        ice=(6, 8, 5), wsjf=(13, 8, 8, 5), criteria=(2, 5, 2, 4), depends_on="", engine=False,
    ),
    dict(
        id="B10", title="Audit log of schedule and permission changes",
        description="Records who changed which shift, pay rate or permission and when, and lets enterprise "
                    "admins search and export that record for their own compliance checks.",
        area="Admin & security", theme="Enterprise readiness", kind="table-stakes",
        requester="Customer Success (Aisha Rahman)",
        reach=300, reach_unit=SCHEDULERS, impact=0.5, confidence=0.8, effort=2,
        ice=(5, 8, 6), wsjf=(8, 5, 8, 3), criteria=(3, 4, 2, 4), depends_on="", engine=False,
    ),
    dict(
        id="B11", title="GDPR data export and retention fix",
        description="Deletes former staff members' personal data when each account's retention period ends and "
                    "produces subject-access exports in one click, closing a gap Legal found before the "
                    "September data-protection audit.",
        area="Admin & security", theme="Platform health", kind="table-stakes", requester="Legal (Rafael Costa)",
        reach=35, reach_unit=ACCOUNTS, impact=0.5, confidence=1.0, effort=2,
        ice=(4, 9, 6), wsjf=(5, 20, 13, 3), criteria=(2, 1, 2, 5), depends_on="", engine=False,
    ),
    dict(
        id="B12", title="Auto-scheduling from demand forecasts",
        description="Drafts next week's schedule for each location from forecast covers or footfall, staff "
                    "availability and the labour budget, so managers edit a draft instead of a blank grid.",
        area="Schedule builder", theme="Expansion", kind="strategic-bet", requester="Product (Daniel Reyes)",
        reach=8000, reach_unit=SCHEDULERS, impact=3, confidence=0.5, effort=13,
        ice=(9, 3, 2), wsjf=(20, 3, 8, 20), criteria=(4, 5, 3, 1), depends_on="B13", engine=True,
    ),
    dict(
        id="B13", title="Rewrite scheduling engine on a constraint solver",
        description="Replaces the hand-written rule checks behind the schedule builder with a constraint solver, "
                    "so new labour rules take days instead of weeks and every scheduler gets clashes flagged "
                    "before publishing.",
        area="Platform", theme="Platform health", kind="tech-debt", requester="Engineering (Tomás Berg)",
        reach=29000, reach_unit=SCHEDULERS, impact=0.25, confidence=0.5, effort=9,
        ice=(6, 4, 2), wsjf=(3, 2, 13, 20), criteria=(2, 1, 2, 4), depends_on="", engine=True,
    ),
    dict(
        id="B14", title="AI shift-swap chatbot",
        description="Lets staff ask a chat assistant in the mobile app to find cover for a shift, and the "
                    "assistant messages eligible colleagues and proposes the swap.",
        area="Shift swaps", theme="Retention", kind="experiment", requester="CEO (Maya Okafor)",
        reach=18000, reach_unit=STAFF, impact=0.5, confidence=0.5, effort=5,
        ice=(9, 8, 7), wsjf=(8, 3, 2, 8), criteria=(3, 3, 2, 1), depends_on="", engine=False,
    ),
    dict(
        id="B15", title="SCIM user provisioning",
        description="Creates, updates and removes manager logins automatically from the customer's identity "
                    "provider, so enterprise IT teams no longer offboard leavers by hand.",
        area="Admin & security", theme="Enterprise readiness", kind="table-stakes", requester="Sales (Greg Hollis)",
        reach=6, reach_unit=ACCOUNTS, impact=1, confidence=0.5, effort=2,
        ice=(4, 6, 5), wsjf=(5, 3, 5, 3), criteria=(2, 3, 1, 3), depends_on="B09", engine=False,
    ),
    dict(
        id="B16", title="Starter templates by industry",
        description="Offers ready-made weekly templates for restaurants, shops and care homes during sign-up, "
                    "so a new multi-site account can publish a first schedule for all its sites on day one.",
        area="Schedule builder", theme="Activation", kind="experiment", requester="Marketing (Olu Adeyemi)",
        reach=1800, reach_unit=SCHEDULERS, impact=1, confidence=0.5, effort=1,
        ice=(7, 5, 8), wsjf=(5, 5, 2, 2), criteria=(3, 2, 5, 1), depends_on="B01", engine=True,
    ),
    dict(
        id="B17", title="Setup checklist for new multi-site accounts",
        description="Shows the admin of a new multi-site account which locations still have no roles, staff or "
                    "published schedule, with a one-click link to fix each gap.",
        area="Schedule builder", theme="Activation", kind="experiment", requester="Customer Success (Aisha Rahman)",
        reach=650, reach_unit=SCHEDULERS, impact=2, confidence=0.8, effort=1,
        ice=(6, 6, 8), wsjf=(8, 8, 2, 2), criteria=(4, 3, 5, 1), depends_on="", engine=False,
    ),
    dict(
        id="B18", title="Import staff and locations from a spreadsheet",
        description="Lets a new account upload staff, roles and locations from a CSV or Excel file instead of "
                    "typing them in, with a clear message for every row that does not fit.",
        area="Admin & security", theme="Activation", kind="feature", requester="Support (Ben Carter)",
        reach=2400, reach_unit=SCHEDULERS, impact=1, confidence=0.8, effort=1,
        ice=(5, 8, 7), wsjf=(5, 5, 3, 2), criteria=(3, 2, 4, 2), depends_on="", engine=False,
    ),
    dict(
        id="B19", title="Holiday accrual for part-time staff",
        description="Accrues holiday allowance per hour worked, as the rules for part-time and irregular-hours "
                    "workers require, and shows each staff member their remaining balance in the app.",
        area="Time off", theme="Retention", kind="feature", requester="Customers (interviews)",
        reach=35000, reach_unit=STAFF, impact=0.25, confidence=0.8, effort=3,
        ice=(5, 7, 4), wsjf=(5, 3, 3, 5), criteria=(3, 2, 2, 2), depends_on="", engine=False,
    ),
    dict(
        id="B20", title="Geofenced clock-in",
        description="Allows clock-in from a phone only within a set distance of the site, which stops the "
                    "buddy punching that multi-site owners complain about.",
        area="Time clock", theme="Expansion", kind="feature", requester="Sales (Greg Hollis)",
        reach=25000, reach_unit=STAFF, impact=0.25, confidence=0.8, effort=3,
        ice=(6, 7, 5), wsjf=(5, 2, 3, 3), criteria=(2, 4, 2, 2), depends_on="", engine=False,
    ),
    dict(
        id="B21", title="Open shifts board",
        description="Posts unfilled shifts to a board where qualified staff can claim them, so managers fill "
                    "gaps without phoning round the team.",
        area="Shift swaps", theme="Retention", kind="feature", requester="Customers (interviews)",
        reach=26000, reach_unit=STAFF, impact=0.5, confidence=0.5, effort=4,
        ice=(7, 5, 4), wsjf=(8, 3, 2, 5), criteria=(4, 3, 3, 1), depends_on="B04", engine=True,
    ),
    dict(
        id="B22", title="Labour cost versus sales report",
        description="Shows each location's scheduled labour cost against sales imported from the till system, "
                    "so owners of multi-site groups can spot overstaffed sites every week.",
        area="Reporting", theme="Expansion", kind="feature", requester="Customers (interviews)",
        reach=3500, reach_unit=SCHEDULERS, impact=1, confidence=0.5, effort=3,
        ice=(6, 5, 4), wsjf=(8, 3, 3, 5), criteria=(4, 4, 3, 1), depends_on="", engine=False,
    ),
    dict(
        id="B23", title="Direct sync of approved hours to Xero Payroll",
        description="Replaces the CSV download with a direct sync of approved hours to Xero Payroll for the "
                    "independent and multi-site accounts that already pay their staff through Xero.",
        area="Integrations", theme="Retention", kind="feature", requester="Product (Sam Whitfield)",
        reach=3000, reach_unit=SCHEDULERS, impact=1, confidence=0.8, effort=3,
        ice=(6, 6, 5), wsjf=(8, 3, 3, 5), criteria=(4, 3, 3, 2), depends_on="", engine=False,
    ),
    dict(
        id="B24", title="Fix daylight-saving errors in shift hours",
        description="Corrects overnight shifts that span the clock change being recorded an hour short or long, "
                    "which pays staff wrongly and floods Support with tickets twice a year.",
        area="Time clock", theme="Platform health", kind="tech-debt", requester="Support (Ben Carter)",
        reach=3000, reach_unit=SCHEDULERS, impact=0.5, confidence=1.0, effort=0.5,
        ice=(4, 9, 9), wsjf=(3, 8, 5, 1), criteria=(3, 1, 1, 4), depends_on="", engine=False,
    ),
    dict(
        id="B25", title="Redesigned availability screen in the staff app",
        description="Lets staff set recurring availability and one-off exceptions in two taps, and shows it to "
                    "schedulers while they build the rota.",
        area="Mobile app", theme="Retention", kind="feature", requester="Design (Lena Fischer)",
        reach=24000, reach_unit=STAFF, impact=0.5, confidence=0.8, effort=3,
        ice=(6, 6, 5), wsjf=(5, 3, 2, 3), criteria=(3, 1, 3, 1), depends_on="", engine=False,
    ),
    dict(
        id="B26", title="Dark mode in the staff app",
        description="Adds a dark theme to the staff app, one of the most frequent requests in app-store "
                    "reviews from night-shift workers.",
        area="Mobile app", theme="Retention", kind="feature", requester="Customers (app reviews)",
        reach=12000, reach_unit=STAFF, impact=0.25, confidence=0.5, effort=2,
        ice=(3, 7, 7), wsjf=(2, 1, 1, 2), criteria=(2, 1, 1, 1), depends_on="", engine=False,
    ),
    dict(
        id="B27", title="Upgrade the staff app to a supported React Native release",
        description="Moves the staff app off a framework version that stops getting security fixes next year, "
                    "which also removes the two crashes behind most one-star reviews.",
        area="Mobile app", theme="Platform health", kind="tech-debt", requester="Engineering (Hannah Kowalski)",
        reach=40000, reach_unit=STAFF, impact=0.25, confidence=0.5, effort=5,
        ice=(3, 7, 3), wsjf=(2, 5, 13, 5), criteria=(1, 1, 2, 5), depends_on="", engine=False,
    ),
    dict(
        id="B28", title="Faster schedule builder for large locations",
        description="Cuts load and save times in the schedule builder for locations with more than 150 staff, "
                    "where managers now wait up to 20 seconds after every change.",
        area="Schedule builder", theme="Platform health", kind="tech-debt", requester="Support (Ben Carter)",
        reach=4000, reach_unit=SCHEDULERS, impact=1, confidence=0.8, effort=2,
        ice=(6, 7, 5), wsjf=(5, 5, 5, 3), criteria=(3, 2, 2, 3), depends_on="", engine=True,
    ),
    dict(
        id="B29", title="Approve requests in the manager mobile app",
        description="Lets managers approve swaps and time-off requests from their phone with one tap, instead "
                    "of waiting until they are back at a desk.",
        area="Mobile app", theme="Retention", kind="feature", requester="Customers (interviews)",
        reach=12000, reach_unit=SCHEDULERS, impact=1, confidence=0.8, effort=4,
        ice=(7, 6, 4), wsjf=(8, 5, 2, 5), criteria=(4, 2, 3, 1), depends_on="", engine=False,
    ),
    dict(
        id="B30", title="Monday schedule digest for owners",
        description="Emails each multi-site owner a Monday summary of published, unpublished and understaffed "
                    "schedules across their locations.",
        area="Notifications", theme="Activation", kind="experiment", requester="Customer Success (Aisha Rahman)",
        reach=2500, reach_unit=SCHEDULERS, impact=0.5, confidence=0.5, effort=0.5,
        ice=(5, 5, 9), wsjf=(3, 3, 1, 1), criteria=(3, 2, 4, 1), depends_on="", engine=False,
    ),
    dict(
        id="B31", title="Churn-risk alerts for Customer Success",
        description="Flags accounts whose scheduling activity has dropped for two weeks in a row, so Customer "
                    "Success can call them before they cancel.",
        area="Reporting", theme="Retention", kind="experiment", requester="Data (Wei Zhang)",
        reach=300, reach_unit=ACCOUNTS, impact=1, confidence=0.5, effort=1,
        ice=(6, 5, 7), wsjf=(5, 5, 3, 2), criteria=(2, 3, 4, 2), depends_on="", engine=False,
    ),
    dict(
        id="B32", title="Rest-break and working-time warnings",
        description="Warns schedulers when a draft rota breaks rest-break or minimum-rest rules under UK, Irish "
                    "or Dutch working-time law, before staff or inspectors notice.",
        area="Schedule builder", theme="Retention", kind="feature", requester="Customer Success (Aisha Rahman)",
        reach=8000, reach_unit=SCHEDULERS, impact=0.5, confidence=0.8, effort=2,
        ice=(5, 6, 5), wsjf=(5, 3, 8, 3), criteria=(3, 1, 2, 4), depends_on="", engine=True,
    ),
]

# ---------------------------------------------------------------------------
# The five estimators. Each scored every item alone, before the calibration meeting.
# ---------------------------------------------------------------------------
ESTIMATORS = [
    ("Priya Nair", "Product Manager"),
    ("Tomás Berg", "Engineering Lead"),
    ("Lena Fischer", "Product Designer"),
    ("Greg Hollis", "Head of Sales"),
    ("Wei Zhang", "Data Analyst"),
]

# Log-scale spread of each person's reach and effort guesses around the agreed value.
# Wei works from the product analytics, so his reach is the tightest.
REACH_SIGMA = {"Priya Nair": 0.15, "Tomás Berg": 0.20, "Lena Fischer": 0.15, "Greg Hollis": 0.25, "Wei Zhang": 0.07}
EFFORT_SIGMA = {"Priya Nair": 0.15, "Tomás Berg": 0.15, "Lena Fischer": 0.15, "Greg Hollis": 0.25, "Wei Zhang": 0.20}
# Chance that a person's impact or confidence lands one step away from the agreed value.
STEP_CHANCE = {"Priya Nair": 0.08, "Tomás Berg": 0.10, "Lena Fischer": 0.10, "Greg Hollis": 0.10, "Wei Zhang": 0.05}
# Guesses scatter less when the evidence is strong: the spreads above are scaled by the
# item's agreed confidence (high 1.0 = metrics and research exist; low 0.5 = a hunch).
EVIDENCE_SPREAD = {1.0: 0.5, 0.8: 1.0, 0.5: 1.4}

# Cells set by hand: the sharp disagreements the module discusses. Averaging these hides
# a real argument; the README explains each one.
SHARP_DISAGREEMENTS = {
    # Instant approval: Lena sees a toggle and a rule; Tomás sees the hours and overtime checks
    # running through the old scheduling engine. Agreed at 3 after scoping it to same-role swaps.
    ("B04", "Lena Fischer"): {"effort": 2},
    ("B04", "Tomás Berg"): {"effort": 8},
    # FreshBite connector: Greg heard "SuccessFactors has an API"; Tomás has built SAP connectors before.
    # Greg also counts three other SAP prospects in his pipeline.
    ("B08", "Greg Hollis"): {"effort": 2, "reach": 4, "confidence": 1.0},
    ("B08", "Tomás Berg"): {"effort": 8},
    # Auto-scheduling: Greg counts every multi-site and enterprise scheduler; Wei counts only
    # schedulers at accounts that already send sales data (the forecasts need it).
    ("B12", "Greg Hollis"): {"reach": 16000, "effort": 6},
    ("B12", "Wei Zhang"): {"reach": 2500},
    ("B12", "Tomás Berg"): {"effort": 20},
    # The rewrite: its champion is the optimist on effort and impact.
    ("B13", "Tomás Berg"): {"effort": 5, "impact": 2, "confidence": 0.8},
    ("B13", "Lena Fischer"): {"effort": 12},
    # The CEO's chatbot: Priya scoped a thin prototype, Tomás costed a production assistant;
    # Lena expects staff to love it, Wei found that few staff use in-app chat at all.
    ("B14", "Priya Nair"): {"effort": 3},
    ("B14", "Tomás Berg"): {"effort": 10},
    ("B14", "Lena Fischer"): {"impact": 2},
    ("B14", "Wei Zhang"): {"impact": 0.25},
}


def _is_sales_item(item: dict) -> bool:
    return item["requester"].startswith("Sales") or item["theme"] in {"Expansion", "Enterprise readiness"}


def _step(scale: tuple, value: float, steps: int) -> float:
    """Move `steps` places along an ordered scale, stopping at its ends."""
    i = scale.index(value) + steps
    return scale[min(max(i, 0), len(scale) - 1)]


def _round_reach(x: float) -> int:
    """Round a reach guess the way people write them: exact below 100, else two significant figures."""
    if x < 100:
        return max(1, int(round(x)))
    digits = int(math.floor(math.log10(x))) - 1
    return int(round(x / 10**digits) * 10**digits)


def _round_effort(x: float) -> float:
    """Intercom's effort convention: whole person-months, 0.5 for anything well under a month."""
    return 0.5 if x < 0.75 else float(max(1, int(round(x))))


def estimate(item: dict, name: str, draws: np.ndarray) -> dict:
    """One person's independent estimate of one item.

    `draws` holds six pre-drawn random numbers, so every cell uses the same amount of
    randomness whatever the rules below do: changing one rule never reshuffles the noise
    of the other cells.
    """
    z_reach, u_impact, s_impact, u_conf, s_conf, z_effort = draws
    spread = EVIDENCE_SPREAD[item["confidence"]]
    sales_item = _is_sales_item(item)
    staff_facing = item["reach_unit"] == STAFF
    speculative = item["kind"] in {"strategic-bet", "experiment"}
    design_led = item["area"] in {"Mobile app", "Shift swaps"}

    # Reach: noise around the agreed value, plus each person's lean.
    reach_bias = 1.0
    if name == "Tomás Berg":
        reach_bias = 0.85                      # assumes fewer people will use anything new
    elif name == "Lena Fischer" and staff_facing:
        reach_bias = 1.15                      # spends her research time with staff users
    elif name == "Greg Hollis":
        reach_bias = 1.8 if sales_item else 1.1  # counts the whole pipeline
    reach = item["reach"] * reach_bias * math.exp(spread * REACH_SIGMA[name] * z_reach)
    reach = min(reach, POPULATION[item["reach_unit"]])

    # Impact: on Intercom's scale, sometimes one step off, plus leans.
    impact = item["impact"]
    if u_impact < spread * STEP_CHANCE[name]:
        impact = _step(IMPACT_SCALE, impact, -1 if s_impact < 0.5 else 1)
    if name == "Greg Hollis" and sales_item:
        impact = _step(IMPACT_SCALE, impact, 1)
    elif name == "Lena Fischer" and design_led:
        impact = _step(IMPACT_SCALE, impact, 1)  # rates the screens she has designed highly
    elif name == "Tomás Berg" and speculative:
        impact = _step(IMPACT_SCALE, impact, -1)

    # Confidence: 0.5 / 0.8 / 1.0, sometimes one step off, plus leans.
    confidence = item["confidence"]
    if u_conf < spread * STEP_CHANCE[name]:
        confidence = _step(CONFIDENCE_SCALE, confidence, -1 if s_conf < 0.5 else 1)
    if name == "Greg Hollis" and sales_item:
        confidence = 1.0                       # "the customer told me so"
    elif name == "Wei Zhang" and speculative:
        confidence = 0.5                       # no usage data yet, so low by definition

    # Effort: person-months, noise plus leans.
    effort_bias = 1.0
    if name == "Tomás Berg":
        effort_bias = 1.6 if item["engine"] else 1.1  # knows what the old scheduling engine costs
    elif name == "Lena Fischer":
        effort_bias = 1.1                             # counts the design and user-testing time others forget
    elif name == "Greg Hollis":
        effort_bias = 0.6 if sales_item else 0.8      # "how hard can it be?"
    effort = item["effort"] * effort_bias * math.exp(spread * EFFORT_SIGMA[name] * z_effort)

    cell = {
        "reach": _round_reach(reach),
        "impact": impact,
        "confidence": confidence,
        "effort": _round_effort(effort),
    }
    cell.update(SHARP_DISAGREEMENTS.get((item["id"], name), {}))
    return cell


# ---------------------------------------------------------------------------
# Checks, tables and output
# ---------------------------------------------------------------------------
def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def check_items(items: list[dict]) -> None:
    """Fail loudly if a hand-written item breaks the data contract."""
    ids = [it["id"] for it in items]
    _require(ids == [f"B{i:02d}" for i in range(1, len(items) + 1)], "ids must run B01, B02, ... in order")
    _require(len(items) == 32, f"expected 32 items, found {len(items)}")
    for it in items:
        where = it["id"]
        _require(it["area"] in AREAS, f"{where}: unknown area {it['area']!r}")
        _require(it["theme"] in THEMES, f"{where}: unknown theme {it['theme']!r}")
        _require(it["kind"] in KINDS, f"{where}: unknown kind {it['kind']!r}")
        _require(it["reach_unit"] in {SCHEDULERS, STAFF, ACCOUNTS}, f"{where}: unknown reach unit")
        _require(0 < it["reach"] <= POPULATION[it["reach_unit"]], f"{where}: reach out of range")
        _require(it["impact"] in IMPACT_SCALE, f"{where}: impact off Intercom's scale")
        _require(it["confidence"] in CONFIDENCE_SCALE, f"{where}: confidence must be 0.5, 0.8 or 1.0")
        _require(it["effort"] == 0.5 or (it["effort"] >= 1 and float(it["effort"]).is_integer()),
                 f"{where}: effort must be 0.5 or a whole number of person-months")
        _require(all(1 <= v <= 10 for v in it["ice"]), f"{where}: ICE scores run 1..10")
        _require(all(v in FIBONACCI for v in it["wsjf"]), f"{where}: WSJF inputs use 1,2,3,5,8,13,20")
        _require(all(1 <= v <= 5 for v in it["criteria"]), f"{where}: criteria run 1..5")
        _require(it["description"].count(". ") == 0 and it["description"].endswith("."),
                 f"{where}: description must be one sentence")
        for dep in it["depends_on"].split():
            _require(dep in ids and dep != where, f"{where}: unknown dependency {dep}")
    # No cycles: walk each item's dependencies.
    deps = {it["id"]: it["depends_on"].split() for it in items}

    def walk(node: str, seen: tuple) -> None:
        _require(node not in seen, f"dependency cycle: {' -> '.join(seen + (node,))}")
        for d in deps[node]:
            walk(d, seen + (node,))

    for node in deps:
        walk(node, ())


def backlog_rows(items: list[dict]) -> list[dict]:
    rows = []
    for it in items:
        ice_i, ice_c, ice_e = it["ice"]
        bv, tc, rr, js = it["wsjf"]
        c_cust, c_rev, c_strat, c_risk = it["criteria"]
        rows.append({
            "id": it["id"], "title": it["title"], "description": it["description"],
            "area": it["area"], "theme": it["theme"], "kind": it["kind"], "requester": it["requester"],
            "reach": it["reach"], "reach_unit": it["reach_unit"], "impact": it["impact"],
            "confidence": it["confidence"], "effort": it["effort"],
            "ice_impact": ice_i, "ice_confidence": ice_c, "ice_ease": ice_e,
            "business_value": bv, "time_criticality": tc, "risk_reduction": rr, "job_size": js,
            "crit_customer": c_cust, "crit_revenue": c_rev, "crit_strategy": c_strat, "crit_risk": c_risk,
            "depends_on": it["depends_on"],
        })
    return rows


def estimate_rows(items: list[dict], seed: int = SEED) -> list[dict]:
    rng = np.random.default_rng(seed)
    rows = []
    for it in items:
        for name, role in ESTIMATORS:
            # Always six draws per cell, in a fixed order: reach, 2 x impact, 2 x confidence, effort.
            draws = np.array([rng.normal(), rng.random(), rng.random(), rng.random(), rng.random(), rng.normal()])
            cell = estimate(it, name, draws)
            rows.append({"item_id": it["id"], "estimator": name, "role": role, **cell})
    return rows


def _fmt(value) -> str:
    """Write numbers the same way every time: 6500, 0.5, 0.25, 2; confidence 1.0 stays a fraction."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        raise TypeError("booleans do not belong in these files")
    value = float(value)
    if value.is_integer():
        return str(int(value))
    return repr(round(value, 4))


def to_csv(rows: list[dict], columns: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        out = []
        for col in columns:
            v = row[col]
            out.append("1.0" if col == "confidence" and v == 1 else _fmt(v))
        writer.writerow(out)
    return buf.getvalue()


def render() -> dict[str, str]:
    """Build both files in memory: {file name: text}."""
    check_items(ITEMS)
    return {
        "backlog.csv": to_csv(backlog_rows(ITEMS), BACKLOG_COLUMNS),
        "estimates.csv": to_csv(estimate_rows(ITEMS), ESTIMATE_COLUMNS),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="regenerate in memory and exit 1 if the CSVs on disk differ")
    parser.add_argument("--outdir", type=Path, default=HERE,
                        help="folder to write to or check (default: this script's folder)")
    args = parser.parse_args(argv)

    from pmkit.generated import write_or_check

    return write_or_check(render(), args.outdir, "datasets/make_backlog.py", args.check)


if __name__ == "__main__":
    sys.exit(main())
