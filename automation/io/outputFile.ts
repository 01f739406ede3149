/**
 * A file a command writes its result to (--json-file): checked before any work starts, without
 * opening it (so a run that fails early leaves it as it was), and refused when it is one of the
 * command's own inputs, which writing the result would destroy.
 */
import * as fs from "fs";
import * as path from "path";
import { UserInputError } from "../errors";
import { errnoText } from "./errno";

function sameFile(a: fs.Stats | undefined, b: fs.Stats | undefined): boolean {
    return a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;
}

const statOf = (file: string): fs.Stats | undefined => {
    try {
        return fs.statSync(file);
    } catch {
        return undefined;
    }
};

/** Throws one line when `file` cannot take the output: an input, a folder, or in a folder we cannot write. */
export function checkOutputFile(file: string, flag: string, inputs: readonly { file: string; what: string }[]): void {
    const target = statOf(file);
    for (const input of inputs) {
        if (path.resolve(input.file) === path.resolve(file) || sameFile(target, statOf(input.file))) {
            throw new UserInputError([`${flag} ${file}: is ${input.what}, an input of this run; write the output to another file`]);
        }
    }
    if (target?.isDirectory()) {
        throw new UserInputError([`${flag} ${file}: is a folder; name a file`]);
    }
    const folder = path.dirname(path.resolve(file));
    try {
        if (!fs.statSync(folder).isDirectory()) {
            throw Object.assign(new Error("not a folder"), { code: "ENOTDIR" });
        }
        fs.accessSync(folder, fs.constants.W_OK);
    } catch (error) {
        throw new UserInputError([`${flag} ${file}: cannot write in ${path.dirname(file)} (${errnoText(error)})`]);
    }
}
