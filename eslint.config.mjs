// ESLint flat config (issue 20 item 3), run by `npm run lint` together with `prettier --check .`.
// Prettier owns layout, so no stylistic rule is enabled here; these rules are about bugs and types.
// TypeScript files are linted with type information (tsconfig.json covers src, test, bench and
// scripts/conformance); the plain JavaScript entry points are linted without it.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Build outputs, caches, vendored data and notebooks (tslab cells live in notebooks/src/*.nb.txt, not linted).
    ignores: [
      'dist/',
      'out/',
      '.cache/',
      'datasets/',
      'notebooks/',
      '**/.ipynb_checkpoints/',
      '.gl/',
      '.whl/',
      '.gpu/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `new (...args: any[]) => Error` is how a test names an error class; every other any needs a reason.
      '@typescript-eslint/no-explicit-any': ['error', { ignoreRestArgs: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          // `const { dropped: _d, ...rest } = x` is how the code removes a key.
          ignoreRestSiblings: true,
        },
      ],
      // `x == null` (null or undefined) is the one loose comparison the code uses on purpose.
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'prefer-const': 'error',
      // The code marks type-only imports (inline `{ type X }` and `import type` both occur); `require()` typed with
      // `typeof import('fs')` is the lazy-require idiom, so annotations stay allowed.
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      // An unawaited promise in the CLI or a test is a lost error (or a test that passes before it ran).
      // node:test's test()/describe()/it() handle their own promise, so calling them bare is fine.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      // Arrays in messages (`got [${x.shape}]`) print as "1,2,3" on purpose.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowArray: true, allowNumber: true, allowBoolean: true, allowNullish: true },
      ],
      // tfjs declares many results as `any` (layer configs, getWeights()[i].read(), ModelArtifacts' JSON, Tensor.arraySync):
      // the no-unsafe-* family flags about a thousand lines that only pass those values on. `no-explicit-any` keeps our
      // own code from adding more `any`; the values tfjs hands us are narrowed where they are used.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Off: on typescript-eslint 8.74 with TS 5.0 its autofix removed assertions tsc needs (`as NodeJS.ErrnoException`
      // in src/sweep/slurm.ts, one in test/notebook/latex.test.ts), so its ~210 findings cannot go through format-all.sh.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // Several public functions are async by contract (same signature as their async siblings, or a callback tfjs awaits).
      '@typescript-eslint/require-await': 'off',
      // Lazy require() keeps optional or heavy dependencies (playwright, danfo, the wasm backend, node builtins in code
      // that also runs in a browser bundle) off the import path of code that does not use them.
      '@typescript-eslint/no-require-imports': 'off',
      // `'probs' | 'logits' | string` is written on purpose: the literals document the known values, string admits layer names.
      '@typescript-eslint/no-redundant-type-constituents': 'off',
    },
  },
  {
    // Plain JavaScript (bin/, scripts/*.js, the Jupyter kernel launcher, test/run.js): CommonJS on Node, no type information.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { globals: { ...globals.node }, sourceType: 'commonjs' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { ...globals.node }, sourceType: 'module' },
  },
);
