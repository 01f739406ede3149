// The layer rules (issue 13, docs/architecture.md): dependencies point down, and lint refuses an
// import that points up. Kept apart from eslint.config.mjs so test/lint/layers.test.ts can prove, on
// these exact rules, that a deliberately bad import is refused.
//
//   automation/ (CLI, driver, offline engine)   ──▶ stacks/ ──▶ components/ ──▶ core/
//   functions/ (the in-account lifecycle function) ─────────────────────────▶ core/
//   policies/ stands alone (publishable with `pulumi policy publish`); core re-exports its schedule grammar.
//
// no-restricted-imports matches the import string, so a folder is named by the relative path that
// climbs to it: `^(\.\./)+components(/|$)` is "any import that leaves this folder for components/".

const climbsTo = (folders) => `^(\\.\\./)+(${folders.join("|")})(/|$)`;
const restrict = (files, { folders, packages = [], message, extra = [] }) => ({
    files,
    rules: {
        "no-restricted-imports": [
            "error",
            {
                patterns: [
                    ...(folders.length ? [{ regex: climbsTo(folders), message }] : []),
                    ...(packages.length ? [{ group: packages, message }] : []),
                    ...extra,
                ],
            },
        ],
    },
});

const PULUMI_AND_CLI = ["@pulumi/*", "commander", "esbuild", "p-limit"];

export const layers = [
    restrict(["core/**/*.ts"], {
        folders: ["components", "functions", "automation", "stacks", "bench", "test"],
        packages: PULUMI_AND_CLI,
        message:
            "core/ is the bottom layer: it imports no Pulumi, no CLI, and nothing from components/, functions/, automation/ or stacks/.",
        // The one thing core takes from policies/: the SSM schedule grammar, which must live in the
        // self-contained pack; anything else from policies/ is refused.
        extra: [
            {
                regex: "^(\\.\\./)+policies/(?!lib/ssmSchedule$)",
                message: "core/ takes only the schedule grammar (policies/lib/ssmSchedule) from the policy pack.",
            },
        ],
    }),
    restrict(["functions/**/*.ts"], {
        folders: ["components", "automation", "stacks", "policies", "bench", "test"],
        packages: PULUMI_AND_CLI,
        message:
            "functions/ runs in Lambda on core/ alone: it imports no Pulumi, no CLI, and nothing from components/, automation/ or stacks/.",
    }),
    restrict(["components/**/*.ts"], {
        folders: ["functions", "automation", "stacks", "bench", "test"],
        packages: ["commander", "p-limit"],
        message: "components/ sit on core/: they import nothing from functions/ (bundle it by path), automation/ or stacks/.",
    }),
    restrict(["stacks/**/*.ts"], {
        folders: ["automation", "functions", "bench", "test"],
        packages: ["commander", "p-limit"],
        message: "stacks/ is the Pulumi program: it imports components/ and core/, never the CLI or the function.",
    }),
    restrict(["policies/*.ts"], {
        folders: [],
        message: "policies/ is self-contained (published on its own): it imports nothing outside policies/.",
        extra: [
            { regex: "^\\.\\./", message: "policies/ is self-contained (published on its own): it imports nothing outside policies/." },
        ],
    }),
    restrict(["policies/*/**/*.ts"], {
        folders: [],
        message: "policies/ is self-contained (published on its own): it imports nothing outside policies/.",
        extra: [
            {
                regex: "^\\.\\./\\.\\./",
                message: "policies/ is self-contained (published on its own): it imports nothing outside policies/.",
            },
        ],
    }),
    restrict(["automation/**/*.ts"], {
        folders: ["bench", "test"],
        message: "automation/ is shipped code: it imports nothing from test/ or bench/.",
    }),
];
