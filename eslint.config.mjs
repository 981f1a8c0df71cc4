// ESLint (flat config) for lib/, test/ and bench/: typescript-eslint's type-checked rules,
// which catch real bugs (floating and misused promises, unsafe `any`, awaiting non-promises),
// less the few below that only restate a style. Formatting is Prettier's job
// (.prettierrc.json), not ESLint's. `npm run lint`.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'dist-bench/', 'build/', 'build-gyp/', 'build-asan/', 'prebuilds/', 'node_modules/', 'native/', 'test/package/'] },
  {
    files: ['lib/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    // Stale disable comments (e.g. of the former rule no-var-requires) are reported, not fatal.
    linterOptions: { reportUnusedDisableDirectives: 'warn' },
    rules: {
      // A promise nobody awaits loses its rejection (an unhandled rejection ends Node).
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A switch over a union that misses a member (e.g. a new architecture or unit kind).
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // An assertion the types already give only hides the place where they stop giving it
      // (tsconfig's noUncheckedIndexedAccess makes `a[i]!` needed where it is written).
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      // require() is used on purpose: the native binary (a path found at run time), optional
      // packages loaded on first use (vega), package.json (outside lib/, the build's rootDir).
      '@typescript-eslint/no-require-imports': 'off',
      // Style only: `Difficulty | string` documents the accepted names, `async` without await is harmless.
      '@typescript-eslint/no-redundant-type-constituents': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Command-line values (strings from parseArgs, typed unknown) are stringified for messages and parsing.
    files: ['lib/cli/**/*.ts', 'lib/scaleout/cli.ts'],
    rules: { '@typescript-eslint/no-base-to-string': 'off' },
  },
  {
    // Tests poke at untyped data on purpose (edited JSON headers, fuzzed values).
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
