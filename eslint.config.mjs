// ESLint: Next's rules (core web vitals) and typescript-eslint's recommended set, over the
// project's own code (generated code, build output and fixtures' vendored types left out).
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["lib/generated/**", ".next/**", "node_modules/**", "test-results/**", "playwright-report/**", "tests/.tmp/**", ".data/**", ".cache/**", "next-env.d.ts"] },
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      // Leading underscore marks a value that is deliberately unused (destructuring it away).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    // Tests are not React: `useHarness()` sets up vitest hooks, it is not a React hook.
    files: ["tests/**/*.ts", "bench/**/*.ts", "scripts/**/*.ts", "jobs/**/*.ts"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
);
