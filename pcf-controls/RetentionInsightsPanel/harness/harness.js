// Preview harness: hosts the production bundle of the control the way a model-driven form does, with a hand-made
// context whose bound values and webAPI come from the scoring service's local API (same origin, relative URLs).
// The API key travels in the page URL (?code=<key>) and is sent as the x-functions-key header.
(function () {
    "use strict";

    var CONTROL_NAME = "RetentionInsights.RetentionInsightsPanel";
    var REQUEST_TIMEOUT_MS = 15000;
    var STATUS_PROPOSED = 471500000;
    var STATUS_ACCEPTED = 471500001;
    var STATUS_RESOLVED_ALERT = 471500002;
    var query = new URLSearchParams(window.location.search);
    // The key is read once and kept for this tab only; it leaves the address bar (history, screenshots, shared links).
    var apiKey = query.get("code") || window.sessionStorage.getItem("rtn-api-key") || "";
    if (query.has("code")) {
        window.sessionStorage.setItem("rtn-api-key", apiKey);
        query.delete("code");
        var rest = query.toString();
        window.history.replaceState(null, "", window.location.pathname + (rest ? "?" + rest : "") + window.location.hash);
    }
    var registry = {};
    var stringsByLanguage = {};
    // ?noaccess=1 shows the panel as a user whom column security denies the score columns.
    var noAccess = query.get("noaccess") === "1";
    var state = { contacts: [], selectedId: null, language: query.get("lang") === "nl" ? 1043 : 1033, theme: query.get("theme") === "dark" ? "dark" : "light", control: null, context: null };

    // The platform registers controls through this global before any bundle runs.
    window.ComponentFramework = {
        registerControl: function (name, constructor) {
            registry[name] = constructor;
        },
    };

    function api(path, options) {
        var controller = new AbortController();
        var timer = setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS);
        var init = Object.assign({ headers: {} }, options || {}, { signal: controller.signal });
        init.headers = Object.assign({ Accept: "application/json", "x-functions-key": apiKey }, init.headers);
        return fetch("api/" + path, init)
            .then(function (response) {
                if (!response.ok) {
                    var error = new Error("HTTP " + response.status + " for api/" + path.split("?")[0]);
                    error.status = response.status;
                    throw error;
                }
                return response.json();
            })
            .finally(function () { clearTimeout(timer); });
    }

    function loadStrings(lcid) {
        if (stringsByLanguage[lcid]) return Promise.resolve(stringsByLanguage[lcid]);
        return fetch("strings/RetentionInsightsPanel." + lcid + ".xml")
            .then(function (r) {
                if (!r.ok) throw new Error("HTTP " + r.status + " for the " + lcid + " resources");
                return r.text();
            })
            .then(function (xml) {
                var doc = new DOMParser().parseFromString(xml, "application/xml");
                var map = {};
                Array.prototype.forEach.call(doc.getElementsByTagName("data"), function (node) {
                    var value = node.getElementsByTagName("value")[0];
                    map[node.getAttribute("name")] = value ? value.textContent : "";
                });
                stringsByLanguage[lcid] = map;
                return map;
            });
    }

    function loadScript(src) {
        return new Promise(function (resolve, reject) {
            var script = document.createElement("script");
            script.src = src;
            script.onload = resolve;
            script.onerror = function () { reject(new Error("Could not load " + src)); };
            document.body.appendChild(script);
        });
    }

    function locale() { return state.language === 1043 ? "nl-NL" : "en-GB"; }

    function currencySymbol(code) {
        try {
            var parts = new Intl.NumberFormat(locale(), { style: "currency", currency: code || "EUR" }).formatToParts(0);
            var symbol = parts.filter(function (p) { return p.type === "currency"; })[0];
            return symbol ? symbol.value : code;
        } catch {
            return code || "";
        }
    }

    function makeFormatting() {
        return {
            formatCurrency: function (value, precision, symbol) {
                var p = precision === undefined ? 2 : precision;
                var number = new Intl.NumberFormat(locale(), { minimumFractionDigits: p, maximumFractionDigits: p }).format(Math.abs(value));
                return (value < 0 ? "-" : "") + (symbol || "") + (state.language === 1043 ? " " : "") + number;
            },
            formatDecimal: function (value, precision) {
                var p = precision === undefined ? 2 : precision;
                return new Intl.NumberFormat(locale(), { minimumFractionDigits: p, maximumFractionDigits: p }).format(value);
            },
            formatDateShort: function (value, includeTime) {
                var options = includeTime ? { dateStyle: "short", timeStyle: "short" } : { dateStyle: "short" };
                return new Intl.DateTimeFormat(locale(), options).format(value);
            },
        };
    }

    function contactIdFrom(options) {
        var match = /_rtn_contactid_value eq ([0-9a-fA-F-]{36})/.exec(options || "");
        if (!match) throw new Error("The harness only answers queries filtered on one contact");
        return match[1];
    }

    // The Web API always returns UTC with a "Z"; a service serialising DateTime without a zone means UTC as well.
    function utcText(value) {
        if (typeof value !== "string") return value;
        return /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value) ? value + "Z" : value;
    }

    function offerRow(offer) {
        return {
            rtn_offerrecommendationid: offer.recommendationId,
            rtn_rank: offer.rank,
            rtn_acceptanceprobability: offer.acceptanceProbability,
            rtn_expectedvalue: offer.expectedValue,
            rtn_reason: offer.reason,
            rtn_talkingpoint: offer.talkingPoint || null,
            rtn_churnreduction: offer.churnReduction === undefined ? null : offer.churnReduction,
            rtn_respondedon: utcText(offer.respondedOn || null),
            rtn_channel: offer.channel === undefined ? null : offer.channel,
            rtn_status: offer.status,
            _rtn_offerid_value: offer.offerId,
            rtn_offerid: { rtn_offerid: offer.offerId, rtn_name: offer.name, rtn_offertype: offer.offerType },
        };
    }

    function alertRow(alert) {
        return {
            rtn_retentionalertid: alert.alertId,
            rtn_level: alert.level,
            // rtn_signals as Dataverse stores it: English lines, an em-dash line, Dutch lines.
            rtn_signals: (alert.signals || []).concat(alert.signalsNl && alert.signalsNl.length ? ["\u2014"].concat(alert.signalsNl) : []).join("\n"),
            rtn_sentiment: alert.sentiment,
            rtn_dueby: utcText(alert.dueBy),
            rtn_status: alert.status,
        };
    }

    // Adapts the service's REST routes to the two Web API calls and the one update the control makes.
    function makeWebApi() {
        var lastInsights = {};
        function insights(contactId) {
            return api("customers/" + encodeURIComponent(contactId) + "/insights").then(function (data) {
                lastInsights[contactId] = data;
                return data;
            });
        }
        return {
            retrieveMultipleRecords: function (entityType, options) {
                return Promise.resolve().then(function () {
                    var contactId = contactIdFrom(options);
                    if (entityType === "rtn_offerrecommendation" && / or /.test(options)) {
                        return insights(contactId).then(function (data) {
                            var rows = (data.offers || [])
                                .filter(function (o) { return o.status !== STATUS_PROPOSED && o.respondedOn; })
                                .map(offerRow);
                            return { entities: rows, nextLink: undefined };
                        });
                    }
                    if (entityType === "rtn_offerrecommendation") {
                        return insights(contactId).then(function (data) {
                            var rows = (data.offers || [])
                                .filter(function (o) { return o.status === STATUS_PROPOSED; })
                                .sort(function (a, b) { return a.rank - b.rank; })
                                .slice(0, 3)
                                .map(offerRow);
                            return { entities: rows, nextLink: undefined };
                        });
                    }
                    if (entityType === "rtn_retentionalert") {
                        return insights(contactId).then(function (data) {
                            var open = data.alert && data.alert.status !== STATUS_RESOLVED_ALERT ? [alertRow(data.alert)] : [];
                            return { entities: open, nextLink: undefined };
                        });
                    }
                    throw new Error("The harness does not serve " + entityType);
                });
            },
            updateRecord: function (entityType, id, data) {
                return Promise.resolve().then(function () {
                    if (entityType === "rtn_retentionalert") {
                        // The service has no alert route: the preview keeps the change on the page (window.__harnessAlertUpdates).
                        (window.__harnessAlertUpdates = window.__harnessAlertUpdates || []).push({ id: id, data: data });
                        return { id: id, entityType: entityType };
                    }
                    if (entityType !== "rtn_offerrecommendation") throw new Error("The harness does not update " + entityType);
                    var contactId = state.selectedId;
                    var offer = ((lastInsights[contactId] || {}).offers || []).filter(function (o) { return o.recommendationId === id; })[0];
                    if (!offer) throw new Error("Unknown recommendation " + id);
                    var body = { response: data.rtn_status === STATUS_ACCEPTED ? "accepted" : "declined", channel: "phone" };
                    return api("customers/" + encodeURIComponent(contactId) + "/offers/" + encodeURIComponent(offer.offerId) + "/response", {
                        method: "POST",
                        headers: { "Content-Type": "application/json" },
                        body: JSON.stringify(body),
                    }).then(function () {
                        return { id: id, entityType: entityType };
                    });
                });
            },
            // The contact row: the insights fields the bound properties do not carry, under their column names.
            retrieveRecord: function (entityType, id) {
                if (entityType !== "contact") return Promise.reject(new Error("The harness does not read " + entityType));
                return insights(id.replace(/[{}]/g, "")).then(function (data) {
                    return noAccess ? {} : {
                        contactid: data.contactId,
                        rtn_churnreasondetails: data.churnReasonDetails || null,
                        rtn_valuesegment: data.valueSegment === undefined ? null : data.valueSegment,
                        rtn_retentiongroup: data.retentionGroup === undefined ? null : data.retentionGroup,
                        rtn_upliftsegment: data.upliftSegment === undefined ? null : data.upliftSegment,
                    };
                });
            },
            createRecord: function () { return Promise.reject(new Error("Not used by the control")); },
            deleteRecord: function () { return Promise.reject(new Error("Not used by the control")); },
        };
    }

    function property(raw, type) {
        if (noAccess) return { raw: null, formatted: "", type: type, attributes: {}, security: { readable: false, editable: false, secured: true } };
        return { raw: raw === undefined ? null : raw, formatted: raw === null || raw === undefined ? "" : String(raw), type: type, attributes: {}, security: { readable: true, editable: false, secured: true } };
    }

    function makeContext(insights) {
        var fluent = window.FluentUIReactv940;
        var theme = state.theme === "dark" ? fluent.webDarkTheme : fluent.webLightTheme;
        var strings = stringsByLanguage[state.language] || {};
        return {
            parameters: {
                rtn_churnprobability: property(insights.churnProbability, "Decimal"),
                rtn_previouschurnprobability: property(insights.previousChurnProbability, "Decimal"),
                rtn_churnriskband: property(insights.riskBand, "OptionSet"),
                rtn_clv12m: property(insights.clv12m, "Currency"),
                rtn_clv36m: property(insights.clv36m, "Currency"),
                rtn_palive: property(insights.pAlive, "Decimal"),
                rtn_churnreasons: property((insights.reasons || []).join("\n") || null, "Multiple"),
                rtn_earlywarninglevel: property(insights.earlyWarningLevel, "OptionSet"),
                rtn_scoredon: property(insights.scoredOn ? new Date(utcText(insights.scoredOn)) : null, "DateAndTime.DateAndTime"),
                rtn_modelversion: property(insights.modelVersion, "SingleLine.Text"),
                rtn_profilingoptout: property(insights.profilingOptOut === true, "TwoOptions"),
            },
            mode: {
                isControlDisabled: false,
                isVisible: true,
                label: "Retention",
                allocatedWidth: -1,
                allocatedHeight: -1,
                contextInfo: { entityId: insights.contactId, entityTypeName: "contact", entityRecordName: insights.fullName },
                trackContainerResize: function () {},
                setControlState: function () { return true; },
                setFullScreen: function () {},
            },
            client: { getClient: function () { return "Web"; }, getFormFactor: function () { return 1; }, isOffline: function () { return false; }, disableScroll: false },
            userSettings: {
                languageId: state.language,
                isRTL: false,
                userId: "{00000000-0000-0000-0000-000000000001}",
                userName: "Preview agent",
                numberFormattingInfo: { currencySymbol: currencySymbol(insights.currency) },
            },
            resources: {
                getString: function (key) { return strings[key] || key; },
                getResource: function (id, success, failure) { failure(); },
            },
            formatting: makeFormatting(),
            webAPI: state.webApi,
            utils: { getEntityMetadata: function () { return Promise.resolve({}); }, hasEntityPrivilege: function () { return true; } },
            navigation: { openUrl: function () {} },
            factory: { requestRender: function () { renderControl(); } },
            fluentDesignLanguage: { tokenTheme: theme, isDarkTheme: state.theme === "dark" },
        };
    }

    function renderControl() {
        if (!state.control || !state.context) return;
        var started = performance.now();
        window.ReactDOM.render(state.control.updateView(state.context), document.getElementById("control-host"), function () {
            window.__harnessLastRenderMs = performance.now() - started;
        });
    }

    function applyPageTheme() {
        var fluent = window.FluentUIReactv940;
        var theme = state.theme === "dark" ? fluent.webDarkTheme : fluent.webLightTheme;
        var root = document.documentElement.style;
        root.setProperty("--page-bg", theme.colorNeutralBackground3);
        root.setProperty("--page-fg", theme.colorNeutralForeground1);
        root.setProperty("--card-bg", theme.colorNeutralBackground1);
        root.setProperty("--hover-bg", theme.colorNeutralBackground1Hover);
        root.setProperty("--accent", theme.colorBrandStroke1);
        root.setProperty("--bar-bg", theme.colorBrandBackground);
        root.setProperty("--bar-fg", theme.colorNeutralForegroundOnBrand);
        document.documentElement.lang = state.language === 1043 ? "nl" : "en";
    }

    function formatPercent(value) {
        return value === null || value === undefined ? "–" : Math.round(value * 100) + "%";
    }

    function renderContactList() {
        var list = document.getElementById("contact-list");
        list.textContent = "";
        state.contacts.forEach(function (contact) {
            var item = document.createElement("li");
            var button = document.createElement("button");
            button.type = "button";
            button.dataset.contactId = contact.contactId;
            button.setAttribute("aria-current", contact.contactId === state.selectedId ? "true" : "false");
            var name = document.createElement("span");
            name.textContent = contact.fullName;
            var pct = document.createElement("span");
            pct.className = "pct";
            pct.textContent = formatPercent(contact.churnProbability);
            button.appendChild(name);
            button.appendChild(pct);
            button.addEventListener("click", function () { selectContact(contact.contactId); });
            item.appendChild(button);
            list.appendChild(item);
        });
    }

    function selectContact(contactId) {
        state.selectedId = contactId;
        if (window.location.hash !== "#" + contactId) window.history.replaceState(null, "", "#" + contactId);
        renderContactList();
        var status = document.getElementById("form-status");
        status.textContent = "";
        var started = performance.now();
        return api("customers/" + encodeURIComponent(contactId) + "/insights")
            .then(function (insights) {
                document.getElementById("contact-name").textContent = insights.fullName;
                var host = document.getElementById("control-host");
                if (state.control) {
                    window.ReactDOM.unmountComponentAtNode(host);
                    state.control.destroy();
                }
                var Control = registry[CONTROL_NAME];
                state.control = new Control();
                state.context = makeContext(insights);
                state.control.init(state.context, function () {}, {}, host);
                renderControl();
                window.__harnessSelectStartedAt = started;
            })
            .catch(function (error) {
                status.textContent = "Could not load the contact: " + error.message + (error.status === 401 ? " (add ?code=<api key> to the URL)" : "");
            });
    }

    function rerenderWithSettings() {
        applyPageTheme();
        if (state.control && state.context) {
            var entityId = state.context.mode.contextInfo.entityId;
            loadStrings(state.language).then(function () { selectContact(entityId); });
        }
    }

    function start() {
        var languageSelect = document.getElementById("language");
        var themeSelect = document.getElementById("theme");
        languageSelect.value = String(state.language);
        themeSelect.value = state.theme;
        languageSelect.addEventListener("change", function () { state.language = Number(languageSelect.value); rerenderWithSettings(); });
        themeSelect.addEventListener("change", function () { state.theme = themeSelect.value; rerenderWithSettings(); });
        state.webApi = makeWebApi();
        applyPageTheme();
        Promise.all([loadScript("control/bundle.js"), loadStrings(1033), loadStrings(1043)])
            .then(function () {
                if (!registry[CONTROL_NAME]) throw new Error("control/bundle.js did not register " + CONTROL_NAME);
                return api("customers?top=100");
            })
            .then(function (data) {
                state.contacts = data.customers || [];
                document.getElementById("contacts-status").textContent = state.contacts.length + " contacts";
                renderContactList();
                var wanted = window.location.hash.replace("#", "");
                var first = state.contacts.filter(function (c) { return c.contactId === wanted; })[0] || state.contacts[0];
                if (first) return selectContact(first.contactId);
                return undefined;
            })
            .catch(function (error) {
                document.getElementById("contacts-status").textContent =
                    "Could not load contacts: " + error.message + (error.status === 401 ? " (add ?code=<api key> to the URL)" : "");
            });
    }

    start();
})();
