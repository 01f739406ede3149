// Mocha's settings. The default spec (every test file) applies only when no test file is named on
// the command line: mocha appends a configured spec to the named ones, so `npx mocha test/one.test.ts`
// would otherwise run the whole suite.
const named = process.argv.slice(2).some((arg) => !arg.startsWith("-") && /\.[cm]?[jt]s$|^test\//.test(arg));
// `npm run test:unit` (VSS_FLEET_TEST_TIER=unit): the inner loop leaves out what needs the Pulumi CLI
// (the engine tier), moto (the emulator tier and the START page's walk) or a packed install.
const unit = process.env.VSS_FLEET_TEST_TIER === "unit";

module.exports = {
    require: ["ts-node/register/transpile-only"],
    extension: ["ts"],
    ...(named ? {} : { spec: ["test/**/*.test.ts"] }),
    ...(unit ? { ignore: ["test/engine/**", "test/emulator/**", "test/package/**", "test/docs/start.test.ts"] } : {}),
    timeout: 30000,
    exit: true,
    "node-option": ["liftoff-only"],
};
