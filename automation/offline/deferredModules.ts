/**
 * Imported first by the offline engine, before anything loads @pulumi/pulumi. The SDK's index loads
 * its Automation API (which the offline plan never uses: it drives the Pulumi CLI), and its closure
 * serializer loads the TypeScript compiler (used only to serialize functions, which the plan never
 * does): together ~150 modules and a 9 MB file parsed at every start. Each is put in the module cache
 * as a stand-in that loads the real module on first use, so a caller that does use it sees no
 * difference. Only in a process that has not loaded them yet: under ts-node (tests), TypeScript is
 * already there and nothing changes.
 */
import { Module } from "module";
import * as path from "path";

type Loader = (id: string) => unknown;

/** Marks a stand-in in the module cache (the start-up test tells stand-ins from loaded modules by it). */
export const DEFERRED = Symbol.for("vss-fleet.deferredModule");

function defer(filename: string, load: Loader): void {
    if (require.cache[filename]) {
        return;
    }
    let real: object | undefined;
    const target = (): object => {
        if (!real) {
            delete require.cache[filename];
            real = load(filename) as object;
        }
        return real;
    };
    const standIn = new Proxy(
        {},
        {
            // Both are compiled as ES modules: __importStar passes such a module through without enumerating it.
            get: (_, key) => (key === "__esModule" ? true : Reflect.get(target(), key)),
            set: (_, key, value) => Reflect.set(target(), key, value),
            has: (_, key) => Reflect.has(target(), key),
            ownKeys: () => Reflect.ownKeys(target()),
            getOwnPropertyDescriptor: (_, key) => {
                const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
                return descriptor && { ...descriptor, configurable: true };
            },
        },
    );
    const stand = new Module(filename, module);
    stand.filename = filename;
    stand.exports = standIn;
    stand.loaded = true;
    (stand as unknown as Record<symbol, boolean>)[DEFERRED] = true;
    require.cache[filename] = stand;
}

/** Resolved as @pulumi/pulumi resolves them, so the stand-ins sit exactly where its requires look. */
function resolveFromPulumi(request: string): string | undefined {
    try {
        const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
        return require.resolve(request, { paths: [pulumiDir] });
    } catch {
        return undefined; // a layout this does not know: load everything, as without it
    }
}

for (const request of ["@pulumi/pulumi/automation", "typescript"]) {
    const filename = resolveFromPulumi(request);
    if (filename) {
        defer(filename, require);
    }
}
