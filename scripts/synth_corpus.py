"""Write a synthetic, valid postmortem knowledge base for benchmarks and tests.

    python scripts/synth_corpus.py N DIR [--seed S] [--profile long|short]

writes N postmortems to DIR/YYYY/YYYY-MM-DD-slug-NNNN.md and their vocabulary to
DIR/taxonomy.yml. The same N, seed and profile give byte-identical files; file i depends only
on them and i, so a smaller corpus is a prefix of a larger one. With the `long` profile (the
default) each file is 4-6 KiB; with `short`, 3.5-4.5 KB (fewer timeline entries and action
items, shorter sections), as teams that write briefer postmortems have. Each file has front
matter using nearly every field of the schema (severities weighted toward P2/P3, lognormal
times to detect, mitigate and resolve written in mixed UTC offsets, action items in every
status, some hotfix blocks) and a body in the sections of the templates, assembled from
sentence banks.

Only the standard library is used and the YAML is written as text, so the generator does not
share code (or bugs) with the reader it is meant to exercise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import re
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

MIN_BYTES = 4 * 1024
MAX_BYTES = 6 * 1024
TAXONOMY_FILENAME = "taxonomy.yml"
MAX_ATTEMPTS = 100


@dataclass(frozen=True)
class Profile:
    """How long a corpus's postmortems are: the bytes a file takes, and the ranges of the
    parts that make a file long."""

    name: str
    min_bytes: int
    max_bytes: int
    timeline: tuple[int, int]
    """Timeline entries, including those at the start, detection, mitigation and resolution."""
    action_items: tuple[int, int]
    lean_body: bool
    """Every body section starts from one sentence (long: the summary and the story of what
    happened start from two), and grows to the size drawn for the file."""


LONG = Profile("long", MIN_BYTES, MAX_BYTES, (4, 10), (2, 8), lean_body=False)
SHORT = Profile("short", 3500, 4500, (4, 6), (1, 4), lean_body=True)
PROFILES = {profile.name: profile for profile in (LONG, SHORT)}

# --------------------------------------------------------------------------------------------
# Vocabulary (the generated taxonomy.yml)
# --------------------------------------------------------------------------------------------

SEVERITIES: tuple[tuple[str, str, str, int], ...] = (
    (
        "P0",
        "Critical",
        "Bookings, sign-in or payments unavailable for most travellers, or confirmed exposure "
        "of personal or payment data.",
        14,
    ),
    (
        "P1",
        "Major",
        "A core flow badly degraded for a large share of travellers, a whole region or a whole "
        "app platform, or more than 20,000 USD lost or refunded.",
        30,
    ),
    (
        "P2",
        "Moderate",
        "Partial degradation of a core flow or an outage of a secondary feature where a "
        "workaround exists.",
        60,
    ),
    (
        "P3",
        "Minor",
        "Small cohort, one market or an internal tool affected, or a near miss worth learning "
        "from.",
        90,
    ),
)
SEVERITY_WEIGHTS = (5, 15, 38, 42)

TEAMS: dict[str, str] = {
    "booking": "booking flow, itineraries and the traveller web app",
    "payments": "payment gateway, refunds and the ledger",
    "platform": "edge, networking, notifications and on-call tooling",
    "discovery": "search and pricing",
    "partner-integrations": "supplier feeds, webhooks and the partner API",
    "trust-safety": "identity, fraud checks and security response",
}

SERVICES: dict[str, tuple[str, str]] = {
    "web-frontend": ("booking", "traveller-facing website"),
    "booking-api": ("booking", "reservation orchestration"),
    "itinerary": ("booking", "trip documents and changes"),
    "search-api": ("discovery", "hotel and flight search queries"),
    "pricing-engine": ("discovery", "rates, taxes and currency conversion"),
    "availability-sync": ("partner-integrations", "supplier inventory ingestion"),
    "partner-gateway": ("partner-integrations", "outbound calls to suppliers"),
    "supplier-webhooks": ("partner-integrations", "inbound supplier notifications"),
    "payments-gateway": ("payments", "card and wallet provider adapters"),
    "refunds": ("payments", "refund and chargeback processing"),
    "ledger": ("payments", "double-entry accounting and payouts"),
    "identity": ("trust-safety", "sign-in, sessions and accounts"),
    "fraud-check": ("trust-safety", "real-time booking risk scores"),
    "notifications": ("platform", "email, push and SMS delivery"),
    "edge-proxy": ("platform", "TLS termination, routing and rate limits"),
}

FACTORS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "config-change": (
        "Configuration change",
        "A change to runtime configuration, feature flags or infrastructure definitions "
        "introduced or enabled the failure.",
        ("config", "feature-flag"),
    ),
    "missing-canary": (
        "No canary or progressive rollout",
        "The change reached every region or cluster at once instead of a small first step.",
        ("no-canary", "big-bang-rollout"),
    ),
    "insufficient-testing": (
        "Insufficient testing",
        "Tests did not exercise the failing path or used unrealistic data or load.",
        ("testing", "test-gap"),
    ),
    "capacity": (
        "Capacity or resource exhaustion",
        "A component ran out of CPU, memory, disk, connections or quota under expected load.",
        ("resource-exhaustion", "scaling"),
    ),
    "dependency-failure": (
        "Dependency failure",
        "A supplier, provider or upstream internal service failed and we did not isolate "
        "ourselves from it.",
        ("third-party", "upstream"),
    ),
    "alerting-gap": (
        "Alerting or monitoring gap",
        "The failure was visible in data we had, but no alert reached the right people.",
        ("monitoring", "no-alert"),
    ),
    "runbook-gap": (
        "Missing or outdated runbook",
        "Responders had no procedure for the situation, or followed a stale one.",
        ("runbook", "playbook"),
    ),
    "expired-credential": (
        "Expired certificate or credential",
        "A certificate, key or token expired or was revoked without a timely renewal.",
        ("certificate", "cert-expiry"),
    ),
    "schema-migration": (
        "Unsafe schema or data migration",
        "A schema change or backfill took locks or changed semantics under live traffic.",
        ("migration", "backfill"),
    ),
    "retry-storm": (
        "Retry storm or load amplification",
        "Retries or fan-out multiplied load on a struggling component.",
        ("retries", "thundering-herd"),
    ),
    "manual-procedure": (
        "Error-prone manual procedure",
        "A step relied on a person typing or sequencing things correctly.",
        ("human-error", "toil"),
    ),
    "time-handling": (
        "Time and clock handling",
        "Time zones, clock skew or calendar rollovers broke correct-looking code.",
        ("timezone", "clock-skew"),
    ),
}

# --------------------------------------------------------------------------------------------
# People, places and things
# --------------------------------------------------------------------------------------------

PEOPLE: tuple[tuple[str, str], ...] = (
    ("amara.okoye", "Amara Okoye"),
    ("bruno.costa", "Bruno Costa"),
    ("chen.jing", "Chen Jing"),
    ("dana.levi", "Dana Levi"),
    ("eitan.mor", "Eitan Mor"),
    ("fatou.diallo", "Fatou Diallo"),
    ("giulia.ricci", "Giulia Ricci"),
    ("hiro.tanaka", "Hiro Tanaka"),
    ("ines.moreau", "Inès Moreau"),
    ("jose.ramirez", "José Ramírez"),
    ("kofi.mensah", "Kofi Mensah"),
    ("lena.fischer", "Lena Fischer"),
    ("maya.patel", "Maya Patel"),
    ("nils.berg", "Nils Berg"),
    ("olga.ivanova", "Olga Ivanova"),
    ("priya.nair", "Priya Nair"),
    ("quentin.blanc", "Quentin Blanc"),
    ("rosa.lindqvist", "Rosa Lindqvist"),
    ("soren.dahl", "Søren Dahl"),
    ("tomas.novak", "Tomáš Novák"),
    ("uma.reddy", "Uma Reddy"),
    ("victor.hugo", "Victor Hugo"),
    ("wen.li", "Wen Li"),
    ("zoe.martin", "Zoë Martin"),
)
BOTS = ("deploy-bot", "pagerduty", "argocd", "statuspage", "ci-runner", "grafana")
REGIONS = ("eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-southeast-1", "sa-east-1")
DEPENDENCIES = (
    "the primary Postgres cluster",
    "the Redis session cache",
    "the Kafka bookings topic",
    "the supplier rates API",
    "the card processor's authorisation endpoint",
    "the internal DNS resolvers",
    "the object store holding trip documents",
    "the Elasticsearch hotel index",
    "the SMS provider",
    "the currency rates feed",
)
CHANGES = (
    "a connection pool setting",
    "a feature flag for the new booking summary",
    "an autoscaling policy",
    "a rate limit rule at the edge",
    "a retry policy in the shared HTTP client",
    "a cache TTL",
    "a TLS cipher list",
    "a Kubernetes resource limit",
)
SYMPTOMS = (
    "HTTP 503 responses",
    "timeouts after 30 seconds",
    "empty search results",
    "duplicate confirmation emails",
    "failed card authorisations",
    "stale prices",
    "sign-in loops",
)
TAGS = (
    "rollout",
    "database",
    "cache",
    "dns",
    "tls",
    "kafka",
    "mobile",
    "peak-traffic",
    "supplier",
    "on-call",
    "kubernetes",
    "feature-flag",
)
LINK_HOSTS = {
    "ticket": "https://tracker.example.com/INC-{n}",
    "pr": "https://git.example.com/tidewater/{service}/pull/{m}",
    "dashboard": "https://grafana.example.com/d/{service}",
    "runbook": "https://wiki.example.com/runbooks/{service}",
    "revert": "https://git.example.com/tidewater/{service}/pull/{k}",
    "status_page": "https://status.example.com/incidents/{n}",
}
OFFSETS_MINUTES = (0, 0, 0, 60, 120, 180, -300, -240, -420, -480, 330, 540, 600, -180)
TICKET_PREFIX = {
    "booking": "BOOK",
    "payments": "PAY",
    "platform": "PLAT",
    "discovery": "DISC",
    "partner-integrations": "PART",
    "trust-safety": "SEC",
}

# --------------------------------------------------------------------------------------------
# Sentence banks. Slots: {service} {service2} {team} {dep} {region} {percent} {ttd} {ttm}
# {ttr} {users} {change} {symptom} {alert} {responder} {commander} {start} {version}
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    titles: tuple[str, ...]
    slugs: tuple[str, ...]
    triggers: tuple[str, ...]
    happened: tuple[str, ...]


SCENARIOS: dict[str, Scenario] = {
    "config-change": Scenario(
        (
            "{service} returned {symptom} after a change to {change}",
            "Config push to {service} broke bookings in {region}",
        ),
        ("{service}-config-push", "{service}-bad-config"),
        (
            "A configuration push changed {change} for {service} in every region at once.",
            "A reviewed change to {change} set a value {service} could not handle.",
        ),
        (
            "The change to {change} was merged at {start} UTC and applied by deploy-bot within a "
            "minute.",
            "{service} reloads configuration without a restart, so every pod picked up the new "
            "value together.",
            "Requests that reached {service} began to fail with {symptom}, and callers retried.",
            "Because the value was syntactically valid, no validation step rejected it.",
        ),
    ),
    "missing-canary": Scenario(
        (
            "New {service} release degraded {service2} in all regions",
            "Full rollout of {service} {version} caused {symptom}",
        ),
        ("{service}-release-rollout", "{service}-full-rollout"),
        (
            "Release {version} of {service} was deployed to all regions in a single step.",
            "A deploy of {service} went out to every cluster at once instead of the canary first.",
        ),
        (
            "Release {version} of {service} passed CI and was promoted to every region at once.",
            "The new build changed how {service} talks to {service2}, which rejected the calls.",
            "A canary in one region would have shown the error rate within two minutes.",
            "The deploy pipeline had a canary stage, but it was skipped for releases marked as "
            "low risk.",
        ),
    ),
    "insufficient-testing": Scenario(
        (
            "{service} mishandled bookings with multi-currency baskets",
            "Untested path in {service} produced {symptom}",
        ),
        ("{service}-untested-path", "{service}-edge-case"),
        (
            "A code change in {service} took a path that no test exercised.",
            "A refactor of {service} changed behaviour for a case the test data did not include.",
        ),
        (
            "The failing path only runs for bookings that combine two currencies, which our test "
            "fixtures never did.",
            "Unit tests mocked {dep}, so the real error it returns was never seen before "
            "production.",
            "The change went through review and CI without a failing check.",
            "Errors surfaced as {symptom} for about {percent}% of affected requests.",
        ),
    ),
    "capacity": Scenario(
        (
            "{service} ran out of connections to {dep} during peak traffic",
            "Peak load exhausted {service} capacity in {region}",
        ),
        ("{service}-capacity", "{service}-peak-load"),
        (
            "Peak traffic exhausted the connection pool between {service} and {dep}.",
            "A traffic spike pushed {service} past the capacity it was provisioned for.",
        ),
        (
            "Traffic rose to about three times the weekday peak as a flash sale opened.",
            "{service} hit its connection limit to {dep}, and new requests queued until they "
            "timed out.",
            "Autoscaling added pods, but each new pod opened more connections and made the "
            "contention worse.",
            "Latency climbed from 120 ms to over 8 seconds at the 99th percentile.",
        ),
    ),
    "dependency-failure": Scenario(
        (
            "{dep} degraded and {service} failed with it",
            "Supplier outage cascaded into {service} {symptom}",
        ),
        ("{service}-dependency-outage", "{service}-upstream-failure"),
        (
            "An outage of {dep} made {service} wait on calls that never returned.",
            "{dep} started answering slowly and {service} had no timeout short enough to cope.",
        ),
        (
            "{dep} began returning errors at {start} UTC, which its status page confirmed later.",
            "{service} called it synchronously on the booking path with a 30 second timeout.",
            "Worker threads filled up waiting, so even requests that did not need {dep} failed.",
            "There was no circuit breaker to shed the calls and serve a degraded page.",
        ),
    ),
    "alerting-gap": Scenario(
        (
            "Silent failure in {service} went unnoticed for hours",
            "{service} dropped work without alerting anyone",
        ),
        ("{service}-silent-failure", "{service}-missed-alert"),
        (
            "{service} stopped processing work while its health checks stayed green.",
            "A consumer in {service} stalled and no alert covered its lag.",
        ),
        (
            "The {service} consumer stalled on a malformed message but kept answering health "
            "checks.",
            "The backlog grew for {ttd} minutes before a traveller complaint reached support.",
            "We had the lag metric on a dashboard but no alert on it.",
            "Once paged, the on-call engineer found the stuck partition within minutes.",
        ),
    ),
    "runbook-gap": Scenario(
        (
            "Slow recovery of {service} after a failover in {region}",
            "{service} failover took far longer than planned",
        ),
        ("{service}-slow-failover", "{service}-failover"),
        (
            "A routine failover of {dep} left {service} pointing at the old primary.",
            "A planned maintenance step on {dep} needed a manual follow-up nobody knew about.",
        ),
        (
            "{dep} failed over as designed, but {service} cached the old address.",
            "The runbook for the failover predated {service} and did not mention it.",
            "Responders tried three different restarts before finding the cached address.",
            "Recovery took {ttm} minutes where the plan assumed ten.",
        ),
    ),
    "expired-credential": Scenario(
        (
            "Expired certificate broke calls from {service} to {dep}",
            "{service} lost access to {dep} when a token expired",
        ),
        ("{service}-expired-certificate", "{service}-expired-token"),
        (
            "A client certificate used by {service} expired at midnight UTC.",
            "An API token for {dep} expired and {service} had no renewal in place.",
        ),
        (
            "The certificate had been issued by hand two years earlier with a two-year lifetime.",
            "Its expiry date was tracked in a spreadsheet owned by someone who had changed teams.",
            "Every call from {service} to {dep} failed the TLS handshake from the first second.",
            "Issuing a new certificate took {ttm} minutes, most of it finding who could sign it.",
        ),
    ),
    "schema-migration": Scenario(
        (
            "Migration on {dep} locked bookings in {service}",
            "Schema change stalled writes in {service}",
        ),
        ("{service}-migration-lock", "{service}-schema-change"),
        (
            "A schema migration on {dep} took a table lock that blocked {service} writes.",
            "A backfill in {service} rewrote rows while live traffic was reading them.",
        ),
        (
            "The migration added a column with a default, which rewrote the whole table.",
            "The lock blocked every write from {service} for as long as the rewrite ran.",
            "Connection pools filled with waiting transactions and reads began to time out too.",
            "Cancelling the migration released the lock within seconds.",
        ),
    ),
    "retry-storm": Scenario(
        (
            "Retry storm kept {service} down after {dep} recovered",
            "Client retries amplified a short blip in {service}",
        ),
        ("{service}-retry-storm", "{service}-thundering-herd"),
        (
            "A short error spike in {dep} triggered retries that overwhelmed {service}.",
            "Mobile clients retried failed calls to {service} without backoff.",
        ),
        (
            "A brief blip in {dep} made {service} return errors for about a minute.",
            "Every client retried immediately and up to five times, multiplying load by six.",
            "{service} could not recover while the retries kept arriving.",
            "Load only fell after we rate limited the retry traffic at the edge.",
        ),
    ),
    "manual-procedure": Scenario(
        (
            "Manual database fix removed live data from {service}",
            "Hand-typed command during maintenance disrupted {service}",
        ),
        ("{service}-manual-fix", "{service}-console-edit"),
        (
            "A hand-written SQL statement run against {dep} matched more rows than intended.",
            "A manual maintenance step on {service} was run in the wrong order.",
        ),
        (
            "A support request needed a correction to a handful of bookings in {dep}.",
            "The statement was written by hand and its filter missed one condition.",
            "It ran in a single transaction against production and committed immediately.",
            "Restoring the rows from the point-in-time backup took {ttr} minutes.",
        ),
    ),
    "time-handling": Scenario(
        (
            "{service} rejected bookings around the daylight saving change",
            "Clock skew made {service} refuse valid sessions",
        ),
        ("{service}-daylight-saving", "{service}-clock-skew"),
        (
            "Date arithmetic in {service} assumed every day has 24 hours.",
            "Nodes of {service} drifted several seconds apart after an NTP change.",
        ),
        (
            "On the night of the daylight saving change, one hour of check-in dates was computed "
            "twice.",
            "{service} compared local times from two time zones without converting them.",
            "Bookings made in that window were rejected as being in the past.",
            "The fix was to store and compare every timestamp in UTC.",
        ),
    ),
}

FACTOR_WHY: dict[str, tuple[str, ...]] = {
    "config-change": (
        "Configuration changes skipped the review and rollout rules that code changes follow.",
        "The configuration schema allowed a value that {service} cannot use.",
    ),
    "missing-canary": (
        "The change reached every region at once, so there was no small first step to reveal it.",
        "The canary stage was optional and had been skipped for months.",
    ),
    "insufficient-testing": (
        "Tests used fixtures that never exercised the failing path.",
        "Integration tests ran against a mock of {dep} that never returns errors.",
    ),
    "capacity": (
        "Capacity planning used last year's peak, which this season exceeded.",
        "The connection limit of {dep} was not part of the scaling model.",
    ),
    "dependency-failure": (
        "{service} had no circuit breaker around calls to {dep}.",
        "Timeouts on calls to {dep} were far longer than the booking page can wait.",
    ),
    "alerting-gap": (
        "No alert covered the metric that showed the problem first.",
        "The alert that did exist went to a channel nobody watches at night.",
    ),
    "runbook-gap": (
        "The runbook had not been updated since {service} was split out.",
        "Nobody on the rotation had practised the procedure.",
    ),
    "expired-credential": (
        "Renewal of the credential was manual and tracked outside our tooling.",
        "Expiry warnings were sent to a mailbox that nobody reads.",
    ),
    "schema-migration": (
        "The migration tool did not warn about operations that rewrite a table.",
        "Migrations ran during peak hours because no window was enforced.",
    ),
    "retry-storm": (
        "Clients retried without backoff or jitter.",
        "Retries happened at three layers, multiplying each failure.",
    ),
    "manual-procedure": (
        "The change was typed by hand instead of going through a reviewed script.",
        "No second person checked the command before it ran.",
    ),
    "time-handling": (
        "Timestamps were stored in local time without an offset.",
        "Tests ran with the machine clock and never crossed a daylight saving change.",
    ),
}

SUMMARY = (
    "For {ttr} minutes, about {percent}% of requests to {service} failed with {symptom}.",
    "{service} was degraded for {ttr} minutes and roughly {users} travellers were affected.",
    "An incident in {service} led to {symptom} for {percent}% of traffic in {region}.",
)
EXEC_EXTRA = (
    "The on-call engineer was paged after {ttd} minutes and the impact was mitigated "
    "{ttm} minutes after the start.",
    "We estimate that {users} travellers saw an error at least once.",
    "No booking data was lost, although some confirmations were delayed.",
    "The incident commander was {commander}, with {responder} leading the investigation.",
    "Customer support received a spike of contacts during the incident.",
    "The team restored service by rolling back and then fixed the cause properly.",
)
WENT_WELL = (
    "The alert fired within {ttd} minutes and paged the right team.",
    "{responder} found the cause quickly by comparing the deploy log with the error graph.",
    "Rollback worked first time and took less than five minutes.",
    "The incident channel stayed focused and had a clear commander.",
    "Support had a status page update ready within fifteen minutes.",
    "Queued work was retried automatically once {service} recovered.",
    "The dashboards for {service} showed the problem clearly once people looked.",
)
WENT_BADLY = (
    "It took too long to decide who owned {service} at that hour.",
    "The first hypothesis, a problem in {dep}, cost us twenty minutes.",
    "The status page was updated late and said too little.",
    "Several people made changes at the same time without announcing them.",
    "The runbook pointed at a dashboard that no longer exists.",
    "Rolling back needed approval from someone who was asleep.",
    "Logs from {service} were sampled too heavily to show the failing requests.",
)
LUCKY = (
    "The incident started at a quiet hour; at the evening peak the impact would have been "
    "several times larger.",
    "An engineer who had built {service} happened to be online and recognised the symptom.",
    "{dep} kept serving reads, so travellers could still see their existing bookings.",
    "The failure stopped short of the payment step, so nobody was charged twice.",
    "A scheduled load test had been cancelled that morning; it would have made things worse.",
)
LESSON_TECH = (
    "Required settings must fail loudly at start-up rather than fall back to defaults.",
    "Every call to a dependency needs a timeout shorter than the page that waits for it.",
    "Retries need backoff, jitter and a budget.",
    "Health checks should test the work a service does, not only that it is running.",
    "Store timestamps in UTC and convert only for display.",
)
LESSON_PROCESS = (
    "Configuration follows the same progressive rollout as code.",
    "Runbooks are reviewed whenever the service they describe changes.",
    "Risky migrations run outside peak hours with a second person watching.",
    "Credential expiry is tracked by tooling with alerts, not by people.",
)
LESSON_TEAM = (
    "Say out loud in the incident channel before changing anything.",
    "Hand over the commander role explicitly when people rotate.",
    "Ask for help early; nobody was paged who should not have been.",
    "Reviewers should include the teams that consume a change.",
)
BLAMELESS = (
    "The people involved acted reasonably with the information they had; the gaps were in our "
    "systems and processes.",
    "This document is about how our tools let a small mistake become an outage, not about who "
    "made it.",
    "Anyone on the team could have made the same change; the fixes above make it safer for all "
    "of us.",
)
RESOLUTION = (
    "Hotfix {tag} was built from {parent} with a one-line change to {service}.",
    "It went through the expedited path with the waivers listed in the front matter.",
    "Error rates returned to baseline within minutes of the hotfix reaching all regions.",
    "The proper fix is scheduled as a normal change with full testing.",
)
TIMELINE_START = (
    "Change deployed to {service} in all regions.",
    "Error rate for {service} starts rising.",
    "{dep} starts returning errors.",
    "First failed requests to {service} in {region}.",
)
TIMELINE_DETECT = (
    "{alert} pages the {team} on-call.",
    "Support escalates traveller reports about {symptom}.",
    "{responder} notices {symptom} on the {service} dashboard.",
)
TIMELINE_MIDDLE = (
    "Incident channel opened; {commander} takes the commander role.",
    "Status page updated: {service} degraded.",
    "Errors correlated with the latest change to {service}.",
    "{responder} rules out {dep} as the cause.",
    "Decision to roll back instead of fixing forward.",
    "Traffic in {region} shifted to a healthy region.",
    "VP Engineering informed as the {severity} policy requires.",
)
TIMELINE_MITIGATE = (
    "Rollback of {service} complete; error rate back to baseline.",
    "Traffic limited at the edge; {service} recovers.",
    "Failover completed and requests succeed again.",
)
TIMELINE_RESOLVE = (
    "Backlog drained and data reconciled; incident resolved.",
    "Fix verified in all regions; incident closed.",
    "Monitoring stable for an hour; incident resolved.",
)
ACTIONS: dict[str, tuple[str, ...]] = {
    "prevent": (
        "Validate {service} configuration against a schema in CI",
        "Make the canary stage mandatory for {service} deploys",
        "Add a circuit breaker around calls to {dep}",
        "Automate credential renewal for {service}",
        "Require a reviewed script for production data fixes",
    ),
    "detect": (
        "Alert on consumer lag for {service}",
        "Add a synthetic booking probe in {region}",
        "Page on the {alert} condition within two minutes",
        "Alert thirty days before any certificate expires",
    ),
    "mitigate": (
        "Add a kill switch to degrade {service} gracefully",
        "Shorten timeouts on calls to {dep}",
        "Cap retries in the shared HTTP client",
    ),
    "respond": (
        "Update the {service} runbook with the failover steps",
        "Practise the rollback procedure in a game day",
        "Prepare status page templates for {service} incidents",
    ),
    "process": (
        "Add {team} reviewers to changes that touch {service}",
        "Schedule risky migrations outside peak hours",
        "Record owners for every credential in the service catalogue",
    ),
}
GAPS_TESTING = (
    "No test exercised the failing path with production-like data.",
    "The integration tests mock {dep}, which never fails in the mock.",
    "Load tests stop at twice the normal peak; this incident was three times.",
)
GAPS_MONITORING = (
    "The error-rate alert uses a ten-minute window, so it fired late.",
    "Nothing alerted on the metric that moved first: {service} queue depth.",
    "Dashboards showed the problem, but no alert was defined on it.",
)
GAPS_PROCESS = (
    "The change was reviewed by people who do not operate {service}.",
    "Our rollout policy exempts configuration, on the assumption it is low risk.",
    "The runbook was last updated before {service} moved to Kubernetes.",
)
COMM_INTERNAL = (
    "#incidents at {start} UTC plus {ttd} minutes; {team} leads informed by page.",
    "Incident channel opened and the {severity} policy followed for escalation.",
)
COMM_CUSTOMER = (
    "Yes. Status page showed '{service} degraded' until mitigation.",
    "No. The impact was short and confined to retries.",
    "Yes. Affected travellers received an apology email with a voucher.",
)
COMM_PUBLIC = (
    "No public postmortem; the impact did not meet the threshold.",
    "A short public summary was posted on the engineering blog.",
)
DATA_IMPACT = (
    "No data was lost; {users} delayed confirmations were sent after recovery.",
    "A small number of bookings needed manual reconciliation.",
    "No data lost or corrupted.",
)
DATA_LOSS = (
    "Changes made to {percent} bookings during the incident were lost and re-entered by support."
)
REPUTATION = (
    "{percent} support tickets and a handful of social media complaints.",
    "Two partners asked for an incident report.",
    "No measurable reputation impact.",
)
USERS_TEXT = (
    "about {percent}% of travellers in {region}",
    "every traveller signing in during the incident",
    "a few hundred partner API clients",
)
ROLES = ("Engineering Lead", "SRE Lead", "Product Owner", "Incident Commander")
FILES = (
    "src/{mod}/client.py",
    "src/{mod}/config.py",
    "src/{mod}/handlers.py",
    "deploy/{mod}/values.yaml",
    "migrations/0042_{mod}.sql",
)

# --------------------------------------------------------------------------------------------
# A tiny YAML writer for the shapes used here
# --------------------------------------------------------------------------------------------

_PLAIN_SAFE = re.compile(r"^[^\W_][\w ,.'()/%+&-]*[\w.)%]$")
_RESERVED_PLAIN = frozenset({"null", "Null", "NULL", "true", "false", "True", "False", "yes", "no"})


class Raw(str):
    """Written verbatim as a plain scalar: ids, slugs, timestamps, dates, numbers, booleans."""


class Quoted(str):
    """Written double-quoted (JSON string syntax is valid YAML double-quoted syntax)."""


class Folded(str):
    """Written as a folded block scalar (`>-`), wrapped."""


class Flow(list[str]):
    """A list of short scalars written `[a, b, c]`."""


class FlowMap:
    """A small mapping written `{a: 1, b: 2}` (values already Raw or Quoted)."""

    def __init__(self, **items: str) -> None:
        self.items = items


Node = str | Flow | FlowMap | list["Node"] | dict[str, "Node"]


def _scalar(value: str) -> str:
    if isinstance(value, Raw):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def _emit_mapping(mapping: dict[str, Node], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for key, value in mapping.items():
        if isinstance(value, Folded):
            out.append(f"{pad}{key}: >-")
            width = max(40, 98 - indent - 2)
            out.extend(
                textwrap.wrap(
                    str(value),
                    width,
                    initial_indent=pad + "  ",
                    subsequent_indent=pad + "  ",
                    break_on_hyphens=False,
                )
            )
        elif isinstance(value, str):
            out.append(f"{pad}{key}: {_scalar(value)}")
        elif isinstance(value, Flow):
            out.append(f"{pad}{key}: [{', '.join(_scalar(v) for v in value)}]")
        elif isinstance(value, FlowMap):  # pragma: no cover - only used as list items here
            raise TypeError("a flow mapping is only written as a list item here")
        elif isinstance(value, dict):
            out.append(f"{pad}{key}:")
            _emit_mapping(value, indent + 2, out)
        else:
            out.append(f"{pad}{key}:")
            for item in value:
                if isinstance(item, FlowMap):
                    inner = ", ".join(f"{k}: {_scalar(v)}" for k, v in item.items.items())
                    out.append(f"{pad}  - {{{inner}}}")
                elif isinstance(item, dict):
                    start = len(out)
                    _emit_mapping(item, indent + 4, out)
                    out[start] = f"{pad}  - {out[start][indent + 4 :]}"
                elif isinstance(item, str):
                    out.append(f"{pad}  - {_scalar(item)}")
                else:  # pragma: no cover - not produced by this generator
                    raise TypeError(f"unsupported list item: {item!r}")


def render_yaml(mapping: dict[str, Node]) -> str:
    out: list[str] = []
    _emit_mapping(mapping, 0, out)
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------
# One postmortem
# --------------------------------------------------------------------------------------------

EPOCH_START = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
EPOCH_DAYS = 3 * 365 + 181  # up to mid 2026


def _camel(slug: str) -> str:
    return "".join(part.capitalize() for part in slug.split("-"))


def _minutes(rng: random.Random, median: float, sigma: float, low: int, high: int) -> int:
    return max(low, min(high, round(rng.lognormvariate(math.log(median), sigma))))


def _stamp(moment: dt.datetime, zulu: bool) -> Raw:
    text = moment.isoformat()
    if zulu and text.endswith("+00:00"):
        text = text[:-6] + "Z"
    return Raw(text)


@dataclass
class _Block:
    """A growable part of the body: a paragraph or a numbered list of sentences."""

    heading: str | None
    kind: str  # "para" | "list" | "fixed"
    pool: list[str]
    minimum: int
    maximum: int
    items: list[str] = field(default_factory=list)

    def fill_minimum(self) -> None:
        while len(self.items) < self.minimum and self.pool:
            self.items.append(self.pool.pop(0))

    def can_grow(self) -> bool:
        return bool(self.pool) and len(self.items) < self.maximum

    def render(self) -> str:
        if self.kind != "fixed" and not self.items:
            return ""
        parts: list[str] = []
        if self.heading:
            parts.append(self.heading + "\n")
        if self.kind == "para" and self.items:
            parts.append(textwrap.fill(" ".join(self.items), 99, break_on_hyphens=False) + "\n")
        elif self.kind == "list" and self.items:
            lines = [
                textwrap.fill(
                    item,
                    99,
                    initial_indent=f"{n}. ",
                    subsequent_indent="   ",
                    break_on_hyphens=False,
                )
                for n, item in enumerate(self.items, 1)
            ]
            parts.append("\n".join(lines) + "\n")
        elif self.kind == "fixed":
            parts.extend(self.items)
        return "\n".join(parts)


def _wrap(text: str) -> str:
    return textwrap.fill(text, 99, break_on_hyphens=False)


def _render_body(blocks: list[_Block]) -> str:
    return "\n" + "\n".join(text for text in (block.render() for block in blocks) if text)


class _Writer:
    """Builds one postmortem from a per-file random stream."""

    def __init__(self, rng: random.Random, index: int, width: int, profile: Profile) -> None:
        self.rng = rng
        self.index = index
        self.width = width
        self.profile = profile

    def pick(self, options: Sequence[str]) -> str:
        return options[self.rng.randrange(len(options))]

    def text(self, template: str) -> str:
        """A filled-in sentence, plain when YAML allows it (and the author felt like it)."""
        value = template.format_map(self.ctx)
        plain_ok = _PLAIN_SAFE.match(value) is not None and value not in _RESERVED_PLAIN
        if plain_ok and self.rng.random() < 0.7:
            return Raw(value)
        return Quoted(value)

    def fill(self, template: str) -> str:
        return template.format_map(self.ctx)

    def sample(self, bank: Sequence[str], k: int) -> list[str]:
        return [self.fill(t) for t in self.rng.sample(list(bank), min(k, len(bank)))]

    def build(self) -> tuple[str, str]:
        """-> (relative path, file text)."""
        rng = self.rng
        severity = rng.choices([s[0] for s in SEVERITIES], weights=SEVERITY_WEIGHTS)[0]
        status = rng.choices(["published", "in-review", "draft"], weights=[70, 22, 8])[0]
        draft = status == "draft"
        hotfix = rng.random() < 0.2

        service_names = list(SERVICES)
        services = rng.sample(service_names, rng.choices([1, 2, 3], weights=[55, 30, 15])[0])
        teams = list(dict.fromkeys(SERVICES[s][0] for s in services))
        primary = rng.choice(list(SCENARIOS))
        others = [f for f in FACTORS if f != primary]
        factors = [primary, *rng.sample(others, rng.choices([0, 1, 2], weights=[30, 45, 25])[0])]
        people = rng.sample(PEOPLE, 8)
        handles = [p[0] for p in people]

        offset = dt.timezone(dt.timedelta(minutes=rng.choice(OFFSETS_MINUTES)))
        zulu = rng.random() < 0.5
        timeline_utc = rng.random() < 0.2
        hour = rng.choices(range(24), weights=[1] * 7 + [3] * 12 + [2] * 5)[0]
        started_utc = (
            EPOCH_START
            + dt.timedelta(days=rng.randrange(EPOCH_DAYS))
            + dt.timedelta(hours=hour, minutes=rng.randrange(60))
        )
        started = started_utc.astimezone(offset)
        ttd = _minutes(rng, 9, 1.0, 1, 24 * 60)
        ttm = ttd + _minutes(rng, 28, 0.9, 1, 2 * 24 * 60)
        ttr = ttm + _minutes(rng, 70, 1.2, 0, 5 * 24 * 60)
        has_mitigated = rng.random() < 0.88
        has_resolved = not draft or rng.random() < 0.4
        detected = started + dt.timedelta(minutes=ttd)
        mitigated = started + dt.timedelta(minutes=ttm)
        resolved = started + dt.timedelta(minutes=ttr)

        users = round(rng.lognormvariate(math.log(3000), 1.5))
        major = rng.randint(2, 9)
        minor = rng.randint(0, 40)
        patch = rng.randint(0, 9)
        self.ctx: dict[str, object] = {
            "service": services[0],
            "service2": services[1] if len(services) > 1 else rng.choice(service_names),
            "team": teams[0],
            "dep": rng.choice(DEPENDENCIES),
            "region": rng.choice(REGIONS),
            "percent": rng.randint(2, 60),
            "ttd": ttd,
            "ttm": ttm,
            "ttr": ttr,
            "users": f"{users:,}",
            "change": rng.choice(CHANGES),
            "symptom": rng.choice(SYMPTOMS),
            "alert": _camel(services[0]) + rng.choice(["High5xxRate", "LatencyP99", "ErrorBudget"]),
            "responder": people[1][1],
            "commander": people[2][1],
            "start": started_utc.strftime("%H:%M"),
            "version": f"v{major}.{minor}.{patch}",
            "severity": severity,
            "tag": f"v{major}.{minor}.{patch + 1}",
            "parent": f"v{major}.{minor}.{patch}",
        }
        scenario = SCENARIOS[primary]
        title = self.fill(self.pick(scenario.titles))
        if title.split(" ")[0] not in SERVICES:  # service names stay lowercase
            title = title[0].upper() + title[1:]
        slug = self.fill(self.pick(scenario.slugs))
        index_text = f"{self.index + 1:0{self.width}d}"
        ident = f"HOTFIX-{index_text}" if hotfix else f"PM-{started.year}-{index_text}"

        fm: dict[str, Node] = {
            "id": Raw(ident),
            "title": self.text(title),
            "severity": Raw(severity),
            "status": Raw(status),
            "date": Raw((started.date() + dt.timedelta(days=rng.randint(1, 6))).isoformat()),
            "authors": Flow([Raw(h) for h in handles[: rng.randint(1, 3)]]),
            "services": Flow([Raw(s) for s in services]),
            "teams": Flow([Raw(t) for t in teams]),
        }
        if rng.random() < 0.8:
            fm["tags"] = Flow([Raw(t) for t in rng.sample(TAGS, rng.randint(1, 4))])
        fm["summary"] = self.text(self.pick(SUMMARY))
        fm["started_at"] = _stamp(started, zulu)
        fm["detected_at"] = _stamp(detected, zulu)
        if has_mitigated:
            fm["mitigated_at"] = _stamp(mitigated, zulu)
        if has_resolved:
            fm["resolved_at"] = _stamp(resolved, zulu)
        fm["impact"] = self.impact(users)
        fm["trigger"] = self.text(self.pick(scenario.triggers))
        if not draft or rng.random() < 0.5:
            fm["contributing_factors"] = Flow([Raw(f) for f in factors])
        gaps: dict[str, Node] = {}
        for name, bank in (
            ("testing", GAPS_TESTING),
            ("monitoring", GAPS_MONITORING),
            ("process", GAPS_PROCESS),
        ):
            if rng.random() < 0.85:
                gaps[name] = self.prose(self.pick(bank))
        if gaps:
            fm["gaps"] = gaps
        fm["timeline"] = self.timeline(
            started,
            detected,
            mitigated if has_mitigated else None,
            resolved if has_resolved else None,
            timeline_utc,
            handles,
        )
        fm["action_items"] = self.action_items(started.date(), handles, teams[0])
        if hotfix:
            fm["hotfix"] = self.hotfix(services[0])
        fm["approvals"] = [
            FlowMap(
                role=Raw(role),
                name=Raw(name),
                approved=Raw("false" if draft else rng.choice(["true", "true", "false"])),
            )
            for role, name in zip(
                rng.sample(ROLES, rng.randint(1, 3)), [p[1] for p in people], strict=False
            )
        ]
        communication: dict[str, Node] = {}
        comm_banks: tuple[tuple[str, tuple[str, ...]], ...] = (
            ("internal", COMM_INTERNAL),
            ("customer", COMM_CUSTOMER),
            ("public", COMM_PUBLIC),
        )
        for name, options in comm_banks:
            if rng.random() < 0.8:
                communication[name] = self.prose(self.pick(options))
        if communication:
            fm["communication"] = communication
        if not draft:
            fm["review"] = {
                "held_on": Raw(
                    (started.date() + dt.timedelta(days=rng.randint(1, 10))).isoformat()
                ),
                "attendees": Flow([Raw(h) for h in handles[: rng.randint(3, 6)]]),
                "documented_by": Raw(handles[0]),
            }
        fm["links"] = self.links(services[0])

        body = self.body(factors, hotfix)
        front = render_yaml(fm)
        text = "---\n" + front + "---\n" + body
        year = started.strftime("%Y")
        name = f"{started.date().isoformat()}-{slug}-{index_text}.md"
        return f"{year}/{name}", text

    # -- front matter parts ------------------------------------------------------------------

    def prose(self, template: str) -> str:
        value = self.fill(template)
        if len(value) > 60 and self.rng.random() < 0.25:
            return Folded(value)
        return self.text(value)

    def impact(self, users: int) -> dict[str, Node]:
        rng = self.rng
        impact: dict[str, Node] = {}
        if rng.random() < 0.8:
            impact["users_affected"] = Raw(str(users))
        else:
            impact["users_affected"] = self.text(self.pick(USERS_TEXT))
        if rng.random() < 0.75:
            revenue = rng.lognormvariate(math.log(8000), 1.4)
            impact["revenue_usd"] = Raw(
                str(round(revenue)) if rng.random() < 0.7 else f"{revenue:.2f}"
            )
        data_loss = rng.random() < 0.05
        impact["data_loss"] = Raw("true" if data_loss else "false")
        if data_loss:
            impact["data_impact"] = self.text(DATA_LOSS)
        elif rng.random() < 0.7:
            impact["data_impact"] = self.text(self.pick(DATA_IMPACT))
        if rng.random() < 0.6:
            impact["reputation"] = self.text(self.pick(REPUTATION))
        impact["customer_facing"] = Raw("true" if rng.random() < 0.75 else "false")
        return impact

    def timeline(
        self,
        started: dt.datetime,
        detected: dt.datetime,
        mitigated: dt.datetime | None,
        resolved: dt.datetime | None,
        utc: bool,
        handles: list[str],
    ) -> list[Node]:
        rng = self.rng
        events: list[tuple[dt.datetime, str]] = [
            (started, self.pick(TIMELINE_START)),
            (detected, self.pick(TIMELINE_DETECT)),
        ]
        end = mitigated or resolved or detected + dt.timedelta(minutes=30)
        if mitigated is not None:
            events.append((mitigated, self.pick(TIMELINE_MITIGATE)))
        if resolved is not None:
            events.append((resolved, self.pick(TIMELINE_RESOLVE)))
        extra = max(0, rng.randint(*self.profile.timeline) - len(events))
        span = max(1, int((end - detected).total_seconds() // 60))
        middle = [
            t for t in TIMELINE_MIDDLE if "VP" not in t or self.ctx["severity"] in ("P0", "P1")
        ]
        for template in rng.sample(middle, min(extra, len(middle))):
            events.append((detected + dt.timedelta(minutes=rng.randint(0, span)), template))
        events.sort(key=lambda e: e[0])
        entries: list[Node] = []
        for moment, template in events:
            entry: dict[str, Node] = {
                "at": _stamp(moment.astimezone(dt.UTC) if utc else moment, True),
                "event": self.text(template),
            }
            if rng.random() < 0.7:
                entry["who"] = Raw(rng.choice(handles[:4] + list(BOTS)))
            entries.append(entry)
        return entries

    def action_items(self, start: dt.date, handles: list[str], team: str) -> list[Node]:
        rng = self.rng
        items: list[Node] = []
        choices = [(kind, template) for kind, bank in ACTIONS.items() for template in bank]
        for kind, template in rng.sample(choices, rng.randint(*self.profile.action_items)):
            status = rng.choices(["open", "in-progress", "done", "wont-do"], [30, 25, 35, 10])[0]
            item: dict[str, Node] = {
                "title": self.text(template),
                "type": Raw(kind),
            }
            if status in ("open", "in-progress") or rng.random() < 0.9:
                item["owner"] = Raw(rng.choice(handles))
            item["due"] = Raw((start + dt.timedelta(days=rng.randint(5, 120))).isoformat())
            item["priority"] = Raw(rng.choices(["high", "medium", "low"], [35, 45, 20])[0])
            item["status"] = Raw(status)
            if rng.random() < 0.7:
                item["ticket"] = Raw(f"{TICKET_PREFIX[team]}-{rng.randint(100, 9999)}")
            if rng.random() < 0.4:
                item["horizon"] = Raw(rng.choice(["immediate", "quarter", "long-term"]))
            items.append(item)
        return items

    def hotfix(self, service: str) -> dict[str, Node]:
        rng = self.rng
        mod = service.replace("-", "_")
        fix = rng.choice(["full", "workaround"])
        block: dict[str, Node] = {
            "tag": Raw(str(self.ctx["tag"])),
            "parent_release": Raw(str(self.ctx["parent"])),
            "fix": Raw(fix),
            "files_modified": [
                Raw(f.format(mod=mod)) for f in rng.sample(FILES, rng.randint(1, 3))
            ],
            "testing": Flow(
                [
                    Raw(t)
                    for t in ("unit", "integration", "manual", "staging", "canary")
                    if rng.random() < 0.6
                ]
                or [Raw("manual")]
            ),
        }
        if rng.random() < 0.6:
            block["waivers"] = [
                {
                    "id": Raw(f"WVR-{rng.randint(10, 999)}"),
                    "type": Raw(rng.choice(["expedited-review", "skip-soak"])),
                    "gates": Flow(
                        [
                            Raw(g)
                            for g in rng.sample(
                                ["soak-test", "load-test", "security-review", "change-freeze"],
                                rng.randint(1, 2),
                            )
                        ]
                    ),
                    "justification": self.text("Bookings were failing and the fix is one line."),
                }
            ]
        if fix == "workaround" or rng.random() < 0.5:
            block["proper_fix"] = {
                "story": Raw(f"{TICKET_PREFIX[SERVICES[service][0]]}-{rng.randint(100, 9999)}"),
                "scheduled": Quoted(
                    f"{rng.randint(2023, 2026)}-Q{rng.randint(1, 4)} sprint {rng.randint(1, 12)}"
                ),
                "description": self.prose(
                    "Replace the workaround in {service} with a tested change to how it calls "
                    "{dep}."
                ),
            }
        return block

    def links(self, service: str) -> dict[str, Node]:
        rng = self.rng
        names = rng.sample(list(LINK_HOSTS), rng.randint(2, 4))
        if "ticket" not in names:
            names.insert(0, "ticket")
        values = {
            "service": service,
            "n": rng.randint(1000, 9999),
            "m": rng.randint(10, 5000),
            "k": rng.randint(10, 5000),
        }
        links: dict[str, Node] = {n: Raw(LINK_HOSTS[n].format_map(values)) for n in names}
        if rng.random() < 0.15:
            links["contact"] = Raw(f"mailto:oncall-{self.ctx['team']}@example.com")
        return links

    # -- body --------------------------------------------------------------------------------

    def body(self, factors: list[str], hotfix: bool) -> str:
        rng = self.rng
        scenario = SCENARIOS[factors[0]]
        why = [self.fill(t) for f in factors for t in FACTOR_WHY[f]]
        immediate = self.fill(self.pick(scenario.triggers))
        blocks = [
            _Block(
                "## Executive Summary",
                "para",
                [self.fill(self.pick(SUMMARY)), *self.sample(EXEC_EXTRA, 6)],
                2,
                5,
            ),
            _Block("## Root Cause Analysis", "fixed", [], 0, 0),
            _Block("### What Happened", "para", [self.fill(t) for t in scenario.happened], 2, 4),
            _Block(
                "### Why It Happened",
                "fixed",
                [],
                0,
                0,
                [_wrap(f"**Immediate cause:** {immediate}") + "\n", "**Contributing factors:**\n"],
            ),
            _Block(None, "list", why, 1, 4),
            _Block("## What Went Well", "list", self.sample(WENT_WELL, 7), 1, 4),
            _Block("## What Didn't Go Well", "list", self.sample(WENT_BADLY, 7), 1, 4),
            _Block("## Where We Got Lucky", "para", self.sample(LUCKY, 5), 1, 3),
            _Block("## Lessons Learned", "fixed", [], 0, 0),
            _Block("### Technical Lessons", "list", self.sample(LESSON_TECH, 5), 1, 3),
            _Block("### Process Lessons", "list", self.sample(LESSON_PROCESS, 4), 1, 3),
            _Block("### Team Lessons", "list", self.sample(LESSON_TEAM, 4), rng.randint(0, 1), 2),
        ]
        if hotfix:
            blocks.append(_Block("## Resolution", "para", self.sample(RESOLUTION, 4), 2, 4))
        blocks.append(_Block("## Blameless Culture Note", "para", self.sample(BLAMELESS, 3), 1, 2))
        for block in blocks:
            if self.profile.lean_body:
                block.minimum = min(block.minimum, 1)
            block.fill_minimum()
        self.blocks = blocks
        return _render_body(blocks)

    def grow_body(self, front_bytes: int, target: int) -> str:
        """Add sentences to random sections until the file reaches `target` bytes, never
        passing the profile's largest size."""
        rng = self.rng
        body = _render_body(self.blocks)
        while front_bytes + len(body.encode()) < target:
            growable = [b for b in self.blocks if b.can_grow()]
            if not growable:
                break
            block = rng.choice(growable)
            block.items.append(block.pool.pop(0))
            candidate = _render_body(self.blocks)
            if front_bytes + len(candidate.encode()) > self.profile.max_bytes:
                block.items.pop()
                block.pool.clear()
                continue
            body = candidate
        return body


def _front_and_body(text: str) -> tuple[str, str]:
    end = text.index("\n---\n", 4)
    return text[: end + 5], text[end + 5 :]


def postmortem(seed: int, index: int, width: int = 4, profile: Profile = LONG) -> tuple[str, str]:
    """The relative path and text of postmortem number `index` (0-based) for `seed`."""
    low, high = profile.min_bytes, profile.max_bytes
    stream = "synth-corpus" if profile is LONG else f"synth-corpus-{profile.name}"
    for attempt in range(MAX_ATTEMPTS):
        rng = random.Random(f"{stream}:{seed}:{index}:{attempt}")
        writer = _Writer(rng, index, width, profile)
        path, text = writer.build()
        front, _ = _front_and_body(text)
        front_bytes = len(front.encode())
        target = rng.randint(low + 100, high - 200)
        body = writer.grow_body(front_bytes, target)
        size = front_bytes + len(body.encode())
        if low <= size <= high:
            return path, front + body
        # Too long or too short: draw this file again from the next stream.
    raise RuntimeError(f"no {profile.name} postmortem of {low}-{high} bytes for index {index}")


def taxonomy_text() -> str:
    lines = [
        "# Taxonomy of a synthetic knowledge base written by scripts/synth_corpus.py.",
        "",
        "severities:            # ordered, most severe first",
    ]
    for key, label, description, sla in SEVERITIES:
        lines += [
            f"  {key}:",
            f"    label: {label}",
            f"    description: {json.dumps(description)}",
            f"    action_item_sla_days: {sla}",
        ]
    lines += ["", "services:"]
    lines += [f"  - {name:<20} # {team}: {what}" for name, (team, what) in SERVICES.items()]
    lines += ["", "teams:"]
    lines += [f"  - {name:<22} # {what}" for name, what in TEAMS.items()]
    lines += ["", "contributing_factors:"]
    for key, (label, description, aliases) in FACTORS.items():
        lines += [
            f"  {key}:",
            f"    label: {label}",
            f"    description: {json.dumps(description)}",
            f"    aliases: [{', '.join(aliases)}]",
        ]
    lines += [
        "",
        "required:",
        "  always: [id, title, severity, status, authors, services, started_at, detected_at]",
        "  unless_draft: [resolved_at, contributing_factors]",
        "  open_action_items: [owner, due]",
    ]
    return "\n".join(lines) + "\n"


def generate(n: int, directory: Path, seed: int = 0, profile: Profile = LONG) -> list[Path]:
    """Write `n` postmortems and `taxonomy.yml` under `directory`; the postmortem paths, in
    the order generated. Deterministic for (`n`, `seed`, `profile`); file i depends only on
    (seed, profile, i)."""
    if n < 0:
        raise ValueError(f"n must be at least 0, got {n}")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / TAXONOMY_FILENAME).write_bytes(taxonomy_text().encode("utf-8"))
    width = max(4, len(str(n)))
    written: list[Path] = []
    for index in range(n):
        relative, text = postmortem(seed, index, width, profile)
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("n", type=int, help="how many postmortems to write")
    parser.add_argument("directory", type=Path, help="where to write them")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        default=LONG.name,
        help="long: 4-6 KiB a postmortem (default); short: 3.5-4.5 KB",
    )
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("N must be at least 0")
    paths = generate(args.n, args.directory, args.seed, PROFILES[args.profile])
    total = sum(p.stat().st_size for p in paths)
    print(
        f"wrote {len(paths)} postmortems ({total / 1024:.0f} KiB) and {TAXONOMY_FILENAME} "
        f"to {args.directory}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
