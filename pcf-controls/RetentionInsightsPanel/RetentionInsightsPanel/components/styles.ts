import { makeStyles, tokens } from "@fluentui/react-components";

// Fluent tokens only, so the panel follows the form's theme (light, dark, high contrast).
export const usePanelStyles = makeStyles({
    root: {
        display: "flex",
        flexDirection: "column",
        rowGap: tokens.spacingVerticalM,
        minWidth: "280px",
        boxSizing: "border-box",
        padding: tokens.spacingVerticalS,
        color: tokens.colorNeutralForeground1,
        backgroundColor: tokens.colorNeutralBackground1,
        fontFamily: tokens.fontFamilyBase,
    },
    summaryGrid: {
        display: "grid",
        gridTemplateColumns: "repeat(auto-fit, minmax(240px, 1fr))",
        gap: tokens.spacingHorizontalM,
    },
    offerGrid: {
        display: "grid",
        gridTemplateColumns: "repeat(auto-fit, minmax(240px, 1fr))",
        gap: tokens.spacingHorizontalM,
        listStyleType: "none",
        margin: 0,
        padding: 0,
    },
    section: {
        display: "flex",
        flexDirection: "column",
        rowGap: tokens.spacingVerticalS,
    },
    heading: {
        margin: 0,
        fontSize: tokens.fontSizeBase400,
        lineHeight: tokens.lineHeightBase400,
        fontWeight: tokens.fontWeightSemibold,
    },
    riskRow: {
        display: "flex",
        flexWrap: "wrap",
        alignItems: "baseline",
        columnGap: tokens.spacingHorizontalS,
    },
    bigNumber: {
        fontSize: tokens.fontSizeHero800,
        lineHeight: tokens.lineHeightHero800,
        fontWeight: tokens.fontWeightSemibold,
    },
    muted: {
        color: tokens.colorNeutralForeground2,
    },
    trendUp: {
        color: tokens.colorPaletteRedForeground1,
    },
    trendDown: {
        color: tokens.colorPaletteGreenForeground1,
    },
    valueList: {
        display: "grid",
        gridTemplateColumns: "auto 1fr",
        columnGap: tokens.spacingHorizontalM,
        rowGap: tokens.spacingVerticalXS,
        margin: 0,
    },
    valueTerm: {
        color: tokens.colorNeutralForeground2,
    },
    valueData: {
        margin: 0,
        fontWeight: tokens.fontWeightSemibold,
        textAlign: "end",
    },
    reasons: {
        margin: 0,
        paddingInlineStart: tokens.spacingHorizontalL,
        display: "flex",
        flexDirection: "column",
        rowGap: tokens.spacingVerticalXS,
    },
    offerCard: {
        height: "100%",
    },
    offerFacts: {
        display: "flex",
        flexWrap: "wrap",
        columnGap: tokens.spacingHorizontalL,
        rowGap: tokens.spacingVerticalXS,
    },
    offerActions: {
        display: "flex",
        flexWrap: "wrap",
        gap: tokens.spacingHorizontalS,
        marginTop: "auto",
    },
    footer: {
        display: "flex",
        flexWrap: "wrap",
        columnGap: tokens.spacingHorizontalL,
        color: tokens.colorNeutralForeground2,
        fontSize: tokens.fontSizeBase200,
    },
    errorText: {
        color: tokens.colorPaletteRedForeground1,
    },
    statusHolder: {
        outlineOffset: "2px",
    },
    visuallyHidden: {
        position: "absolute",
        width: "1px",
        height: "1px",
        overflow: "hidden",
        clip: "rect(0 0 0 0)",
        whiteSpace: "nowrap",
    },
    pastList: {
        margin: 0,
        paddingInlineStart: tokens.spacingHorizontalL,
        color: tokens.colorNeutralForeground2,
    },
    alertActions: {
        display: "flex",
        flexWrap: "wrap",
        gap: tokens.spacingHorizontalS,
        marginTop: tokens.spacingVerticalS,
    },
    overdue: {
        color: tokens.colorPaletteRedForeground1,
        fontWeight: tokens.fontWeightSemibold,
    },
    signals: {
        margin: 0,
        paddingInlineStart: tokens.spacingHorizontalL,
    },
});
