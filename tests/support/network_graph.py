"""A made-up but plausible network of 50 pacticipants and 120 integrations, the same each time.

Front ends consume back ends for front ends, which consume domain services, which consume
each other (with a few cycles) and platform services: the shape of a real microservice estate,
for the layout's tests and the network page's screenshot.
"""

from __future__ import annotations

import random

TIERS = {
    "app": ["web-shop", "ios-app", "android-app", "partner-portal", "back-office", "kiosk"],
    "bff": [
        "mobile-bff",
        "web-bff",
        "partner-api-gateway",
        "back-office-bff",
        "kiosk-bff",
        "graphql-gateway",
        "public-api",
        "search-frontend-api",
    ],
    "domain": [
        "orders",
        "payments",
        "customer-profile-service",
        "catalogue",
        "pricing-and-promotions",
        "inventory",
        "shipping",
        "returns",
        "loyalty-points",
        "recommendations",
        "reviews",
        "search",
        "checkout",
        "invoicing",
        "fraud-detection",
        "subscriptions",
        "gift-cards",
        "store-locator",
        "wishlists",
        "customer-support-tickets",
    ],
    "platform": [
        "identity",
        "notifications-email-and-sms",
        "audit-log",
        "feature-flags",
        "currency-exchange-rates",
        "address-validation",
        "document-storage",
        "event-bus-schema-registry",
        "tax-calculation",
        "geo-ip",
        "image-resizer",
        "scheduler",
        "ledger",
        "reporting-warehouse",
        "configuration",
        "rate-limiter",
    ],
}


def network(integrations: int = 120, seed: int = 15) -> tuple[list[str], list[tuple[str, str]]]:
    """Every pacticipant's name, and (consumer, provider) pairs, cycles included."""
    rng = random.Random(seed)
    names = [n for tier in TIERS.values() for n in tier]
    edges: set[tuple[str, str]] = set()
    downstream = {"app": "bff", "bff": "domain", "domain": "domain", "platform": "platform"}
    order = list(TIERS)
    for tier, below in downstream.items():
        for name in TIERS[tier]:
            for provider in rng.sample(TIERS[below], 2):
                if provider != name:
                    edges.add((name, provider))
    while len(edges) < integrations:
        tier = rng.choice(order[:3])
        consumer = rng.choice(TIERS[tier])
        below = order[min(order.index(tier) + rng.choice((0, 1, 1, 2)), len(order) - 1)]
        provider = rng.choice(TIERS[below])
        if provider != consumer:
            edges.add((consumer, provider))
    return names, sorted(edges)[:integrations]
