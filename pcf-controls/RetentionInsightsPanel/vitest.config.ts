import { defineConfig } from "vitest/config";

export default defineConfig({
    test: {
        environment: "jsdom",
        include: ["tests/unit/**/*.test.{ts,tsx}"],
        // One worker: the machine is shared, and the suite is small enough that parallelism buys little.
        pool: "threads",
        poolOptions: { threads: { singleThread: true } },
        reporters: ["default", "junit"],
        outputFile: { junit: process.env.PCF_UNIT_JUNIT ?? "out/test-results/unit.xml" },
    },
    esbuild: { jsx: "transform", jsxFactory: "React.createElement", jsxFragment: "React.Fragment" },
});
