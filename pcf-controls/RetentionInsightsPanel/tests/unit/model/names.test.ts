import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
    ChoiceSets,
    CONTROL_CONSTRUCTOR,
    CONTROL_NAMESPACE,
    ContactColumnManifestTypes,
    ContactColumns,
    ContactDetailColumns,
    OfferColumns,
    OfferRecommendationColumns,
    RetentionAlertColumns,
    Tables,
} from "../../../RetentionInsightsPanel/model/names";
import { controlDir, projectDir, readResx } from "../../mocks/resx";

// The single source of truth for names, read from the repository (never copied).
const datamodelPath = join(projectDir, "..", "..", "functions", "RetentionInsights.Data", "Metadata", "datamodel.json");

interface ModelColumn {
    name: string;
    type: string;
    choice?: string;
    targets?: string[];
    custom?: boolean;
}
interface ModelTable {
    logicalName: string;
    columns: ModelColumn[];
}
interface ModelChoice {
    name: string;
    options: { value: number; label: string; labelNl: string }[];
}
const model = JSON.parse(readFileSync(datamodelPath, "utf8")) as { tables: ModelTable[]; choices: ModelChoice[] };
const table = (name: string): ModelTable => {
    const found = model.tables.find((t) => t.logicalName === name);
    if (!found) throw new Error(`datamodel.json has no table ${name}`);
    return found;
};
const column = (tableName: string, name: string): ModelColumn | undefined => table(tableName).columns.find((c) => c.name === name);
const choice = (name: string): ModelChoice => {
    const found = model.choices.find((c) => c.name === name);
    if (!found) throw new Error(`datamodel.json has no choice ${name}`);
    return found;
};

// PCF of-type for each Dataverse column type the control binds.
const manifestTypeOf: Record<string, string> = {
    decimal: "Decimal",
    choice: "OptionSet",
    money: "Currency",
    memo: "Multiple",
    datetime: "DateAndTime.DateAndTime",
    string: "SingleLine.Text",
    bool: "TwoOptions",
};

const manifest = new DOMParser().parseFromString(readFileSync(join(controlDir, "ControlManifest.Input.xml"), "utf8"), "application/xml");
const manifestProperties = Array.from(manifest.getElementsByTagName("property")).map((p) => ({
    name: p.getAttribute("name") ?? "",
    type: p.getAttribute("of-type") ?? "",
    usage: p.getAttribute("usage") ?? "",
    displayKey: p.getAttribute("display-name-key") ?? "",
    descriptionKey: p.getAttribute("description-key") ?? "",
}));

describe("names.ts against datamodel.json", () => {
    it("ContactColumns_EachConstant_IsACustomContactColumnWithMatchingManifestType", () => {
        for (const name of Object.values(ContactColumns)) {
            const modelColumn = column("contact", name);
            expect(modelColumn, `contact.${name} missing in datamodel.json`).toBeDefined();
            expect(modelColumn?.custom, `contact.${name} should be a custom column`).toBe(true);
            expect(ContactColumnManifestTypes[name], `manifest type of ${name}`).toBe(manifestTypeOf[modelColumn?.type ?? ""]);
        }
    });

    it("TableColumns_EachConstant_ExistsOnItsTable", () => {
        const expectations: [string, Record<string, string>][] = [
            [Tables.offerRecommendation, OfferRecommendationColumns],
            [Tables.offer, OfferColumns],
            [Tables.retentionAlert, RetentionAlertColumns],
            [Tables.contact, ContactDetailColumns],
        ];
        for (const [tableName, columns] of expectations) {
            for (const name of Object.values(columns)) {
                expect(column(tableName, name), `${tableName}.${name} missing in datamodel.json`).toBeDefined();
            }
        }
        expect(column(Tables.offerRecommendation, OfferRecommendationColumns.offer)?.targets).toEqual([Tables.offer]);
        expect(column(Tables.offerRecommendation, OfferRecommendationColumns.contact)?.targets).toEqual([Tables.contact]);
        expect(column(Tables.retentionAlert, RetentionAlertColumns.contact)?.targets).toEqual([Tables.contact]);
    });

    it("ChoiceColumns_UsedByTheControl_PointAtTheChoiceSetsItAssumes", () => {
        expect(column("contact", ContactColumns.churnRiskBand)?.choice).toBe("rtn_churnriskband");
        expect(column("contact", ContactColumns.earlyWarningLevel)?.choice).toBe("rtn_earlywarninglevel");
        expect(column(Tables.offerRecommendation, OfferRecommendationColumns.status)?.choice).toBe("rtn_recommendationstatus");
        expect(column(Tables.offerRecommendation, OfferRecommendationColumns.channel)?.choice).toBe("rtn_channel");
        expect(column(Tables.retentionAlert, RetentionAlertColumns.level)?.choice).toBe("rtn_earlywarninglevel");
        expect(column(Tables.retentionAlert, RetentionAlertColumns.status)?.choice).toBe("rtn_alertstatus");
        expect(column(Tables.offer, OfferColumns.offerType)?.choice).toBe("rtn_offertype");
    });

    it("ChoiceSets_EveryValue_MatchesTheDatamodelOptionOfTheSameLabel", () => {
        const normalise = (label: string): string => label.replace(/[^a-z0-9]/gi, "").toLowerCase();
        for (const [choiceName, constants] of Object.entries(ChoiceSets)) {
            const options = choice(choiceName).options;
            const fromModel = Object.fromEntries(options.map((o) => [normalise(o.label), o.value]));
            const fromConstants = Object.fromEntries(Object.entries(constants).map(([key, value]) => [normalise(key), value]));
            expect(fromConstants, `choice ${choiceName}`).toEqual(fromModel);
        }
    });
});

describe("ControlManifest.Input.xml", () => {
    it("Control_NamespaceAndConstructor_MatchConstants", () => {
        const control = manifest.getElementsByTagName("control")[0];
        expect(control.getAttribute("namespace")).toBe(CONTROL_NAMESPACE);
        expect(control.getAttribute("constructor")).toBe(CONTROL_CONSTRUCTOR);
        expect(control.getAttribute("control-type")).toBe("virtual");
    });

    it("Properties_OnePerContactColumn_BoundWithTheDatamodelType", () => {
        expect(manifestProperties.map((p) => p.name).sort()).toEqual(Object.values(ContactColumns).sort());
        for (const property of manifestProperties) {
            expect(property.usage, property.name).toBe("bound");
            expect(property.type, property.name).toBe(ContactColumnManifestTypes[property.name as keyof typeof ContactColumnManifestTypes]);
        }
    });

    it("PlatformLibraries_ReactAndFluent_AreVersionsPcfScriptsAccepts", () => {
        const libraries = Object.fromEntries(Array.from(manifest.getElementsByTagName("platform-library")).map((l) => [l.getAttribute("name"), l.getAttribute("version")]));
        expect(libraries).toEqual({ React: "16.14.0", Fluent: "9.68.0" });
    });

    it("ResourceKeys_OfManifest_ExistInEveryLanguage", () => {
        const control = manifest.getElementsByTagName("control")[0];
        const keys = [control.getAttribute("display-name-key"), control.getAttribute("description-key"), ...manifestProperties.flatMap((p) => [p.displayKey, p.descriptionKey])];
        for (const lcid of [1033, 1043] as const) {
            const strings = readResx(lcid);
            for (const key of keys) {
                expect(strings[key ?? ""], `${key} in ${lcid}`).toBeTruthy();
            }
        }
    });
});

describe("choice labels in the resources", () => {
    it("BandLevelAndOfferTypeLabels_InEnglishAndDutch_MatchDatamodelLabels", () => {
        const en = readResx(1033);
        const nl = readResx(1043);
        const prefixes: [string, string][] = [
            ["Band", "rtn_churnriskband"],
            ["Level", "rtn_earlywarninglevel"],
            ["OfferType", "rtn_offertype"],
            ["Segment", "rtn_valuesegment"],
        ];
        for (const [prefix, choiceName] of prefixes) {
            for (const option of choice(choiceName).options) {
                expect(en[`${prefix}_${option.value}`], `${prefix}_${option.value} (en)`).toBe(option.label);
                expect(nl[`${prefix}_${option.value}`], `${prefix}_${option.value} (nl)`).toBe(option.labelNl);
            }
        }
    });
});
