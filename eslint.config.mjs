// ESLint flat config: type-aware typescript-eslint rules plus Pulumi's two template-literal rules.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
  { ignores: ["node_modules/**", "bin/**", "coverage/**", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@pulumi": pulumi },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "off",
    },
  },
  {
    // The plan's launcher and the stand-in pulumi CLI are plain CommonJS (they run without a TypeScript
    // step): lint them without types.
    files: ["**/*.cjs", "tests/fixtures/fake-pulumi/**/*.js"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      sourceType: "commonjs",
      parserOptions: { projectService: false, project: false },
      globals: {
        require: "readonly",
        module: "writable",
        process: "readonly",
        __dirname: "readonly",
        console: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        performance: "readonly",
      },
    },
    rules: {
      ...tseslint.configs.disableTypeChecked.rules,
      "@typescript-eslint/no-require-imports": "off",
      "@pulumi/no-output-in-template-literal": "off",
      "@pulumi/no-output-instance-in-template-literal": "off",
    },
  },
  {
    // stacks/ composes an environment from config: each function fits on a screen (issue 12).
    files: ["stacks/**/*.ts"],
    rules: { "max-lines-per-function": ["error", { max: 60, skipBlankLines: true, skipComments: true }] },
  },
  {
    // Resources are created for their side effects (`new gcp.x.Y(...)`): that is Pulumi's idiom.
    files: ["components/**/*.ts", "stacks/**/*.ts", "index.ts"],
    rules: { "no-new": "off" },
  },
);
