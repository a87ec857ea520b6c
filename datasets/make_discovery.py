"""Build the Rotawise sample data for the Customer discovery module (02).

Four files come out of this script:

* ``features.csv``   - the eight product features that the survey and the usage data share,
  each tied to the backlog items (``backlog.csv``) that would change it.
* ``interviews.csv`` - notes from ten customer interviews that Priya Nair ran in May and June
  2026, one row per snippet. The snippets are written by hand below: they are the data, kept
  readable on purpose, contradictions included.
* ``survey.csv``     - 200 customers' stated preferences: how important each feature is to them
  (1 to 5) and which one they would improve first. Generated with seeded noise.
* ``usage.csv``      - what the same 200 accounts actually did over the same 12 weeks, one row
  per account and feature. Generated with seeded noise.

Stated and revealed priorities disagree on purpose, in two big places and one small one:
labour-cost reports are the most wanted feature and the least used; copying a schedule is the
least wanted and the most used; swap approval is rated low but used in most weeks (see
``STATED`` and ``WEEKLY_USE`` below, and datasets/README.md).

Usage (from the repository root):

    python datasets/make_discovery.py            # (re)write the four CSV files
    python datasets/make_discovery.py --check    # exit 1 if the committed CSVs differ from the script

Only the standard library, NumPy and pmkit.generated (the shared write-or-check step) are used.
Output is deterministic: UTF-8 without a BOM,
comma separated, "\\n" line endings. The data is fictional and licensed CC BY 4.0
(see datasets/README.md).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

import numpy as np

SEED = 2026
HERE = Path(__file__).resolve().parent

SEGMENTS = ("independent", "multi-site", "enterprise")
EVIDENCE = ("past behaviour", "present pain", "future opinion", "compliment", "feature request")
WEEKS_OBSERVED = 12  # usage covers the 12 weeks from 6 April to 28 June 2026

FEATURE_COLUMNS = ["feature_id", "name", "area", "backlog_ids", "measured_on", "use_means"]
INTERVIEW_COLUMNS = ["snippet_id", "interview_id", "participant_role", "segment", "snippet", "evidence"]
USAGE_COLUMNS = ["account_id", "segment", "locations", "feature_id", "weeks_used", "events", "active_user_share"]

# ---------------------------------------------------------------------------
# The eight features that both the survey and the usage data cover.
# backlog_ids: the backlog items that would change this feature (see backlog.csv).
# ---------------------------------------------------------------------------
FEATURES = [
    dict(feature_id="copy_schedule", name="Copy a schedule", area="Schedule builder",
         backlog_ids="B01 B03 B16", measured_on="schedulers",
         use_means="copied a week's schedule to another week or another location"),
    dict(feature_id="labour_reports", name="Labour-cost reports", area="Reporting",
         backlog_ids="B22 B30", measured_on="schedulers",
         use_means="opened a labour-cost or hours report"),
    dict(feature_id="swap_approval", name="Approve shift swaps", area="Shift swaps",
         backlog_ids="B04 B21 B29", measured_on="schedulers",
         use_means="approved or declined a shift swap"),
    dict(feature_id="payroll_export", name="Payroll export", area="Payroll export",
         backlog_ids="B07 B08 B23", measured_on="schedulers",
         use_means="downloaded or sent a payroll export"),
    dict(feature_id="shift_alerts", name="Shift-change alerts", area="Notifications",
         backlog_ids="B05 B06", measured_on="schedulers",
         use_means="changed a published shift, which alerts the staff member"),
    dict(feature_id="time_off", name="Time-off requests", area="Time off",
         backlog_ids="B19", measured_on="schedulers",
         use_means="approved or declined a time-off request"),
    dict(feature_id="clock_in", name="Mobile clock-in", area="Time clock",
         backlog_ids="B20 B24", measured_on="staff",
         use_means="had staff clock in from the mobile app"),
    dict(feature_id="staff_availability", name="Staff availability", area="Mobile app",
         backlog_ids="B25", measured_on="staff",
         use_means="had staff set or change their availability"),
]
FEATURE_IDS = [f["feature_id"] for f in FEATURES]

# ---------------------------------------------------------------------------
# The interviews. Priya Nair ran all ten, by video, between 12 May and 19 June 2026; Lena
# Fischer took notes. Each snippet is a participant's words, lightly edited for length, with
# the kind of evidence it is. ``backlog`` (not written to the CSV) records which backlog items
# the snippet supports, so that the tests can check the interviews explain the backlog.
# ---------------------------------------------------------------------------
PARTICIPANTS = {
    "I01": ("Area manager, restaurant group (12 sites)", "multi-site"),
    "I02": ("Operations director, care-home group (8 homes)", "multi-site"),
    "I03": ("Store manager, fashion retail chain (22 stores)", "multi-site"),
    "I04": ("Payroll and HR administrator, pub group (9 sites)", "multi-site"),
    "I05": ("Owner, café chain (4 cafés, customer for 8 weeks)", "multi-site"),
    "I06": ("Owner, hair salon (1 site)", "independent"),
    "I07": ("Owner, café and bakery (2 sites)", "independent"),
    "I08": ("Practice manager, 24-hour veterinary clinic (1 site)", "independent"),
    "I09": ("Head of IT security, supermarket chain (140 stores)", "enterprise"),
    "I10": ("Payroll systems lead, FreshBite Group (prospect, 60 restaurants)", "enterprise"),
}

SNIPPETS = [
    # I01: area manager, 12 restaurants
    ("I01", "past behaviour", "B01",
     "Last Sunday I built next week's rota for our Leeds site, then copied it into each of the other "
     "eleven sites one by one. It took me most of the evening."),
    ("I01", "present pain", "B01",
     "Every site is a bit different, so after copying I fix the roles by hand. Something always slips, "
     "and a kitchen ends up a chef short."),
    ("I01", "feature request", "B01",
     "What I want is a master rota that I can push to all twelve sites with one click."),
    ("I01", "compliment", "",
     "Honestly, the app is lovely to use. My staff like it far more than the paper rota on the wall."),
    ("I01", "past behaviour", "B01 B17",
     "When we opened the Harrogate site in March, it took nearly three weeks before its rota went live "
     "in Rotawise. Until then we ran it on a spreadsheet."),
    # I02: operations director, 8 care homes
    ("I02", "future opinion", "B22",
     "A proper labour-cost dashboard would change how I run the business. I'd look at it every Monday."),
    ("I02", "past behaviour", "B22",
     "Last month I exported the hours to Excel and built the labour-cost sheet myself. I don't think "
     "I've opened the reports tab since we signed up."),
    ("I02", "present pain", "B07",
     "Overtime in care is messy: nights, bank holidays, agency cover. Our payroll admin fixes the "
     "export by hand every month."),
    ("I02", "past behaviour", "B07",
     "In April we overpaid two carers because a night premium was missed in the export. We only found "
     "out when one of them told us."),
    ("I02", "feature request", "B12",
     "You should add an AI that builds the rota for us from the care hours each home needs."),
    # I03: store manager, 22 stores
    ("I03", "future opinion", "B04",
     "Swaps are fine, really. I'm sure my team would sort them out between themselves anyway."),
    ("I03", "past behaviour", "B04 B29",
     "Last Saturday two swap requests were still waiting for my approval when the shift started, "
     "because I'd been on the shop floor all day. One person didn't turn up."),
    ("I03", "present pain", "B29",
     "I only see swap requests when I'm at the back-office PC. By then it's often too late."),
    ("I03", "past behaviour", "B06 B05",
     "Two of my staff with Android phones missed a shift change last month. They said the "
     "notification never came, and their phones show nothing."),
    ("I03", "present pain", "B05 B06",
     "Now I text people myself after every change, just to be safe. It doubles the work."),
    # I04: payroll and HR administrator, 9 pubs
    ("I04", "past behaviour", "B07",
     "Every fortnight I download the payroll export and spend about half a day correcting overtime "
     "in a spreadsheet before it goes into Xero."),
    ("I04", "present pain", "B07",
     "Each of our pubs kept its own overtime rule after the takeover, and the export treats them all "
     "the same."),
    ("I04", "feature request", "B23",
     "Can you sync straight into Xero? Then I'd never have to touch the file."),
    ("I04", "past behaviour", "B07",
     "The one time I didn't check the file, in January, six people got the wrong overtime and I spent "
     "two days sorting it out."),
    ("I04", "future opinion", "B07",
     "If the overtime came out right, I'd probably trust the numbers enough to stop checking."),
    # I05: owner, 4 cafés, new account
    ("I05", "compliment", "",
     "Setting up was easy, honestly. You've built a great product."),
    ("I05", "past behaviour", "B01 B16 B17",
     "It took us about five weeks to get all four cafés on Rotawise. I did one café a week, on Sunday "
     "nights, copying the first café's rota and changing the names."),
    ("I05", "present pain", "B01 B17",
     "I nearly cancelled in week three. Two cafés were on Rotawise and two were still on WhatsApp, so "
     "nobody knew where to look."),
    ("I05", "feature request", "B16",
     "Some starter rotas for cafés would be nice, so you're not staring at a blank grid."),
    ("I05", "future opinion", "B22",
     "I'd definitely use a weekly report on labour costs if you built one."),
    # I06: owner, 1 salon
    ("I06", "compliment", "",
     "I love it. It's so much easier than the whiteboard we had."),
    ("I06", "feature request", "B26",
     "Dark mode, please! I do the rota late at night."),
    ("I06", "future opinion", "B12",
     "Auto-scheduling sounds amazing. I'd probably pay more for it."),
    ("I06", "past behaviour", "B01",
     "I copy last week's rota every Sunday and change two or three shifts. It takes me ten minutes."),
    ("I06", "present pain", "B21",
     "When someone is off sick, I ring round the team one by one to find cover."),
    # I07: owner, café and bakery, 2 sites
    ("I07", "present pain", "B05 B06",
     "My younger staff miss changes all the time. Most of them have cheap Android phones."),
    ("I07", "future opinion", "B05",
     "I doubt better notifications would change much. Young people just don't check their phones "
     "for work."),
    ("I07", "past behaviour", "B04 B29",
     "Last month a swap sat waiting for three days because I was on holiday. In the end they swapped "
     "on paper, and the hours in Rotawise were wrong."),
    ("I07", "feature request", "B29",
     "Could approvals come to my phone? I'm never at the laptop."),
    ("I07", "past behaviour", "B22",
     "I tried the reports once when we started. I haven't opened them since; I check the bank "
     "balance instead."),
    # I08: practice manager, 24-hour vet clinic
    ("I08", "past behaviour", "B19",
     "Every quarter I work out holiday for our part-timers in a spreadsheet, because the app gives "
     "them the full-time allowance."),
    ("I08", "present pain", "B19",
     "Staff ask me for their holiday balance, and I can't answer without opening that spreadsheet."),
    ("I08", "compliment", "",
     "Your support team were brilliant when I rang them last week."),
    ("I08", "future opinion", "B22",
     "I'd use a labour-cost report for sure. Every owner wants that."),
    ("I08", "past behaviour", "B24",
     "When the clocks went forward in March, two night shifts showed an hour short, so I corrected "
     "them by hand."),
    # I09: head of IT security, 140 supermarkets
    ("I09", "past behaviour", "B09",
     "Last year we dropped two suppliers who failed our security review. The first question on that "
     "review is always single sign-on."),
    ("I09", "present pain", "B15 B10",
     "When a store manager leaves, someone in my team removes their Rotawise login by hand. Our last "
     "audit found four leavers who could still sign in."),
    ("I09", "feature request", "B09 B10",
     "We need sign-in through Entra ID and an audit log we can export. That's not negotiable at renewal."),
    ("I09", "past behaviour", "B10",
     "In June someone changed a pay rate by mistake, and nobody could tell us who. We spent a week "
     "going through emails."),
    # I10: payroll systems lead, FreshBite Group (prospect)
    ("I10", "feature request", "B08",
     "We need an SAP SuccessFactors connector. Without it, we can't sign."),
    ("I10", "past behaviour", "B08 B07",
     "In our pilot, the payroll team keyed the approved hours from your export into SAP by hand every "
     "fortnight. The last run took two people a full day."),
    ("I10", "present pain", "B07",
     "Most of that re-keying is overtime. Your export doesn't know our night and Sunday rates, so we "
     "fix those lines by hand."),
    ("I10", "future opinion", "B08",
     "Once the connector is there, I'm sure our other regions will move to Rotawise too."),
    ("I10", "past behaviour", "B08",
     "Our last scheduling supplier built us a custom connector. It broke at the first SAP upgrade, "
     "and nobody fixed it for months."),
]

# ---------------------------------------------------------------------------
# The survey: 200 customers, asked in June 2026 "How important is each of these to you?"
# (1 = not important, 5 = essential) and "If Rotawise could improve one of them next, which?"
# Multi-site accounts were oversampled on purpose: they are this quarter's focus.
# ---------------------------------------------------------------------------
RESPONDENTS = {"independent": 96, "multi-site": 84, "enterprise": 20}
ROLES = {
    "independent": (("Owner", 0.7), ("Manager", 0.3)),
    "multi-site": (("Owner", 0.2), ("Area manager", 0.3), ("Site manager", 0.35), ("Payroll or HR admin", 0.15)),
    "enterprise": (("Site manager", 0.5), ("HR or operations admin", 0.3), ("Payroll or HR admin", 0.2)),
}
LOCATIONS = {"independent": (1, 2), "multi-site": (3, 50), "enterprise": (50, 220)}

# Mean stated importance (1-5) by feature and segment: what people SAY.
STATED = {
    "copy_schedule":      {"independent": 2.6, "multi-site": 2.8, "enterprise": 2.5},
    "labour_reports":     {"independent": 4.3, "multi-site": 4.6, "enterprise": 4.4},
    "swap_approval":      {"independent": 2.9, "multi-site": 3.0, "enterprise": 3.2},
    "payroll_export":     {"independent": 3.9, "multi-site": 4.3, "enterprise": 4.5},
    "shift_alerts":       {"independent": 3.6, "multi-site": 3.7, "enterprise": 3.6},
    "time_off":           {"independent": 3.5, "multi-site": 3.4, "enterprise": 3.6},
    "clock_in":           {"independent": 3.1, "multi-site": 3.3, "enterprise": 3.6},
    "staff_availability": {"independent": 3.2, "multi-site": 3.2, "enterprise": 3.0},
}

# Mean share of the 12 weeks in which an account used the feature: what people DO.
# The payroll export follows each account's pay run (weekly, fortnightly or monthly), see PAY_RUNS.
WEEKLY_USE = {
    "copy_schedule":      {"independent": 0.78, "multi-site": 0.93, "enterprise": 0.55},
    "labour_reports":     {"independent": 0.04, "multi-site": 0.07, "enterprise": 0.12},
    "swap_approval":      {"independent": 0.45, "multi-site": 0.82, "enterprise": 0.85},
    "shift_alerts":       {"independent": 0.60, "multi-site": 0.85, "enterprise": 0.90},
    "time_off":           {"independent": 0.25, "multi-site": 0.50, "enterprise": 0.65},
    "clock_in":           {"independent": 0.35, "multi-site": 0.60, "enterprise": 0.75},
    "staff_availability": {"independent": 0.12, "multi-site": 0.18, "enterprise": 0.22},
}
# Share of accounts paying staff weekly (12 runs in 12 weeks), fortnightly (6) or monthly (3).
PAY_RUNS = {
    "independent": ((12, 0.15), (6, 0.30), (3, 0.55)),
    "multi-site": ((12, 0.20), (6, 0.45), (3, 0.35)),
    "enterprise": ((12, 0.10), (6, 0.60), (3, 0.30)),
}
# Uses per week in which the feature was used, per location (copying is done site by site).
EVENTS_PER_LOCATION = {
    "copy_schedule": 1.0, "labour_reports": 0.0, "swap_approval": 0.8, "payroll_export": 0.0,
    "shift_alerts": 2.5, "time_off": 0.6, "clock_in": 60.0, "staff_availability": 1.5,
}


# ---------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------
def _require(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"make_discovery.py: {message}")


def _backlog_ids() -> set[str]:
    path = HERE / "backlog.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["id"] for row in csv.DictReader(handle)}


def check_sources() -> None:
    """Check the hand-written data before anything is written."""
    known = _backlog_ids()
    for feature in FEATURES:
        for item in feature["backlog_ids"].split():
            _require(item in known, f"feature {feature['feature_id']} names unknown backlog item {item}")
    _require(set(STATED) == set(FEATURE_IDS), "STATED must cover every feature")
    _require(set(WEEKLY_USE) | {"payroll_export"} == set(FEATURE_IDS), "WEEKLY_USE must cover every feature")
    for interview, kind, items, text in SNIPPETS:
        _require(interview in PARTICIPANTS, f"unknown interview {interview}")
        _require(kind in EVIDENCE, f"unknown evidence kind {kind!r}")
        _require(text.strip() == text and text, "snippets must be non-blank and trimmed")
        for item in items.split():
            _require(item in known, f"a snippet of {interview} names unknown backlog item {item}")


def feature_rows() -> list[dict]:
    return [dict(f) for f in FEATURES]


def interview_rows() -> list[dict]:
    rows = []
    for number, (interview, kind, _items, text) in enumerate(SNIPPETS, start=1):
        role, segment = PARTICIPANTS[interview]
        rows.append(dict(snippet_id=f"S{number:02d}", interview_id=interview, participant_role=role,
                         segment=segment, snippet=text, evidence=kind))
    return rows


def snippet_backlog_links() -> dict[str, list[str]]:
    """Snippet id -> the backlog items it supports (documentation and tests; not in the CSV)."""
    return {f"S{n:02d}": items.split() for n, (_i, _k, items, _t) in enumerate(SNIPPETS, start=1)}


def _accounts(rng: np.random.Generator) -> list[dict]:
    accounts = []
    number = 0
    for segment in SEGMENTS:
        roles, weights = zip(*ROLES[segment])
        low, high = LOCATIONS[segment]
        for _ in range(RESPONDENTS[segment]):
            number += 1
            if segment == "multi-site":  # most multi-site groups are small
                locations = int(min(high, low + rng.geometric(0.12) - 1))
            else:
                locations = int(rng.integers(low, high + 1))
            accounts.append(dict(
                respondent_id=f"R{number:03d}", account_id=f"A{1000 + 7 * number:04d}", segment=segment,
                role=str(rng.choice(roles, p=np.array(weights) / sum(weights))), locations=locations,
            ))
    return accounts


def survey_rows(accounts: list[dict], rng: np.random.Generator) -> list[dict]:
    rows = []
    for acc in accounts:
        seg = acc["segment"]
        lean = rng.normal(0, 0.35)  # some people rate everything high
        latent = {f: STATED[f][seg] + lean + rng.normal(0, 0.75) for f in FEATURE_IDS}
        row = {k: acc[k] for k in ("respondent_id", "account_id", "segment", "role")}
        for f in FEATURE_IDS:
            row[f] = int(np.clip(np.rint(latent[f]), 1, 5))
        row["top_priority"] = max(FEATURE_IDS, key=lambda f: latent[f] + rng.normal(0, 0.3))
        rows.append(row)
    # a few skipped questions, as real survey exports have
    skips = rng.choice(len(rows) * len(FEATURE_IDS), size=9, replace=False)
    for cell in sorted(int(s) for s in skips):
        rows[cell // len(FEATURE_IDS)][FEATURE_IDS[cell % len(FEATURE_IDS)]] = ""
    return rows


def _beta(rng: np.random.Generator, mean: float, strength: float = 6.0) -> float:
    mean = min(max(mean, 0.01), 0.99)
    return float(rng.beta(mean * strength, (1 - mean) * strength))


def usage_rows(accounts: list[dict], rng: np.random.Generator) -> list[dict]:
    rows = []
    for acc in accounts:
        seg, locations = acc["segment"], acc["locations"]
        runs, weights = zip(*PAY_RUNS[seg])
        pay_runs = int(rng.choice(runs, p=np.array(weights) / sum(weights)))
        for f in FEATURE_IDS:
            if f == "payroll_export":
                weeks = pay_runs if rng.random() > 0.06 else 0  # a few pay elsewhere
                events = weeks * (1 if seg == "independent" else int(rng.integers(1, 3)))
                share = round(min(1.0, 1.0 / max(1, locations // 4 + 1) + rng.uniform(0, 0.1)), 2) if weeks else 0.0
            else:
                p = _beta(rng, WEEKLY_USE[f][seg])
                weeks = int(rng.binomial(WEEKS_OBSERVED, p))
                if f == "labour_reports":
                    events = int(weeks * rng.integers(1, 3))
                    share = round(min(1.0, rng.uniform(0.02, 0.15) + (0.5 if locations <= 2 else 0)), 2) if weeks else 0.0
                else:
                    per_week = EVENTS_PER_LOCATION[f] * locations
                    events = int(rng.poisson(per_week * weeks)) if weeks else 0
                    if f == "copy_schedule":  # copied site by site: at least one copy per location and week
                        events = max(events, weeks * locations) if seg != "enterprise" else events
                    share = round(float(np.clip(p + rng.normal(0.1, 0.08), 0.01, 1.0)), 2) if weeks else 0.0
                events = max(events, weeks)
            rows.append(dict(account_id=acc["account_id"], segment=seg, locations=locations, feature_id=f,
                             weeks_used=weeks, events=events, active_user_share=share))
    return rows


def _fmt(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        raise TypeError("booleans do not belong in these files")
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:.2f}".rstrip("0")


def to_csv(rows: list[dict], columns: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_fmt(row[col]) for col in columns])
    return buf.getvalue()


def render() -> dict[str, str]:
    """Build every file in memory: {file name: text}."""
    check_sources()
    rng = np.random.default_rng(SEED)
    accounts = _accounts(rng)
    survey = survey_rows(accounts, rng)
    usage = usage_rows(accounts, rng)
    survey_columns = ["respondent_id", "account_id", "segment", "role", *FEATURE_IDS, "top_priority"]
    return {
        "features.csv": to_csv(feature_rows(), FEATURE_COLUMNS),
        "interviews.csv": to_csv(interview_rows(), INTERVIEW_COLUMNS),
        "survey.csv": to_csv(survey, survey_columns),
        "usage.csv": to_csv(usage, USAGE_COLUMNS),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="regenerate in memory and exit 1 if the CSVs on disk differ")
    parser.add_argument("--outdir", type=Path, default=HERE,
                        help="folder to write to or check (default: this script's folder)")
    args = parser.parse_args(argv)

    from pmkit.generated import write_or_check

    return write_or_check(render(), args.outdir, "datasets/make_discovery.py", args.check)


if __name__ == "__main__":
    sys.exit(main())
