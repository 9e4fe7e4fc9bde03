import eslintJs from "@eslint/js";
import powerApps from "@microsoft/eslint-plugin-power-apps";
import react from "eslint-plugin-react";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

// Every Power Apps checker rule is an error here (the pac template only warns): the suite fails on any finding.
const powerAppsRules = Object.fromEntries(Object.keys(powerApps.rules).map((rule) => [`@microsoft/power-apps/${rule}`, "error"]));

export default [
    { ignores: ["node_modules/**", "out/**", "**/generated/**"] },
    eslintJs.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ["RetentionInsightsPanel/**/*.{ts,tsx}"],
        plugins: { "@microsoft/power-apps": powerApps, react, "react-hooks": reactHooks },
        languageOptions: { globals: { ...globals.browser, ComponentFramework: "readonly" } },
        settings: { react: { version: "16.14" } },
        rules: {
            ...powerAppsRules,
            ...react.configs.recommended.rules,
            ...reactHooks.configs.recommended.rules,
            "react/prop-types": "off",
            "react/react-in-jsx-scope": "off",
            "@typescript-eslint/consistent-type-imports": "error",
            "no-restricted-globals": ["error", "fetch", "XMLHttpRequest", "localStorage"],
        },
    },
    {
        files: ["tests/**/*.{ts,tsx}", "vitest.config.ts"],
        languageOptions: { globals: { ...globals.node, ...globals.browser } },
    },
    {
        files: ["harness/**/*.js"],
        plugins: { "@microsoft/power-apps": powerApps },
        languageOptions: { sourceType: "script", globals: { ...globals.browser } },
        rules: { ...powerAppsRules },
    },
    {
        files: ["scripts/**/*.mjs", "eslint.config.mjs"],
        languageOptions: { globals: { ...globals.node } },
    },
    {
        // Browser tests run in node but pass callbacks to page.evaluate that run in the page.
        files: ["browser-tests/**/*.mjs"],
        languageOptions: { globals: { ...globals.node, ...globals.browser } },
    },
];
