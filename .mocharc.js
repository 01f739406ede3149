// Mocha's settings. The default spec (every test file) applies only when no test file is named on
// the command line: mocha appends a configured spec to the named ones, so `npx mocha test/one.test.ts`
// would otherwise run the whole suite.
const named = process.argv.slice(2).some((arg) => !arg.startsWith("-") && /\.[cm]?[jt]s$|^test\//.test(arg));

module.exports = {
    require: ["ts-node/register/transpile-only"],
    extension: ["ts"],
    ...(named ? {} : { spec: ["test/**/*.test.ts"] }),
    timeout: 30000,
    exit: true,
    "node-option": ["liftoff-only"],
};
