/** Errors that are the user's to fix: printed as they are (no stack trace), exit code 2. */

export class UserInputError extends Error {
    /** One line per problem, each `file:line:col: key: problem` where there is a file. */
    constructor(readonly problems: readonly string[]) {
        super(problems.join("\n"));
        this.name = "UserInputError";
    }
}
