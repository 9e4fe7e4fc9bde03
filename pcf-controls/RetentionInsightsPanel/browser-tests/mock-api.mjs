// Test-only stand-in for the scoring service's local API (the three routes the harness uses), with data shaped like
// the service's answers for a Dutch energy supplier. Dates are relative to "now" so the staleness rule is exercised.
const DAY = 24 * 60 * 60 * 1000;
const iso = (msFromNow) => new Date(Date.now() + msFromNow).toISOString().replace(/\.\d{3}Z$/, "Z");

export const API_KEY = "local-test-key";

export const ids = {
    highRisk: "6f1c2a40-8d1e-4f63-9a51-0c2b7d4e1a01",
    lowRisk: "6f1c2a40-8d1e-4f63-9a51-0c2b7d4e1a02",
    notScored: "6f1c2a40-8d1e-4f63-9a51-0c2b7d4e1a03",
    optOut: "6f1c2a40-8d1e-4f63-9a51-0c2b7d4e1a04",
    stale: "6f1c2a40-8d1e-4f63-9a51-0c2b7d4e1a05",
    critical: "6f1c2a40-8d1e-4f63-9a51-0c2b7d4e1a06",
    controlGroup: "6f1c2a40-8d1e-4f63-9a51-0c2b7d4e1a07",
};

// rtn_churnreasondetails as the engine writes it: horizon, base rate, band cut points, reason codes with parameters.
const details = (reasons, extra = {}) => JSON.stringify({ v: 1, h: 90, b: 0.08, bands: [0.05, 0.12, 0.25], ...extra, r: reasons });

const offer = (n, contactNo, { offerNo, ...fields }) => ({
    recommendationId: `a0c3e5f7-0000-4000-8000-00000000${contactNo}${n}00`,
    offerId: `b1d4f6a8-0000-4000-8000-00000000000${offerNo}`,
    status: 471500000,
    ...fields,
});

function unscored(contactId, fullName, profilingOptOut) {
    return {
        contactId, fullName, profilingOptOut, scored: false,
        churnProbability: null, previousChurnProbability: null, riskBand: null, clv12m: null, clv36m: null, pAlive: null,
        valueSegment: null, currency: "EUR", reasons: [], earlyWarningLevel: null, scoredOn: null, modelVersion: null,
        offers: [], alert: null,
    };
}

export function createFixtures() {
    const insights = {
        [ids.highRisk]: {
            contactId: ids.highRisk, fullName: "Sanne de Vries", profilingOptOut: false, scored: true,
            churnProbability: 0.7342, previousChurnProbability: 0.6118, riskBand: 471500002,
            clv12m: 1240.5, clv36m: 3180.25, pAlive: 0.82, valueSegment: 471500002, currency: "EUR",
            reasons: [
                "Contract ends in 26 days",
                "1 complaint in the last 30 days",
                "Paid late 3 times this year",
            ],
            churnReasonDetails: details([
                { c: "contract_ending", p: { days: 26 } },
                { c: "complaints", p: { count: 1, days: 30 } },
                { c: "late_payments", p: { count: 3 } },
            ]),
            earlyWarningLevel: 471500003, scoredOn: iso(-2 * DAY), modelVersion: "churn-lgbm-2026.11.16",
            offers: [
                offer(2, 1, { offerNo: 3, name: "Fixed price 3 years", offerType: 471500002, rank: 2, acceptanceProbability: 0.31, expectedValue: 214.4, reason: "The contract ends in 26 days: the moment to offer a new term", talkingPoint: '{"c":"renewal_moment","p":{"days":26}}', churnReduction: 0.09 }),
                offer(1, 1, { offerNo: 1, name: "Loyalty discount 10%", offerType: 471500000, rank: 1, acceptanceProbability: 0.46, expectedValue: 388.9, reason: "A gesture to make up for the recent service problems", talkingPoint: '{"c":"discount_goodwill"}', churnReduction: 0.12 }),
                offer(3, 1, { offerNo: 5, name: "Payment plan", offerType: 471500005, rank: 3, acceptanceProbability: 0.22, expectedValue: 96.0, reason: "Spreads what is owed over smaller instalments, so paying late stops", talkingPoint: '{"c":"payment_plan_spread"}', churnReduction: 0.05 }),
                offer(4, 1, { offerNo: 4, name: "Green upgrade", offerType: 471500003, rank: 1, acceptanceProbability: 0.1, expectedValue: 12, reason: "Greener energy without switching supplier", status: 471500002, respondedOn: iso(-30 * DAY), channel: 471500000 }),
            ],
            alert: {
                alertId: "c2e5a7b9-0000-4000-8000-000000000001", level: 471500003,
                signals: ["The customer's 3 messages in the last 14 days sound very unhappy on average", "Mentions leaving, a repeated problem or escalating in 2 messages", "2 cases opened in the last 14 days"],
                signalsNl: ["De 3 berichten van de klant in de afgelopen 14 dagen klinken gemiddeld erg ontevreden", "Noemt opzeggen, een terugkerend probleem of escaleren in 2 berichten", "2 zaken geopend in de afgelopen 14 dagen"],
                sentiment: -0.62, dueBy: iso(1 * DAY), status: 471500000,
            },
        },
        [ids.lowRisk]: {
            contactId: ids.lowRisk, fullName: "Jan Bakker", profilingOptOut: false, scored: true,
            churnProbability: 0.0812, previousChurnProbability: 0.0904, riskBand: 471500000,
            clv12m: 610, clv36m: 1702.1, pAlive: 0.97, valueSegment: 471500001, currency: "EUR",
            reasons: ["New customer (joined this month)"], earlyWarningLevel: 471500000,
            churnReasonDetails: details([{ c: "short_tenure", p: { months: 0 } }]),
            scoredOn: iso(-1 * DAY), modelVersion: "churn-lgbm-2026.11.16", offers: [], alert: null,
        },
        [ids.notScored]: unscored(ids.notScored, "Fatima El Amrani", false),
        [ids.optOut]: unscored(ids.optOut, "Pieter Jansen", true),
        [ids.stale]: {
            contactId: ids.stale, fullName: "Emma Visser", profilingOptOut: false, scored: true,
            churnProbability: 0.3377, previousChurnProbability: null, riskBand: 471500001,
            clv12m: 455.75, clv36m: 1190, pAlive: 0.9, valueSegment: 471500001, currency: "EUR",
            reasons: ["Usage dropped 35% in the last 14 days"], earlyWarningLevel: 471500001,
            scoredOn: iso(-12 * DAY - 3600 * 1000), modelVersion: "churn-lgbm-2026.11.02",
            offers: [offer(1, 5, { offerNo: 6, name: "Service check-up", offerType: 471500004, rank: 1, acceptanceProbability: 0.27, expectedValue: 61.2, reason: "Usage change may mean a new situation at home" })],
            alert: { alertId: "c2e5a7b9-0000-4000-8000-000000000005", level: 471500001, signals: ["Fewer contacts than usual"], sentiment: null, dueBy: iso(5 * DAY), status: 471500001 },
        },
        [ids.critical]: {
            contactId: ids.critical, fullName: "Lucas Smit", profilingOptOut: false, scored: true,
            churnProbability: 0.9105, previousChurnProbability: 0.9102, riskBand: 471500003,
            clv12m: -35, clv36m: 120, pAlive: 0.41, valueSegment: 471500000, currency: "EUR",
            reasons: ["Cancellation request case opened yesterday"], earlyWarningLevel: 471500002,
            scoredOn: iso(-3 * 3600 * 1000), modelVersion: "churn-lgbm-2026.11.16",
            offers: [offer(1, 6, { offerNo: 2, name: "Loyalty bonus €50", offerType: 471500001, rank: 1, acceptanceProbability: 0.12, expectedValue: 8.5, reason: "Little margin left: a small bonus is the only offer that pays" })],
            alert: { alertId: "c2e5a7b9-0000-4000-8000-000000000006", level: 471500002, signals: ["Cancellation intent in a phone call note"], sentiment: -0.35, dueBy: iso(-1 * DAY), status: 471500000 },
        },
        [ids.controlGroup]: {
            contactId: ids.controlGroup, fullName: "Noor Hendriks", profilingOptOut: false, scored: true,
            churnProbability: 0.42, previousChurnProbability: 0.28, riskBand: 471500003,
            clv12m: 820, clv36m: 2210, pAlive: null, valueSegment: 471500003, currency: "EUR",
            reasons: ["Instalment went up 9 % in the last 3 months"], earlyWarningLevel: 471500000,
            churnReasonDetails: details([{ c: "price_increase", p: { percent: 9 } }]), retentionGroup: 471500001,
            scoredOn: iso(-1 * DAY), modelVersion: "churn-lgbm-2026.11.16",
            offers: [offer(1, 7, { offerNo: 3, name: "Fixed price 3 years", offerType: 471500002, rank: 1, acceptanceProbability: 0.3, expectedValue: 150, reason: "", talkingPoint: '{"c":"fixed_price_after_increase","p":{"percent":9}}', churnReduction: 0.1 })],
            alert: null,
        },
    };
    return insights;
}

/** Handles /api/* requests; returns false when the path is not an API route. */
export function createMockApi() {
    let insights = createFixtures();
    const log = { responses: [], requests: [] };
    let passInsights = 0;
    let failInsights = 0;

    function send(res, status, body) {
        res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" });
        res.end(JSON.stringify(body));
    }

    async function handle(req, res, url) {
        if (url.pathname === "/__mock/reset") {
            insights = createFixtures();
            send(res, 200, { reset: true });
            return true;
        }
        if (url.pathname === "/__mock/fail-insights") {
            passInsights = Number(url.searchParams.get("skip") ?? "0");
            failInsights = Number(url.searchParams.get("count") ?? "0");
            send(res, 200, { passInsights, failInsights });
            return true;
        }
        if (!url.pathname.startsWith("/api/")) return false;
        log.requests.push(`${req.method} ${url.pathname}${url.search}`);
        if (req.headers["x-functions-key"] !== API_KEY) {
            send(res, 401, { error: "missing or wrong x-functions-key" });
            return true;
        }
        if (req.method === "GET" && url.pathname === "/api/customers") {
            const top = Number(url.searchParams.get("top") ?? "100");
            const customers = Object.values(insights)
                .map((c) => ({ contactId: c.contactId, fullName: c.fullName, churnProbability: c.churnProbability, riskBand: c.riskBand }))
                .sort((a, b) => (b.churnProbability ?? -1) - (a.churnProbability ?? -1))
                .slice(0, top);
            send(res, 200, { customers });
            return true;
        }
        let match = /^\/api\/customers\/([0-9a-f-]{36})\/insights$/.exec(url.pathname);
        if (req.method === "GET" && match) {
            const found = insights[match[1]];
            if (!found) return send(res, 404, { error: "unknown contact" }), true;
            if (passInsights > 0) {
                passInsights -= 1;
            } else if (failInsights > 0) {
                failInsights -= 1;
                send(res, 503, { error: "scoring service busy" });
                return true;
            }
            send(res, 200, found);
            return true;
        }
        match = /^\/api\/customers\/([0-9a-f-]{36})\/offers\/([0-9a-f-]{36})\/response$/.exec(url.pathname);
        if (req.method === "POST" && match) {
            const body = JSON.parse(await readBody(req));
            const customer = insights[match[1]];
            const target = customer?.offers.find((o) => o.offerId === match[2] && o.status === 471500000);
            if (!target || !["accepted", "declined"].includes(body.response)) {
                send(res, 400, { error: "no open recommendation for this offer, or bad response" });
                return true;
            }
            target.status = body.response === "accepted" ? 471500001 : 471500002;
            log.responses.push({ contactId: match[1], offerId: match[2], body });
            send(res, 200, { recommendationId: target.recommendationId, status: target.status });
            return true;
        }
        send(res, 404, { error: "no such route" });
        return true;
    }

    return { handle, log };
}

function readBody(req) {
    return new Promise((resolve, reject) => {
        let data = "";
        req.setEncoding("utf8");
        req.on("data", (chunk) => (data += chunk));
        req.on("end", () => resolve(data));
        req.on("error", reject);
    });
}
